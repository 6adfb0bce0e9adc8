export { connectionFromPages, type Connection, type Edge, type PageInfo, type PagedListOptions } from './connection';
export type { CursorAddress } from './cursor-envelope';
export { lazyEdge, lazyPageInfo } from './lazy-cursors';
export { inconsistentUpstreamPages, invalidPaginationInput } from './errors';
export { nativeCursor, readNativeCursor } from './native-cursor';
export { offsetCursor, readOffsetCursor } from './offset-cursor';
export { PageSizeLimits } from './page-size-limits';
export type { FetchPage, UpstreamPage } from './window-reader';
export { type ConnectionArguments, DEFAULT_WINDOW_SIZE, MAX_WINDOW_SIZE } from './window-request';
