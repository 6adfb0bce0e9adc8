import { decodeGlobalId } from '../global-id';
import { MAX_NODE_IDS } from '../argument-limits';
import { parseLocatedId, parseLocatedMessageId } from '../crm/ids';
import { MAX_CALLS_PER_ID_LOOKUP, MAX_CALLS_PER_SLUG_LOOKUP, MAX_MENTION_LOOKUPS_PER_REQUEST, MAX_MENTIONS_PER_MESSAGE } from '../crm/mention-limits';
import { maxWindowCalls, type PageSizeLimits, windowSizeOf, type WindowShape } from '../pagination/index';
import type { CallsByUpstream } from './call-count';

/**
 * What each field that can reach an upstream costs, in upstream calls, as the gateway
 * really makes them (the resolvers and loaders these rules mirror are named beside each).
 * A field without a rule makes no call of its own: it reads what its parent already holds.
 * test/cost-estimate-bound.test.ts checks the rules against the sandboxes' own counters.
 */

export type Arguments = Record<string, unknown>;

/** The paged lists whose page-size knowledge bounds a window's calls. */
export type PagedList = 'tracks' | 'artists' | 'filters' | 'search' | 'contacts';

/** What the gateway knows now that makes a bound tighter (learned page-size limits). */
export interface CostKnowledge {
  pageLimits(list: PagedList): PageSizeLimits;
  /** Pages one listing of every filter takes (learned from the last listing). */
  filterListingPages(): number;
  /** How many locations the caller may use: the length of `viewer.locations`. */
  callerLocations(): number;
}

export interface FieldCost {
  /** Calls one resolution of the field makes itself (loaders: at most one per distinct key). */
  calls?(args: Arguments, knowledge: CostKnowledge): Partial<CallsByUpstream>;
  /** Objects one resolution hands to the selection below it: list lengths, window sizes. */
  items?(args: Arguments, knowledge: CostKnowledge): number;
  /** A connection: how many edges its `edges` list holds. */
  edges?(args: Arguments): number;
  /**
   * `node`/`nodes`: the ids name their types, so calls and objects are counted per type.
   * Returns the calls, and how many objects of each type the selection below sees.
   */
  byType?(args: Arguments, knowledge: CostKnowledge): { calls: Partial<CallsByUpstream>; objects: Map<string, number> };
  /**
   * The loader's distinct keys are at most the objects of this enclosing type: e.g. every
   * message of a conversation has the conversation's contact, so `Message.contact` below
   * `Conversation.messages` loads at most one contact per conversation.
   */
  distinctWithin?: string;
  /** Calls that are also bounded per request (by a cap the resolver enforces across all resolutions). */
  pooled?: { pool: string; upstream: keyof CallsByUpstream; perResolution(args: Arguments): number; perRequest: number };
}

/**
 * Credits per track, assumed for bounding what is selected below `Track.artists` (Hoopr
 * documents no maximum; the sandbox's tracks have at most 5). Were a track to carry more,
 * the per-request call limit still holds: the gateway stops calling at the limit.
 */
export const ASSUMED_MAX_CREDITS_PER_TRACK = 6;
/** Objects assumed in a list the gateway cannot bound otherwise (no such list reaches an upstream today). */
export const ASSUMED_MAX_LIST_ITEMS = 100;

/** One mention lookup, slug or id: the most calls either form makes (crm/mention-limits.ts). */
const CALLS_PER_MENTION = Math.max(MAX_CALLS_PER_SLUG_LOOKUP, MAX_CALLS_PER_ID_LOOKUP);
/** `node` of a Message: the scan of its conversation, at most 5 pages (message-lookup.ts). */
const CALLS_PER_MESSAGE_SCAN = 5;

const hoopr = (calls: number): Partial<CallsByUpstream> => ({ hoopr: calls });
const hoopai = (calls: number): Partial<CallsByUpstream> => ({ hoopai: calls });

function windowShape(args: Arguments): WindowShape {
  return {
    first: typeof args.first === 'number' ? args.first : undefined,
    last: typeof args.last === 'number' ? args.last : undefined,
    hasAfter: args.after != null,
    hasBefore: args.before != null,
  };
}

/** A page-number list through pagination/window-reader.ts. */
function pagedList(list: PagedList, upstream: keyof CallsByUpstream): FieldCost {
  return {
    calls: (args, knowledge) => ({ [upstream]: maxWindowCalls(windowShape(args), knowledge.pageLimits(list)) }),
    edges: (args) => windowSizeOf(windowShape(args)),
  };
}

/** A cursor-native HoopAI list (conversations, messages): one call per page. */
const cursorList: FieldCost = { calls: () => hoopai(1), edges: (args) => windowSizeOf(windowShape(args)) };

/** A lookup by id through a request's loader: at most one call per distinct id. */
const byId = (upstream: keyof CallsByUpstream): FieldCost => ({ calls: () => ({ [upstream]: 1 }) });

