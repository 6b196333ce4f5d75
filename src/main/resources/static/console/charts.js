// Stacked bar charts in SVG, drawn from plain numbers: no library, no markup from data (text only).
'use strict';

const SVG = 'http://www.w3.org/2000/svg';
const PALETTE = ['#2f6fb0', '#e08a2c', '#3c9d5d', '#b8474a', '#7a5bb5', '#8c6d46', '#d16fae', '#6f7782', '#b5b23a', '#2bb5c2'];

function svg(name, attributes) {
  const element = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attributes)) {
    element.setAttribute(k, v);
  }
  return element;
}

function label(time, bucketSeconds) {
  const d = new Date(time);
  const hhmm = d.toISOString().substring(11, 16);
  return bucketSeconds >= 3600 ? d.toISOString().substring(5, 10) + ' ' + hhmm : hhmm;
}

/**
 * Draws stacked bars into the element: one bar per bucket, one colour per series.
 *
 * @param starts  each bucket's start (ms since 1970)
 * @param series  [{name, values: [per bucket], color?}], stacked bottom up
 * @param marks   optional [per bucket] values drawn as a dash above the bar (e.g. a maximum)
 */
function stackedBars(element, starts, series, bucketSeconds, unit, marks) {
  const width = 960, height = 180, left = 48, bottom = 20, top = 8;
  const totals = starts.map((_, i) => series.reduce((sum, s) => sum + (s.values[i] || 0), 0));
  const max = Math.max(1, ...totals, ...(marks || []).filter(m => m != null));
  const chart = svg('svg', {viewBox: `0 0 ${width} ${height}`, role: 'img', class: 'bars'});
  const plot = width - left - 4;
  const barWidth = plot / starts.length;
  for (const fraction of max >= 4 ? [0, 0.5, 1] : [0, 1]) {
    const y = top + (height - top - bottom) * (1 - fraction);
    chart.appendChild(svg('line', {x1: left, x2: width, y1: y, y2: y, class: 'grid'}));
    const text = svg('text', {x: left - 4, y: y + 4, 'text-anchor': 'end', class: 'axis'});
    text.textContent = String(Math.round(max * fraction));
    chart.appendChild(text);
  }
  starts.forEach((start, i) => {
    let y = height - bottom;
    const x = left + i * barWidth;
    for (const [n, s] of series.entries()) {
      const v = s.values[i] || 0;
      if (v === 0) {
        continue;
      }
      const h = (height - top - bottom) * v / max;
      y -= h;
      const rect = svg('rect', {x: x + 0.5, y, width: Math.max(1, barWidth - 1), height: h, fill: s.color || PALETTE[n % PALETTE.length]});
      const title = svg('title', {});
      title.textContent = label(start, bucketSeconds) + ' ' + s.name + ': ' + Math.round(v) + (unit ? ' ' + unit : '');
      rect.appendChild(title);
      chart.appendChild(rect);
    }
    if (marks && marks[i] != null) {
      const my = height - bottom - (height - top - bottom) * marks[i] / max;
      const mark = svg('line', {x1: x, x2: x + barWidth, y1: my, y2: my, class: 'mark'});
      const title = svg('title', {});
      title.textContent = label(start, bucketSeconds) + ' longest: ' + Math.round(marks[i]) + (unit ? ' ' + unit : '');
      mark.appendChild(title);
      chart.appendChild(mark);
    }
    if (i % Math.ceil(starts.length / 8) === 0) {
      const text = svg('text', {x: x, y: height - 4, class: 'axis'});
      text.textContent = label(start, bucketSeconds);
      chart.appendChild(text);
    }
  });
  const legend = document.createElement('div');
  legend.className = 'legend';
  for (const [n, s] of series.entries()) {
    const key = document.createElement('span');
    const swatch = document.createElement('i');
    swatch.style.background = s.color || PALETTE[n % PALETTE.length];
    key.append(swatch, s.name);
    legend.appendChild(key);
  }
  element.replaceChildren(chart, legend);
  element.dataset.bars = String(totals.filter(t => t > 0).length);
}
