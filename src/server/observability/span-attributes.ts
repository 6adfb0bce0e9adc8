import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_RESEND_COUNT,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
} from '@opentelemetry/semantic-conventions';

/**
 * Attribute names on the gateway's spans: OpenTelemetry's semantic conventions where they
 * have one (the incubating ones copied here, as the conventions package advises), and the
 * gateway's own under `hoop.`.
 */
export const SpanAttribute = {
  HTTP_METHOD: ATTR_HTTP_REQUEST_METHOD,
  HTTP_STATUS: ATTR_HTTP_RESPONSE_STATUS_CODE,
  HTTP_ROUTE: ATTR_HTTP_ROUTE,
  RESEND_COUNT: ATTR_HTTP_REQUEST_RESEND_COUNT,
  ERROR_TYPE: ATTR_ERROR_TYPE,
  URL_TEMPLATE: 'url.template',
  OPERATION_NAME: 'graphql.operation.name',
  OPERATION_TYPE: 'graphql.operation.type',
  REQUEST_ID: 'hoop.request_id',
  CALLER: 'hoop.caller',
  OUTCOME: 'hoop.outcome',
  ERROR_CODES: 'hoop.error_codes',
  ESTIMATED_CALLS: 'hoop.cost.estimated_calls',
  CALLS: 'hoop.cost.calls',
  RETRIES: 'hoop.cost.retries',
  UPSTREAM: 'hoop.upstream',
  ROUTE: 'hoop.upstream.route',
  ATTEMPT: 'hoop.upstream.attempt',
  RETRY: 'hoop.upstream.retry',
} as const;
