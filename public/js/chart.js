// A small SVG line chart for the dashboard: one or two series over a time window, scaled to a
// round maximum, with the latest value and the peak written out in its caption. No library: the
// dashboard needs lines, not interaction, and this is all it takes.

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 600;  // viewBox units; the SVG stretches to its box (preserveAspectRatio="none"),
const HEIGHT = 120; // and vector-effect keeps the strokes their CSS width whatever the stretch
const GAP_INTERVALS = 2.5; // samples further apart than this many intervals are not joined

/**
 * A round number at or above `value`, for the top of the scale: 1, 2, 2.5, 5 times a power of ten.
 */
export function niceCeiling(value) {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (step * power >= value - 1e-9) return step * power;
  }
  return 10 * power;
}

/**
 * Runs of consecutive samples with a value, as [x, y] points in viewBox units: a null value (nothing
 * measured) or a missing stretch of samples breaks the line rather than drawing across it.
 */
export function segments(samples, value, { start, end, top, intervalMs }) {
  const runs = [];
  let run = null;
  let previousTime = -Infinity;
  for (const sample of samples) {
    const v = value(sample);
    const joined = sample.time - previousTime <= GAP_INTERVALS * intervalMs;
    previousTime = sample.time;
    if (v == null || sample.time < start) {
      run = null;
      continue;
    }
    if (!run || !joined) {
      run = [];
      runs.push(run);
    }
    const x = ((sample.time - start) / (end - start)) * WIDTH;
    const y = HEIGHT - (Math.min(v, top) / top) * HEIGHT;
    run.push([round(x), round(y)]);
  }
  return runs;
}

function round(n) {
  return Math.round(n * 10) / 10;
}

/** The SVG path of runs of points; a lone point becomes a dot (a zero-length line with round caps). */
function linePath(runs) {
  return runs.map((run) => `M${run[0]}h0${run.slice(1).map((p) => `L${p}`).join('')}`).join('');
}

function areaPath(runs) {
  return runs.map((run) => `M${run[0][0]},${HEIGHT}L${run.join('L')}L${run[run.length - 1][0]},${HEIGHT}Z`).join('');
}

function svgElement(name, attributes) {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value);
  return element;
}

function htmlElement(name, className, text) {
  const element = document.createElement(name);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}

export class LineChart {
  /**
   * A chart appended to `parent`. `series`: up to two of { label, value(sample) → number|null };
   * `format(n)` writes a value, `unit` follows it ("ms"); `minTop` is the smallest scale maximum,
   * so that a quiet server draws a flat line at the bottom, not noise blown up to full height.
   */
  constructor(parent, { title, series, format, unit = '', minTop = 1 }) {
    this.series = series;
    this.format = format;
    this.unit = unit ? ` ${unit}` : '';
    this.minTop = minTop;

    const figure = htmlElement('figure', 'chart');
    const caption = htmlElement('figcaption', 'chart-head');
    caption.append(htmlElement('span', 'chart-title', title));
    this.keys = series.map((s, i) => htmlElement('span', `chart-key series-${i}`));
    const keys = htmlElement('span', 'chart-keys');
    keys.append(...this.keys);
    caption.append(keys);

    const plot = htmlElement('div', 'chart-plot');
    plot.setAttribute('aria-hidden', 'true');
    this.top = htmlElement('span', 'chart-top');
    const svg = svgElement('svg', {
      viewBox: `0 0 ${WIDTH} ${HEIGHT}`, preserveAspectRatio: 'none', focusable: 'false',
    });
    for (const y of [0, HEIGHT / 2, HEIGHT]) {
      svg.append(svgElement('line', {
        class: 'chart-grid', x1: 0, x2: WIDTH, y1: y, y2: y, 'vector-effect': 'non-scaling-stroke',
      }));
    }
    this.areas = series.length === 1 ? [svgElement('path', { class: 'chart-area series-0' })] : [];
    this.lines = series.map((s, i) => svgElement('path', {
      class: `chart-line series-${i}`, 'vector-effect': 'non-scaling-stroke',
    }));
    svg.append(...this.areas, ...this.lines);
    plot.append(this.top, svg, htmlElement('span', 'chart-zero', '0'));

    const axis = htmlElement('div', 'chart-axis');
    axis.setAttribute('aria-hidden', 'true');
    this.from = htmlElement('span', '', '');
    axis.append(this.from, htmlElement('span', '', 'now'));

    figure.append(caption, plot, axis);
    parent.append(figure);
  }

  /** Draws `samples` (oldest first) between `start` and `end` (epoch ms); `fromLabel` names the left edge. */
  draw(samples, { start, end, intervalMs, fromLabel }) {
    const visible = samples.filter((s) => s.time >= start);
    const peaks = this.series.map((s) => Math.max(-Infinity, ...visible.map(s.value).filter((v) => v != null)));
    const top = niceCeiling(Math.max(this.minTop, ...peaks.filter(Number.isFinite)));
    const latest = visible[visible.length - 1];
    this.series.forEach((s, i) => {
      const runs = segments(visible, s.value, { start, end, top, intervalMs });
      this.lines[i].setAttribute('d', linePath(runs));
      if (this.areas[i]) this.areas[i].setAttribute('d', areaPath(runs));
      const now = latest ? this.format(s.value(latest)) : '–';
      const peak = Number.isFinite(peaks[i]) ? this.format(peaks[i]) : '–';
      const label = s.label ? `${s.label} ` : '';
      this.keys[i].textContent = `${label}now ${now}${this.unit} · peak ${peak}${this.unit}`;
    });
    this.top.textContent = `${this.format(top)}${this.unit}`;
    this.from.textContent = fromLabel;
  }
}
