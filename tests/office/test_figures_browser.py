"""The management view in Chromium at 1366x768: figures with definitions, the trend chart
beside its table, the XLSX of every table; an agent is refused the page."""

import io

import openpyxl
import pytest

from tests.browser import screenshot
from tests.desk.kit import token_of
from tests.office.test_figures import data  # noqa: F401  (the hand-computed data set)

pytestmark = pytest.mark.browser


def test_the_general_manager_reads_the_figures_and_exports_them(page_at, make, data):  # noqa: F811
    page = page_at("/office/figures", token=token_of(make, make.user("general_manager")))
    page.wait_for_selector("#figure-filters")
    page.fill("input[name=from]", "2026-11-02")
    page.fill("input[name=to]", "2026-11-08")
    page.click("#figure-filters button[type=submit]")
    received = page.locator("[data-figure='orders.received'] .figure-value")
    page.wait_for_function(
        "document.querySelector(\"[data-figure='orders.received'] .figure-value\")"
        ".textContent.startsWith('6')"
    )
    assert received.inner_text().replace(" ", "") == "6件"
    on_time = page.inner_text("[data-figure='orders.on_time_pct']")
    assert "80" in on_time and "完工时间不晚于时限" in on_time  # the definition is on the page
    assert "张师傅" in page.inner_text("[data-table='technicians']")
    page.wait_for_selector("#trend-chart svg")
    text = page.inner_text("#figures")
    for raw in ("null", "undefined", "NaN"):
        assert raw not in text
    screenshot(page, "office-figures")
    with page.expect_download() as saved:
        page.click("#figures-xlsx")
    book = openpyxl.load_workbook(io.BytesIO(saved.value.path().read_bytes()))
    assert "维修工" in book.sheetnames and book["指标"]["C2"].value == 6


def test_an_agent_is_refused_the_management_view(page_at, make):
    page = page_at("/office/figures", token=token_of(make, make.user("hotline_agent")))
    page.wait_for_selector("#refused:not([hidden])")
    assert "管理指标" not in page.inner_text("#office-nav")
