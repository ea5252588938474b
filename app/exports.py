"""Spreadsheet exports (CSV and XLSX) that never let a cell become a formula.

OWASP "CSV Injection": a cell whose text starts with = + - @ tab or carriage return is run as a
formula by Excel, LibreOffice and Google Sheets (`=HYPERLINK(...)`, DDE). Every cell that can hold
text somebody typed goes through `safe_cell`, which prefixes such text with a single quote so the
spreadsheet shows it as text. Numbers, dates and None pass unchanged. openpyxl writes a string
starting with "=" as a formula, so XLSX writers must call it too (`safe_row` for whole rows).
"""

import csv
import io

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """`value`, with text that a spreadsheet would evaluate turned into plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def safe_row(values):
    return [safe_cell(value) for value in values]


def csv_bytes(header, rows):
    """UTF-8 CSV with a BOM (so Excel reads the Chinese right), every cell neutralised."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(safe_row(header))
    for row in rows:
        writer.writerow(safe_row(row))
    return ("\ufeff" + out.getvalue()).encode("utf-8")
