import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SANDBOX_LOCATIONS } from '../src/sandbox/hoopai/locations';
// The fleet tests' process and install helpers: the benchmark starts and installs its fleets the same way.
import { type FleetProcess, type Sandboxes, startProcess, startSandboxes } from '../test/helpers/fleet';
import { installLocation, newTokenStoreKey, oauthFleetEnv, pairVersions } from '../test/helpers/oauth-fleet';
import { deleteKeysUnder } from '../test/helpers/redis-keys';
import { BENCH_KEY, gatewayEnv } from './processes';
import { SCENARIOS } from './scenarios';

/**
 * One gateway against fleets of three, under the same bounded load (`npm run bench:fleet`, a
 * few minutes, needs Redis at REDIS_URL, default redis://127.0.0.1:6379). Each setup gets
 * fresh sandboxes in a process of their own, with every upstream token expiring
 * `TOKEN_TTL_SECONDS` after it was issued and HoopAI's documented 100 requests per 10 s per
 * location; then `REQUESTS` realistic queries (a catalog page, an inbox of one of three
 * locations, alternately) are sent at a steady `RATE` per second whatever the answers (so
 * every token is wanted again soon after it stops being fresh), spread round-robin over the
 * setup's gateways. Reported per setup, from the sandboxes' control plane and the answers:
 * Hoopr token grants and HoopAI refreshes beside what one per expiry comes to over the run,
 * upstream calls, 401s and 429s, failed answers (by error code), p50/p99 latency, req/s.
 *
 * HoopAI's locations use OAuth (single-use refresh tokens), installed through one gateway
 * before the load as an admin would, where the setup can hold one pair per location: one
 * gateway (its token file) and three sharing Redis (`TOKEN_STORE_KEY`). Three gateways without
 * Redis cannot: an install reaches one instance, whose file the others cannot share (two
 * processes refreshing from one file would spend a refresh token twice). That setup keeps
 * private integration keys, which never expire: it shows the Hoopr grants and the rate
 * limits of instances that share nothing, not HoopAI refreshes.
 * Results: bench/results/fleet.json and fleet.md.
 */

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/**
 * 8 a second for 20 s: inboxes at 4 a second put 24 HoopAI calls a second on three locations,
 * 80 per 10 s each, inside HoopAI's 100: what is measured is the tokens, not waits for a slot.
 */
const RATE = Number(process.env.FLEET_RATE ?? 8);
const REQUESTS = Number(process.env.FLEET_REQUESTS ?? 160);
const SENDING_SECONDS = REQUESTS / RATE;
const TOKEN_TTL_SECONDS = 3;
/**
 * How long the gateway hands out a token: until `refreshAheadMs` before its expiry, but never
 * less than half its life (src/upstream/tokens/freshness.ts). Both refresh-aheads (60 s Hoopr,
 * 300 s HoopAI) exceed half of 3 s, so each token serves 1.5 s: one per expiry over a run of
 * d seconds is about d / 1.5 new tokens per token kept: a little fewer, since a token is
 * renewed by the first call after its 1.5 s, not at once, and the one live at the start counts out.
 */
const FRESH_SECONDS = TOKEN_TTL_SECONDS / 2;

type HoopaiAuth = 'OAuth' | 'private keys';

interface Setup {
  name: string;
  instances: number;
  redis: boolean;
  hoopaiAuth: HoopaiAuth;
}

const SETUPS: Setup[] = [
  { name: '1 gateway', instances: 1, redis: false, hoopaiAuth: 'OAuth' },
  { name: '3 gateways + Redis', instances: 3, redis: true, hoopaiAuth: 'OAuth' },
  { name: '3 gateways, no Redis', instances: 3, redis: false, hoopaiAuth: 'private keys' },
];

const CATALOG_PAGE = `query CatalogPage($first: Int, $filter: TrackFilter) {
  tracks(first: $first, filter: $filter) {
    totalCount
    edges { node { id name type bpm durationSeconds artworkUrl stream { url expiresAt }
      artists { role isPrimary artist { id name } } filters { slug name type } } }
  }
}`;
// The inbox of `npm run bench` (25 conversations there; 5 here).
const INBOX = SCENARIOS.find((scenario) => scenario.name === 'inbox')!.gateway.query;
const LOCATIONS = SANDBOX_LOCATIONS.slice(0, 3).map((location) => location.id);

/**
 * The i-th request of the load: a catalog page (music or sound effects, 10 to 50 tracks, so
 * that most miss the catalog cache and need a token) or an inbox of 5 conversations (6 HoopAI
 * calls) of one of three locations. The first 82 catalog pages are all different.
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

/**
 * Upstream answers 401 the fleet's gateways counted (`gateway_upstream_requests_total`),
 * per upstream: a token that expired between being handed out and being sent (a call that
 * waited for a rate-limit slot longer than the token lived), which the gateway renews and sends again.
 */
