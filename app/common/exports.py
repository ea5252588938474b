"""Spreadsheets people download (XLSX via openpyxl), with every text cell neutralised against
formula injection: a cell a user typed must never run as a formula in Excel or LibreOffice."""

import io

from openpyxl import Workbook
from openpyxl.styles import Font

# OWASP "CSV injection": text starting with one of these may be read as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value):
    """Text that could start a formula gets a leading apostrophe; other values pass as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


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
