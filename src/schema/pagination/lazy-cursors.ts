import type { Edge, PageInfo } from './connection';

/**
 * Edges and page infos whose cursors are sealed only when a client reads them. Sealing is a
 * scope digest and an encoding per edge, and most queries ask for no edge cursor at all:
 * a page of 50 tracks usually wants `pageInfo.endCursor` and nothing else. Once read, a
 * cursor is kept, so every read of the same edge gives the same string.
 */
export function lazyEdge<Node>(node: Node, seal: () => string): Edge<Node> {
  let cursor: string | undefined;
  return {
    node,
    get cursor() {
      cursor ??= seal();
      return cursor;
    },
  };
}

/** `startCursor`/`endCursor` read from the first and last edge when asked for. */
export function lazyPageInfo(edges: readonly Edge<unknown>[], flags: Pick<PageInfo, 'hasNextPage' | 'hasPreviousPage'>): PageInfo {
  return {
    hasNextPage: flags.hasNextPage,
    hasPreviousPage: flags.hasPreviousPage,
    get startCursor() {
      return edges[0]?.cursor ?? null;
    },
    get endCursor() {
      return edges.at(-1)?.cursor ?? null;
    },
  };
}
