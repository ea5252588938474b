"""Spreadsheets people download (CSV and XLSX), with every text cell neutralised against
formula injection: a cell a user typed must never run as a formula in Excel or LibreOffice.

OWASP "CSV Injection": text starting with = + - @ tab, CR or LF is run as a formula by Excel,
LibreOffice and Google Sheets (`=HYPERLINK(...)`, DDE). Every export writes its cells through
`neutralise`, which prefixes such text with a single quote so the spreadsheet shows it as text;
numbers, dates and None pass unchanged. The one module every CSV and XLSX export uses.
"""

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
CSV_MIMETYPE = "text/csv"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value):
    """Text that could start a formula gets a leading apostrophe; other values pass as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_bytes(headers, rows):
    """UTF-8 CSV with a BOM (so Excel reads the Chinese right), every cell neutralised."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in (headers, *rows):
        writer.writerow([neutralise(value) for value in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def workbook(sheets):
    """XLSX bytes from [(title, headers, rows)], one sheet each; text cells stay text."""
    book = Workbook()
    book.remove(book.active)
    for title, headers, rows in sheets:
        sheet = book.create_sheet(title[:31])
        sheet.append(list(headers))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([neutralise(value) for value in row])
        for cell in (c for line in sheet.iter_rows(min_row=2) for c in line):
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text
        for index, header in enumerate(headers, start=1):
            width = max([len(str(header))] + [len(str(r[index - 1] or "")) for r in rows][:500])
            sheet.column_dimensions[sheet.cell(1, index).column_letter].width = min(
                60, width * 2 + 2
            )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
