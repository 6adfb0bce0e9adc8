import { describe, expect, it } from 'vitest';
import { type ChartSpec, chartSvg, escapeXml, gridSvg, niceScale } from '../bench/curves-chart';
import { percentile } from '../bench/closed-loop';

const box = { x: 0, y: 0, width: 500, height: 300 };
const line: ChartSpec = {
  kind: 'line',
  title: 'Throughput <catalog>',
  xLabel: 'connections',
  yLabel: 'requests per second',
  categories: ['1', '8', '32', '128'],
  series: [
    { name: 'gateway', color: '#1f77b4', values: [40, 150, 180, 170] },
    { name: 'baseline', color: '#ff7f0e', values: [42, 160, null, 260] },
  ],
};

describe('bench curves: SVG charts', () => {
  it('rounds the y axis up to 1, 2, 2.5 or 5 times a power of ten', () => {
    expect(niceScale(260)).toEqual({ top: 300, step: 100 });
    expect(niceScale(10_001)).toEqual({ top: 12_500, step: 2_500 });
    expect(niceScale(31.3)).toEqual({ top: 40, step: 10 });
    expect(niceScale(0)).toEqual({ top: 1, step: 0.2 });
  });

  it('draws one polyline per series through its measured points only, with axis labels and a legend', () => {
    const svg = chartSvg(line, box);
    const polylines = [...svg.matchAll(/<polyline points="([^"]*)"/g)].map((m) => m[1]!.split(' ').length);
    expect(polylines).toEqual([4, 3]);
    expect(svg.match(/<circle /g)).toHaveLength(7);
    for (const text of ['connections', 'requests per second', 'gateway', 'baseline', '>128<', '>300<']) expect(svg).toContain(text);
    expect(svg).toContain('Throughput &lt;catalog&gt;');
  });

  it('places a higher value higher on the plot', () => {
    const svg = chartSvg({ ...line, series: [{ name: 'one', color: '#000', values: [10, 20, 0, 5] }] }, box);
    const ys = [...svg.matchAll(/<circle cx="[^"]*" cy="([^"]*)"/g)].map((m) => Number(m[1]));
    expect(ys[1]).toBeLessThan(ys[0]!);
    expect(ys[2]).toBeGreaterThan(ys[3]!);
  });

  it('draws one bar per series per category', () => {
    const svg = chartSvg({ ...line, kind: 'bars', categories: ['a', 'b'], series: [
      { name: 'p50', color: '#2ca02c', values: [1, 2] },
      { name: 'p99', color: '#d62728', values: [3, null] },
    ] }, box);
    expect(svg.match(/<rect [^>]*fill="#2ca02c"/g)).toHaveLength(3); // two bars and the legend key
    expect(svg.match(/<rect [^>]*fill="#d62728"/g)).toHaveLength(2);
  });

  it('lays charts out in a grid and reports the picture size', () => {
    const picture = gridSvg('Title & more', 'subtitle', [line, line, line, line], 3, { width: 400, height: 300 });
    expect(picture.width).toBe(1200);
    expect(picture.height).toBe(56 + 2 * 300);
    expect(picture.svg).toContain(`width="1200" height="656"`);
    expect(picture.svg).toContain('Title &amp; more');
    expect(picture.svg.match(/<g>/g)).toHaveLength(4);
    expect(escapeXml('"a"')).toBe('&quot;a&quot;');
  });
});

describe('bench curves: percentile', () => {
  it('takes the nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile([3], 99)).toBe(3);
    expect(percentile([], 50)).toBeNaN();
  });
});
