import fc from 'fast-check';
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import {
  type Connection,
  connectionFromPages,
  type ConnectionArguments,
  DEFAULT_WINDOW_SIZE,
  type FetchPage,
  offsetCursor,
  PageSizeLimits,
} from '../src/schema/pagination';

const TRACKS = { kind: 'track', scope: { type: 'MUSIC' } };
const PROPERTY_RUNS = { seed: 20_240_605, numRuns: 600 };

interface UpstreamBehaviour {
  total: number;
  floor: number;
  cap: number;
}

/**
 * A page-number list as the Hoopr contract describes it: serves clamp(asked, floor, cap)
 * items, reports the size it served, answers `[]` past the end. Items are their positions.
 */
function pagedUpstream({ total, floor, cap }: UpstreamBehaviour): { fetchPage: FetchPage<number>; calls: () => number } {
  let calls = 0;
  const fetchPage: FetchPage<number> = async (page, asked) => {
    calls += 1;
    const served = Math.min(Math.max(asked, floor), cap);
    const start = Math.min((page - 1) * served, total);
    const items = Array.from({ length: Math.min(served, total - start) }, (_, offset) => start + offset);
    return { items, total, page, pageSize: served };
  };
  return { fetchPage, calls: () => calls };
}

interface RelayEdge {
  cursor: string;
  node: number;
}

/**
 * The pagination algorithm of relay.dev/graphql/connections.htm, step by step on the whole
 * list. The two "if the server can efficiently determine" branches answer yes (the edge the
 * cursor names exists and lies outside the window), which is what the module documents.
 */
function relaySpecification(allEdges: RelayEdge[], args: ConnectionArguments): Omit<Connection<number>, 'totalCount'> {
  let edges = allEdges;
  if (args.after != null) {
    const afterEdge = edges.findIndex((edge) => edge.cursor === args.after);
    if (afterEdge >= 0) edges = edges.slice(afterEdge + 1);
  }
  if (args.before != null) {
    const beforeEdge = edges.findIndex((edge) => edge.cursor === args.before);
    if (beforeEdge >= 0) edges = edges.slice(0, beforeEdge);
  }
  const afterCursors = edges;
  if (args.first != null && edges.length > args.first) edges = edges.slice(0, args.first);
  if (args.last != null && edges.length > args.last) edges = edges.slice(edges.length - args.last);
  const hasPreviousPage =
    args.last != null ? afterCursors.length > args.last : args.after != null && allEdges.some((edge) => edge.cursor === args.after);
  const hasNextPage =
    args.first != null ? afterCursors.length > args.first : args.before != null && allEdges.some((edge) => edge.cursor === args.before);
  return {
    edges,
    pageInfo: { hasNextPage, hasPreviousPage, startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null },
  };
}

/**
 * The documented departures from the literal algorithm: `first` with `last` is refused,
 * defaults, and cursors that name no edge of the window's list.
 */
function expectedOutcome(total: number, positions: Positions): Connection<number> | 'BAD_USER_INPUT' {
  const { after, before } = positions;
  if (positions.first !== undefined && positions.last !== undefined) return 'BAD_USER_INPUT';
  if ((after !== undefined && after >= total) || (before !== undefined && before >= total)) return 'BAD_USER_INPUT';
  if (after !== undefined && before !== undefined && after >= before) return 'BAD_USER_INPUT';
  const args = argumentsFor(positions);
  if (args.first == null && args.last == null) {
    if (before !== undefined && after === undefined) args.last = DEFAULT_WINDOW_SIZE;
    else args.first = DEFAULT_WINDOW_SIZE;
  }
  const allEdges = Array.from({ length: total }, (_, index) => ({ cursor: offsetCursor(TRACKS, index), node: index }));
  return { ...relaySpecification(allEdges, args), totalCount: total };
}

interface Positions {
  first?: number;
  last?: number;
  after?: number;
  before?: number;
}

function argumentsFor({ first, last, after, before }: Positions): ConnectionArguments {
  return {
    first,
    last,
    after: after === undefined ? undefined : offsetCursor(TRACKS, after),
    before: before === undefined ? undefined : offsetCursor(TRACKS, before),
  };
}

