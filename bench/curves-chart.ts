/**
 * Plain SVG charts for bench/curves.ts: line charts over a few categorical x values
 * (connections, page sizes) and grouped bars (waits per caller). No chart library: a handful
 * of <line>, <polyline>, <rect> and <text> elements is all a results page needs.
 */

export interface Series {
  name: string;
  color: string;
  /** One value per x category, in the chart's order; null where nothing was measured. */
  values: (number | null)[];
}

export interface ChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  /** The x categories, drawn evenly spaced, in order. */
  categories: string[];
  series: Series[];
  /** `line` joins each series' points; `bars` draws one bar per series per category. */
  kind: 'line' | 'bars';
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The legend sits in the top margin, between title and plot, so it never hides a point. */
const MARGIN = { left: 70, right: 16, top: 52, bottom: 52 };
const FONT = 'font-family="DejaVu Sans, Arial, sans-serif"';

export const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A "nice" upper bound for the y axis (1, 2 or 5 times a power of ten) and its tick step. */
export function niceScale(max: number, ticks = 5): { top: number; step: number } {
  if (!(max > 0)) return { top: 1, step: 0.2 };
  const rough = max / ticks;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((candidate) => candidate >= rough)!;
  return { top: Math.ceil(max / step) * step, step };
}

const formatTick = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(1));

/** One chart (axes, grid, title, labels, legend, data) as an SVG group inside `box`. */
export function chartSvg(spec: ChartSpec, box: Box): string {
  const plot = {
    x: box.x + MARGIN.left,
    y: box.y + MARGIN.top,
    width: box.width - MARGIN.left - MARGIN.right,
    height: box.height - MARGIN.top - MARGIN.bottom,
  };
  const values = spec.series.flatMap((s) => s.values).filter((v): v is number => v !== null && Number.isFinite(v));
  const { top, step } = niceScale(Math.max(0, ...values));
  const yOf = (value: number) => plot.y + plot.height - (value / top) * plot.height;
  const slot = plot.width / spec.categories.length;
  const xOf = (index: number) => plot.x + slot * (index + 0.5);
  const parts: string[] = [];

  parts.push(`<text x="${box.x + box.width / 2}" y="${box.y + 20}" text-anchor="middle" font-size="16" font-weight="bold" ${FONT}>${escapeXml(spec.title)}</text>`);
  for (let tick = 0; tick <= top + step / 2; tick += step) {
    const y = yOf(tick);
    parts.push(`<line x1="${plot.x}" y1="${y}" x2="${plot.x + plot.width}" y2="${y}" stroke="#ddd"/>`);
    parts.push(`<text x="${plot.x - 6}" y="${y + 4}" text-anchor="end" font-size="12" ${FONT}>${formatTick(tick)}</text>`);
  }
  parts.push(`<line x1="${plot.x}" y1="${plot.y}" x2="${plot.x}" y2="${plot.y + plot.height}" stroke="#333"/>`);
  parts.push(`<line x1="${plot.x}" y1="${plot.y + plot.height}" x2="${plot.x + plot.width}" y2="${plot.y + plot.height}" stroke="#333"/>`);
  spec.categories.forEach((category, i) => {
    parts.push(`<text x="${xOf(i)}" y="${plot.y + plot.height + 17}" text-anchor="middle" font-size="12" ${FONT}>${escapeXml(category)}</text>`);
  });
  parts.push(`<text x="${plot.x + plot.width / 2}" y="${box.y + box.height - 10}" text-anchor="middle" font-size="13" ${FONT}>${escapeXml(spec.xLabel)}</text>`);
  const yLabelX = box.x + 16;
  const yLabelY = plot.y + plot.height / 2;
  parts.push(`<text x="${yLabelX}" y="${yLabelY}" text-anchor="middle" font-size="13" transform="rotate(-90 ${yLabelX} ${yLabelY})" ${FONT}>${escapeXml(spec.yLabel)}</text>`);

  if (spec.kind === 'line') {
    for (const series of spec.series) {
      const points = series.values.flatMap((v, i) => (v === null ? [] : [[xOf(i), yOf(v)] as const]));
      parts.push(`<polyline points="${points.map(([x, y]) => `${x},${y}`).join(' ')}" fill="none" stroke="${series.color}" stroke-width="2.5"/>`);
      for (const [x, y] of points) parts.push(`<circle cx="${x}" cy="${y}" r="4" fill="${series.color}"/>`);
    }
  } else {
    const barWidth = (slot * 0.7) / spec.series.length;
    spec.series.forEach((series, s) => {
      series.values.forEach((v, i) => {
        if (v === null) return;
        const x = xOf(i) - (slot * 0.7) / 2 + s * barWidth;
        parts.push(`<rect x="${x}" y="${yOf(v)}" width="${barWidth - 2}" height="${plot.y + plot.height - yOf(v)}" fill="${series.color}"/>`);
      });
    });
  }

  // Legend: one row above the plot, entries side by side.
  let legendX = plot.x;
  for (const series of spec.series) {
    const y = plot.y - 12;
    parts.push(`<rect x="${legendX}" y="${y - 8}" width="18" height="10" fill="${series.color}"/>`);
    parts.push(`<text x="${legendX + 24}" y="${y + 1}" font-size="12" ${FONT}>${escapeXml(series.name)}</text>`);
    legendX += 24 + series.name.length * 7 + 18;
  }
  return `<g>${parts.join('')}</g>`;
}

/** Charts in a grid of `columns`, each `cell` wide and high, under a title line; with the picture's size. */
export function gridSvg(
  title: string,
  subtitle: string,
  charts: ChartSpec[],
  columns: number,
  cell = { width: 520, height: 360 },
): { svg: string; width: number; height: number } {
  const header = 56;
  const rows = Math.ceil(charts.length / columns);
  const width = columns * cell.width;
  const height = header + rows * cell.height;
  const body = charts
    .map((chart, i) => chartSvg(chart, { x: (i % columns) * cell.width, y: header + Math.floor(i / columns) * cell.height, width: cell.width, height: cell.height }))
    .join('');
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="24" text-anchor="middle" font-size="20" font-weight="bold" ${FONT}>${escapeXml(title)}</text>`,
    `<text x="${width / 2}" y="46" text-anchor="middle" font-size="13" fill="#444" ${FONT}>${escapeXml(subtitle)}</text>`,
    body,
    `</svg>`,
  ].join('\n');
  return { svg, width, height };
}
