import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  connectionFromPages,
  type ConnectionArguments,
  DEFAULT_WINDOW_SIZE,
  type FetchPage,
  offsetCursor,
  PageSizeLimits,
} from '../src/schema/pagination';

const ARTISTS = { kind: 'artist' };
const PROPERTY_RUNS = { seed: 20_240_605, numRuns: 800 };

interface Call {
  page: number;
  asked: number;
  served: number;
}

/**
 * A page-number list as the Hoopr contract describes it: serves clamp(asked, floor, cap)
 * items, reports the size it served, answers `[]` past the end. Items are their positions.
 */
function pagedUpstream(total: number, floor: number, cap: number): { fetchPage: FetchPage<number>; calls: Call[] } {
  const calls: Call[] = [];
  const fetchPage: FetchPage<number> = async (page, asked) => {
    const served = Math.min(Math.max(asked, floor), cap);
    calls.push({ page, asked, served });
    const start = Math.min((page - 1) * served, total);
    const items = Array.from({ length: Math.min(served, total - start) }, (_, offset) => start + offset);
    return { items, total, page, pageSize: served };
  };
  return { fetchPage, calls };
}

interface Scenario {
  total: number;
  floor: number;
  cap: number;
  first?: number;
  last?: number;
  after?: number;
  before?: number;
}

/** Valid requests only (never `first` with `last`, cursors inside the list, `after` in front of `before`): this file counts calls, not errors. */
const scenario: fc.Arbitrary<Scenario> = fc
  .record({
    total: fc.oneof(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 5000 })),
    cap: fc.oneof(fc.integer({ min: 1, max: 120 }), fc.constant(50)),
    first: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined, freq: 2 }),
    last: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined, freq: 2 }),
  })
  .chain(({ total, cap, first, last }) => {
    const position = total === 0 ? fc.constant(undefined) : fc.option(fc.integer({ min: 0, max: total - 1 }), { nil: undefined, freq: 2 });
    return fc.record({
      total: fc.constant(total),
      cap: fc.constant(cap),
      floor: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: cap })),
      first: fc.constant(first),
      last: fc.constant(first === undefined ? last : undefined),
      after: position,
      before: position,
    });
  })
  .map((drawn) => (drawn.after !== undefined && drawn.before !== undefined && drawn.after >= drawn.before ? { ...drawn, before: undefined } : drawn));

/** The request after the documented default, and where its window is known to lie before the total is. */
function shapeOf(scenario: Scenario): { first?: number; last?: number; start: number; span?: { start: number; end: number } } {
  let { first, last } = scenario;
  if (first === undefined && last === undefined) {
    if (scenario.before !== undefined && scenario.after === undefined) last = DEFAULT_WINDOW_SIZE;
    else first = DEFAULT_WINDOW_SIZE;
  }
  const start = scenario.after === undefined ? 0 : scenario.after + 1;
  if (scenario.before !== undefined) {
    let [spanStart, spanEnd] = [start, scenario.before];
    if (first !== undefined) spanEnd = Math.min(spanEnd, spanStart + first);
    if (last !== undefined) spanStart = Math.max(spanStart, spanEnd - last);
    return { first, last, start, span: { start: spanStart, end: spanEnd } };
  }
  return { first, last, start, span: first === undefined ? undefined : { start, end: start + first } };
}

function argumentsOf({ first, last, after, before }: Scenario): ConnectionArguments {
  return {
    first,
    last,
    after: after === undefined ? undefined : offsetCursor(ARTISTS, after),
    before: before === undefined ? undefined : offsetCursor(ARTISTS, before),
  };
}

function pagesCovering(start: number, end: number, pageSize: number): number {
  return end <= start ? 0 : Math.floor((end - 1) / pageSize) - Math.floor(start / pageSize) + 1;
}

/** Runs one window; returns its positions [start, end) (taken from the nodes, which are positions) and the calls. */
async function run(scenario: Scenario, limits?: PageSizeLimits) {
  const upstream = pagedUpstream(scenario.total, scenario.floor, scenario.cap);
  const connection = await connectionFromPages(argumentsOf(scenario), { ...ARTISTS, fetchPage: upstream.fetchPage, limits });
  const nodes = connection.edges.map((edge) => edge.node);
  const window = nodes.length === 0 ? undefined : { start: nodes[0] as number, end: (nodes.at(-1) as number) + 1 };
  const surprises = upstream.calls.filter((call) => call.served !== call.asked).length;
  return { window, calls: upstream.calls, surprises };
}

