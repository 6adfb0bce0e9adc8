import { Pool } from 'undici';

/** Connection settings of one upstream origin. */
export interface HttpTuning {
  /** Most sockets open to the origin at once; further requests queue in the pool. Default 32. */
  connections: number;
  /** TCP (+TLS) connect timeout, ms. Default 5000. */
  connectTimeoutMs: number;
  /** Longest wait for response headers once the request is sent, ms. Default 15000. */
  headersTimeoutMs: number;
  /** Longest silence between body chunks, ms. Default 15000. */
  bodyTimeoutMs: number;
  /** How long an idle keep-alive socket is kept, ms (capped by the server's hint). Default 30000. */
  keepAliveTimeoutMs: number;
  /** Larger response bodies are refused as UPSTREAM_BAD_RESPONSE, bytes. Default 10 MiB. */
  maxResponseBytes: number;
}

export const DEFAULT_HTTP_TUNING: HttpTuning = {
  connections: 32,
  connectTimeoutMs: 5_000,
  headersTimeoutMs: 15_000,
  bodyTimeoutMs: 15_000,
  keepAliveTimeoutMs: 30_000,
  maxResponseBytes: 10 * 1024 * 1024,
};

/** Where an upstream lives: its origin (for the pool) and an optional path prefix. */
export interface UpstreamBase {
  origin: string;
  pathPrefix: string;
}

export function parseBaseUrl(baseUrl: string): UpstreamBase {
  const url = new URL(baseUrl);
  return { origin: url.origin, pathPrefix: url.pathname.replace(/\/+$/, '') };
}

/** One keep-alive pool per upstream origin, shared by every call to it. */
export function createDispatcher(origin: string, tuning: HttpTuning): Pool {
  return new Pool(origin, {
    connections: tuning.connections,
    pipelining: 1,
    keepAliveTimeout: tuning.keepAliveTimeoutMs,
    keepAliveMaxTimeout: Math.max(tuning.keepAliveTimeoutMs, 60_000),
    headersTimeout: tuning.headersTimeoutMs,
    bodyTimeout: tuning.bodyTimeoutMs,
    connect: { timeout: tuning.connectTimeoutMs },
  });
}
