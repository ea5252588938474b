"""What every page must not show a person (issue 13): null, undefined, NaN, [object Object], a
raw snake_case key, an English word (or a one-word code such as "assign"), or text spilling out
of its box; and no page may scroll sideways.

`problems(page)` runs in the browser on what is visible right now and returns one line per
finding; `look(page, name)` also keeps a screenshot in test-artifacts/ for people to look at.
"""

from tests.browser import screenshot

SIZES = {"phone": (390, 844), "laptop": (1366, 768), "desktop": (1920, 1080)}

AUDIT_JS = r"""
() => {
  const found = [];
  const shown = (el) => {
    if (el.closest('[hidden], dialog:not([open]), .leaflet-tile-pane')) return false;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') return false;
    if (style.opacity === '0') return false;
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0;
  };
  const KEY = /(^|[^A-Za-z0-9_\-\/.])([a-z][a-z0-9]*(?:_[a-z0-9]+)+)(?![A-Za-z0-9_\-\/.])/;
  const LATIN = /(^|[^A-Za-z0-9_])([A-Za-z]{3,})(?![A-Za-z0-9_])/;
  // (null, undefined, NaN and [object Object] are told above)
  const ALLOWED = new Set(['Alt', 'PDF', 'CSV', 'XLSX', 'Excel', 'GPS', 'App',
    'null', 'undefined', 'NaN', 'object', 'Object']);
  const url = (text) => /^(https?:|geo:|tel:)/.test(text);
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    const text = walker.currentNode.textContent.replace(/\b(https?|geo|tel):\S+/g, '').trim();
    if (!el || !text || ['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE'].includes(el.tagName)) continue;
    if (!shown(el) || url(text) || el.closest('.qr-url, kbd, code')) continue;
    for (const bad of ['null', 'undefined', 'NaN', '[object Object]']) {
      const at = text.indexOf(bad);
      const before = text[at - 1] || ' ', after = text[at + bad.length] || ' ';
      if (at >= 0 && !/[A-Za-z]/.test(before) && !/[A-Za-z]/.test(after)) {
        found.push(`shows "${bad}": ${text.slice(0, 80)}`);
      }
    }
    // What a person typed or a system's name shown as such (user names, SHA-256) is marked
    // .verbatim on the page; anything else in Latin letters is English or a code.
    if (el.closest('.verbatim')) continue;
    const key = text.match(KEY);
    if (key) {
      found.push(`shows raw key "${key[2]}": ${text.slice(0, 80)}`);
      continue;
    }
    const word = (text.match(LATIN) || [])[2];
    if (word && !ALLOWED.has(word)) found.push(`shows English "${word}": ${text.slice(0, 80)}`);
  }
  for (const el of document.querySelectorAll('body *')) {
    if (!shown(el) || el.closest('.leaflet-container') || el instanceof SVGElement) continue;
    const ownText = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!ownText || el.clientWidth === 0) continue;
    const style = getComputedStyle(el);
    if (['auto', 'scroll'].includes(style.overflowX) || style.textOverflow === 'ellipsis') continue;
    if (el.scrollWidth > el.clientWidth + 2) {
      found.push(`text overflows <${el.tagName.toLowerCase()} class="${el.className}">: `
        + el.textContent.trim().slice(0, 60));
    }
  }
  const wide = document.documentElement.scrollWidth;
  if (wide > innerWidth + 1) found.push(`the page scrolls sideways: ${wide} px > ${innerWidth} px`);
  return found;
}
"""


def problems(page):
    return page.evaluate(AUDIT_JS)


def look(page, name, findings):
    """Screenshot the page as it is and add what is wrong with it to `findings`."""
    screenshot(page, f"pages-{name}")
    findings.extend(f"{name}: {line}" for line in problems(page))
