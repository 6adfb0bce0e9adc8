import { z } from 'zod';

/**
 * What one GraphQL request may spend, from the environment (validated with the rest of the
 * config). Defaults let every operation in examples/operations and the inbox through.
 */
export interface RequestLimits {
  /** One deadline for the whole request, shared by all of its upstream calls (ms). */
  requestTimeoutMs: number;
  /** Upstream calls one request may make: its estimate above this is refused before anything runs. */
  maxUpstreamCalls: number;
  /** Upstream calls one caller (API key, JWT subject) may spend per minute, estimates reserved up front. */
  callerCallsPerMinute: number;
  /** Bytes of a request body. */
  maxRequestBytes: number;
  /** Lexical tokens of a document (counted while parsing). */
  maxTokens: number;
  /** Depth of field nesting. */
  maxDepth: number;
  /** Aliases in a document. */
  maxAliases: number;
  /** Directives in a document. */
  maxDirectives: number;
  /** Bytes of parsed documents kept for reuse (parse, validation, compiled code). */
  documentCacheBytes: number;
  /** Events one subscription holds for a subscriber that reads slower than they arrive; one more ends it (SUBSCRIBER_TOO_SLOW). */
  subscriptionBufferEvents: number;
}

export const DEFAULT_REQUEST_LIMITS: RequestLimits = {
  requestTimeoutMs: 15_000,
  maxUpstreamCalls: 200,
  callerCallsPerMinute: 1_200,
  maxRequestBytes: 64 * 1024,
  maxTokens: 2_000,
  maxDepth: 12,
  maxAliases: 30,
  maxDirectives: 20,
  documentCacheBytes: 32 * 1024 * 1024,
  subscriptionBufferEvents: 256,
};

const positiveInt = (fallback: number) => z.coerce.number().int('a whole number').positive('a positive whole number').default(fallback);
const d = DEFAULT_REQUEST_LIMITS;

export const requestLimitsEnvShape = {
  REQUEST_TIMEOUT_MS: positiveInt(d.requestTimeoutMs),
  MAX_UPSTREAM_CALLS_PER_REQUEST: positiveInt(d.maxUpstreamCalls),
  CALLER_UPSTREAM_CALLS_PER_MINUTE: positiveInt(d.callerCallsPerMinute),
  MAX_REQUEST_BYTES: positiveInt(d.maxRequestBytes),
  MAX_QUERY_TOKENS: positiveInt(d.maxTokens),
  MAX_QUERY_DEPTH: positiveInt(d.maxDepth),
  MAX_QUERY_ALIASES: positiveInt(d.maxAliases),
  MAX_QUERY_DIRECTIVES: positiveInt(d.maxDirectives),
  DOCUMENT_CACHE_MB: positiveInt(d.documentCacheBytes / (1024 * 1024)),
  SUBSCRIPTION_BUFFER_EVENTS: positiveInt(d.subscriptionBufferEvents),
};

type RequestLimitsEnv = z.infer<z.ZodObject<typeof requestLimitsEnvShape>>;

export function buildRequestLimits(env: RequestLimitsEnv, problems: string[]): RequestLimits {
  if (env.MAX_UPSTREAM_CALLS_PER_REQUEST > env.CALLER_UPSTREAM_CALLS_PER_MINUTE) {
    problems.push(
      `MAX_UPSTREAM_CALLS_PER_REQUEST: ${env.MAX_UPSTREAM_CALLS_PER_REQUEST} is above CALLER_UPSTREAM_CALLS_PER_MINUTE (${env.CALLER_UPSTREAM_CALLS_PER_MINUTE}); a request that may cost more than a caller's whole minute could never run`,
    );
  }
  return {
    requestTimeoutMs: env.REQUEST_TIMEOUT_MS,
    maxUpstreamCalls: env.MAX_UPSTREAM_CALLS_PER_REQUEST,
    callerCallsPerMinute: env.CALLER_UPSTREAM_CALLS_PER_MINUTE,
    maxRequestBytes: env.MAX_REQUEST_BYTES,
    maxTokens: env.MAX_QUERY_TOKENS,
    maxDepth: env.MAX_QUERY_DEPTH,
    maxAliases: env.MAX_QUERY_ALIASES,
    maxDirectives: env.MAX_QUERY_DIRECTIVES,
    documentCacheBytes: env.DOCUMENT_CACHE_MB * 1024 * 1024,
    subscriptionBufferEvents: env.SUBSCRIPTION_BUFFER_EVENTS,
  };
}
