import { DEFAULT_WINDOW_SIZE, readPageSizes } from '../pagination/index';

/**
 * Arguments of the forward-only connections over cursor-native HoopAI lists (conversations
 * by `startAfterDate`, messages by `lastMessageId`). Those upstreams cannot page backwards,
 * so these fields offer only `first` (default 20, at most 100) and `after`.
 */
export interface ForwardArguments {
  first?: number | null;
  after?: string | null;
}

export function forwardPageSize(args: ForwardArguments): number {
  return readPageSizes(args).first ?? DEFAULT_WINDOW_SIZE;
}
