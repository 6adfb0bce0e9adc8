import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MAX_SLUG_LENGTH } from '../src/schema/argument-limits';
import { MAX_MENTIONS_PER_MESSAGE } from '../src/schema/crm/mention-limits';
import { trackReferencesIn } from '../src/schema/crm/track-mentions';
import { encodeGlobalId } from '../src/schema/global-id';
import { SANDBOX_LOCATIONS } from '../src/sandbox/hoopai/locations';
import type { RunningGateway } from '../src/server/start';
import { graphql, startSandboxGateway } from './helpers/gateway';
import { sandboxControl, type SandboxControl } from './helpers/upstream-sandbox-control';

const location = SANDBOX_LOCATIONS[0]!;
const KEY = `sandbox-key-${location.id}`;
const RATE_LIMIT = 5_000;

describe('track mentions in message bodies', () => {
  it('finds hoopr:track URIs and hoopr.ai links, by slug or id, once each and in order', () => {
    const id = '3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b';
    expect(
      trackReferencesIn(`Try hoopr:track/neon-skyline, or https://hoopr.ai/tracks/${id.toUpperCase()}. Also hoopr:track/neon-skyline! And https://hoopr.ai/tracks/golden-hour.`),
    ).toEqual([
      { kind: 'slug', slug: 'neon-skyline' },
      { kind: 'id', id },
      { kind: 'slug', slug: 'golden-hour' },
    ]);
    expect(trackReferencesIn('See https://example.com/tracks/neon-skyline and hoopr:artist/someone')).toEqual([]);
    expect(trackReferencesIn(null)).toEqual([]);
  });

  it(`reads at most ${MAX_MENTIONS_PER_MESSAGE} distinct mentions, and never one that cannot be a slug`, () => {
    const slugs = Array.from({ length: 12 }, (_, index) => `track-${index}`);
    const body = ['hoopr:track/track-0', ...slugs.map((slug) => `https://hoopr.ai/tracks/${slug}`)].join(' ');
    expect(trackReferencesIn(body)).toEqual(slugs.slice(0, MAX_MENTIONS_PER_MESSAGE).map((slug) => ({ kind: 'slug', slug })));
    const odd = `hoopr:track/two--hyphens hoopr:track/${'a'.repeat(MAX_SLUG_LENGTH + 1)} hoopr:track/${'b'.repeat(300)} hoopr:track/Real-One,`;
    expect(trackReferencesIn(odd)).toEqual([{ kind: 'slug', slug: 'real-one' }]);
  });
});

