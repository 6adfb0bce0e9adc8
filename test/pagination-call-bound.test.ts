import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { connectionFromPages, type FetchPage, maxWindowCalls, offsetCursor, PageSizeLimits } from '../src/schema/pagination';

/**
 * The cost estimate trusts `maxWindowCalls` as an upper bound of what `connectionFromPages`
 * calls for one window. Checked here against a page-number upstream that serves
 * clamp(asked, floor, cap), from every state of learning a shared PageSizeLimits can be in.
 */

const ADDRESS = { kind: 'bound' };

function upstream(total: number, floor: number, cap: number): { fetchPage: FetchPage<number>; calls: () => number } {
  let calls = 0;
  const fetchPage: FetchPage<number> = async (page, asked) => {
    calls += 1;
    const served = Math.min(Math.max(asked, floor), cap);
    const start = Math.min((page - 1) * served, total);
    return { items: Array.from({ length: Math.min(served, total - start) }, (_, i) => start + i), total, page, pageSize: served };
  };
  return { fetchPage, calls: () => calls };
}

const cases = fc
  .record({
    total: fc.oneof(fc.integer({ min: 0, max: 80 }), fc.integer({ min: 0, max: 3000 })),
    cap: fc.oneof(fc.integer({ min: 1, max: 150 }), fc.constant(50), fc.constant(20)),
    floorShare: fc.double({ min: 0, max: 1, noNaN: true }),
    leastCapShare: fc.double({ min: 0, max: 1, noNaN: true }),
    first: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
    last: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
    afterShare: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
    beforeShare: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
    /** Windows read earlier through the same limits: what the process has learned so far. */
    earlier: fc.array(fc.integer({ min: 1, max: 100 }), { maxLength: 3 }),
  })
  .map((c) => {
    const floor = Math.max(1, Math.round(c.floorShare * c.cap));
    const position = (share: number | undefined) => (share === undefined || c.total === 0 ? undefined : Math.floor(share * (c.total - 1)));
    let after = position(c.afterShare);
    let before = position(c.beforeShare);
    if (after !== undefined && before !== undefined && after >= before) [after, before] = [undefined, before];
    // `first` and `last` together are refused before any call.
    const last = c.first !== undefined ? undefined : c.last;
    return { ...c, last, floor, leastCap: c.leastCapShare > 0.5 ? c.cap : Math.max(1, Math.round(2 * c.leastCapShare * c.cap)), after, before };
  });

describe('maxWindowCalls', () => {
  it('is never below the calls connectionFromPages makes for the window', async () => {
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        const limits = new PageSizeLimits({ leastCap: c.leastCap });
        for (const size of c.earlier) {
          await connectionFromPages({ first: size }, { ...ADDRESS, fetchPage: upstream(c.total, c.floor, c.cap).fetchPage, limits });
        }
        const args = {
          first: c.first,
          last: c.last,
          after: c.after === undefined ? undefined : offsetCursor(ADDRESS, c.after),
          before: c.before === undefined ? undefined : offsetCursor(ADDRESS, c.before),
        };
        const bound = maxWindowCalls({ first: c.first, last: c.last, hasAfter: c.after !== undefined, hasBefore: c.before !== undefined }, limits);
        const source = upstream(c.total, c.floor, c.cap);
        await connectionFromPages(args, { ...ADDRESS, fetchPage: source.fetchPage, limits });
        expect(source.calls()).toBeLessThanOrEqual(bound);
      }),
      { seed: 20_261_204, numRuns: 3000 },
    );
  });

  it('counts the documented cases exactly once the cap is known', () => {
    const limits = new PageSizeLimits({ floor: 1, cap: 50 });
    expect(maxWindowCalls({ first: 20, hasAfter: false, hasBefore: false }, limits)).toBe(2);
    expect(maxWindowCalls({ last: 20, hasAfter: false, hasBefore: false }, limits)).toBe(3);
    expect(maxWindowCalls({ first: 100, hasAfter: true, hasBefore: false }, limits)).toBe(3);
    expect(maxWindowCalls({ hasAfter: false, hasBefore: false }, limits)).toBe(2);
  });
});