describe('upstream calls per window', () => {
  it('costs exactly what the module documents on a fresh memo when the upstream serves every size up to its cap', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (drawn) => {
        const current = { ...drawn, floor: 1 };
        const shape = shapeOf(current);
        const { window, calls } = await run(current);
        if (shape.span !== undefined) {
          // Placed without the total: page of size n holding the window's start, then the next if needed.
          const n = Math.max(shape.span.end - shape.span.start, 1);
          fc.pre(n <= current.cap);
          const firstPage = Math.floor(shape.span.start / n);
          const fitsFirstPage = window === undefined || (window.start >= firstPage * n && window.end <= (firstPage + 1) * n);
          expect(calls.length).toBe(fitsFirstPage ? 1 : 2);
          expect(calls[0]).toEqual({ page: firstPage + 1, asked: n, served: n });
        } else {
          // `last` without `before`: page 1 of 2n for the total, then the rest in one page of a candidate size, else two.
          const last = shape.last ?? 0;
          fc.pre(last <= current.cap);
          const asked = Math.max(2 * last, 1);
          const probe = Math.min(asked, current.cap);
          expect(calls[0]).toEqual({ page: 1, asked, served: probe });
          if (window === undefined || window.end <= probe) {
            expect(calls.length).toBe(1);
            return;
          }
          const rest = { start: Math.max(window.start, probe), end: window.end };
          const largest = Math.min(probe, 2 * last);
          let onePageSuffices = false;
          for (let size = rest.end - rest.start; size <= largest; size += 1) onePageSuffices ||= pagesCovering(rest.start, rest.end, size) === 1;
          expect(calls.length).toBe(onePageSuffices ? 2 : 3);
        }
      }),
      PROPERTY_RUNS,
    );
  });

  it('stays within two calls (three for `last` without `before`, ceil-based above the cap) plus one per refused size', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, fc.array(scenario, { maxLength: 3 }), async (drawn, earlier) => {
        // Earlier windows on the same upstream teach the shared memo (or leave it fresh).
        const limits = new PageSizeLimits();
        let refusedSizes = 0;
        for (const previous of earlier) refusedSizes += (await run({ ...previous, floor: drawn.floor, cap: drawn.cap }, limits)).surprises;
        const shape = shapeOf(drawn);
        const { window, calls, surprises } = await run(drawn, limits);
        // Each refusal teaches the floor or the cap for good: at most two per memo, whatever it served.
        expect(refusedSizes + surprises).toBeLessThanOrEqual(2);
        if (shape.span !== undefined) {
          const n = Math.max(shape.span.end - shape.span.start, 1);
          const bound = n <= drawn.cap ? 2 : pagesCovering(shape.span.start, shape.span.end, drawn.cap);
          expect(calls.length).toBeLessThanOrEqual(bound + surprises);
          const aligned = shape.first !== undefined && drawn.before === undefined && shape.start % Math.max(shape.first, 1) === 0;
          if (aligned && drawn.floor <= n && n <= drawn.cap) expect(calls.length).toBe(1);
        } else {
          const n = window === undefined ? 0 : window.end - window.start;
          const bound = 1 + (n <= drawn.cap ? 2 : pagesCovering(window?.start ?? 0, window?.end ?? 0, drawn.cap));
          expect(calls.length).toBeLessThanOrEqual(bound + surprises);
        }
      }),
      PROPERTY_RUNS,
    );
  });

  it('costs exactly the pages of size cap holding the window when the window is larger than a known cap', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (drawn) => {
        const shape = shapeOf(drawn);
        fc.pre(shape.span !== undefined && shape.span.end - shape.span.start > drawn.cap);
        const { calls } = await run({ ...drawn, floor: 1 }, new PageSizeLimits({ cap: drawn.cap }));
        const span = shape.span as { start: number; end: number };
        expect(calls.length).toBe(pagesCovering(span.start, span.end, drawn.cap));
        expect(calls.every((call) => call.asked === drawn.cap)).toBe(true);
      }),
      { ...PROPERTY_RUNS, numRuns: 200 },
    );
  });
});

/**
 * The Hoopr sandbox's `servedPageSize` fault (the Quickstart's "asked 10, got 20" in full):
 * an upstream that serves one size s whatever is asked. No window can then cost less than
 * the pages of size s that hold it, and the two-call rules above cannot hold for windows
 * larger than s.
 */
describe('an upstream that serves one page size whatever is asked', () => {
  /** Exactly the calls a window needs once s is known: the pages of s holding it (and page 1 first for `last` without `before`). */
  function pagesNeeded(drawn: Scenario, window: { start: number; end: number } | undefined): number {
    const shape = shapeOf(drawn);
    const size = drawn.cap;
    if (shape.span !== undefined) return pagesCovering(shape.span.start, shape.span.start + Math.max(shape.span.end - shape.span.start, 1), size);
    if (window === undefined || window.end <= size) return 1;
    return 1 + pagesCovering(Math.max(window.start, size), window.end, size);
  }

  it('costs exactly the pages of that size holding the window once the size is known', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (drawn) => {
        const fixed = { ...drawn, floor: drawn.cap };
        const { window, calls, surprises } = await run(fixed, new PageSizeLimits({ floor: fixed.cap, cap: fixed.cap }));
        expect(surprises).toBe(0);
        expect(calls.length).toBe(pagesNeeded(fixed, window));
      }),
      PROPERTY_RUNS,
    );
  });

  it('costs at most one more call per size it had to learn, and learns at most twice', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (drawn) => {
        const fixed = { ...drawn, floor: drawn.cap };
        const { window, calls, surprises } = await run(fixed, new PageSizeLimits());
        expect(surprises).toBeLessThanOrEqual(2);
        expect(calls.length).toBeLessThanOrEqual(pagesNeeded(fixed, window) + surprises);
      }),
      PROPERTY_RUNS,
    );
  });
});

