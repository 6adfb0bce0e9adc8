import { afterEach, describe, expect, it } from 'vitest';
import { HOOPR_TRACK_SLUGS } from '../src/sandbox/hoopai/data/message-bodies';
import { SANDBOX_LOCATIONS } from '../src/sandbox/hoopai/locations';
import { seedCatalog } from '../src/sandbox/hoopr/catalog/seed';
import { CatalogStore } from '../src/sandbox/hoopr/catalog/store';
import { MAX_MENTION_LOOKUPS_PER_REQUEST, MAX_MENTIONS_PER_MESSAGE } from '../src/schema/crm/mention-limits';
import { encodeGlobalId } from '../src/schema/global-id';
import { DEFAULT_MISS_TTL_MS } from '../src/upstream/catalog-cache/index';
import { useSandboxGateway } from './helpers/sandbox-gateway';

/**
 * Stored amplification (issue 10): message bodies come from anyone who texts the business.
 * Planted messages full of track mentions, read over real sockets: each read's Hoopr calls
 * stay within the caps of mention-limits.ts, and a mention costs its lookup once per cache
 * lifetime, found or not.
 */

/** The gateway's caches run on this clock: real time, unless a test stops it to move it by hand. */
let stoppedAt: number | undefined;
const harness = useSandboxGateway({}, undefined, { clock: () => stoppedAt ?? Date.now() });
const location = SANDBOX_LOCATIONS[0]!.id;
const MENTIONS_PLANTED_PER_MESSAGE = 10;
const MENTIONS_READ_PER_MESSAGE = Math.min(MENTIONS_PLANTED_PER_MESSAGE, MAX_MENTIONS_PER_MESSAGE);

/**
 * Made-up slugs that name no track but match more than three pages of search hits (`an`
 * is in hundreds of names and tags): the mentions that cost the most when every page of
 * hits was searched for the slug.
 */
const oracle = new CatalogStore(seedCatalog());
const trackSlugs = new Set(oracle.tracks().map((track) => track.slug));
const characters = [...'abcdefghijklmnopqrstuvwxyz'];
const EXPENSIVE_SLUGS = [...characters, ...characters.flatMap((first) => characters.map((second) => first + second))].filter(
  (slug) => !trackSlugs.has(slug) && oracle.search(slug).length > 150,
);

/** Ten mentions for message `index`: the five it is read for are expensive and its own, the rest never read. */
function madeUpSlugs(index: number): string[] {
  const read = EXPENSIVE_SLUGS.slice(index * MENTIONS_READ_PER_MESSAGE, (index + 1) * MENTIONS_READ_PER_MESSAGE);
  const unread = Array.from({ length: MENTIONS_PLANTED_PER_MESSAGE - read.length }, (_, tail) => `unread-${index}-${tail}`);
  return [...read, ...unread];
}

const mentions = (slugs: string[]) => slugs.map((slug, index) => (index % 2 ? `hoopr:track/${slug}` : `https://hoopr.ai/tracks/${slug}`)).join(' and ');

interface Planted {
  conversation: string;
  /** Global ids of the planted messages, in the order they were sent. */
  messages: string[];
}

/** A new conversation holding `bodies`, each texted in by a contact that had none. */
async function plantConversation(bodies: string[]): Promise<Planted> {
  const store = harness.gateway.sandboxes.hoopai!.store;
  const contact = [...store.location(location)!.contacts.values()].find((candidate) => !store.conversationOfContact(candidate))!;
  let conversationId = '';
  const messages: string[] = [];
  for (const body of bodies) {
    const response = await fetch(`${harness.gateway.sandboxes.hoopai!.url}/__sandbox/inbound-message`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ locationId: location, contactId: contact.id, body }),
    });
    expect(response.status).toBe(200);
    const sent = (await response.json()) as { conversationId: string; messageId: string };
    conversationId = sent.conversationId;
    messages.push(encodeGlobalId('Message', `${location}:${sent.conversationId}:${sent.messageId}`));
  }
  return { conversation: encodeGlobalId('Conversation', `${location}:${conversationId}`), messages };
}

interface Read {
  /** `tracks` slugs of every message that answered, in the order read. */
  tracks: string[][];
  errors: { code: unknown; path: (string | number)[] }[];
  /** Hoopr calls this read made, by route. */
  hooprCalls: Record<string, number>;
}

type MessageTracks = { tracks: { slug: string }[] | null } | null;

/** The conversation's messages, newest first, as an inbox reads them. */
const readConversation = (planted: Planted) =>
  read(
    `query($id: ID!) { conversation(id: $id) { messages(first: 50) { edges { node { tracks { slug } } } } } }`,
    { id: planted.conversation },
    (data) => data?.conversation?.messages?.edges?.map((edge: { node: MessageTracks }) => edge.node),
  );

/**
 * The planted messages by id, in the order sent. Each is its own list item, so a `tracks`
 * that fails nulls that field (or, while it is non-null in the schema, that item) alone.
 */
const readMessages = (planted: Planted) =>
  read(`query($ids: [ID!]!) { nodes(ids: $ids) { ... on Message { tracks { slug } } } }`, { ids: planted.messages }, (data) => data?.nodes);

