import type { SecretRegistry } from '../../logger';
import type { HttpResponse } from './exchange';
import {
  ForbiddenError,
  NotFoundError,
  UnauthenticatedError,
  UpstreamBadResponseError,
  UpstreamRejectedError,
  upstreamLabel,
  type UpstreamError,
  type UpstreamName,
} from './errors';

/** Reading what both upstreams put in bodies and headers, and turning 4xx answers into errors. */

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** HoopAI puts `traceId` in bodies; some gateways also send it as a header. */
export function traceIdOf(response: HttpResponse): string | undefined {
  const fromBody = isRecord(response.body) ? response.body.traceId : undefined;
  if (typeof fromBody === 'string') return fromBody;
  const header = response.headers['x-trace-id'] ?? response.headers.traceid;
  return typeof header === 'string' ? header : undefined;
}

/**
 * The upstream's human-readable messages: HoopAI `message` (a string, or a list for 422),
 * the Hoopr envelope's `error.message`. Scrubbed of known secrets before anyone sees them.
 */
export function upstreamMessages(body: unknown, secrets: SecretRegistry): string[] {
  if (!isRecord(body)) return [];
  const raw = isRecord(body.error) ? body.error.message : body.message;
  const list = Array.isArray(raw) ? raw : [raw];
  return list.filter((item): item is string => typeof item === 'string').map((text) => secrets.scrub(text));
}

export interface StatusContext {
  upstream: UpstreamName;
  route: string;
  secrets: SecretRegistry;
  /** Statuses that mean "no such resource" on this route (HoopAI answers 400 for unknown contact ids). */
  notFoundStatuses?: readonly number[];
}

/**
 * The error for a non-2xx answer that is not 401 (renewal), 429 (rate limiting) or 5xx
 * (transport), all of which are handled before an answer reaches here.
 */
export function errorForStatus(response: HttpResponse, context: StatusContext): UpstreamError {
  const { status } = response;
  const label = `${upstreamLabel(context.upstream)} ${context.route}`;
  const details = { upstream: context.upstream, status, traceId: traceIdOf(response) };
  const messages = upstreamMessages(response.body, context.secrets);
  if (status === 404 || context.notFoundStatuses?.includes(status)) return new NotFoundError(`${label}: not found`, details);
  if (status === 401) return new UnauthenticatedError(`${label}: credentials rejected`, details);
  if (status === 403) return new ForbiddenError(`${label}: not allowed for these credentials`, details);
  if (status >= 400 && status < 500) {
    const reason = messages.length > 0 ? `: ${messages.join('; ')}` : '';
    return new UpstreamRejectedError(`${label} refused the request (${status})${reason}`, details, messages);
  }
  return new UpstreamBadResponseError(`${label}: unexpected status ${status}`, details);
}

/** A 2xx answer whose body is not the shape the route promises. */
export function badShape(context: { upstream: UpstreamName; route: string }, response: HttpResponse, what: string): UpstreamBadResponseError {
  return new UpstreamBadResponseError(`${upstreamLabel(context.upstream)} ${context.route}: ${what}`, {
    upstream: context.upstream,
    status: response.status,
    traceId: traceIdOf(response),
  });
}
