import fc from 'fast-check';
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  connectionFromPages,
  type ConnectionArguments,
  type FetchPage,
  lazyEdge,
  lazyPageInfo,
  nativeCursor,
  offsetCursor,
  readNativeCursor,
  readOffsetCursor,
} from '../src/schema/pagination';

const TRACKS = { kind: 'track' };
const FILTERED_TRACKS = { kind: 'track', scope: { type: 'MUSIC', filterSlugs: ['electronic', 'energetic'] } };
const ARTISTS = { kind: 'artist' };
const PROPERTY_RUNS = { seed: 20_240_605, numRuns: 300 };

/** Runs `action` and returns the GraphQL error code and message it throws. */
function failureOf(action: () => unknown): { code: unknown; message: string } {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(GraphQLError);
    return { code: (error as GraphQLError).extensions.code, message: (error as GraphQLError).message };
  }
  throw new Error('expected the action to throw');
}

describe('offset cursors', () => {
  it('round-trip every position and stay opaque base64url', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (index) => {
        const cursor = offsetCursor(FILTERED_TRACKS, index);
        expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(readOffsetCursor('after', cursor, FILTERED_TRACKS)).toBe(index);
      }),
      PROPERTY_RUNS,
    );
  });

  it('refuses a cursor of another connection kind', () => {
    const failure = failureOf(() => readOffsetCursor('after', offsetCursor(ARTISTS, 3), TRACKS));
    expect(failure).toEqual({
      code: 'BAD_USER_INPUT',
      message: '`after` is a cursor from a different connection. Use a cursor returned by this same field.',
    });
  });

  it('refuses a cursor issued under other arguments, but ignores key order and absent fields', () => {
    const cursor = offsetCursor(FILTERED_TRACKS, 7);
    const sameScopeReordered = { kind: 'track', scope: { artistId: null, filterSlugs: ['electronic', 'energetic'], type: 'MUSIC' } };
    expect(readOffsetCursor('before', cursor, sameScopeReordered)).toBe(7);
    expect(readOffsetCursor('after', offsetCursor({ kind: 'track', scope: {} }, 2), { kind: 'track', scope: null })).toBe(2);

    const otherFilter = { kind: 'track', scope: { type: 'SFX', filterSlugs: ['electronic', 'energetic'] } };
    expect(failureOf(() => readOffsetCursor('before', cursor, otherFilter))).toEqual({
      code: 'BAD_USER_INPUT',
      message:
        '`before` was issued for different arguments (filter, query or parent). Keep the arguments you started paginating with, or start again without a cursor.',
    });
    expect(failureOf(() => readOffsetCursor('after', cursor, TRACKS)).code).toBe('BAD_USER_INPUT');
  });

  it('refuses malformed cursors: garbage, non-canonical base64url, tampered or negative positions', () => {
    const valid = offsetCursor(TRACKS, 5);
    const sealed = (plain: string) => Buffer.from(plain, 'utf8').toString('base64url');
    const malformed = [
      '',
      'not a cursor!',
      `${valid}=`,
      valid.slice(0, -1),
      'x'.repeat(4096),
      sealed('o:track::-1'),
      sealed('o:track::05'),
      sealed('o:track::1e3'),
      sealed('o:track::99999999999999999'),
      sealed('track:5'),
    ];
    for (const cursor of malformed) {
      const failure = failureOf(() => readOffsetCursor('after', cursor, TRACKS));
      expect(failure.code, cursor).toBe('BAD_USER_INPUT');
      expect(failure.message, cursor).toMatch(/^`after` is not a valid cursor\./);
    }
  });

  it('never lets arbitrary strings through as anything but a position or BAD_USER_INPUT', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (cursor) => {
        try {
          expect(Number.isSafeInteger(readOffsetCursor('after', cursor, TRACKS))).toBe(true);
        } catch (error) {
          expect((error as GraphQLError).extensions?.code).toBe('BAD_USER_INPUT');
        }
      }),
      PROPERTY_RUNS,
    );
  });
});

