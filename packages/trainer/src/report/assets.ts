/** The report's stylesheet (inline; no web fonts, no network). */
export const REPORT_CSS = `
:root { --fg: #1d2433; --muted: #5b6475; --line: #d7dbe3; --bg: #ffffff; --panel: #f6f7f9; --accent: #2563eb; --accent2: #d97706; --bad: #b91c1c; --ok: #15803d; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
header { padding: 20px 32px 8px; border-bottom: 1px solid var(--line); }
h1 { margin: 0; font-size: 22px; }
h2 { font-size: 17px; margin: 28px 0 8px; }
h3 { font-size: 14px; margin: 16px 0 6px; }
.sub { margin: 4px 0 8px; color: var(--muted); font-family: ui-monospace, Menlo, monospace; font-size: 12px; }
main { padding: 0 32px 32px; max-width: 1280px; }
footer { padding: 16px 32px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--line); }
.status { font-size: 12px; padding: 2px 8px; border-radius: 10px; background: var(--panel); vertical-align: middle; }
.status-ok { color: var(--ok); }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 10px; }
.card { background: var(--panel); border-radius: 8px; padding: 10px 12px; }
.card-value { font-size: 22px; font-weight: 600; font-variant-numeric: tabular-nums; }
.card-label { color: var(--muted); font-size: 12px; }
.card-note { color: var(--muted); font-size: 11px; }
.note { color: var(--muted); max-width: 900px; }
.grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 16px; align-items: start; }
figure { margin: 0; }
figcaption { color: var(--muted); font-size: 12px; }
svg.chart { width: 100%; height: auto; display: block; background: #fff; }
svg .axis { stroke: #8a93a3; stroke-width: 1; }
svg .tick { stroke: #8a93a3; }
svg .grid { stroke: #eef0f4; }
svg .tick-label { font-size: 10px; fill: var(--muted); }
svg .axis-label { font-size: 11px; fill: var(--muted); }
svg .ref { stroke: #9aa3b2; stroke-dasharray: 3 3; }
svg .bar.all { fill: #c3c9d4; }
svg .bar.significant { fill: var(--accent); opacity: 0.85; }
svg .bar.edge { fill: #f2b8b5; }
svg .sig-span { fill: var(--accent); opacity: 0.08; }
svg .line { fill: none; stroke-width: 1.5; }
svg .line.curve, svg .line.median, svg .line.predicted { stroke: var(--accent); }
svg .line.measured, svg .line.mean { stroke: #6b7280; stroke-width: 1.2; }
svg .point.median { fill: var(--accent); }
svg .point.mean { fill: #6b7280; }
svg .selected { fill: none; stroke: var(--accent2); stroke-width: 2; }
svg .cursor { stroke: var(--accent2); stroke-width: 1; }
svg.hide-all .series-all { display: none; }
.controls { margin: 4px 0 8px; }
button { font: inherit; font-size: 12px; padding: 3px 10px; border: 1px solid var(--line); border-radius: 6px; background: #fff; cursor: pointer; }
button[aria-pressed="true"] { background: var(--accent); color: #fff; border-color: var(--accent); }
.warnings { color: var(--bad); }
.ok { color: var(--ok); }
.readout { font-family: ui-monospace, Menlo, monospace; }
table.data { border-collapse: collapse; font-size: 12px; width: 100%; }
table.data th, table.data td { text-align: left; padding: 3px 8px; border-bottom: 1px solid var(--line); vertical-align: top; word-break: break-word; }
table.data th { white-space: nowrap; word-break: normal; }
table.data tr.selected td { background: #fff4e0; }
pre { background: var(--panel); padding: 10px; border-radius: 6px; overflow: auto; max-height: 520px; font-size: 12px; }
`;

/**
 * The report's script (inline, ES5, no dependencies): toggles, the time-series readout and the
 * copy button. It marks the page ready (`<html data-ready="true">`) once every chart is wired, so
 * a headless browser can check that it ran without errors.
 */
export const REPORT_SCRIPT = `
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('vw-data').textContent);
  var buttons = document.querySelectorAll('button[data-toggle]');
  for (var b = 0; b < buttons.length; b++) {
    (function (btn) {
      btn.addEventListener('click', function () {
        var target = document.getElementById(btn.getAttribute('data-target'));
        var on = target.classList.toggle(btn.getAttribute('data-toggle'));
        btn.setAttribute('aria-pressed', on ? 'true' : 'false');
      });
    })(buttons[b]);
  }
  var fmt = function (x) { return (x >= 0 ? '+' : '') + x.toFixed(3); };
  var charts = document.querySelectorAll('svg.timeseries');
  for (var c = 0; c < charts.length; c++) {
    (function (svg) {
      var i = Number(svg.getAttribute('data-index'));
      var s = data.series[i];
      var cursor = svg.querySelector('.cursor');
      var readout = document.getElementById('readout-' + i);
      if (!s || !cursor || !readout) throw new Error('time series ' + i + ' has no data');
      var n = s.measured.length;
      var f = data.frame;
      svg.addEventListener('mousemove', function (ev) {
        var pt = svg.createSVGPoint();
        pt.x = ev.clientX;
        pt.y = ev.clientY;
        var p = pt.matrixTransform(svg.getScreenCTM().inverse());
        var k = Math.round(((p.x - f.left) / (f.width - f.left - f.right)) * (n - 1));
        k = Math.max(0, Math.min(n - 1, k));
        var x = f.left + (k / Math.max(1, n - 1)) * (f.width - f.left - f.right);
        cursor.setAttribute('x1', x);
        cursor.setAttribute('x2', x);
        readout.textContent = s.story[k] + ' TR ' + s.tr[k] + ': measured ' + fmt(s.measured[k]) + ', predicted ' + fmt(s.predicted[k]);
      });
    })(charts[c]);
  }
  var copy = document.getElementById('copy-config');
  if (copy) {
    copy.addEventListener('click', function () {
      var text = document.getElementById('config-json').textContent;
      if (navigator.clipboard) navigator.clipboard.writeText(text).then(function () { copy.textContent = 'copied'; }, function () { copy.textContent = 'select and copy'; });
    });
  }
  window.voxelwiseReport = { charts: document.querySelectorAll('svg.chart').length, series: data.series.length };
  document.documentElement.setAttribute('data-ready', 'true');
})();
`;