describe('Message.tracks and shareTrack', () => {
  let gateway: RunningGateway;
  let hoopai: SandboxControl;
  let hoopr: SandboxControl;
  /** Seeded messages that mention tracks: their node ids and mentioned slugs. */
  let mentioning: { id: string; slugs: string[] }[];

  beforeAll(async () => {
    gateway = await startSandboxGateway({ HOOPAI_RATE_LIMIT_PER_10S: String(RATE_LIMIT) });
    hoopai = sandboxControl(gateway.sandboxes.hoopai!.url);
    hoopr = sandboxControl(gateway.sandboxes.hoopr!.url);
    const data = gateway.sandboxes.hoopai!.store.location(location.id)!;
    mentioning = [...data.messages.values()]
      .flat()
      .filter((message) => /hoopr(:track\/|\.ai\/tracks\/)/.test(message.body))
      .slice(0, 12)
      .map((message) => ({
        id: encodeGlobalId('Message', `${location.id}:${message.conversationId}:${message.id}`),
        slugs: trackReferencesIn(message.body).map((reference) => (reference.kind === 'slug' ? reference.slug : reference.id)),
      }));
    expect(mentioning.length).toBeGreaterThan(3);
  });
  beforeEach(async () => {
    await hoopai.reset();
    await hoopai.faults({ rateLimitPer10s: RATE_LIMIT });
  });
  afterAll(async () => {
    await gateway?.close(1_000);
  });

  it('resolves the tracks a message mentions, looking each distinct track up once per request', async () => {
    const { body } = await graphql<{ nodes: { tracks: { slug: string; name: string }[] }[] }>(
      gateway.graphqlUrl,
      `query($ids: [ID!]!) { nodes(ids: $ids) { ... on Message { tracks { slug name } } } }`,
      { key: KEY, variables: { ids: mentioning.map((message) => message.id) } },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data!.nodes.map((node) => node.tracks.map((track) => track.slug))).toEqual(mentioning.map((message) => message.slugs));
    const distinctSlugs = new Set(mentioning.flatMap((message) => message.slugs)).size;
    const stats = await hoopr.stats();
    const catalogReads = Object.entries(stats.requests)
      .filter(([route]) => route.startsWith('GET /v1/'))
      .reduce((sum, [, count]) => sum + count, 0);
    expect(catalogReads).toBeGreaterThan(0);
    expect(catalogReads).toBeLessThanOrEqual(distinctSlugs);
  });

  it('shares a track: one message with its name and link, which reads back as the track; a key replays it', async () => {
    const tracks = await graphql<{ tracks: { edges: { node: { id: string; name: string; slug: string } }[] } }>(
      gateway.graphqlUrl,
      '{ tracks(first: 1) { edges { node { id name slug } } } }',
      { key: KEY },
    );
    const track = tracks.body.data!.tracks.edges[0]!.node;
    const contacts = await graphql<{ contacts: { edges: { node: { id: string } }[] } }>(
      gateway.graphqlUrl,
      '{ contacts(first: 1, filter: { dnd: false }) { edges { node { id } } } }',
      { key: KEY },
    );
    const contactId = contacts.body.data!.contacts.edges[0]!.node.id;
    const share = `mutation($input: ShareTrackInput!) { shareTrack(input: $input) {
      __typename
      ... on SendMessagePayload { replayed sentMessage { body tracks { id } } }
      ... on MutationError { code }
      ... on InputValidationError { fields { field } }
      ... on NotFoundError { id } } }`;
    const input = { contactId, trackId: track.id, channel: 'SMS', note: 'For your reel:', idempotencyKey: randomUUID() };
    const first = await graphql<{ shareTrack: Record<string, unknown> }>(gateway.graphqlUrl, share, { key: KEY, variables: { input } });
    expect(first.body.errors).toBeUndefined();
    expect(first.body.data!.shareTrack).toEqual({
      __typename: 'SendMessagePayload',
      replayed: false,
      sentMessage: { body: `For your reel:\n\n${track.name} — https://hoopr.ai/tracks/${track.slug}`, tracks: [{ id: track.id }] },
    });
    const replay = await graphql<{ shareTrack: Record<string, unknown> }>(gateway.graphqlUrl, share, { key: KEY, variables: { input } });
    expect(replay.body.data!.shareTrack).toMatchObject({ replayed: true });
    expect(await hoopai.requests('POST /conversations/messages')).toBe(1);

    const missing = encodeGlobalId('Track', '00000000-0000-4000-8000-000000000000');
    const notFound = await graphql(gateway.graphqlUrl, share, { key: KEY, variables: { input: { contactId, trackId: missing, channel: 'SMS' } } });
    expect(notFound.body.data).toEqual({ shareTrack: { __typename: 'NotFoundError', code: 'NOT_FOUND', id: missing } });
    const invalid = await graphql(gateway.graphqlUrl, share, { key: KEY, variables: { input: { contactId, trackId: contactId, channel: 'SMS' } } });
    expect(invalid.body.data).toEqual({ shareTrack: { __typename: 'InputValidationError', code: 'BAD_USER_INPUT', fields: [{ field: 'input.trackId' }] } });
    expect(await hoopai.requests('POST /conversations/messages')).toBe(1);
  });
});
