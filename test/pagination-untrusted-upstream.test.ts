import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { connectionFromPages, type ConnectionArguments, type FetchPage, offsetCursor, PageSizeLimits, type UpstreamPage } from '../src/schema/pagination';

const ARTISTS = { kind: 'artist' };

describe('upstream pages that cannot be trusted', () => {
  async function failureOf(fetchPage: FetchPage<number>, args: ConnectionArguments = { first: 10 }) {
    const error = await connectionFromPages(args, { ...ARTISTS, fetchPage }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(GraphQLError);
    return { code: (error as GraphQLError).extensions.code, message: (error as GraphQLError).message };
  }

  it('refuses a page whose item count contradicts its total and page size', async () => {
    const shortPage: FetchPage<number> = async (page, pageSize) => ({ items: [1, 2, 3], total: 100, page, pageSize });
    expect(await failureOf(shortPage)).toEqual({
      code: 'UPSTREAM_BAD_RESPONSE',
      message: "The upstream's page 1 (size 10, total 100) held 3 items instead of 10.",
    });
    const noTotal = (async (page: number, pageSize: number) => ({ items: [], page, pageSize })) as unknown as FetchPage<number>;
    expect((await failureOf(noTotal)).code).toBe('UPSTREAM_BAD_RESPONSE');
  });

  it('stops instead of looping when the upstream ignores the page asked for', async () => {
    let served = 0;
    const alwaysFirstPage: FetchPage<number> = async (_page, pageSize) => {
      served += 1;
      return { items: Array.from({ length: pageSize }, (_, index) => index), total: 500, page: 1, pageSize };
    };
    expect((await failureOf(alwaysFirstPage, { first: 10, after: offsetCursor(ARTISTS, 99) })).code).toBe('UPSTREAM_BAD_RESPONSE');
    expect(served).toBe(2);
  });

  it("passes the request's signal upstream and cancels the sibling of a failed page", async () => {
    const request = new AbortController();
    const signals: AbortSignal[] = [];
    const limits = new PageSizeLimits({ cap: 10 });
    const fetchPage: FetchPage<number> = (page, pageSize, signal) => {
      signals.push(signal as AbortSignal);
      if (page === 1) return Promise.reject(new Error('upstream reset'));
      return new Promise<UpstreamPage<number>>((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason)));
    };
    const outcome = connectionFromPages({ first: 10, after: offsetCursor(ARTISTS, 4) }, { ...ARTISTS, fetchPage, limits, signal: request.signal });
    await expect(outcome).rejects.toThrow('upstream reset');
    expect(signals).toHaveLength(2);
    expect(signals.every((signal) => signal.aborted)).toBe(true);
    expect(request.signal.aborted).toBe(false);
    request.abort();
  });
});
