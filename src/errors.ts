import { GraphQLError } from 'graphql';

/**
 * Expected failures a client can act on. Each is a GraphQLError with a stable
 * `extensions.code` (frontends switch on it; never on message text). Anything else thrown
 * in a resolver is unexpected and masked by yoga as "Unexpected error.".
 */
export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  RATE_LIMITED: 'RATE_LIMITED',
  UPSTREAM_TIMEOUT: 'UPSTREAM_TIMEOUT',
  UPSTREAM_UNAVAILABLE: 'UPSTREAM_UNAVAILABLE',
  UPSTREAM_BAD_RESPONSE: 'UPSTREAM_BAD_RESPONSE',
  REAUTH_REQUIRED: 'REAUTH_REQUIRED',
  TOKENS_UNAVAILABLE: 'TOKENS_UNAVAILABLE',
  UPSTREAM_SCOPE_MISSING: 'UPSTREAM_SCOPE_MISSING',
  UPSTREAM_VERSION_REFUSED: 'UPSTREAM_VERSION_REFUSED',
  // Mutation payload codes (members of each mutation's result union, never in `errors`).
  UPSTREAM_REFUSED: 'UPSTREAM_REFUSED',
  IDEMPOTENCY_KEY_REUSED: 'IDEMPOTENCY_KEY_REUSED',
  IDEMPOTENCY_IN_PROGRESS: 'IDEMPOTENCY_IN_PROGRESS',
  IDEMPOTENCY_UNAVAILABLE: 'IDEMPOTENCY_UNAVAILABLE',
  // Refused before execution: the document or the request itself.
  GRAPHQL_PARSE_FAILED: 'GRAPHQL_PARSE_FAILED',
  GRAPHQL_VALIDATION_FAILED: 'GRAPHQL_VALIDATION_FAILED',
  // Yoga's own: the request names no operation of the document (several, and no or an unknown operationName).
  OPERATION_RESOLUTION_FAILURE: 'OPERATION_RESOLUTION_FAILURE',
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  COST_LIMIT_EXCEEDED: 'COST_LIMIT_EXCEEDED',
  CALLER_BUDGET_EXHAUSTED: 'CALLER_BUDGET_EXHAUSTED',
  REQUEST_ENTITY_TOO_LARGE: 'REQUEST_ENTITY_TOO_LARGE',
  BAD_REQUEST: 'BAD_REQUEST',
  PERSISTED_DOCUMENT_NOT_FOUND: 'PERSISTED_DOCUMENT_NOT_FOUND',
  PERSISTED_DOCUMENTS_ONLY: 'PERSISTED_DOCUMENTS_ONLY',
  CSRF_REFUSED: 'CSRF_REFUSED',
  // The last event of a subscription the gateway ended (GraphQL over SSE).
  SUBSCRIBER_TOO_SLOW: 'SUBSCRIBER_TOO_SLOW',
  EVENTS_MISSED: 'EVENTS_MISSED',
  SHUTTING_DOWN: 'SHUTTING_DOWN',
  // Refusals of POST /webhooks/hoopai (HoopAI's deliveries; REQUEST_ENTITY_TOO_LARGE too).
  WEBHOOK_SIGNATURE_INVALID: 'WEBHOOK_SIGNATURE_INVALID',
  WEBHOOK_STALE: 'WEBHOOK_STALE',
  WEBHOOK_MALFORMED: 'WEBHOOK_MALFORMED',
  WEBHOOK_QUEUE_FULL: 'WEBHOOK_QUEUE_FULL',
  // Anything unexpected: masked by yoga ("Unexpected error."), details only in the log.
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** HTTP status for request-level (not field-level) failures. */
const HTTP_STATUS: Partial<Record<ErrorCode, number>> = {
  UNAUTHENTICATED: 401,
  // The request's Content-Type is one a web page can send cross-site without a preflight.
  CSRF_REFUSED: 415,
};

export function gatewayError(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  const status = HTTP_STATUS[code];
  return new GraphQLError(message, {
    extensions: { code, ...extensions, ...(status ? { http: { status } } : {}) },
  });
}
