import type { Router } from '../../common/router';
import type { SandboxRequest, SandboxResponse } from '../../common/types';
import { DEFAULT_TOKEN_TTL_SECONDS, PUBLIC_ROUTE } from '../auth';
import type { HooprContext } from '../context';
import { findClient, modeOf } from '../credentials';
import { failure, HOOPR_ERROR_CODES, hooprError, ok } from '../envelope';

/**
 * `POST /v1/auth/token` (documented): client credentials in a JSON body → a bearer token.
 * The answer's `expires_in` is the lifetime the sandbox enforces right now.
 */
export function registerTokenRoute(router: Router, ctx: HooprContext): void {
  router.post('/v1/auth/token', (req) => grantToken(req, ctx), { ...PUBLIC_ROUTE, tokenEndpoint: true });
}

function grantToken(req: SandboxRequest, ctx: HooprContext): SandboxResponse {
  const body = readJsonObject(req);
  if (body.grant_type !== 'client_credentials') {
    return failure(400, HOOPR_ERROR_CODES.unsupportedGrantType, 'grant_type must be "client_credentials"');
  }
  const { client_id: clientId, client_secret: clientSecret } = body;
  if (typeof clientId !== 'string' || typeof clientSecret !== 'string' || clientId === '' || clientSecret === '') {
    return failure(400, HOOPR_ERROR_CODES.invalidParameter, 'client_id and client_secret are required');
  }
  const client = findClient(clientId, clientSecret);
  if (!client) return failure(401, HOOPR_ERROR_CODES.invalidClient, 'Invalid client credentials');

  const accessToken = ctx.tokens.issue(client, Date.now());
  ctx.ctl.countTokenGrant();
  return ok(
    {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: ctx.ctl.tokenTtlSeconds(DEFAULT_TOKEN_TTL_SECONDS),
      scope: client.scopes.join(' '),
      mode: modeOf(client.clientSecret),
    },
    'Token issued',
  );
}

function readJsonObject(req: SandboxRequest): Record<string, unknown> {
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (contentType !== 'application/json') {
    throw hooprError(400, HOOPR_ERROR_CODES.malformedBody, 'Content-Type must be application/json');
  }
  let body: unknown;
  try {
    body = JSON.parse(req.rawBody.toString('utf8'));
  } catch {
    throw hooprError(400, HOOPR_ERROR_CODES.malformedBody, 'Body is not valid JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw hooprError(400, HOOPR_ERROR_CODES.malformedBody, 'Body must be a JSON object');
  }
  return body as Record<string, unknown>;
}