async function unauthorizedAnswers(gateways: FleetProcess[]): Promise<{ hoopr: number; hoopai: number }> {
  const counted = { hoopr: 0, hoopai: 0 };
  for (const gateway of gateways) {
    const text = await (await fetch(new URL('/metrics', gateway.announced))).text();
    for (const line of text.split('\n')) {
      if (!line.startsWith('gateway_upstream_requests_total{') || !line.includes('status="401"')) continue;
      const upstream = /upstream="(hoopr|hoopai)"/.exec(line)?.[1] as 'hoopr' | 'hoopai' | undefined;
      if (upstream) counted[upstream] += Number(line.split(' ').at(-1));
    }
  }
  return counted;
}

/** The settings of `setup`'s gateways on top of the production-like defaults, and what to remove once it has run. */
function setupEnv(setup: Setup, sandboxes: Sandboxes): { env: Record<string, string>; prefix?: string; cleanup: () => Promise<void> } {
  const base = {
    ...gatewayEnv(sandboxes),
    // HoopAI's documented budget, which the sandbox enforces; the gateways must stay inside it.
    HOOPAI_RATE_LIMIT_PER_10S: '100',
    // /metrics on the gateway's own port, where the bench reads the upstream 401s.
    METRICS_PORT: 'off',
    METRICS_ON_GATEWAY_PORT: 'on',
  };
  if (setup.hoopaiAuth === 'private keys') return { env: base, cleanup: async () => {} };
  const prefix = `bench:fleet:${randomBytes(4).toString('hex')}:`;
  const oauth = oauthFleetEnv(sandboxes, { url: REDIS_URL, prefix, tokenStoreKey: newTokenStoreKey() }, LOCATIONS);
  if (setup.redis) {
    // oauthFleetEnv raises REDIS_COMMAND_TIMEOUT_MS to 3000 for a loaded machine, as the fleet tests do.
    return { env: { ...base, ...oauth }, prefix, cleanup: () => deleteKeysUnder(REDIS_URL, prefix) };
  }
  // One instance without Redis keeps its pairs in its token file, sealed with the same key.
  const { REDIS_URL: _url, REDIS_KEY_PREFIX: _prefix, REDIS_COMMAND_TIMEOUT_MS: _timeout, ...oauthOnly } = oauth;
  const directory = mkdtempSync(join(tmpdir(), 'bench-fleet-'));
  return {
    env: { ...base, ...oauthOnly, TOKEN_STORE_PATH: join(directory, 'hoopai-tokens.enc') },
    cleanup: async () => rmSync(directory, { recursive: true, force: true }),
  };
}

async function run(setup: Setup) {
  const sandboxes = await startSandboxes();
  const { env, prefix, cleanup } = setupEnv(setup, sandboxes);
  const gateways: FleetProcess[] = [];
  try {
    for (const url of [sandboxes.hoopr, sandboxes.hoopai]) await control(url, '/__sandbox/faults', { tokenTtlSeconds: TOKEN_TTL_SECONDS });
    // One after the other: three starting at once on a loaded machine are slow to start.
    for (let i = 0; i < setup.instances; i++) gateways.push(await startProcess('src/server/main.ts', env, /GraphiQL at (\S+)/));
    // The admin's one install per location, through the first gateway: a pair the others get from Redis.
    if (setup.hoopaiAuth === 'OAuth') for (const locationId of LOCATIONS) await installLocation(gateways[0]!, locationId);
    const pairsBefore = prefix ? await pairVersions(REDIS_URL, prefix) : undefined;
    const unauthorizedBefore = await unauthorizedAnswers(gateways);
    const before = { hoopr: (await control(sandboxes.hoopr, '/__sandbox/stats')) as Stats, hoopai: (await control(sandboxes.hoopai, '/__sandbox/stats')) as Stats };

    const latencies: number[] = [];
    const failures: Record<string, number> = {};
    const send = async (i: number) => {
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
    };
    const started = performance.now();
    const answered: Promise<void>[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      // On schedule (the i-th at i / RATE s), not after the previous answer: a slow answer does not slow the load.
      const due = started + (i * 1000) / RATE - performance.now();
      if (due > 0) await new Promise((resolveSleep) => setTimeout(resolveSleep, due));
      answered.push(send(i));
    }
    await Promise.all(answered);
    const seconds = (performance.now() - started) / 1000;
    const after = { hoopr: (await control(sandboxes.hoopr, '/__sandbox/stats')) as Stats, hoopai: (await control(sandboxes.hoopai, '/__sandbox/stats')) as Stats };
    const unauthorizedAfter = await unauthorizedAnswers(gateways);
    const pairsAfter = prefix ? await pairVersions(REDIS_URL, prefix) : undefined;
    latencies.sort((a, b) => a - b);
    const delta = (upstream: 'hoopr' | 'hoopai', field: 'tokenGrants' | 'tokenRefreshes' | 'rateLimited') => after[upstream][field] - before[upstream][field];
    const perToken = SENDING_SECONDS / FRESH_SECONDS;
    // What the gateways logged at warn and above: a failure's reason, without the bench having to guess it.
    const warnings = gateways.flatMap((gateway) => gateway.stderr().split('\n').filter(Boolean));
    return {
      setup: setup.name,
      instances: setup.instances,
      redis: setup.redis,
      hoopaiAuth: setup.hoopaiAuth,
      requests: REQUESTS,
      ratePerSecond: RATE,
      tokenTtlSeconds: TOKEN_TTL_SECONDS,
      seconds: Math.round(seconds * 10) / 10,
      // Hoopr: one client token for the whole fleet; HoopAI: one pair per OAuth location (none with private keys).
      oneTokenPerExpiry: {
        hooprGrants: Math.round(perToken * 10) / 10,
        hoopaiRefreshes: setup.hoopaiAuth === 'OAuth' ? Math.round(perToken * LOCATIONS.length * 10) / 10 : 0,
      },
      tokenGrants: { hoopr: delta('hoopr', 'tokenGrants'), hoopai: delta('hoopai', 'tokenGrants') },
      tokenRefreshes: { hoopr: delta('hoopr', 'tokenRefreshes'), hoopai: delta('hoopai', 'tokenRefreshes') },
      // In Redis, each location's pair version grows by one per pair written: equal to the refreshes when none was spent twice.
      pairsWritten: pairsBefore && pairsAfter ? LOCATIONS.reduce((sum, id) => sum + pairsAfter[id]! - pairsBefore[id]!, 0) : undefined,
      upstreamCalls: { hoopr: calls(after.hoopr) - calls(before.hoopr), hoopai: calls(after.hoopai) - calls(before.hoopai) },
      upstream401: { hoopr: unauthorizedAfter.hoopr - unauthorizedBefore.hoopr, hoopai: unauthorizedAfter.hoopai - unauthorizedBefore.hoopai },
      upstream429: { hoopr: delta('hoopr', 'rateLimited'), hoopai: delta('hoopai', 'rateLimited') },
      failures,
      failed: Object.values(failures).reduce((total, n) => total + n, 0),
      p50Ms: Math.round(percentile(latencies, 50)),
      p99Ms: Math.round(percentile(latencies, 99)),
      reqPerSecond: Math.round((REQUESTS / seconds) * 10) / 10,
      gatewayWarnings: warnings.length,
      firstGatewayWarnings: warnings.slice(0, 5),
    };
  } finally {
    await Promise.all(gateways.map((gateway) => gateway.stop()));
    await sandboxes.process.stop();
    await cleanup();
  }
}

