// Grouped bar charts drawn as inline SVG, no libraries. A hidden (suppressed) cell is never
// drawn as zero: it is a hatched, dashed stub labelled "hidden" (or "≥N" when a regional rollup
// knows a lower bound). A hidden cell is a week under k or a month, year or total holding such a
// week; which, the page never says, since telling them apart would itself narrow the cell.

import { h, svg } from '../admin/js/dom.js';

// Okabe-Ito colours: distinguishable with colour-blindness, dark enough for bars on white.
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#56B4E9', '#E69F00', '#000000', '#8c6d1f'];

let chartCounter = 0;

export function cellText(cell, k) {
  if (!cell) return 'no data';
  if (cell.suppressed) {
    if (typeof cell.at_least === 'number' && cell.at_least > 0) return `at least ${cell.at_least} (some precincts under ${k})`;
    return 'hidden';
  }
  return String(cell.n);
}

function niceStep(max) {
  if (max <= 5) return 1;
  const raw = max / 5;
  const power = 10 ** Math.floor(Math.log10(raw));
  const scaled = raw / power;
  const nice = scaled <= 1 ? 1 : scaled <= 2 ? 2 : scaled <= 5 ? 5 : 10;
  return nice * power;
}

// groups: x labels; series: [{name, color}]; value(g, s) -> cell {n, suppressed, at_least} or undefined.
export function barChart({ title, description, groups, series, value, k, wide = false }) {
  chartCounter += 1;
  const id = `chart-${chartCounter}`;
  const cells = [];
  for (let g = 0; g < groups.length; g += 1) for (let s = 0; s < series.length; s += 1) cells.push(value(g, s));
  const present = cells.filter(Boolean);
  const figure = h('figure', { class: ['chart', wide && 'wide'], 'aria-labelledby': `${id}-title` },
    h('figcaption', {}, h('h3', { id: `${id}-title` }, title)));
  if (!present.length) {
    figure.append(h('p', { class: 'empty-chart' }, 'No counts for this period.'));
    return figure;
  }

  const stubHeight = 18;
  const shownMax = Math.max(1, ...present.map((c) => (c.suppressed ? Math.max(c.at_least || 0, 0) : c.n || 0)));
  const step = niceStep(shownMax);
  const yMax = Math.ceil(shownMax / step) * step;
  const barWidth = series.length > 4 ? 14 : 22;
  const groupGap = 18;
  // Wide enough for a label like "2026-W47" under each group.
  const groupWidth = Math.max(series.length * barWidth + groupGap, 76);
  const left = 44;
  const top = 24;
  const plotHeight = 180;
  const manyGroups = groups.length > 12;
  const bottom = manyGroups ? 70 : 36;
  const width = Math.max(360, left + groups.length * groupWidth + 12);
  const height = top + plotHeight + bottom;
  const y = (v) => top + plotHeight - (v / yMax) * plotHeight;
  const labelBars = present.length <= 48;

  const hatchId = `${id}-hatch`;
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-labelledby': `${id}-title ${id}-desc`, preserveAspectRatio: 'xMinYMin meet' },
    svg('desc', { id: `${id}-desc`, text: `${description || ''} Hatched bars with dashed outlines are hidden counts (a week under ${k}, or a period holding one); they are not zero. The table below lists every value.` }),
    svg('defs', {}, svg('pattern', { id: hatchId, patternUnits: 'userSpaceOnUse', width: 6, height: 6, patternTransform: 'rotate(45)' },
      svg('rect', { width: 6, height: 6, fill: '#ffffff' }),
      svg('line', { x1: 0, y1: 0, x2: 0, y2: 6, stroke: '#5c120e', 'stroke-width': 2 }))));

  for (let v = 0; v <= yMax; v += step) {
    chart.append(svg('line', { class: 'grid', x1: left, x2: width - 8, y1: y(v), y2: y(v) }),
      svg('text', { class: 'axis-label', x: left - 6, y: y(v) + 4, 'text-anchor': 'end', text: v }));
  }
  chart.append(svg('line', { class: 'axis', x1: left, x2: width - 8, y1: y(0), y2: y(0) }));

  groups.forEach((group, g) => {
    const gx = left + g * groupWidth + (groupWidth - series.length * barWidth) / 2;
    series.forEach((serie, s) => {
      const cell = value(g, s);
      if (!cell) return;
      const x = gx + s * barWidth;
      const tip = `${group} · ${serie.name}: ${cellText(cell, k)}`;
      if (cell.suppressed) {
        const bound = cell.at_least || 0;
        const barTop = Math.min(y(bound), y(0) - stubHeight);
        chart.append(svg('rect', { x: x + 1, y: barTop, width: barWidth - 2, height: y(0) - barTop, fill: `url(#${hatchId})`,
          stroke: serie.color, 'stroke-width': 2, 'stroke-dasharray': '4 2', 'data-suppressed': 'true' }, svg('title', { text: tip })));
        chart.append(svg('text', { class: 'suppressed-label', x: x + barWidth / 2, y: barTop - 4, 'text-anchor': 'middle',
          text: bound > 0 ? `≥${bound}` : 'hidden' }));
      } else {
        const n = cell.n || 0;
        chart.append(svg('rect', { x: x + 1, y: y(n), width: barWidth - 2, height: Math.max(0, y(0) - y(n)), fill: serie.color },
          svg('title', { text: tip })));
        if (labelBars) {
          chart.append(svg('text', { class: 'bar-label', x: x + barWidth / 2, y: y(n) - 4, 'text-anchor': 'middle', text: n }));
        }
      }
    });
    const cx = gx + (series.length * barWidth) / 2;
    const ly = top + plotHeight + 16;
    chart.append(manyGroups
      ? svg('text', { class: 'axis-label', x: cx, y: ly, 'text-anchor': 'end', transform: `rotate(-45 ${cx} ${ly})`, text: group })
      : svg('text', { class: 'axis-label', x: cx, y: ly, 'text-anchor': 'middle', text: group }));
  });

  figure.append(h('div', { class: 'chart-scroll' }, chart));
  const legendItems = series.map((serie) => h('li', {},
    svg('svg', { viewBox: '0 0 10 10', 'aria-hidden': 'true' }, svg('rect', { width: 10, height: 10, fill: serie.color })), serie.name));
  legendItems.push(h('li', {},
    svg('svg', { viewBox: '0 0 10 10', 'aria-hidden': 'true' },
      svg('rect', { x: 1, y: 1, width: 8, height: 8, fill: '#ffffff', stroke: '#5c120e', 'stroke-width': 1.5, 'stroke-dasharray': '2 1' }),
      svg('line', { x1: 2, y1: 8, x2: 8, y2: 2, stroke: '#5c120e', 'stroke-width': 1.5 })),
    `hidden (a week under ${k}, or a period holding one)`));
  figure.append(h('ul', { class: 'legend', 'aria-label': `Legend: ${title}` }, legendItems));
  return figure;
}