function upstreamBehaviour(maxTotal: number): fc.Arbitrary<UpstreamBehaviour> {
  return fc
    .record({ total: fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: maxTotal })), cap: fc.integer({ min: 1, max: 120 }) })
    .chain(({ total, cap }) =>
      fc.record({ total: fc.constant(total), cap: fc.constant(cap), floor: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: cap })) }),
    );
}

const size = fc.option(fc.oneof(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 100 })), { nil: undefined });

function positionsWithin(total: number): fc.Arbitrary<Positions> {
  const position = fc.option(fc.integer({ min: 0, max: total + 2 }), { nil: undefined, freq: 2 });
  return fc.record({ first: size, last: size, after: position, before: position });
}

describe('connectionFromPages against the Relay pagination algorithm', () => {
  it('returns the same edges, page info and totalCount as the algorithm run on the whole list', async () => {
    await fc.assert(
      fc.asyncProperty(
        upstreamBehaviour(3000).chain((behaviour) => fc.tuple(fc.constant(behaviour), positionsWithin(behaviour.total), fc.boolean())),
        async ([behaviour, positions, sharedLimits]) => {
          const upstream = pagedUpstream(behaviour);
          const limits = sharedLimits ? new PageSizeLimits() : undefined;
          if (limits) await connectionFromPages({ first: 7, after: offsetCursor(TRACKS, 0) }, { ...TRACKS, fetchPage: upstream.fetchPage, limits }).catch(() => {});
          const outcome = await connectionFromPages(argumentsFor(positions), { ...TRACKS, fetchPage: upstream.fetchPage, limits }).catch(
            (error: unknown) => {
              expect(error).toBeInstanceOf(GraphQLError);
              return (error as GraphQLError).extensions.code;
            },
          );
          expect(outcome).toEqual(expectedOutcome(behaviour.total, positions));
        },
      ),
      PROPERTY_RUNS,
    );
  });

  it('walks forwards with first/after through every edge exactly once, in order', async () => {
    await fc.assert(
      fc.asyncProperty(upstreamBehaviour(400), fc.integer({ min: 1, max: 100 }), async (behaviour, first) => {
        const upstream = pagedUpstream(behaviour);
        const limits = new PageSizeLimits();
        const seen: number[] = [];
        let after: string | null = null;
        for (let page = 0; ; page += 1) {
          const connection: Connection<number> = await connectionFromPages({ first, after }, { ...TRACKS, fetchPage: upstream.fetchPage, limits });
          seen.push(...connection.edges.map((edge) => edge.node));
          expect(connection.pageInfo.hasPreviousPage).toBe(after !== null);
          if (!connection.pageInfo.hasNextPage) break;
          after = connection.pageInfo.endCursor;
          expect(page).toBeLessThan(behaviour.total);
        }
        expect(seen).toEqual(Array.from({ length: behaviour.total }, (_, index) => index));
      }),
      { ...PROPERTY_RUNS, numRuns: 150 },
    );
  });

  it('walks backwards from the end with last/before through every edge exactly once', async () => {
    await fc.assert(
      fc.asyncProperty(upstreamBehaviour(400), fc.integer({ min: 1, max: 100 }), async (behaviour, last) => {
        const upstream = pagedUpstream(behaviour);
        const limits = new PageSizeLimits();
        const pages: number[][] = [];
        let before: string | null = null;
        for (;;) {
          const connection: Connection<number> = await connectionFromPages({ last, before }, { ...TRACKS, fetchPage: upstream.fetchPage, limits });
          pages.unshift(connection.edges.map((edge) => edge.node));
          expect(connection.pageInfo.hasNextPage).toBe(before !== null);
          expect(connection.totalCount).toBe(behaviour.total);
          if (!connection.pageInfo.hasPreviousPage) break;
          before = connection.pageInfo.startCursor;
        }
        expect(pages.flat()).toEqual(Array.from({ length: behaviour.total }, (_, index) => index));
      }),
      { ...PROPERTY_RUNS, numRuns: 150 },
    );
  });
});
