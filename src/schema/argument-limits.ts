import { ErrorCode, gatewayError } from '../errors';

/**
 * Caps on the arguments that reach an upstream, checked before any upstream call. A value
 * past its cap is BAD_USER_INPUT naming the argument and the cap (also as
 * `extensions.argument` and `extensions.limit`), so one caller cannot make the gateway
 * forward megabytes or fan out into thousands of calls. README "Limits on arguments" lists
 * them; global ids (1,024 characters) and cursors (2,048) are capped where they are decoded.
 */

/** Catalog `search(query:)`: track names, slugs and tags are a few words; 100 holds any phrase a person types. */
export const MAX_SEARCH_QUERY_LENGTH = 100;
/** Contacts `query`: HoopAI's own limit (FACTS.md, `POST /contacts/search`). */
export const MAX_CONTACT_QUERY_LENGTH = 75;
/** Track and filter slugs: the catalog's longest is 25 characters. */
export const MAX_SLUG_LENGTH = 100;
/** `TrackFilter.filterSlugs`: a track carries a handful of filters and must match all given. */
export const MAX_FILTER_SLUGS = 10;
/** `nodes(ids:)`: each id not cached can cost one upstream call. */
export const MAX_NODE_IDS = 100;
/** HoopAI location ids (20 characters today); the same bound as the ids inside our global ids. */
export const MAX_LOCATION_ID_LENGTH = 64;
/** `ContactFilter` tags: the same rules as tags written by the mutations. */
export const MAX_FILTER_TAGS = 50;
export const MAX_TAG_LENGTH = 64;
/** Other `ContactFilter` strings: no longer than the mutations let a contact field be. */
export const MAX_FILTER_TEXT_LENGTH = 255;

/**
 * The slug form Hoopr uses (lower-case ASCII words joined by single hyphens). A comma, a
 * space or any other separator could turn one slug into several in an upstream query.
 */
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export function checkLength(argument: string, value: string, limit: number): void {
  if (value.length > limit) {
    throw refused(argument, limit, `\`${argument}\` must be at most ${limit} characters, got ${value.length}.`);
  }
}

export function checkCount(argument: string, values: readonly unknown[], limit: number): void {
  if (values.length > limit) throw refused(argument, limit, `\`${argument}\` takes at most ${limit} values, got ${values.length}.`);
}

/** Tags and other list entries: 1 to `limit` characters once trimmed, as the mutations count them. */
export function checkEntryLength(argument: string, value: string, limit: number): void {
  const length = value.trim().length;
  if (length === 0 || length > limit) {
    throw refused(argument, limit, `\`${argument}\` must be 1 to ${limit} characters (trimmed), got ${length}.`);
  }
}

export function checkSlug(argument: string, value: string): void {
  checkLength(argument, value, MAX_SLUG_LENGTH);
  if (!SLUG.test(value)) {
    throw refused(
      argument,
      MAX_SLUG_LENGTH,
      `\`${argument}\` must be one slug: lower-case letters and digits in words joined by single hyphens, e.g. midnight-drive.`,
    );
  }
}

export function isSlug(value: string): boolean {
  return value.length <= MAX_SLUG_LENGTH && SLUG.test(value);
}

function refused(argument: string, limit: number, message: string) {
  return gatewayError(ErrorCode.BAD_USER_INPUT, message, { argument, limit });
}
