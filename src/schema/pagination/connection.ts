import type { CursorAddress } from './cursor-envelope';
import { lazyEdge, lazyPageInfo } from './lazy-cursors';
import { offsetCursor } from './offset-cursor';
import { PageSizeLimits } from './page-size-limits';
import { type FetchPage, readWindow } from './window-reader';
import { type ConnectionArguments, readWindowRequest } from './window-request';

export interface Edge<Node> {
  cursor: string;
  node: Node;
}

export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

/** The shape a Pothos relay connection resolver returns, plus the upstream's total. */
export interface Connection<Node> {
  edges: Edge<Node>[];
  pageInfo: PageInfo;
  totalCount: number;
}

export interface PagedListOptions<Node> extends CursorAddress {
  /** Fetches one page of the list, already mapped to nodes. */
  fetchPage: FetchPage<Node>;
  /**
   * What the upstream endpoint does with page sizes; share one instance per endpoint so
   * the learning is paid once per process. Omitted: learnt afresh for this window only.
   */
  limits?: PageSizeLimits;
  /** The request's signal, passed to every fetchPage call. */
  signal?: AbortSignal;
  /** The window when neither `first` nor `last` is given (1–100, default 20). */
  defaultSize?: number;
}

/**
 * A Relay connection over a page-number upstream list: validates the arguments and cursors
 * (BAD_USER_INPUT before any upstream call where possible), reads the window's pages, and
 * returns edges whose cursors are opaque, tagged with `kind` and `scope`, and valid as
 * `after`/`before` for the same field with the same scope.
 */
export async function connectionFromPages<Node>(
  args: ConnectionArguments,
  options: PagedListOptions<Node>,
): Promise<Connection<Node>> {
  const address: CursorAddress = { kind: options.kind, scope: options.scope };
  const request = readWindowRequest(args, address, options.defaultSize);
  const { window, total, items } = await readWindow(request, {
    fetchPage: options.fetchPage,
    limits: options.limits ?? new PageSizeLimits(),
    signal: options.signal,
  });
  const edges = items.map((node, offset) => lazyEdge(node, () => offsetCursor(address, window.start + offset)));
  return {
    edges,
    pageInfo: lazyPageInfo(edges, window),
    totalCount: total,
  };
}
