"""Spreadsheet exports: a complaint's text never runs as a formula (CSV/formula injection).

app/common/exports.py is the one module that writes CSV or XLSX (audit item 2)."""

import csv
import io
from pathlib import Path

import openpyxl

from app.common.exports import csv_bytes, neutralise, workbook
from app.complaints.rules import TZ
from app.database import utcnow


def test_text_that_could_start_a_formula_is_neutralised():
    assert neutralise('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    for start in ("+1", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise(start) == "'" + start
    assert neutralise("水发黄") == "水发黄" and neutralise(42) == 42 and neutralise(None) is None
    for value in ("a=b", "", -5, 3.5):
        assert neutralise(value) == value


def test_a_csv_opens_in_excel_with_every_cell_neutralised():
    data = csv_bytes(["=标题"], [["=cmd|' /C calc'!A0", 7, "正常"], ["\t=1", "-2+3", "@SUM(A1)"]])
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [
        ["'=标题"],
        ["'=cmd|' /C calc'!A0", "7", "正常"],
        ["'\t=1", "'-2+3", "'@SUM(A1)"],
    ]


def test_no_other_module_writes_a_spreadsheet():
    writers = [
        str(path)
        for path in Path("app").rglob("*.py")
        if path != Path("app/common/exports.py")
        and any(
            line.startswith(("import csv", "import openpyxl", "from openpyxl"))
            for line in path.read_text(encoding="utf-8").splitlines()
        )
    ]
    assert writers == [], "write CSV/XLSX through app.common.exports"


def test_a_workbook_keeps_every_text_cell_a_string():
    data = workbook([("表", ("A", "B"), [("=1+1", 3), ("正常", None)])])
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet["A2"].value == "'=1+1" and sheet["A2"].data_type == "s"
    assert sheet["B2"].value == 3 and sheet["A3"].value == "正常"


def test_the_bulletin_as_xlsx_neutralises_the_complaint_text(client, office, file_complaint):
    body = file_complaint(description='=HYPERLINK("http://evil.example","点我")')
    iso = utcnow().astimezone(TZ).isocalendar()
    resp = client.get(
        f"/api/complaints/bulletins/{iso.year}/{iso.week}",
        headers=office.h(office.lead),
        query_string={"format": "xlsx", "department_id": office.department.id},
    )
    assert resp.status_code == 200
    assert resp.mimetype.endswith("spreadsheetml.sheet")
    assert "attachment" in resp.headers["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(resp.data)).active
    row = next(r for r in sheet.iter_rows(min_row=2) if r[3].value == body["number"])
    assert [c.value for c in row[1:3]] == ["水质管理部", "经查属实的投诉"]
    assert row[6].value.startswith("'=HYPERLINK") and row[6].data_type == "s"


def test_the_bulletin_as_csv_neutralises_the_complaint_text(client, office, file_complaint):
    body = file_complaint(description="@SUM(1+1)*cmd|' /C calc'!A0")
    iso = utcnow().astimezone(TZ).isocalendar()
    resp = client.get(
        f"/api/complaints/bulletins/{iso.year}/{iso.week}",
        headers=office.h(office.lead),
        query_string={"format": "csv", "department_id": office.department.id},
    )
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(resp.data.decode("utf-8-sig"))))
    row = next(r for r in rows if r[3] == body["number"])
    assert row[6] == "'@SUM(1+1)*cmd|' /C calc'!A0"


def test_an_unknown_format_is_a_422(client, office):
    resp = client.get(
        "/api/complaints/bulletins/2026/48",
        headers=office.h(office.lead),
        query_string={"format": "pdf"},
    )
    assert resp.status_code == 422 and "format" in resp.json["errors"]
