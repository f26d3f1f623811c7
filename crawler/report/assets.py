"""The page's own style sheet and script, inlined: the report opens from the file system with no network.

The script only sorts tables; every figure is in the HTML itself, so the page reads the same without it.
"""

from __future__ import annotations

#: Nothing but what is inline: a report that tried to load anything would fail in the browser test.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"
)

STYLE = """
:root { --ink: #1a202c; --muted: #5a6474; --line: #d8dee6; --band: #f4f6f9; --accent: #2b6cb0; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
  color: var(--ink); background: #fff; }
header { padding: 1.2rem 2rem .6rem; border-bottom: 1px solid var(--line); background: var(--band); }
header h1 { margin: 0 0 .2rem; font-size: 1.5rem; }
header p { margin: .2rem 0; color: var(--muted); }
nav a { margin-right: 1rem; color: var(--accent); text-decoration: none; }
main { padding: 0 2rem 2rem; max-width: 78rem; }
section { margin-top: 1.8rem; }
h2 { font-size: 1.25rem; border-bottom: 2px solid var(--line); padding-bottom: .2rem; }
h3 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; }
.cards { display: flex; flex-wrap: wrap; gap: .8rem; margin: 1rem 0; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: .5rem .9rem; min-width: 9rem; }
.card b { display: block; font-size: 1.4rem; }
.card span { color: var(--muted); font-size: .85rem; }
.pair { display: flex; flex-wrap: wrap; gap: 2rem; align-items: flex-start; }
.pair > * { flex: 1 1 26rem; min-width: 0; }
figure { margin: .6rem 0; }
figure svg { max-width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: .85rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .9rem; }
th, td { border-bottom: 1px solid var(--line); padding: .25rem .6rem; text-align: left; vertical-align: top; }
th { background: var(--band); font-weight: 600; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
th button { font: inherit; border: 0; background: none; padding: 0; cursor: pointer; color: inherit; }
th[aria-sort="ascending"] button::after { content: " \\25B2"; }
th[aria-sort="descending"] button::after { content: " \\25BC"; }
.scroll { max-height: 36rem; overflow: auto; }
.note { color: var(--muted); font-size: .9rem; }
.warn { border-left: 4px solid #c53030; background: #fff5f5; padding: .5rem 1rem; }
.bad { color: #c53030; font-weight: 600; }
details { border: 1px solid var(--line); border-radius: 6px; padding: .3rem .8rem; margin: .4rem 0; }
summary { cursor: pointer; }
code { font-size: .85rem; }
"""

#: Sorts a ``table.sortable`` by the clicked column: numbers by ``data-sort``, text by its content.
SCRIPT = """
(function () {
  function key(cell, numeric) {
    var raw = cell.getAttribute('data-sort');
    if (raw === null) { raw = cell.textContent; }
    if (numeric) { var n = parseFloat(raw); return isNaN(n) ? -Infinity : n; }
    return raw.toLowerCase();
  }
  function sortBy(table, index, th) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var numeric = th.getAttribute('data-type') === 'number';
    var current = th.getAttribute('aria-sort');
    var dir = current ? (current === 'descending' ? 1 : -1) : (numeric ? -1 : 1);
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (other) {
      other.removeAttribute('aria-sort');
    });
    rows.sort(function (a, b) {
      var x = key(a.cells[index], numeric), y = key(b.cells[index], numeric);
      return (x < y ? -1 : x > y ? 1 : 0) * dir;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    th.setAttribute('aria-sort', dir === 1 ? 'ascending' : 'descending');
  }
  document.querySelectorAll('table.sortable').forEach(function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      var button = document.createElement('button');
      button.type = 'button';
      button.textContent = th.textContent;
      button.title = 'sort by ' + th.textContent;
      th.textContent = '';
      th.appendChild(button);
      button.addEventListener('click', function () { sortBy(table, index, th); });
    });
  });
})();
"""
