import type { GraphQLError } from 'graphql';
import { ErrorCode, gatewayError } from '../../errors';

/**
 * The client sent pagination arguments or a cursor this connection cannot honour. Messages
 * name the argument and say what to do instead; they never echo the cursor's decoded
 * contents, so a cursor stays opaque even when it is rejected.
 */
export function invalidPaginationInput(message: string): GraphQLError {
  return gatewayError(ErrorCode.BAD_USER_INPUT, message);
}

/**
 * The upstream answered a page request with an envelope that contradicts itself (item count
 * against total and page size), or its list kept moving while one window was being read.
 * The window cannot be built honestly from such pages.
 */
export function inconsistentUpstreamPages(message: string): GraphQLError {
  return gatewayError(ErrorCode.UPSTREAM_BAD_RESPONSE, message);
}
