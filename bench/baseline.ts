import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';

/**
 * The hand-written backend-for-frontend the gateway is measured against: plain node:http
 * plus undici straight to the Hoopr upstream, answering with the JSON the gateway would
 * (the same `data` shape), no GraphQL, no cache. Run as its own process by bench/run.ts;
 * prints its URL on stdout.
 *
 *   POST /catalog {first, type}  → data.tracks (one list call per 50 items, side by side)
 *   POST /nodes   {ids}          → data.nodes  (one call per id)
 *   POST /inbox   {locationId, first} → data.conversations (one search, one call per distinct
 *                                        contact, one messages call per conversation, side by side)
 */

const hooprUrl = process.env.HOOPR_BASE_URL!;
const pool = new Pool(hooprUrl, { connections: 64 });

const hoopaiPool = process.env.HOOPAI_BASE_URL ? new Pool(process.env.HOOPAI_BASE_URL, { connections: 64 }) : undefined;

const globalId = (typename: string, id: string) => Buffer.from(`${typename}:${id}`).toString('base64');

interface UpstreamTrack {
  id: string; name: string; type: string; bpm: string | null; durationSeconds: number; artworkUrl: string | null;
  artists: { id: string; name: string; role: string; isPrimary: boolean }[];
  filters: { id: string; name: string; slug: string; type: string }[];
}

async function hoopr<T>(path: string, token: string): Promise<T> {
  const { statusCode, body } = await pool.request({ path, method: 'GET', headers: { authorization: `Bearer ${token}` } });
  const json = (await body.json()) as { data: T };
  if (statusCode !== 200) throw new Error(`Hoopr ${path}: HTTP ${statusCode}`);
  return json.data;
}

async function grantToken(): Promise<string> {
  const { body } = await pool.request({
    path: '/v1/auth/token', method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'client_credentials', client_id: process.env.HOOPR_CLIENT_ID, client_secret: process.env.HOOPR_CLIENT_SECRET }),
  });
  return ((await body.json()) as { data: { access_token: string } }).data.access_token;
}

const trackNode = (t: UpstreamTrack) => ({
  __typename: 'Track', id: globalId('Track', t.id), name: t.name, type: t.type.toUpperCase(),
  bpm: t.bpm === null ? null : Number(t.bpm), durationSeconds: t.durationSeconds, artworkUrl: t.artworkUrl,
  artists: t.artists.map((a) => ({ role: a.role, isPrimary: a.isPrimary, artist: { id: globalId('Artist', a.id), name: a.name } })),
  filters: t.filters.map((f) => ({ slug: f.slug, name: f.name, type: f.type.toUpperCase() })),
});

/** Hoopr serves at most 50 items a page, so a larger page is fetched as pages of 50, side by side. */
const HOOPR_MAX_PAGE_SIZE = 50;

async function catalog(token: string, input: { first: number; type?: string }) {
  const pageSize = Math.min(input.first, HOOPR_MAX_PAGE_SIZE);
  const pageCount = Math.ceil(input.first / pageSize);
  const pages = await Promise.all(
    Array.from({ length: pageCount }, (_, i) => {
      const query = new URLSearchParams({ page: String(i + 1), pageSize: String(pageSize) });
      if (input.type) query.set('type', input.type.toLowerCase());
      return hoopr<{ totalRecords: number; totalPages: number; items: UpstreamTrack[] }>(`/v1/tracks?${query}`, token);
    }),
  );
  const items = pages.flatMap((page) => page.items).slice(0, input.first);
  return {
    tracks: {
      totalCount: pages[0]!.totalRecords,
      pageInfo: { hasNextPage: pages[0]!.totalRecords > input.first, endCursor: null },
      edges: items.map((t) => ({ node: trackNode(t) })),
    },
  };
}

