// Grouped bar charts drawn as inline SVG, no libraries. A hidden (suppressed) cell is never
// drawn as zero: it is a hatched, dashed stub labelled "hidden" (or "≥N" when a regional rollup
// knows a lower bound). A hidden cell is a week under k or a month, year or total holding such a
// week; which, the page never says, since telling them apart would itself narrow the cell. A
// period with no published cells yet (the open week, a week not sealed, a month the range cuts)
// is a grey band saying so, never bars of 0.

import { h, svg } from '../admin/js/dom.js';

// Okabe-Ito colours: distinguishable with colour-blindness, dark enough for bars on white. A
// chart with more series than colours gives the later ones the same colours with a pattern, so
// no two series look alike.
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#56B4E9', '#E69F00', '#000000', '#8c6d1f'];
const PATTERNS = ['solid', 'dots', 'stripes'];

export function seriesStyle(index) {
  return { color: PALETTE[index % PALETTE.length], pattern: PATTERNS[Math.floor(index / PALETTE.length) % PATTERNS.length] };
}

export const HIDDEN_WHY = (k) => `"hidden": a week counted by 1 to ${k - 1} people, or a month, year or total that includes such a week, so it may be any size; hidden so that nobody can be singled out. It is not zero.`;

// Why a period's kiosks reporting can be unknown: the station sealed (a week of) it before it
// recorded how many kiosks released each week.
export const REPORTING_UNKNOWN_WHY = 'the station does not know how many kiosks reported that period (it was sealed before the station recorded it), so a kiosk may have been off; it may undercount';

export const PERIOD_NOTES = {
  open: 'open: not over yet',
  unsealed: 'not sealed yet',
  partial: 'partial: cut by the range',
};
let chartCounter = 0;

export function cellText(cell, k) {
  if (!cell) return 'no data';
  if (cell.suppressed) {
    if (typeof cell.at_least === 'number' && cell.at_least > 0) return `at least ${cell.at_least} (some precincts under ${k})`;
    return 'hidden';
  }
  return String(cell.n);
}

function fillPattern(id, serie) {
  if (serie.pattern === 'dots') {
    return svg('pattern', { id, patternUnits: 'userSpaceOnUse', width: 6, height: 6 },
      svg('rect', { width: 6, height: 6, fill: serie.color }),
      svg('circle', { cx: 3, cy: 3, r: 1.4, fill: '#ffffff' }));
  }
  return svg('pattern', { id, patternUnits: 'userSpaceOnUse', width: 6, height: 6, patternTransform: 'rotate(-45)' },
    svg('rect', { width: 6, height: 6, fill: serie.color }),
    svg('line', { x1: 0, y1: 0, x2: 0, y2: 6, stroke: '#ffffff', 'stroke-width': 2 }));
}

function niceStep(max) {
  if (max <= 5) return 1;
  const raw = max / 5;
  const power = 10 ** Math.floor(Math.log10(raw));
  const scaled = raw / power;
  const nice = scaled <= 1 ? 1 : scaled <= 2 ? 2 : scaled <= 5 ? 5 : 10;
  return nice * power;
}

