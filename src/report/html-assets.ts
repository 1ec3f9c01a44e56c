// The one stylesheet and one script of report.html, and the CSP that allows exactly these two
// (by hash) and nothing else: no network, no inline handlers, no other scripts.
import { createHash } from 'node:crypto';

export const REPORT_CSS = `
body{font:14px/1.4 system-ui,sans-serif;margin:0 1.5rem 2rem;color:#111;display:flex;flex-direction:column}
header{order:-3}
#summary{order:-2}
.alert{order:-4;background:#b00020;color:#fff;padding:.8rem 1rem;margin:1rem 0;font-weight:bold;border-radius:4px}
.meta dt{font-weight:bold;float:left;clear:left;width:11rem}
.meta dd{margin:0 0 .2rem 11rem}
table{border-collapse:collapse;width:100%;margin-top:.5rem}
th,td{border:1px solid #ccc;padding:.3rem .45rem;vertical-align:top;text-align:left}
th button{font:inherit;font-weight:bold;background:none;border:0;cursor:pointer;padding:0}
th[aria-sort=ascending] button::after{content:" \\25B2"}
th[aria-sort=descending] button::after{content:" \\25BC"}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.restricted{color:#b00020;font-weight:bold}
.review{color:#8a5a00;font-weight:bold}
.gap{display:block;background:#b00020;color:#fff;padding:.15rem .35rem;border-radius:3px;font-weight:bold}
.gap.possible{background:#8a5a00}
.reasons{margin:0;padding-left:1.1rem;min-width:16rem}
.hops{font-size:12px;margin-top:.4rem}
svg.chain{display:block;max-width:none;margin-top:.4rem}
#filter{font:inherit;padding:.3rem;width:22rem}
.muted{color:#555}
`;

export const REPORT_JS = `
(function () {
  'use strict';
  var table = document.getElementById('tenants');
  var tbody = table.tBodies[0];
  var filter = document.getElementById('filter');
  var shown = document.getElementById('shown');
  function val(tr, i) {
    var td = tr.cells[i];
    if (!td) return '';
    var v = td.getAttribute('data-v');
    return v === null ? td.textContent || '' : v;
  }
  function cmp(a, b, col, num) {
    var x = val(a, col), y = val(b, col);
    if (num) return (parseFloat(x) || 0) - (parseFloat(y) || 0);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  Array.prototype.forEach.call(table.querySelectorAll('th button[data-col]'), function (b) {
    b.addEventListener('click', function () {
      var col = Number(b.getAttribute('data-col'));
      var num = b.getAttribute('data-type') === 'num';
      var th = b.parentNode;
      var dir = th.getAttribute('aria-sort') === 'ascending' ? -1 : 1;
      Array.prototype.forEach.call(table.querySelectorAll('th'), function (h) { h.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', dir === 1 ? 'ascending' : 'descending');
      var rows = Array.prototype.slice.call(tbody.rows);
      rows.sort(function (r1, r2) { return (cmp(r1, r2, col, num) || cmp(r1, r2, 0, false)) * dir; });
      rows.forEach(function (r) { tbody.appendChild(r); });
    });
  });
  filter.addEventListener('input', function () {
    var q = filter.value.trim().toLowerCase();
    var n = 0;
    Array.prototype.forEach.call(tbody.rows, function (r) {
      var hit = q === '' || (r.textContent || '').toLowerCase().indexOf(q) >= 0;
      r.hidden = !hit;
      if (hit) n++;
    });
    shown.textContent = String(n);
  });
})();
`;

const hash = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

export const REPORT_CSP = [
  "default-src 'none'",
  `style-src ${hash(REPORT_CSS)}`,
  `script-src ${hash(REPORT_JS)}`,
  "img-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');
