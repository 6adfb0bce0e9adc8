import { randomUUID } from 'node:crypto';
import type { ControlPlane } from '../common/control-plane';
import { HttpError } from '../common/http-error';
import type { RouteMeta, SandboxRequest, SandboxResponse } from '../common/types';
import { acceptedVersions, requiredScope, SCOPE_MISSING_BODY, VERSION_MISSING_BODY, versionInvalidBody } from './api-access';
import { privateIntegrationKey, SANDBOX_LOCATIONS } from './locations';
import { callerOfInstall, SANDBOX_SCOPES } from './oauth/install';
import type { OAuthTokenRegistry } from './oauth/token-registry';
import { budgetKeyOf, DEFAULT_BURST_MAX, rateLimitHeaders, type RateLimitDecision, type SlidingWindowRateLimiter } from './rate-limit';
import { setCaller, type Caller } from './world';

/**
 * The gate in front of every HoopAI API route, in the order the upstream applies it:
 * `Version` header (one of the route family's values, api-access.ts) → bearer token →
 * per-location budget → the route's scope. Routes opt out with meta: `versionHeader: false`
 * (no `Version` needed) and `bearer: false` (no token checked).
 */

/** The consent page: a URL a browser opens. */
export const BROWSER_ROUTE: RouteMeta = { bearer: false, versionHeader: false };
/** `POST /oauth/token`: the client authenticates in the form; the OpenAPI file lists no `Version` for it. */
export const CLIENT_CREDENTIALS_ROUTE: RouteMeta = { bearer: false, versionHeader: false };

const INVALID_TOKEN_BODY = { statusCode: 401, message: 'Invalid token: access token is invalid', error: 'Unauthorized' } as const;
const TOO_MANY_REQUESTS_BODY = { statusCode: 429, message: 'Too many requests' } as const;
const RATE_LIMIT_STATE = 'rateLimit';

export function invalidToken(): HttpError {
  return new HttpError(401, { ...INVALID_TOKEN_BODY });
}

/** The token of an `Authorization: Bearer …` header, if there is one. */
export function bearerToken(req: SandboxRequest): string | undefined {
  const header = req.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

/**
 * Who a token belongs to: a private integration key (static, one per location, every
 * scope, never expires) or a live OAuth access token (location or agency).
 */
export function callerOfToken(token: string | undefined, registry: OAuthTokenRegistry): Caller | undefined {
  if (!token) return undefined;
  const location = SANDBOX_LOCATIONS.find((candidate) => privateIntegrationKey(candidate.id) === token);
  if (location) return { kind: 'pit', companyId: location.companyId, locationId: location.id, scopes: [...SANDBOX_SCOPES] };
  const install = registry.accessInstall(token);
  return install ? callerOfInstall(install) : undefined;
}

export interface ApiGateDeps {
  ctl: ControlPlane;
  registry: OAuthTokenRegistry;
  limiter: SlidingWindowRateLimiter;
}

export interface ApiGate {
  before(req: SandboxRequest): SandboxResponse | undefined;
  after(req: SandboxRequest, res: SandboxResponse): void;
}

/**
 * Every authenticated request counts in `stats.byLocation` under its budget key (the
 * location; the company id for agency tokens), 429s included: they reached the upstream.
 */
export function createApiGate(deps: ApiGateDeps): ApiGate {
  return {
    before(req) {
      if (req.meta.versionHeader !== false) {
        const refused = versionRefusal(req);
        if (refused) return refused;
      }
      if (req.meta.bearer === false) return undefined;

      const caller = callerOfToken(bearerToken(req), deps.registry);
      if (!caller) return { status: 401, body: { ...INVALID_TOKEN_BODY } };
      setCaller(req, caller);
      const budgetKey = budgetKeyOf(caller);
      deps.ctl.countLocation(budgetKey);
      const decision = deps.limiter.take(budgetKey, deps.ctl.faults.rateLimitPer10s ?? DEFAULT_BURST_MAX);
      req.state[RATE_LIMIT_STATE] = decision;
      if (!decision.allowed) {
        deps.ctl.countRateLimited();
        return { status: 429, body: { ...TOO_MANY_REQUESTS_BODY } };
      }
      const scope = requiredScope(req.meta);
      if (scope && !caller.scopes.includes(scope)) return { status: 401, body: { ...SCOPE_MISSING_BODY } };
      return undefined;
    },

    /**
     * Rate-limit headers on every response past authentication (errors and 429s too), and a
     * `traceId` header on every response — the body's own `traceId` where a route put one.
     */
    after(req, res) {
      const decision = req.state[RATE_LIMIT_STATE] as RateLimitDecision | undefined;
      res.headers = {
        ...res.headers,
        ...(decision ? rateLimitHeaders(decision) : {}),
        traceId: traceIdOfBody(res.body) ?? randomUUID(),
      };
    },
  };
}

function versionRefusal(req: SandboxRequest): SandboxResponse | undefined {
  const version = req.headers.version;
  if (typeof version !== 'string' || version.trim() === '') return { status: 400, body: { ...VERSION_MISSING_BODY } };
  const accepted = acceptedVersions(req.meta);
  return accepted.includes(version.trim()) ? undefined : { status: 400, body: versionInvalidBody(version.trim(), accepted) };
}

function traceIdOfBody(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Buffer.isBuffer(body)) return undefined;
  const traceId = (body as { traceId?: unknown }).traceId;
  return typeof traceId === 'string' ? traceId : undefined;
}
