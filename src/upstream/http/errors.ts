import type { IncomingHttpHeaders } from 'node:http';

/**
 * Failures of upstream calls, as classes with a stable `code` (the GraphQL layer maps
 * `code` to `extensions.code`; nobody matches on message text). Messages are written by
 * us, name the upstream and the route pattern, and never carry a credential.
 */

export type UpstreamName = 'hoopr' | 'hoopai';

export type UpstreamErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'RATE_LIMITED'
  | 'UPSTREAM_TIMEOUT'
  | 'UPSTREAM_UNAVAILABLE'
  | 'UPSTREAM_BAD_RESPONSE'
  | 'REAUTH_REQUIRED'
  | 'TOKENS_UNAVAILABLE'
  | 'UPSTREAM_SCOPE_MISSING'
  | 'UPSTREAM_VERSION_REFUSED'
  | 'BAD_USER_INPUT'
  | 'COST_LIMIT_EXCEEDED';

export interface UpstreamErrorDetails {
  upstream: UpstreamName;
  /** HTTP status the upstream answered, when it answered. */
  status?: number;
  /** The upstream's trace id (HoopAI `traceId`), what its support asks for. */
  traceId?: string;
  cause?: unknown;
}

export abstract class UpstreamError extends Error {
  abstract readonly code: UpstreamErrorCode;
  readonly upstream: UpstreamName;
  readonly status?: number;
  readonly traceId?: string;

  constructor(message: string, details: UpstreamErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.upstream = details.upstream;
    this.status = details.status;
    this.traceId = details.traceId;
  }

  /** What a GraphQL client may see: no secrets, no upstream bodies. */
  get extensions(): Record<string, unknown> {
    return compact({ code: this.code, upstream: this.upstream, upstreamStatus: this.status, traceId: this.traceId });
  }
}

/** The upstream refused our credentials, even after one renewal. */
export class UnauthenticatedError extends UpstreamError {
  readonly code = 'UNAUTHENTICATED';
}

/** The credentials are valid but may not touch this resource (e.g. another location). */
export class ForbiddenError extends UpstreamError {
  readonly code = 'FORBIDDEN';
}

export class NotFoundError extends UpstreamError {
  readonly code = 'NOT_FOUND';
}

/** The upstream validated and refused the request (HTTP 400/409/422): the input must change. */
export class UpstreamRejectedError extends UpstreamError {
  readonly code = 'BAD_USER_INPUT';
  constructor(
    message: string,
    details: UpstreamErrorDetails,
    /** The upstream's own validation messages (already scrubbed of known secrets). */
    readonly upstreamMessages: readonly string[] = [],
  ) {
    super(message, details);
  }

  override get extensions(): Record<string, unknown> {
    return { ...super.extensions, upstreamMessages: [...this.upstreamMessages] };
  }
}

export class RateLimitedError extends UpstreamError {
  readonly code = 'RATE_LIMITED';
  constructor(
    message: string,
    details: UpstreamErrorDetails,
    /** How long to wait before the same call can succeed, in ms. */
    readonly retryAfterMs: number,
  ) {
    super(message, details);
  }

  override get extensions(): Record<string, unknown> {
    return { ...super.extensions, retryAfterMs: this.retryAfterMs };
  }
}

interface TransportDetails extends UpstreamErrorDetails {
  /**
   * True only when the request provably never reached the upstream (the connection was
   * never made): the one case in which even a write may be sent again.
   */
  neverSent?: boolean;
  /**
   * True when the upstream or the network to it failed (5xx, reset, its timeouts); false
   * when we gave up (the call's deadline) or refused to call (open circuit). Only upstream
   * faults count towards opening the circuit breaker.
   */
  upstreamFault?: boolean;
  /** Headers of the answer when there was one (a 5xx still reports rate-limit headers). */
  responseHeaders?: IncomingHttpHeaders;
}

/** A call that failed in transit (timeout, connection, 5xx): what retries and the breaker read. */
abstract class TransportError extends UpstreamError {
  readonly neverSent: boolean;
  readonly upstreamFault: boolean;
  readonly responseHeaders?: IncomingHttpHeaders;
  constructor(message: string, details: TransportDetails) {
    super(message, details);
    this.neverSent = details.neverSent ?? false;
    this.upstreamFault = details.upstreamFault ?? true;
    this.responseHeaders = details.responseHeaders;
  }
}