describe('documented cases', () => {
  const calls = (log: Call[]) => log.map(({ page, asked, served }) => `${page}:${asked}->${served}`);

  it('honours the page size the upstream reports: asked 10, served 20', async () => {
    const limits = new PageSizeLimits();
    const upstream = pagedUpstream(1280, 20, 50);
    const head = await connectionFromPages({ first: 10 }, { ...ARTISTS, fetchPage: upstream.fetchPage, limits });
    expect(head.edges.map((edge) => edge.node)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const next = await connectionFromPages({ first: 10, after: head.pageInfo.endCursor }, { ...ARTISTS, fetchPage: upstream.fetchPage, limits });
    expect(next.edges.map((edge) => edge.node)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    expect(next).toMatchObject({ totalCount: 1280, pageInfo: { hasNextPage: true, hasPreviousPage: true } });
    // The first answer taught the floor: the second window asks for 20 and costs one call.
    expect(calls(upstream.calls)).toEqual(['1:10->20', '1:20->20']);
  });

  it('fetches the pages of the size served when the upstream serves one size: first 50 on pages of 20', async () => {
    const limits = new PageSizeLimits();
    const upstream = pagedUpstream(1280, 20, 20);
    const head = await connectionFromPages({ first: 50 }, { ...ARTISTS, fetchPage: upstream.fetchPage, limits });
    expect(head.edges.map((edge) => edge.node)).toEqual(Array.from({ length: 50 }, (_, index) => index));
    const next = await connectionFromPages({ first: 10, after: head.pageInfo.endCursor }, { ...ARTISTS, fetchPage: upstream.fetchPage, limits });
    expect(next.edges.map((edge) => edge.node)).toEqual(Array.from({ length: 10 }, (_, index) => 50 + index));
    // Asked 50, served page 1 of 20: the rest in pages 2 and 3; then positions 50-59 lie in page 3 of 20.
    expect(calls(upstream.calls)).toEqual(['1:50->20', '2:20->20', '3:20->20', '3:20->20']);
  });

  it('splits a window above the cap into pages of the cap: first 100 on a cap of 50', async () => {
    const limits = new PageSizeLimits();
    const upstream = pagedUpstream(1000, 1, 50);
    const head = await connectionFromPages({ first: 100 }, { ...ARTISTS, fetchPage: upstream.fetchPage, limits });
    const next = await connectionFromPages({ first: 100, after: head.pageInfo.endCursor }, { ...ARTISTS, fetchPage: upstream.fetchPage, limits });
    expect(next.edges.map((edge) => edge.node)).toEqual(Array.from({ length: 100 }, (_, index) => 100 + index));
    expect(calls(upstream.calls)).toEqual(['1:100->50', '2:50->50', '3:50->50', '4:50->50']);
  });

  it('places `last` without `before` by the total: two calls when one page holds the tail, three when none can', async () => {
    const short = pagedUpstream(1234, 1, 50);
    const lastTen = await connectionFromPages({ last: 10 }, { ...ARTISTS, fetchPage: short.fetchPage });
    expect(lastTen.edges.map((edge) => edge.node)).toEqual(Array.from({ length: 10 }, (_, index) => 1224 + index));
    expect(lastTen.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
    expect(calls(short.calls)).toEqual(['1:20->20', '62:20->20']);

    // 50 edges ending at 1234 lie across two pages of 50, the only size the upstream serves for them.
    const full = pagedUpstream(1234, 1, 50);
    const lastFifty = await connectionFromPages({ last: 50 }, { ...ARTISTS, fetchPage: full.fetchPage });
    expect(lastFifty.edges.map((edge) => edge.node)).toEqual(Array.from({ length: 50 }, (_, index) => 1184 + index));
    expect(calls(full.calls)).toEqual(['1:100->50', '24:50->50', '25:50->50']);

    const tiny = pagedUpstream(7, 1, 50);
    const all = await connectionFromPages({ last: 5 }, { ...ARTISTS, fetchPage: tiny.fetchPage });
    expect(all.edges.map((edge) => edge.node)).toEqual([2, 3, 4, 5, 6]);
    expect(calls(tiny.calls)).toEqual(['1:10->10']);
  });

  it('answers an empty list with one call and empty page info', async () => {
    const upstream = pagedUpstream(0, 1, 50);
    expect(await connectionFromPages({}, { ...ARTISTS, fetchPage: upstream.fetchPage })).toEqual({
      edges: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
      totalCount: 0,
    });
    expect(calls(upstream.calls)).toEqual([`1:${DEFAULT_WINDOW_SIZE}->${DEFAULT_WINDOW_SIZE}`]);
  });
});