async function read(query: string, variables: Record<string, unknown>, messagesIn: (data: any) => MessageTracks[] | undefined): Promise<Read> {
  const before = (await harness.hoopr.stats()).requests;
  const body = await harness.ask(query, variables);
  const after = (await harness.hoopr.stats()).requests;
  const hooprCalls = Object.fromEntries(
    Object.entries(after)
      // The gateway's own token (one an hour, whatever the traffic) is not a lookup.
      .filter(([route]) => route !== 'POST /v1/auth/token')
      .map(([route, count]) => [route, count - (before[route] ?? 0)] as const)
      .filter(([, count]) => count > 0),
  );
  return {
    tracks: (messagesIn(body.data) ?? []).flatMap((message) => (message?.tracks ? [message.tracks.map((track) => track.slug)] : [])),
    errors: (body.errors ?? []).map((error) => ({ code: error.extensions?.code, path: error.path ?? [] })),
    hooprCalls,
  };
}

const total = (calls: Record<string, number>) => Object.values(calls).reduce((sum, count) => sum + count, 0);

describe('Message.tracks on planted messages', () => {
  it('costs one Hoopr call per mention read, however many search hits it matches, and nothing on the next read', async () => {
    // Eight messages of ten mentions: a real track first, then made-up ones (one a made-up id).
    const realSlugs = HOOPR_TRACK_SLUGS.slice(0, 8);
    const bodies = realSlugs.map((real, index) => {
      const madeUp = madeUpSlugs(index).slice(0, MENTIONS_PLANTED_PER_MESSAGE - 1);
      if (index === 0) madeUp[0] = '00000000-0000-4000-8000-00000000abcd';
      return `Listen: ${mentions([real, ...madeUp])}`;
    });
    const planted = await plantConversation(bodies);

    const first = await readConversation(planted);
    expect(first.errors).toEqual([]);
    expect(first.tracks).toEqual(realSlugs.map((real) => [real]).reverse());
    const lookups = bodies.length * MENTIONS_READ_PER_MESSAGE;
    expect(first.hooprCalls).toEqual({ 'GET /v1/search': lookups - 1, 'GET /v1/tracks/:id': 1 });

    const second = await readConversation(planted);
    expect(second.tracks).toEqual(first.tracks);
    expect(second.hooprCalls).toEqual({});
  });

  it(`looks up at most ${MAX_MENTION_LOOKUPS_PER_REQUEST} mentions per request; the messages past that fail alone, and the next read goes on`, async () => {
    const messages = 15;
    const planted = await plantConversation(Array.from({ length: messages }, (_, index) => mentions(madeUpSlugs(index))));
    const lookups = messages * MENTIONS_READ_PER_MESSAGE;
    const messagesWithinBudget = Math.floor(MAX_MENTION_LOOKUPS_PER_REQUEST / MENTIONS_READ_PER_MESSAGE);
    expect(lookups).toBeGreaterThan(MAX_MENTION_LOOKUPS_PER_REQUEST);

    const first = await readMessages(planted);
    expect(first.hooprCalls).toEqual({ 'GET /v1/search': MAX_MENTION_LOOKUPS_PER_REQUEST });
    expect(first.tracks).toEqual(Array.from({ length: messagesWithinBudget }, () => []));
    // The messages read last are past the budget; each failed alone, at its `tracks`.
    expect(first.errors).toEqual(
      Array.from({ length: messages - messagesWithinBudget }, (_, index) => ({
        code: 'COST_LIMIT_EXCEEDED',
        path: ['nodes', messagesWithinBudget + index, 'tracks'],
      })),
    );

    const second = await readConversation(planted);
    expect(second.errors).toEqual([]);
    expect(second.tracks).toHaveLength(messages);
    expect(total(second.hooprCalls)).toBe(lookups - MAX_MENTION_LOOKUPS_PER_REQUEST);

    const third = await readConversation(planted);
    expect(third.hooprCalls).toEqual({});
  });

  it('does not remember a Hoopr failure as a miss', async () => {
    const planted = await plantConversation([`Try ${mentions(['midnight-drive'])}`]);
    await harness.hoopr.faults({ errorRate: 1, errorStatus: 503 });
    try {
      const failing = await readConversation(planted);
      expect(failing.errors.map((error) => [error.code, error.path.at(-1)])).toEqual([['UPSTREAM_UNAVAILABLE', 'tracks']]);
    } finally {
      await harness.hoopr.faults({});
    }
    const recovered = await readConversation(planted);
    expect(recovered.errors).toEqual([]);
    expect(recovered.tracks).toEqual([['midnight-drive']]);
    expect(recovered.hooprCalls).toEqual({ 'GET /v1/search': 1 });
  });
});

describe('remembered misses', () => {
  afterEach(() => {
    stoppedAt = undefined;
  });

  it(`are asked again once ${DEFAULT_MISS_TTL_MS / 1000} s have passed; found tracks are not`, async () => {
    stoppedAt = Date.now();
    const planted = await plantConversation([`Try ${mentions(['midnight-drive', ...madeUpSlugs(0).slice(0, 3)])}`]);

    expect((await readConversation(planted)).hooprCalls).toEqual({ 'GET /v1/search': 4 });
    stoppedAt += DEFAULT_MISS_TTL_MS - 1;
    expect((await readConversation(planted)).hooprCalls).toEqual({});
    stoppedAt += 2;
    const later = await readConversation(planted);
    expect(later.hooprCalls).toEqual({ 'GET /v1/search': 3 });
    expect(later.tracks).toEqual([['midnight-drive']]);
  });
});
