"""The page audit finds what it is meant to find (so a clean run means something)."""

import pytest

from tests.screens.audit import problems

pytestmark = pytest.mark.browser

BAD = """<!doctype html><html><body style="margin:0">
<p>客户:null</p><p>状态 awaiting_dispatcher</p><p>合计 NaN 元</p><p>[object Object]</p>
<div style="width:80px;white-space:nowrap">一段很长很长很长很长很长的文字放不下</div>
<p hidden>null</p><p>annulled sample_text.py https://x.test/a_b</p>
</body></html>"""


def test_the_audit_names_each_kind_of_fault_and_nothing_else(browser):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.set_content(BAD)
    found = "\n".join(problems(page))
    page.close()
    assert 'shows "null": 客户:null' in found
    assert 'raw key "awaiting_dispatcher"' in found
    assert 'shows "NaN"' in found and 'shows "[object Object]"' in found
    assert "text overflows <div" in found
    assert "annulled" not in found and "sample_text" not in found and "a_b" not in found
    assert found.count("\n") == 4  # five findings: the hidden paragraph is not one
