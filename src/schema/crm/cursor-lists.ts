import type { ConnectionArguments } from '../pagination/index';
import { DEFAULT_WINDOW_SIZE, invalidPaginationInput, MAX_WINDOW_SIZE } from '../pagination/index';

/**
 * Arguments of the forward-only connections over cursor-native HoopAI lists (conversations
 * by `startAfterDate`, messages by `lastMessageId`): `first` (default 20, at most 100) and
 * `after`. Those upstreams cannot page backwards, so `last`/`before` are refused rather
 * than answered with a different window.
 */
export function forwardPageSize(args: ConnectionArguments): number {
  if (args.last != null || args.before != null) {
    throw invalidPaginationInput('This list pages forwards only: use `first` and `after`.');
  }
  const first = args.first ?? DEFAULT_WINDOW_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_WINDOW_SIZE) {
    throw invalidPaginationInput(`\`first\` must be a whole number from 0 to ${MAX_WINDOW_SIZE}, got ${first}.`);
  }
  return first;
}