/** Calls and object types of the ids `node`/`nodes` are asked for (ids that do not decode cost nothing: they are refused). */
function nodeLookups(ids: readonly unknown[], knowledge: CostKnowledge): { calls: Partial<CallsByUpstream>; objects: Map<string, number> } {
  const objects = new Map<string, number>();
  const calls = { hoopr: 0, hoopai: 0 };
  const distinct = new Set<string>();
  let filters = false;
  for (const id of ids) {
    if (typeof id !== 'string' || distinct.has(id)) continue;
    distinct.add(id);
    let decoded;
    try {
      decoded = decodeGlobalId(id);
    } catch {
      continue;
    }
    const typename = decoded.typename;
    objects.set(typename, (objects.get(typename) ?? 0) + 1);
    if (typename === 'Track' || typename === 'Artist') calls.hoopr += 1;
    else if (typename === 'Filter') filters = true;
    else if ((typename === 'Contact' || typename === 'Conversation') && parseLocatedId(decoded.id)) calls.hoopai += 1;
    else if (typename === 'Message' && parseLocatedMessageId(decoded.id)) calls.hoopai += CALLS_PER_MESSAGE_SCAN;
  }
  // Filters have no by-id call: any filter not cached costs one listing of them all, per batch.
  if (filters) calls.hoopr += knowledge.filterListingPages();
  return { calls, objects };
}

export const FIELD_COSTS: Readonly<Record<string, FieldCost>> = {
  // Catalog (schema/catalog/*): lists through the window reader, lookups through the loaders.
  'Query.tracks': pagedList('tracks', 'hoopr'),
  'Artist.tracks': pagedList('tracks', 'hoopr'),
  'Query.artists': pagedList('artists', 'hoopr'),
  'Query.filters': pagedList('filters', 'hoopr'),
  'Query.search': pagedList('search', 'hoopr'),
  // By id through the track loader; by slug one search page (CachedCatalog.trackBySlug).
  'Query.track': { calls: (args) => hoopr(args.slug != null ? MAX_CALLS_PER_SLUG_LOOKUP : 1) },
  'Query.artist': byId('hoopr'),
  // `slug` and `trackCount` share the artistDetails loader: one call per artist for both.
  'Artist.slug': byId('hoopr'),
  'Artist.trackCount': byId('hoopr'),
  'Track.artists': { items: () => ASSUMED_MAX_CREDITS_PER_TRACK },
  'Query.node': { byType: (args, knowledge) => nodeLookups([args.id], knowledge) },
  // More ids than `nodes` takes are refused before any call.
  'Query.nodes': {
    byType: (args, knowledge) => nodeLookups(Array.isArray(args.ids) && args.ids.length <= MAX_NODE_IDS ? args.ids : [], knowledge),
  },

  // The caller's locations (viewer.ts): each name is one GET /locations/:id unless cached.
  'Viewer.locations': { items: (_, knowledge) => knowledge.callerLocations() },
  'Location.name': { calls: () => hoopai(1) },

  // CRM (schema/crm/*).
  'Query.contacts': {
    // `after` a cursor continues with searchAfter (one call); otherwise a window by page numbers.
    calls: (args, knowledge) => hoopai(Math.max(1, maxWindowCalls(windowShape(args), knowledge.pageLimits('contacts')))),
    edges: (args) => windowSizeOf(windowShape(args)),
  },
  'Query.conversations': cursorList,
  'Contact.conversations': cursorList,
  'Conversation.messages': cursorList,
  'Query.contact': byId('hoopai'),
  'Query.conversation': byId('hoopai'),
  'Conversation.contact': byId('hoopai'),
  // A message belongs to one conversation, whose contact it is with: below a conversation
  // these load that conversation's (usually primed) record and contact, once per conversation.
  'Message.conversation': { ...byId('hoopai'), distinctWithin: 'Conversation' },
  // The conversation (for its contact id, when the message lacks one), then the contact.
  'Message.contact': { calls: () => hoopai(2), distinctWithin: 'Conversation' },
  // A few lookups per message, and at most so many in the whole request (message-tracks.ts).
  'Message.tracks': {
    items: () => MAX_MENTIONS_PER_MESSAGE,
    pooled: {
      pool: 'mentions',
      upstream: 'hoopr',
      perResolution: () => MAX_MENTIONS_PER_MESSAGE * CALLS_PER_MENTION,
      perRequest: MAX_MENTION_LOOKUPS_PER_REQUEST * CALLS_PER_MENTION,
    },
  },

  // Subscriptions (schema/crm/live/*): what ONE event may cost; each event is charged on its own.
  // The new message is found in its conversation's newest page (shared by the instance's
  // subscribers); one that is not there is scanned for further back, as `node` does.
  'Subscription.messageReceived': { calls: () => hoopai(1 + CALLS_PER_MESSAGE_SCAN) },
  'Subscription.conversationUpdated': byId('hoopai'),
  // The event itself names the change; only its contact is read.
  'ContactChange.contact': byId('hoopai'),

  // Mutations (schema/crm/mutations/*): the write, plus the reads each one may need.
  'Mutation.createContact': { calls: () => hoopai(1) },
  // PUT (a refusal is told from a missing contact by one read), the tags route, or a read.
  'Mutation.updateContact': { calls: () => hoopai(3) },
  'Mutation.deleteContact': { calls: () => hoopai(1) },
  'Mutation.addContactTags': { calls: () => hoopai(1) },
  'Mutation.removeContactTags': { calls: () => hoopai(1) },
  'Mutation.sendMessage': { calls: () => hoopai(1) },
  'Mutation.shareTrack': { calls: () => ({ hoopr: 1, hoopai: 1 }) },
  'AddContactTagsPayload.contact': byId('hoopai'),
  'RemoveContactTagsPayload.contact': byId('hoopai'),
  'SendMessagePayload.conversation': byId('hoopai'),
  'SendMessagePayload.sentMessage': { calls: () => hoopai(CALLS_PER_MESSAGE_SCAN) },
};
