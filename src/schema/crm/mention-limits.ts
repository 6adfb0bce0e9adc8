/**
 * Bounds on what track mentions in message bodies may cost upstream. Message bodies are
 * written by anyone who texts the business, so these bounds — not the sender — decide what
 * reading a conversation costs Hoopr. The cost estimator reads them to bound the Hoopr calls
 * of a query; with the miss TTL of the catalog cache they are the whole contract:
 *
 *   Hoopr calls for Message.tracks in one request
 *     ≤ MAX_MENTION_LOOKUPS_PER_REQUEST × max(MAX_CALLS_PER_SLUG_LOOKUP, MAX_CALLS_PER_ID_LOOKUP)
 *
 * and a mention already looked up (found or not) costs nothing until its cache entry expires
 * (tracks 10 minutes, misses 60 seconds). Calls are counted as the gateway makes them: the
 * HTTP layer may retry one that fails (5xx, timeout) at most twice.
 */

/**
 * Mentions read from one message; later ones are ignored. shareTrack writes one, the
 * people we have seen write one or two ("try X or Y"); five leaves room for a short list of
 * options while a planted message can no longer ask for ten lookups.
 */
export const MAX_MENTIONS_PER_MESSAGE = 5;

/**
 * Distinct mentions one GraphQL request may look up upstream (mentions the cache answers
 * are free). A `Message.tracks` whose mentions would pass it fails alone with
 * COST_LIMIT_EXCEEDED, before any lookup; the lookups made so far are cached, so asking again
 * goes further. 50 covers an inbox page (25 conversations × 5 messages) on a cold cache
 * unless many of its messages mention different tracks.
 */
export const MAX_MENTION_LOOKUPS_PER_REQUEST = 50;

/** A slug mention: one Hoopr search page (Hoopr has no lookup by slug). */
export const MAX_CALLS_PER_SLUG_LOOKUP = 1;

/** An id mention: one `GET /v1/tracks/{id}`. */
export const MAX_CALLS_PER_ID_LOOKUP = 1;
