import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';

/**
 * The hand-written backend-for-frontend the gateway is measured against: plain node:http
 * plus undici straight to the Hoopr upstream, answering with the JSON the gateway would
 * (the same `data` shape), no GraphQL, no cache. Run as its own process by bench/run.ts;
 * prints its URL on stdout.
 *
 *   POST /catalog {first, type}  → data.tracks (one list call)
 *   POST /nodes   {ids}          → data.nodes  (one call per id)
 */

const hooprUrl = process.env.HOOPR_BASE_URL!;
const pool = new Pool(hooprUrl, { connections: 64 });

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

async function catalog(token: string, input: { first: number; type?: string }) {
  const query = new URLSearchParams({ page: '1', pageSize: String(input.first) });
  if (input.type) query.set('type', input.type.toLowerCase());
  const page = await hoopr<{ totalRecords: number; totalPages: number; items: UpstreamTrack[] }>(`/v1/tracks?${query}`, token);
  return {
    tracks: {
      totalCount: page.totalRecords,
      pageInfo: { hasNextPage: page.totalPages > 1, endCursor: null },
      edges: page.items.map((t) => ({ node: trackNode(t) })),
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

async function readJson(request: IncomingMessage): Promise<any> {
  let text = '';
  for await (const chunk of request) text += chunk;
  return JSON.parse(text);
}

const token = await grantToken();
const routes: Record<string, (input: any) => Promise<unknown>> = {
  '/catalog': (input) => catalog(token, input),
  '/nodes': (input) => nodes(token, input),
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
