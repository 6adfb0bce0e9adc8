import type { ExecutionResult } from 'graphql';
import { ErrorCode } from '../../errors';

/**
 * How a GraphQL request ended, for logs, metrics and traces:
 * - `ok`: no errors;
 * - `partial`: data with errors (some fields failed: an upstream down, a forbidden location);
 * - `error`: it ran, and no data came back;
 * - `refused_<class>`: it never ran, refused with a code of that class (below);
 * - `abandoned`: the client went away before its answer was ready (nobody read it).
 */
export type Outcome = 'ok' | 'partial' | 'error' | `refused_${RefusalClass}` | 'abandoned';

/** `auth`: who is calling; `request`: the HTTP request itself; `document`: the document or its variables; `cost`, `budget`: what it would spend. */
export type RefusalClass = 'auth' | 'request' | 'document' | 'cost' | 'budget';

const REFUSAL_CLASSES: Partial<Record<ErrorCode, RefusalClass>> = {
  [ErrorCode.UNAUTHENTICATED]: 'auth',
  [ErrorCode.CSRF_REFUSED]: 'auth',
  [ErrorCode.REQUEST_ENTITY_TOO_LARGE]: 'request',
  [ErrorCode.BAD_REQUEST]: 'request',
  [ErrorCode.GRAPHQL_PARSE_FAILED]: 'document',
  [ErrorCode.GRAPHQL_VALIDATION_FAILED]: 'document',
  [ErrorCode.OPERATION_RESOLUTION_FAILURE]: 'document',
  [ErrorCode.QUERY_TOO_COMPLEX]: 'document',
  [ErrorCode.BAD_USER_INPUT]: 'document',
  [ErrorCode.PERSISTED_DOCUMENT_NOT_FOUND]: 'document',
  [ErrorCode.PERSISTED_DOCUMENTS_ONLY]: 'document',
  [ErrorCode.COST_LIMIT_EXCEEDED]: 'cost',
  [ErrorCode.CALLER_BUDGET_EXHAUSTED]: 'budget',
};

const KNOWN_CODES = new Set<string>(Object.values(ErrorCode));

/** A code as a label value: one of the README's list, or `other` (a code is an error's text, and errors are not ours alone). */
export function codeLabel(code: string): string {
  return KNOWN_CODES.has(code) ? code : 'other';
}

/** The `extensions.code` of each error, in order; `INTERNAL_SERVER_ERROR` for one without. */
export function errorCodesOf(errors: readonly { extensions?: Record<string, unknown> | null }[] | undefined): string[] {
  return (errors ?? []).map((error) => {
    const code = error.extensions?.code;
    return typeof code === 'string' ? code : ErrorCode.INTERNAL_SERVER_ERROR;
  });
}

/** The outcome of one answer: `result` with `codes` (its errors' codes, in order). */
export function outcomeOf(result: Pick<ExecutionResult, 'data' | 'errors'>, codes: readonly string[]): Outcome {
  if (codes.length === 0) return 'ok';
  if (result.data !== undefined && result.data !== null) return 'partial';
  // Nothing ran when the answer has no `data` at all (GraphQL over HTTP: a request error).
  const refusal = result.data === undefined ? REFUSAL_CLASSES[codes[0] as ErrorCode] : undefined;
  return refusal ? `refused_${refusal}` : 'error';
}
