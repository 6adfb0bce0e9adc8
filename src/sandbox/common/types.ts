import type { IncomingHttpHeaders } from 'node:http';

/** A parsed request as a sandbox route handler sees it. */
export interface SandboxRequest {
  readonly method: string;
  /** Path without the query string, as sent. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** Values of `:name` segments of the matched route pattern. */
  readonly params: Record<string, string>;
  readonly rawBody: Buffer;
  /** The matched route pattern, e.g. `/contacts/:contactId`; `<unmatched>` otherwise. */
  readonly route: string;
  readonly meta: RouteMeta;
  /** Per-request scratch space for middleware (e.g. the authenticated caller). */
  readonly state: Record<string, unknown>;
  /** Parses the body as JSON; answers 400 in the upstream's own error shape when it is not. */
  json<T = unknown>(): T;
  /** Parses the body as application/x-www-form-urlencoded. */
  form(): URLSearchParams;
}

export interface SandboxResponse {
  status: number;
  headers?: Record<string, string>;
  /** Serialised as JSON unless it is a Buffer (sent as is) or undefined (no body). */
  body?: unknown;
}

/** Free-form per-route settings read by a sandbox's middleware (e.g. `{ public: true }`). */
export type RouteMeta = Record<string, unknown>;

export type Handler = (req: SandboxRequest) => SandboxResponse | Promise<SandboxResponse>;
