"""The one spreadsheet-cell neutraliser every CSV and XLSX export uses (audit item 2)."""

import csv
import io

from app.exports import csv_bytes, safe_cell


def test_cells_that_a_spreadsheet_would_evaluate_become_text():
    for text in ("=1+1", "+41", "-2+3", "@SUM(A1)", "\t=1", "\r=1"):
        assert safe_cell(text) == "'" + text
    for value in ("水管漏水", "a=b", "", None, 42, -5, 3.5):
        assert safe_cell(value) == value


def test_csv_bytes_open_in_excel_with_every_cell_neutralised():
    data = csv_bytes(["=标题"], [["=cmd|' /C calc'!A0", 7, "正常"]])
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["'=标题"], ["'=cmd|' /C calc'!A0", "7", "正常"]]