describe('native cursors', () => {
  const CONVERSATIONS = { kind: 'conversation', scope: { locationId: 'loc-1', status: 'all' } };
  const startAfterDate = z.object({ startAfterDate: z.number().int().nonnegative() });

  it('carry an upstream cursor value through the opaque envelope', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_102_444_800_000 }), (date) => {
        const cursor = nativeCursor(CONVERSATIONS, { startAfterDate: date });
        expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(readNativeCursor('after', cursor, CONVERSATIONS, startAfterDate)).toEqual({ startAfterDate: date });
      }),
      PROPERTY_RUNS,
    );
    const searchAfter = z.tuple([z.number(), z.string()]);
    const contacts = { kind: 'contact', scope: { locationId: 'loc-1', query: 'ann' } };
    expect(readNativeCursor('after', nativeCursor(contacts, [1717171717, 'c-9:x']), contacts, searchAfter)).toEqual([1717171717, 'c-9:x']);
  });

  it('refuses values the schema rejects, offset cursors, and other connections or scopes', () => {
    const sealed = (plain: string) => Buffer.from(plain, 'utf8').toString('base64url');
    const scopeless = { kind: 'conversation' };
    const cases: Array<[string, RegExp]> = [
      [nativeCursor(CONVERSATIONS, { startAfterDate: -1 }), /is not a valid cursor/],
      [offsetCursor(CONVERSATIONS, 4), /from a different connection/],
      [nativeCursor({ kind: 'message', scope: CONVERSATIONS.scope }, { startAfterDate: 1 }), /from a different connection/],
      [nativeCursor(scopeless, { startAfterDate: 1 }), /issued for different arguments/],
    ];
    for (const [cursor, message] of cases) {
      const failure = failureOf(() => readNativeCursor('after', cursor, CONVERSATIONS, startAfterDate));
      expect(failure.code).toBe('BAD_USER_INPUT');
      expect(failure.message).toMatch(message);
    }
    const truncatedJson = sealed('n:conversation::{"startAfterDate":');
    expect(failureOf(() => readNativeCursor('after', truncatedJson, scopeless, startAfterDate)).message).toMatch(/is not a valid cursor/);
    expect(failureOf(() => readOffsetCursor('after', nativeCursor(TRACKS, 3), TRACKS)).message).toMatch(/from a different connection/);
  });
});

describe('connection arguments', () => {
  async function attempt(args: ConnectionArguments): Promise<{ code: unknown; message: string; calls: number }> {
    let calls = 0;
    const fetchPage: FetchPage<number> = async (page, pageSize) => {
      calls += 1;
      return { items: [], total: 0, page, pageSize };
    };
    const error = await connectionFromPages(args, { ...TRACKS, fetchPage }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(GraphQLError);
    return { code: (error as GraphQLError).extensions.code, message: (error as GraphQLError).message, calls };
  }

  it('rejects sizes above 100, negative or fractional sizes and bad cursors before any upstream call', async () => {
    expect(await attempt({ first: 101 })).toEqual({
      code: 'BAD_USER_INPUT',
      message: '`first` must be at most 100, got 101. Page through longer lists with cursors.',
      calls: 0,
    });
    expect(await attempt({ last: 1000 })).toMatchObject({ code: 'BAD_USER_INPUT', message: /^`last` must be at most 100/, calls: 0 });
    expect(await attempt({ first: -1 })).toEqual({ code: 'BAD_USER_INPUT', message: '`first` must not be negative, got -1.', calls: 0 });
    expect(await attempt({ last: -5, before: offsetCursor(TRACKS, 9) })).toMatchObject({ message: '`last` must not be negative, got -5.', calls: 0 });
    expect(await attempt({ first: 2.5 })).toMatchObject({ code: 'BAD_USER_INPUT', calls: 0 });
    expect(await attempt({ first: 5, last: 5 })).toEqual({
      code: 'BAD_USER_INPUT',
      message: 'Pass `first` or `last`, not both: `first` pages forwards (with `after`), `last` backwards (with `before`).',
      calls: 0,
    });
    expect(await attempt({ first: 3, after: offsetCursor(ARTISTS, 1) })).toMatchObject({ message: /different connection/, calls: 0 });
    expect(await attempt({ after: offsetCursor(TRACKS, 8), before: offsetCursor(TRACKS, 8) })).toEqual({
      code: 'BAD_USER_INPUT',
      message: '`after` must point to an edge in front of `before`; between these two cursors there is no edge.',
      calls: 0,
    });
  });

  it('rejects a cursor past the end of the list once the upstream reports its total', async () => {
    expect(await attempt({ first: 5, after: offsetCursor(TRACKS, 0) })).toEqual({
      code: 'BAD_USER_INPUT',
      message: '`after` points past the end of the list (which now has 0 edges); the list has changed. Start again without a cursor.',
      calls: 1,
    });
  });
});

describe('lazy cursors', () => {
  it('seals an edge cursor only when it is read, once, and page info reads the end edges', () => {
    let seals = 0;
    const edges = ['a', 'b', 'c'].map((node, index) =>
      lazyEdge(node, () => {
        seals++;
        return `cursor-${index}`;
      }),
    );
    const pageInfo = lazyPageInfo(edges, { hasNextPage: true, hasPreviousPage: false });
    expect(seals).toBe(0);
    expect(pageInfo.endCursor).toBe('cursor-2');
    expect(edges[2]!.cursor).toBe('cursor-2');
    expect(seals).toBe(1);
    expect(pageInfo.startCursor).toBe('cursor-0');
    expect(seals).toBe(2);
    expect(lazyPageInfo([], { hasNextPage: false, hasPreviousPage: false })).toMatchObject({ startCursor: null, endCursor: null });
  });
});
