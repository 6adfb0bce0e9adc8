import type { ZodIssue, ZodType, ZodTypeDef } from 'zod';
import { badRequest, unprocessable } from './upstream-errors';

/**
 * Parses a request body or query with zod and answers the upstream's 422 on failure, with
 * the messages its class-validator pipes produce (`pageLimit must not be greater than 500`).
 */
export function parseInput<T>(schema: ZodType<T, ZodTypeDef, unknown>, input: unknown): T {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  throw unprocessable(result.error.issues.flatMap(describeIssue));
}

/**
 * The same checks for a route whose OpenAPI entry documents no 422, only 400
 * (BadRequestDTO: one `message` string): the messages joined into one.
 */
export function parseInputAs400<T>(schema: ZodType<T, ZodTypeDef, unknown>, input: unknown): T {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  throw badRequest(result.error.issues.flatMap(describeIssue).join('; '));
}

function describeIssue(issue: ZodIssue): string[] {
  const field = issue.path.join('.') || 'body';
  switch (issue.code) {
    case 'invalid_type':
      if (issue.received === 'undefined') return [`${field} should not be empty`];
      return [`${field} must be ${article(issue.expected)}`];
    case 'invalid_string':
      return [issue.validation === 'email' ? `${field} must be an email` : `${field} is invalid`];
    case 'too_big':
      return issue.type === 'string'
        ? [`${field} must be shorter than or equal to ${String(issue.maximum)} characters`]
        : [`${field} must not be greater than ${String(issue.maximum)}`];
    case 'too_small':
      return issue.type === 'string' && issue.minimum === 1
        ? [`${field} should not be empty`]
        : [`${field} must not be less than ${String(issue.minimum)}`];
    case 'unrecognized_keys':
      return issue.keys.map((key) => `property ${issue.path.length ? `${field}.` : ''}${key} should not exist`);
    case 'invalid_enum_value':
    case 'invalid_literal':
      return [`${field} must be one of the following values: ${'options' in issue ? issue.options.join(', ') : String(issue.expected)}`];
    default:
      return [issue.message === 'Invalid input' ? `${field} is invalid` : issue.message];
  }
}

function article(type: string): string {
  if (type === 'integer') return 'an integer number';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** Query parameters as an object for `parseInput` (a repeated parameter keeps its last value). */
export function queryObject(params: URLSearchParams): Record<string, string> {
  return Object.fromEntries(params);
}