export class UpstreamTimeoutError extends TransportError {
  readonly code = 'UPSTREAM_TIMEOUT';
}

export class UpstreamUnavailableError extends TransportError {
  readonly code = 'UPSTREAM_UNAVAILABLE';
}

/** The circuit breaker is open: the call was not sent and is not retried. */
export class CircuitOpenError extends UpstreamUnavailableError {
  constructor(upstream: UpstreamName) {
    super(`${upstreamLabel(upstream)} is failing; calls are paused for a moment`, {
      upstream,
      neverSent: true,
      upstreamFault: false,
    });
  }
}

/** The upstream answered something we cannot read (wrong shape, not JSON, too large). */
export class UpstreamBadResponseError extends UpstreamError {
  readonly code = 'UPSTREAM_BAD_RESPONSE';
}

/**
 * The location's OAuth install is gone (refresh token used, expired or revoked): an admin
 * must install the app again at `installUrl`.
 */
export class ReauthRequiredError extends UpstreamError {
  readonly code = 'REAUTH_REQUIRED';
  constructor(
    readonly locationId: string,
    readonly installUrl: string | undefined,
    details: UpstreamErrorDetails,
  ) {
    super(`HoopAI location ${locationId} must be re-authorized: install the app again${installUrl ? ` at ${installUrl}` : ''}`, details);
  }

  override get extensions(): Record<string, unknown> {
    return compact({ ...super.extensions, locationId: this.locationId, installUrl: this.installUrl });
  }
}

/**
 * Shared mode: a token had to be obtained and the fleet's token store (Redis) could not be
 * used, or another instance's refresh did not finish in time. Nothing was sent upstream:
 * a refresh runs only under the fleet-wide lock, so a single-use refresh token is never spent
 * where the other instances cannot see the result. Transient: it recovers with Redis.
 */
export class TokensUnavailableError extends UpstreamError {
  readonly code = 'TOKENS_UNAVAILABLE';
}

/**
 * The location's upstream credentials were not granted the scope this call needs (HoopAI
 * answers 401 for it, which renewing the token cannot cure). An admin installs the app again
 * with the scope (`installUrl`, for OAuth locations) or adds it to the private integration.
 */
export class UpstreamScopeMissingError extends UpstreamError {
  readonly code = 'UPSTREAM_SCOPE_MISSING';
  constructor(
    readonly missingScope: string,
    readonly locationId: string,
    readonly installUrl: string | undefined,
    details: UpstreamErrorDetails,
  ) {
    super(`HoopAI credentials of location ${locationId} lack the ${missingScope} scope`, details);
  }

  override get extensions(): Record<string, unknown> {
    return compact({ ...super.extensions, missingScope: this.missingScope, locationId: this.locationId, installUrl: this.installUrl });
  }
}

/** HoopAI refused the `Version` header the gateway is configured to send for this family of endpoints. */
export class UpstreamVersionRefusedError extends UpstreamError {
  readonly code = 'UPSTREAM_VERSION_REFUSED';
  constructor(
    readonly family: string,
    readonly version: string,
    details: UpstreamErrorDetails,
  ) {
    super(`HoopAI refused Version ${version} for its ${family} endpoints: the gateway's version setting for them must change`, details);
  }

  override get extensions(): Record<string, unknown> {
    return { ...super.extensions, family: this.family, version: this.version };
  }
}

/**
 * Refused before sending: the GraphQL request this call serves has made as many upstream
 * requests as it may. Nothing was sent; the rest of the request's answer stands.
 */
export class CallBudgetExceededError extends UpstreamError {
  readonly code = 'COST_LIMIT_EXCEEDED';
  constructor(
    readonly limit: number,
    details: UpstreamErrorDetails,
  ) {
    super(`This request has made the ${limit} upstream calls it may make; ${upstreamLabel(details.upstream)} was not called.`, details);
  }

  override get extensions(): Record<string, unknown> {
    return { ...super.extensions, limit: this.limit };
  }
}

export function upstreamLabel(upstream: UpstreamName): string {
  return upstream === 'hoopr' ? 'Hoopr' : 'HoopAI';
}

function compact(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}
