import { HttpError } from '../../common/http-error';

/**
 * The OAuth server's refusals, in the shapes the OpenAPI file documents for it
 * (BadRequestDTO `{statusCode, message}`, UnauthorizedDTO, UnprocessableDTO). Clients
 * tell the refresh failures apart by message text only (FACTS.md), so those texts are exact.
 */

export const INVALID_REFRESH_TOKEN = 'Invalid grant: refresh token is invalid';
export const LOCATION_NOT_ACTIVE = 'Location is not active';

function badRequest(message: string): HttpError {
  return new HttpError(400, { statusCode: 400, message });
}

export const invalidRefreshToken = () => badRequest(INVALID_REFRESH_TOKEN);
export const invalidAuthorizationCode = () => badRequest('Invalid grant: authorization code is invalid');
export const redirectUriMismatch = () => badRequest('Invalid grant: redirect_uri does not match the authorization request');
export const locationNotActive = () => badRequest(LOCATION_NOT_ACTIVE);
/** Not documented live; BadRequestDTO like the other grant refusals, without "Invalid grant" (the install is intact). */
export const userTypeMismatch = (sent: string, installed: string) =>
  badRequest(`user_type ${sent} does not match the consent: this app was installed as ${installed}`);

export function invalidClient(): HttpError {
  return new HttpError(401, { statusCode: 401, message: 'Invalid client: client credentials are invalid', error: 'Unauthorized' });
}

/** A location token used where only an agency token may go. */
export function agencyTokenRequired(): HttpError {
  return new HttpError(401, {
    statusCode: 401,
    message: 'This authClass type is not allowed to access this scope. Please reach out to the Platform team to get it added.',
    error: 'Unauthorized',
  });
}

export function notApproved(what: 'company' | 'location'): HttpError {
  return new HttpError(403, { statusCode: 403, message: `The token does not have access to this ${what}.` });
}

export function unprocessable(messages: string[]): HttpError {
  return new HttpError(422, { statusCode: 422, message: messages, error: 'Unprocessable Entity' });
}

/** Class-validator style messages for absent required form fields. */
export function requireFields(form: URLSearchParams, names: readonly string[]): void {
  const missing = names.filter((name) => !form.get(name));
  if (missing.length > 0) throw unprocessable(missing.map((name) => `${name} should not be empty`));
}

export function requireOneOf(form: URLSearchParams, name: string, allowed: readonly string[]): void {
  const value = form.get(name);
  if (value !== null && !allowed.includes(value)) {
    throw unprocessable([`${name} must be one of the following values: ${allowed.join(', ')}`]);
  }
}
