import { HttpError } from '../common/http-error';
import type { SandboxResponse } from '../common/types';

/**
 * The Hoopr envelope: `{ data, error: { code, message } }`, code 0 on success and
 * `data: null` on failure (CONTRACT.md, "Envelope").
 *
 * The upstream's table of non-zero codes is not public, so the sandbox keeps its own,
 * stable one: the HTTP status times 100 plus a cause number.
 *   40001 invalid query parameter or field      40101 invalid client credentials
 *   40002 body is not a JSON object             40102 no bearer token
 *   40003 grant_type is not client_credentials  40103 unknown or revoked token
 *   40301 token lacks the route's scope         40104 expired token
 *   40401 no such track, artist or route
 * Any other failure (injected faults, 405, 413, 500, …) is `<status>01`.
 */
export const HOOPR_ERROR_CODES = {
  invalidParameter: 40001,
  malformedBody: 40002,
  unsupportedGrantType: 40003,
  invalidClient: 40101,
  missingToken: 40102,
  invalidToken: 40103,
  expiredToken: 40104,
  insufficientScope: 40301,
  notFound: 40401,
} as const;

export function genericErrorCode(status: number): number {
  return status * 100 + 1;
}

export function ok(data: unknown, message = 'OK'): SandboxResponse {
  return { status: 200, body: { data, error: { code: 0, message } } };
}

export function failure(status: number, code: number, message: string, headers: Record<string, string> = {}): SandboxResponse {
  return { status, headers, body: { data: null, error: { code, message } } };
}

/** For the shared server: its own failures (faults, unknown routes, crashes) in Hoopr's envelope. */
export function hooprErrorResponse(status: number, message: string): SandboxResponse {
  return failure(status, genericErrorCode(status), message);
}

/** Thrown from a handler to answer with a Hoopr error envelope. */
export function hooprError(status: number, code: number, message: string): HttpError {
  const response = failure(status, code, message);
  return new HttpError(response.status, response.body);
}

export function badParameter(message: string): HttpError {
  return hooprError(400, HOOPR_ERROR_CODES.invalidParameter, message);
}

export function notFound(message: string): HttpError {
  return hooprError(404, HOOPR_ERROR_CODES.notFound, message);
}
