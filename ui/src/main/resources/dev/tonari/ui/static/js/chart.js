// Charts with uPlot (vendored from its webjar): stacked bars for the log volume, lines for
// metric queries. Colours follow the log level, then a palette readable in light and dark.
import uPlot from '/ui/vendor/uplot/uPlot.esm.js';

const LEVEL_COLOURS = { error: '#d23b3b', critical: '#d23b3b', fatal: '#a11d1d', warn: '#c98500', warning: '#c98500', info: '#2f7fd8', debug: '#7a869a', trace: '#9aa3b2' };
const PALETTE = ['#2f7fd8', '#d23b3b', '#1e9c5a', '#c98500', '#8e44ad', '#16a2b8', '#e67e22', '#7f8c8d'];

export function colourOf(name, index) { return LEVEL_COLOURS[(name || '').toLowerCase()] || PALETTE[index % PALETTE.length]; }

function axisColour() { return getComputedStyle(document.documentElement).getPropertyValue('--muted').trim() || '#888'; }

/**
 * Draws series [{name, points: [[seconds, value]...]}] into element.
 * @param stacked bars stacked (volume), else lines
 * @param onZoom called with (fromMillis, toMillis) when the user drags a range
 * @param xRange [fromSeconds, toSeconds] of the axis (the query's range)
 */
export function drawSeries(element, series, { stacked = false, onZoom, height = 180, unit = '', xRange } = {}) {
  const times = [...new Set(series.flatMap(s => s.points.map(p => p[0])))].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  const columns = series.map(s => { const values = new Array(times.length).fill(null); for (const [t, v] of s.points) values[index.get(t)] = v; return values; });
  let data = [times, ...columns];
  let drawn = series.map((s, i) => ({ s, i }));
  if (stacked) {
    const running = new Array(times.length).fill(0);
    const cumulative = columns.map(values => values.map((v, i) => (running[i] += v || 0)));
    // Each bar is drawn from 0 to its running total: the tallest (the last) first, so the ones below stay visible.
    drawn = drawn.reverse();
    data = [times, ...drawn.map(d => cumulative[d.i])];
  }
  const bars = stacked ? uPlot.paths.bars({ size: [0.9, 40] }) : undefined;
  const options = {
    width: Math.max(300, element.clientWidth || 800), height,
    cursor: { drag: { x: true, y: false } },
    // The query's range, not the data's: one bucket of data must not stretch the axis over years.
    scales: xRange ? { x: { time: true, range: () => xRange } } : undefined,
    legend: { show: true },
    axes: [{ stroke: axisColour() }, { stroke: axisColour(), values: (u, ticks) => ticks.map(t => t + unit) }],
    series: [{}, ...drawn.map(({ s, i }) => ({ label: s.name, stroke: colourOf(s.name, i), fill: stacked ? colourOf(s.name, i) + 'cc' : undefined, paths: bars, points: { show: !stacked && times.length < 60 } }))],
    hooks: { setSelect: [u => {
      if (!onZoom || u.select.width < 5) return;
      const from = u.posToVal(u.select.left, 'x'), to = u.posToVal(u.select.left + u.select.width, 'x');
      u.setSelect({ width: 0, height: 0 }, false);
      onZoom(from * 1000, to * 1000);
    }] },
  };
  element.replaceChildren();
  const plot = new uPlot(options, data, element);
  const resize = () => plot.setSize({ width: Math.max(300, element.clientWidth), height });
  window.addEventListener('resize', resize);
  return () => { window.removeEventListener('resize', resize); plot.destroy(); };
}

/** Loki matrix result -> series for drawSeries. */
export function matrixToSeries(result, nameOf) {
  return result.map((entry, i) => ({
    name: nameOf ? nameOf(entry.metric, i) : labelsText(entry.metric),
    points: entry.values.map(([t, v]) => [Number(t), Number(v)]),
  }));
}

export function labelsText(metric) {
  const pairs = Object.entries(metric || {});
  return pairs.length === 0 ? '{}' : '{' + pairs.map(([k, v]) => k + '="' + v + '"').join(', ') + '}';
}