const results = [];
for (const setup of SETUPS) {
  console.log(`fleet bench: ${setup.name} …`);
  const result = await run(setup);
  if (result.gatewayWarnings > 0) console.log(`  the gateways logged ${result.gatewayWarnings} lines at warn or above, first: ${result.firstGatewayWarnings.join('\n    ')}`);
  results.push(result);
}

const failuresText = (failures: Record<string, number>) =>
  Object.keys(failures).length === 0 ? '0' : Object.entries(failures).map(([code, n]) => `${n} ${code}`).join(', ');
const rows = results.map(
  (r) =>
    `| ${r.setup} | ${r.hoopaiAuth} | ${r.tokenGrants.hoopr} (${r.oneTokenPerExpiry.hooprGrants}) | ${r.hoopaiAuth === 'OAuth' ? `${r.tokenRefreshes.hoopai} (${r.oneTokenPerExpiry.hoopaiRefreshes})` : '—'} | ${r.upstreamCalls.hoopr} / ${r.upstreamCalls.hoopai} | ${r.upstream401.hoopr + r.upstream401.hoopai} | ${r.upstream429.hoopr + r.upstream429.hoopai} | ${failuresText(r.failures)} | ${r.p50Ms} | ${r.p99Ms} | ${r.reqPerSecond} | ${r.seconds} |`,
);
const table = [
  '| setup | HoopAI locations | Hoopr grants (one per expiry) | HoopAI refreshes (one per expiry) | upstream calls (Hoopr / HoopAI) | upstream 401s | upstream 429s | failed answers | p50 ms | p99 ms | req/s | s |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ...rows,
].join('\n');
const resultsDir = resolve(import.meta.dirname, 'results');
writeFileSync(resolve(resultsDir, 'fleet.json'), `${JSON.stringify({ node: process.version, results }, null, 2)}\n`);
writeFileSync(
  resolve(resultsDir, 'fleet.md'),
  `# One gateway and fleets of three (bench/fleet.ts)\n\n${REQUESTS} requests, ${RATE} a second for ${SENDING_SECONDS} s (sent on schedule, whatever the answers), catalog pages (10–50 tracks) and inboxes (5 conversations) of ${LOCATIONS.length} locations alternately; upstream tokens expire ${TOKEN_TTL_SECONDS} s after issue (handed out for ${FRESH_SECONDS} s); HoopAI allows 100 requests per 10 s per location. In brackets: one token per expiry over the ${SENDING_SECONDS} s (÷ ${FRESH_SECONDS} s; for HoopAI, per location). OAuth locations were installed through one gateway before the load; "private keys" never expire.\n\n${table}\n`,
);
console.log(table);