// groups: x labels; notes: per group, why it has no published cells (a PERIOD_NOTES key) or
// null; series: [{name, color, pattern}]; value(g, s) -> cell {n, suppressed, at_least} or
// undefined.
// reporting: per group, a mark where the counts may be low, or null: {kind: 'short', text: "2 of
// 3 kiosks reported", label: "2 of 3"} where not every kiosk released it, {kind: 'unknown', ...}
// where the station does not know how many did (a week sealed before it kept the figure).
// compact: narrow bars and groups, for short group labels such as rating steps.
export function barChart({ title, description, groups, notes = [], reporting = [], series, value, k, wide = false, compact = false }) {
  chartCounter += 1;
  const id = `chart-${chartCounter}`;
  const cells = [];
  for (let g = 0; g < groups.length; g += 1) for (let s = 0; s < series.length; s += 1) cells.push(value(g, s));
  const present = cells.filter(Boolean);
  const figure = h('figure', { class: ['chart', wide && 'wide'], 'aria-labelledby': `${id}-title` },
    h('figcaption', {}, h('h3', { id: `${id}-title` }, title)));
  if (!present.length) {
    const waiting = notes.filter(Boolean).length;
    figure.append(h('p', { class: 'empty-chart' }, waiting ? 'No published counts yet: the periods asked for are not sealed or are cut by the range.' : 'No counts for this period.'));
    return figure;
  }

  const stubHeight = 18;
  // With a hidden cell on the chart the axis reaches k at least, so a hidden stub is never read
  // as a tiny value against a scale of 1.
  const anyHidden = present.some((c) => c.suppressed);
  const shownMax = Math.max(anyHidden ? k : 1, ...present.map((c) => (c.suppressed ? Math.max(c.at_least || 0, 0) : c.n || 0)));
  const step = niceStep(shownMax);
  const yMax = Math.ceil(shownMax / step) * step;
  const barWidth = compact || series.length > 4 ? 14 : 22;
  const groupGap = compact ? 8 : 18;
  // Wide enough for a label like "2026-W47" under each group.
  const groupWidth = Math.max(series.length * barWidth + groupGap, compact ? 0 : 76);
  const left = 44;
  const top = 24;
  const plotHeight = 180;
  const manyGroups = groups.length > 12;
  const bottom = manyGroups ? 70 : 36;
  const width = Math.max(360, left + groups.length * groupWidth + 12);
  const height = top + plotHeight + bottom;
  // Wider than half a laptop's row (many series, say ten topics): it takes the whole row rather
  // than scrolling inside half of one.
  if (width > 480) figure.classList.add('wide');
  const y = (v) => top + plotHeight - (v / yMax) * plotHeight;
  const labelBars = present.length <= 48;

  const hatchId = `${id}-hatch`;
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-labelledby': `${id}-title ${id}-desc`, preserveAspectRatio: 'xMinYMin meet' },
    svg('desc', { id: `${id}-desc`, text: `${description || ''} Hatched bars with dashed outlines are hidden counts, ${HIDDEN_WHY(k)} Grey bands are periods with nothing published yet. Dashed frames are periods not every kiosk reported, dotted grey frames periods for which it is unknown how many kiosks reported. The tables below list every value.` }),
    svg('defs', {}, svg('pattern', { id: hatchId, patternUnits: 'userSpaceOnUse', width: 6, height: 6, patternTransform: 'rotate(45)' },
      svg('rect', { width: 6, height: 6, fill: '#ffffff' }),
      svg('line', { x1: 0, y1: 0, x2: 0, y2: 6, stroke: '#5c120e', 'stroke-width': 2 })),
    series.map((serie, s) => (serie.pattern && serie.pattern !== 'solid' ? fillPattern(`${id}-fill-${s}`, serie) : null))));
  const fillOf = (serie, s) => (serie.pattern && serie.pattern !== 'solid' ? `url(#${id}-fill-${s})` : serie.color);

  for (let v = 0; v <= yMax; v += step) {
    chart.append(svg('line', { class: 'grid', x1: left, x2: width - 8, y1: y(v), y2: y(v) }),
      svg('text', { class: 'axis-label', x: left - 6, y: y(v) + 4, 'text-anchor': 'end', text: v }));
  }
  chart.append(svg('line', { class: 'axis', x1: left, x2: width - 8, y1: y(0), y2: y(0) }));

  groups.forEach((group, g) => {
    const gx = left + g * groupWidth + (groupWidth - series.length * barWidth) / 2;
    if (notes[g]) {
      const bandX = left + g * groupWidth + 4;
      const noteX = left + g * groupWidth + groupWidth / 2;
      chart.append(svg('rect', { class: 'period-band', x: bandX, y: top, width: groupWidth - 8, height: plotHeight, 'data-period-note': notes[g] },
        svg('title', { text: `${group}: ${PERIOD_NOTES[notes[g]]}` })));
      chart.append(svg('text', { class: 'period-note', x: noteX, y: top + plotHeight / 2, 'text-anchor': 'middle',
        transform: `rotate(-90 ${noteX} ${top + plotHeight / 2})`, text: PERIOD_NOTES[notes[g]] }));
    }
    const mark = reporting[g];
    if (mark) {
      // A frame and a short label over the group: its bars may undercount, since a kiosk was
      // off or cut off for some of it (dashed), or nobody knows whether one was (dotted, grey).
      const unknown = mark.kind === 'unknown';
      const bandX = left + g * groupWidth + 2;
      const noteX = left + g * groupWidth + groupWidth / 2;
      chart.append(svg('rect', { class: unknown ? 'reporting-band unknown' : 'reporting-band', x: bandX, y: top, width: groupWidth - 4, height: plotHeight, 'data-reporting': group, 'data-reporting-kind': mark.kind },
        svg('title', { text: `${group}: ${mark.text}; the counts may be low` })));
      chart.append(svg('text', { class: unknown ? 'reporting-label unknown' : 'reporting-label', x: noteX, y: top - 6, 'text-anchor': 'middle', text: mark.label }));
    }
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
        chart.append(svg('rect', { x: x + 1, y: y(n), width: barWidth - 2, height: Math.max(0, y(0) - y(n)), fill: fillOf(serie, s), stroke: serie.color },
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
  const legendItems = series.map((serie, s) => h('li', {},
    svg('svg', { viewBox: '0 0 10 10', 'aria-hidden': 'true' },
      serie.pattern && serie.pattern !== 'solid' ? svg('defs', {}, fillPattern(`${id}-legend-${s}`, serie)) : null,
      svg('rect', { width: 10, height: 10, fill: serie.pattern && serie.pattern !== 'solid' ? `url(#${id}-legend-${s})` : serie.color, stroke: serie.color })),
    serie.pattern && serie.pattern !== 'solid' ? `${serie.name} (${serie.pattern})` : serie.name));
  legendItems.push(h('li', {},
    svg('svg', { viewBox: '0 0 10 10', 'aria-hidden': 'true' },
      svg('rect', { x: 1, y: 1, width: 8, height: 8, fill: '#ffffff', stroke: '#5c120e', 'stroke-width': 1.5, 'stroke-dasharray': '2 1' }),
      svg('line', { x1: 2, y1: 8, x2: 8, y2: 2, stroke: '#5c120e', 'stroke-width': 1.5 })),
    'hidden (not zero)'));
  if (reporting.some((mark) => mark && mark.kind === 'short')) {
    legendItems.push(h('li', {}, svg('svg', { viewBox: '0 0 10 10', 'aria-hidden': 'true' },
      svg('rect', { class: 'reporting-band', x: 1, y: 1, width: 8, height: 8 })), 'dashed frame "2 of 3": not every kiosk reported that period (one was off); it may undercount'));
  }
  if (reporting.some((mark) => mark && mark.kind === 'unknown')) {
    legendItems.push(h('li', {}, svg('svg', { viewBox: '0 0 10 10', 'aria-hidden': 'true' },
      svg('rect', { class: 'reporting-band unknown', x: 1, y: 1, width: 8, height: 8 })), `dotted frame "unknown": ${REPORTING_UNKNOWN_WHY}`));
  }
  if (notes.some(Boolean)) {
    legendItems.push(h('li', {}, svg('svg', { viewBox: '0 0 10 10', 'aria-hidden': 'true' },
      svg('rect', { class: 'period-band', x: 1, y: 1, width: 8, height: 8 })), 'grey band: no published counts for that period yet (not zero)'));
  }
  figure.append(h('ul', { class: 'legend', 'aria-label': `Legend: ${title}` }, legendItems));
  return figure;
}
