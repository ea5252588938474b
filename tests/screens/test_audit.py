"""The page audit finds what it is meant to find (so a clean run means something)."""

import pytest

from tests.screens.audit import problems

pytestmark = pytest.mark.browser

BAD = """<!doctype html><html><body style="margin:0">
<p>客户:null</p><p>状态 awaiting_dispatcher</p><p>合计 NaN 元</p><p>[object Object]</p>
<div style="width:80px;white-space:nowrap">一段很长很长很长很长很长的文字放不下</div>
<p>事件 assign</p><p>Please rate the service</p>
<p hidden>null</p><p>sample_text.py https://x.test/a_b</p>
</body></html>"""

GOOD = """<!doctype html><html><body>
<p>WO202612010001 普通维修 · 距离 1.2 km · 按 <kbd>Alt+1</kbd> · 导出 XLSX</p>
<p>调度员周(<span class="verbatim">zhou_01</span>) · 核验(<span class="verbatim">SHA-256</span>)</p>
<p>https://tapline.example/r/abc_def</p>
</body></html>"""


def findings_of(browser, html):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.set_content(html)
    found = problems(page)
    page.close()
    return found


def test_the_audit_names_each_kind_of_fault_and_nothing_else(browser):
    found = "\n".join(findings_of(browser, BAD))
    assert 'shows "null": 客户:null' in found
    assert 'raw key "awaiting_dispatcher"' in found
    assert 'shows "NaN"' in found and 'shows "[object Object]"' in found
    assert "text overflows <div" in found
    assert 'English "assign"' in found and 'English "Please"' in found
    assert "sample_text" not in found and "a_b" not in found
    assert found.count("\n") == 6  # seven findings: the hidden paragraph is not one


def test_numbers_units_keys_names_and_links_pass(browser):
    assert findings_of(browser, GOOD) == []