async function nodes(token: string, input: { ids: string[] }) {
  const found = await Promise.all(
    input.ids.map(async (id) => {
      const [typename, rawId] = Buffer.from(id, 'base64').toString('utf8').split(':') as [string, string];
      if (typename === 'Track') return trackNode(await hoopr<UpstreamTrack>(`/v1/tracks/${rawId}`, token));
      const artist = await hoopr<{ id: string; name: string }>(`/v1/artists/${rawId}`, token);
      return { __typename: 'Artist', id: globalId('Artist', artist.id), name: artist.name };
    }),
  );
  return { nodes: found };
}

/** HoopAI with the location's private integration key, as the sandbox issues them. */
async function hoopai<T>(locationId: string, path: string): Promise<T> {
  const { statusCode, body } = await hoopaiPool!.request({
    path,
    method: 'GET',
    headers: { authorization: `Bearer pit-sandbox-${locationId}`, version: '2021-07-28' },
  });
  const json = (await body.json()) as T;
  if (statusCode !== 200) throw new Error(`HoopAI ${path}: HTTP ${statusCode}`);
  return json;
}

interface UpstreamConversation {
  id: string; contactId: string; type: string; unreadCount: number; lastMessageBody?: string; lastMessageDate?: number;
}
interface UpstreamContact { id: string; contactName?: string; firstName?: string; lastName?: string; email?: string }
interface UpstreamMessage { id: string; direction: string; status: string; messageType: string; body?: string; dateAdded: string }

async function inbox(input: { locationId: string; first: number }) {
  const { locationId } = input;
  const search = await hoopai<{ conversations: UpstreamConversation[]; total: number }>(
    locationId,
    `/conversations/search?locationId=${locationId}&limit=${input.first}&sort=desc&sortBy=last_message_date`,
  );
  const contactIds = [...new Set(search.conversations.map((c) => c.contactId))];
  const [contacts, messageLists] = await Promise.all([
    Promise.all(contactIds.map((id) => hoopai<{ contact: UpstreamContact }>(locationId, `/contacts/${id}`))),
    Promise.all(
      search.conversations.map((c) =>
        hoopai<{ messages: { messages: UpstreamMessage[] } }>(locationId, `/conversations/${c.id}/messages?limit=5`),
      ),
    ),
  ]);
  const contactById = new Map(contacts.map(({ contact }) => [contact.id, contact]));
  return {
    conversations: {
      totalCount: search.total,
      edges: search.conversations.map((c, i) => {
        const contact = contactById.get(c.contactId);
        return {
          node: {
            id: globalId('Conversation', `${locationId}:${c.id}`), type: c.type, unreadCount: c.unreadCount,
            lastMessageBody: c.lastMessageBody ?? null,
            lastMessageDate: c.lastMessageDate ? new Date(c.lastMessageDate).toISOString() : null,
            contact: contact && {
              id: globalId('Contact', `${locationId}:${contact.id}`),
              name: contact.contactName ?? [contact.firstName, contact.lastName].filter(Boolean).join(' '),
              email: contact.email ?? null,
            },
            messages: {
              edges: messageLists[i]!.messages.messages.slice(0, 5).map((m) => ({
                node: { id: globalId('Message', `${locationId}:${c.id}:${m.id}`), direction: m.direction.toUpperCase(), status: m.status,
                  messageType: m.messageType, body: m.body ?? null, dateAdded: m.dateAdded },
              })),
            },
          },
        };
      }),
    },
  };
}

async function readJson(request: IncomingMessage): Promise<any> {
  let text = '';
  for await (const chunk of request) text += chunk;
  return JSON.parse(text);
}

const token = await grantToken();
const routes: Record<string, (input: any) => Promise<unknown>> = {
  '/catalog': (input) => catalog(token, input),
  '/nodes': (input) => nodes(token, input),
  '/inbox': (input) => inbox(input),
};
const server = createServer(async (request, response) => {
  const route = routes[request.url ?? ''];
  try {
    if (!route) throw new Error('not found');
    const body = JSON.stringify({ data: await route(await readJson(request)) });
    response.writeHead(200, { 'content-type': 'application/json' }).end(body);
  } catch (error) {
    response.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: String(error) }));
  }
});
server.listen(0, '127.0.0.1', () => {
  console.log(`baseline listening on http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
