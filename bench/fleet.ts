import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import { SANDBOX_LOCATIONS } from '../src/sandbox/hoopai/locations';
import { BENCH_KEY, type Child, gatewayEnv, startChild } from './processes';

/**
 * One gateway against a fleet of three sharing Redis, under the same bounded load
 * (`npm run bench:fleet`, a few minutes, needs Redis at REDIS_URL, default
 * redis://127.0.0.1:6379). Each setup gets fresh sandboxes in a process of their own, with
 * every upstream token expiring `TOKEN_TTL_SECONDS` after it was issued and HoopAI's
 * documented 100 requests per 10 s per location; then `REQUESTS` realistic queries (a
 * catalog page, an inbox of one of three locations, alternately) are sent `CONCURRENCY` at
 * a time, spread round-robin over the setup's gateways. Reported per setup, from the
 * sandboxes' control plane and the answers: token grants and refreshes, upstream calls and
 * 429s, failed answers (by error code), p50/p99 latency, req/s.
 * Results: bench/results/fleet.json and fleet.md.
 */

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const REQUESTS = Number(process.env.FLEET_REQUESTS ?? 120);
const CONCURRENCY = Number(process.env.FLEET_CONCURRENCY ?? 12);
const TOKEN_TTL_SECONDS = 3;

interface Setup {
  name: string;
  instances: number;
  redis: boolean;
}

const SETUPS: Setup[] = [
  { name: '1 gateway', instances: 1, redis: false },
  { name: '3 gateways, no Redis', instances: 3, redis: false },
  { name: '3 gateways + Redis', instances: 3, redis: true },
];

const CATALOG_PAGE = `query CatalogPage($first: Int, $filter: TrackFilter) {
  tracks(first: $first, filter: $filter) {
    totalCount
    edges { node { id name type bpm durationSeconds artworkUrl stream { url expiresAt }
      artists { role isPrimary artist { id name } } filters { slug name type } } }
  }
}`;
const INBOX = `query Inbox($locationId: ID, $first: Int) {
  conversations(locationId: $locationId, first: $first) {
    totalCount
    edges { node { id type unreadCount lastMessageBody lastMessageDate
      contact { id name email }
      messages(first: 5) { edges { node { id direction status body dateAdded } } } } }
  }
}`;
const LOCATIONS = SANDBOX_LOCATIONS.slice(0, 3).map((location) => location.id);

/**
 * The i-th request of the load: a catalog page (music or sound effects, 10 to 50 tracks, so
 * that most miss the catalog cache and need a token) or an inbox of 5 conversations (6 HoopAI
 * calls) of one of three locations: 120 requests put ~120 calls on each location, just over
 * its 100 per 10 s.
 */
function request(i: number): { query: string; variables: Record<string, unknown> } {
  const k = Math.floor(i / 2);
  if (i % 2 === 0) return { query: CATALOG_PAGE, variables: { first: 10 + (k % 41), filter: { type: k % 2 === 0 ? 'MUSIC' : 'SFX' } } };
  return { query: INBOX, variables: { locationId: LOCATIONS[k % 3], first: 5 } };
}

interface Stats {
  requests: Record<string, number>;
  tokenGrants: number;
  tokenRefreshes: number;
  rateLimited: number;
}

async function control(url: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return response.json();
}

const calls = (stats: Stats) => Object.values(stats.requests).reduce((total, n) => total + n, 0);

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function deletePrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

