import { invalidPaginationInput } from './errors';

/** Largest `first`/`last` a client may ask for; larger lists are paged through. */
export const MAX_WINDOW_SIZE = 100;

/** `first` and `last` as a client sent them; a forward-only list has no `last`. */
export interface PageSizeArguments {
  first?: number | null;
  last?: number | null;
}

export interface PageSizes {
  first?: number;
  last?: number;
}

/**
 * The one check of `first` and `last`, made by every connection before any upstream call:
 * each a whole number from 0 to MAX_WINDOW_SIZE, and never both. Relay allows the pair, but
 * "the last m of the first n" is a window no client means to ask for (Relay itself
 * discourages it), and answering one of the two silently would answer another question.
 */
export function readPageSizes(args: PageSizeArguments): PageSizes {
  if (args.first != null && args.last != null) {
    throw invalidPaginationInput('Pass `first` or `last`, not both: `first` pages forwards (with `after`), `last` backwards (with `before`).');
  }
  const sizes: PageSizes = {};
  if (args.first != null) sizes.first = checkedSize('first', args.first);
  if (args.last != null) sizes.last = checkedSize('last', args.last);
  return sizes;
}

function checkedSize(argument: 'first' | 'last', value: number): number {
  if (!Number.isInteger(value)) throw invalidPaginationInput(`\`${argument}\` must be a whole number, got ${value}.`);
  if (value < 0) throw invalidPaginationInput(`\`${argument}\` must not be negative, got ${value}.`);
  if (value > MAX_WINDOW_SIZE) {
    throw invalidPaginationInput(`\`${argument}\` must be at most ${MAX_WINDOW_SIZE}, got ${value}. Page through longer lists with cursors.`);
  }
  return value;
}
