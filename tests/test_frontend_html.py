"""Audit item 6: no front-end module turns data into HTML.

Every module under app/**/static/ (our code, not vendor/) is scanned: no assignment to
innerHTML/outerHTML, no insertAdjacentHTML or document.write, and every Leaflet tooltip, popup
and divIcon gets a DOM node (h(...), textTip(...)) or an explicitly escaped string
(escapeHtml(...)), never a string built from data.
"""

import re
from pathlib import Path

import pytest

MODULES = sorted(p for p in Path("app").glob("**/static/**/*.js") if "vendor" not in p.parts)
SAFE_START = re.compile(r"""\s*(h\(|textTip\(|escapeHtml\(|"[^"$]*"\s*[,)]|'[^'$]*'\s*[,)])""")
HTML_SINKS = re.compile(r"\.(innerHTML|outerHTML)\s*\+?=|insertAdjacentHTML\s*\(|document\.write")
LEAFLET_SINKS = re.compile(
    r"\.(bindTooltip|bindPopup|setTooltipContent|setPopupContent|setContent)\(|\bhtml\s*:"
)


def offences(source):
    found = [m.group(0) for m in HTML_SINKS.finditer(source)]
    for match in LEAFLET_SINKS.finditer(source):
        if not SAFE_START.match(source, match.end()):
            found.append(source[match.start() : match.end() + 40])
    return found


def test_the_scan_finds_modules_and_catches_what_the_audit_found():
    assert len(MODULES) >= 10
    assert offences("m.bindTooltip(`${p.name} · ${p.team}`)")
    assert offences("L.divIcon({ html: `<span>${p.name}</span>` })")
    assert offences("node.innerHTML = row.description;")
    assert offences("node.insertAdjacentHTML('beforeend', x)")
    assert not offences("m.bindTooltip(textTip(`${p.name}`))")
    assert not offences('L.divIcon({ html: h("span", {}, p.name) })')
    assert not offences("l.bindPopup(escapeHtml(p.name))")


@pytest.mark.parametrize("module", MODULES, ids=str)
def test_no_module_builds_html_from_data(module):
    assert offences(module.read_text(encoding="utf-8")) == []