async function run(setup: Setup) {
  const sandboxes = await startChild('bench/sandbox-process.ts', {}, /sandboxes (\{.*\})/);
  const urls = JSON.parse(sandboxes.announced) as { hoopr: string; hoopai: string };
  const prefix = `bench:fleet:${randomBytes(4).toString('hex')}:`;
  const gateways: Child[] = [];
  try {
    for (const url of [urls.hoopr, urls.hoopai]) await control(url, '/__sandbox/faults', { tokenTtlSeconds: TOKEN_TTL_SECONDS });
    const env = {
      ...gatewayEnv(urls),
      // HoopAI's documented budget, which the sandbox enforces; the gateways must stay inside it.
      HOOPAI_RATE_LIMIT_PER_10S: '100',
      ...(setup.redis ? { REDIS_URL, REDIS_KEY_PREFIX: prefix } : {}),
    };
    // One after the other: three starting at once on a loaded machine can outlast startChild's 30 s.
    for (let i = 0; i < setup.instances; i++) gateways.push(await startChild('src/server/main.ts', env, /GraphiQL at (\S+)/));
    const before = { hoopr: (await control(urls.hoopr, '/__sandbox/stats')) as Stats, hoopai: (await control(urls.hoopai, '/__sandbox/stats')) as Stats };

    const latencies: number[] = [];
    const failures: Record<string, number> = {};
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < REQUESTS) {
          const i = next++;
          const gateway = gateways[i % gateways.length]!;
          const sent = performance.now();
          let failure: string | undefined;
          try {
            const response = await fetch(gateway.announced, {
              method: 'POST',
              headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_KEY}` },
              body: JSON.stringify(request(i)),
            });
            const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
            if (response.status !== 200) failure = `HTTP ${response.status}`;
            else if (body.errors?.length) failure = body.errors[0]!.extensions?.code ?? 'UNKNOWN';
          } catch (error) {
            failure = error instanceof Error ? error.name : 'network';
          }
          latencies.push(performance.now() - sent);
          if (failure) failures[failure] = (failures[failure] ?? 0) + 1;
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const after = { hoopr: (await control(urls.hoopr, '/__sandbox/stats')) as Stats, hoopai: (await control(urls.hoopai, '/__sandbox/stats')) as Stats };
    latencies.sort((a, b) => a - b);
    const delta = (upstream: 'hoopr' | 'hoopai', field: 'tokenGrants' | 'tokenRefreshes' | 'rateLimited') => after[upstream][field] - before[upstream][field];
    return {
      setup: setup.name,
      instances: setup.instances,
      redis: setup.redis,
      requests: REQUESTS,
      concurrency: CONCURRENCY,
      tokenTtlSeconds: TOKEN_TTL_SECONDS,
      tokenGrants: { hoopr: delta('hoopr', 'tokenGrants'), hoopai: delta('hoopai', 'tokenGrants') },
      tokenRefreshes: { hoopr: delta('hoopr', 'tokenRefreshes'), hoopai: delta('hoopai', 'tokenRefreshes') },
      upstreamCalls: { hoopr: calls(after.hoopr) - calls(before.hoopr), hoopai: calls(after.hoopai) - calls(before.hoopai) },
      upstream429: { hoopr: delta('hoopr', 'rateLimited'), hoopai: delta('hoopai', 'rateLimited') },
      failures,
      failed: Object.values(failures).reduce((total, n) => total + n, 0),
      p50Ms: Math.round(percentile(latencies, 50)),
      p99Ms: Math.round(percentile(latencies, 99)),
      reqPerSecond: Math.round((REQUESTS / seconds) * 10) / 10,
    };
  } finally {
    await Promise.all(gateways.map((gateway) => gateway.stop()));
    await sandboxes.stop();
    if (setup.redis) await deletePrefix(prefix);
  }
}

const results = [];
for (const setup of SETUPS) {
  console.log(`fleet bench: ${setup.name} …`);
  results.push(await run(setup));
}

const failuresText = (failures: Record<string, number>) =>
  Object.keys(failures).length === 0 ? '0' : Object.entries(failures).map(([code, n]) => `${n} ${code}`).join(', ');
const rows = results.map(
  (r) =>
    `| ${r.setup} | ${r.tokenGrants.hoopr + r.tokenGrants.hoopai} | ${r.tokenRefreshes.hoopr + r.tokenRefreshes.hoopai} | ${r.upstreamCalls.hoopr} / ${r.upstreamCalls.hoopai} | ${r.upstream429.hoopr + r.upstream429.hoopai} | ${failuresText(r.failures)} | ${r.p50Ms} | ${r.p99Ms} | ${r.reqPerSecond} |`,
);
const table = [
  '| setup | token grants | token refreshes | upstream calls (Hoopr / HoopAI) | upstream 429s | failed answers | p50 ms | p99 ms | req/s |',
  '|---|---|---|---|---|---|---|---|---|',
  ...rows,
].join('\n');
const resultsDir = resolve(import.meta.dirname, 'results');
writeFileSync(resolve(resultsDir, 'fleet.json'), `${JSON.stringify({ node: process.version, results }, null, 2)}\n`);
writeFileSync(
  resolve(resultsDir, 'fleet.md'),
  `# One gateway and a fleet of three (bench/fleet.ts)\n\n${REQUESTS} requests, ${CONCURRENCY} at a time, catalog pages (10–50 tracks) and inboxes (5 conversations) of ${LOCATIONS.length} locations alternately; upstream tokens expire ${TOKEN_TTL_SECONDS} s after issue; HoopAI allows 100 requests per 10 s per location.\n\n${table}\n`,
);
console.log(table);
