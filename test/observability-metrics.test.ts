import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { SANDBOX_LOCATIONS } from '../src/sandbox/hoopai/locations';
import { GatewayMetrics } from '../src/server/observability/gateway-metrics';
import { startGateway, type RunningGateway } from '../src/server/start';
import { graphql, startSandboxGateway } from './helpers/gateway';
import { sharedSandboxEnv } from './helpers/shared-sandbox-env';
import { sandboxControl } from './helpers/upstream-sandbox-control';

/**
 * `/metrics` over real sockets: after a query it shows the operation and its upstream calls
 * (as many as the sandboxes counted); operation names are bounded however many a client
 * invents; no tenant id becomes a label value; and outside sandbox mode the public port
 * does not serve it unless told to.
 */

const LOCATION = SANDBOX_LOCATIONS[0]!.id;
const silent = createLogger({ level: 'silent' });

/** Series of `name` in a Prometheus text exposition: labels → value. */
function series(text: string, name: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(\{.*\})? (\S+)$/.exec(line);
    if (match?.[1] === name) found.set(match[2] ?? '', Number(match[3]));
  }
  return found;
}

function value(text: string, name: string, labels: string): number | undefined {
  return series(text, name).get(`{${labels}}`);
}

async function scrape(url: string): Promise<string> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  return response.text();
}

describe('/metrics in sandbox mode (on the gateway port)', () => {
  let gateway: RunningGateway;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'metrics-test-'));
    const trusted = 'query TrustedTracks { tracks(first: 1) { totalCount } }';
    const manifest = join(dir, 'manifest.json');
    await writeFile(manifest, JSON.stringify({ [`sha256:${createHash('sha256').update(trusted).digest('hex')}`]: trusted }));
    gateway = await startSandboxGateway({ METRICS_MAX_OPERATION_NAMES: '3', TRUSTED_DOCUMENTS_PATH: manifest });
  });
  afterAll(async () => {
    await gateway.close(1_000);
    await rm(dir, { recursive: true, force: true });
  });

  it('shows a query by name and outcome, and its upstream calls as the upstreams counted them', async () => {
    const hoopr = sandboxControl(gateway.sandboxes.hoopr!.url);
    const hoopai = sandboxControl(gateway.sandboxes.hoopai!.url);
    await Promise.all([hoopr.reset(), hoopai.reset()]);
    const query = `query Dashboard { tracks(first: 3) { edges { node { name } } } contacts(locationId: "${LOCATION}", first: 2) { totalCount } }`;
    expect((await graphql(gateway.graphqlUrl, query)).body.errors).toBeUndefined();
    expect((await graphql(gateway.graphqlUrl, query)).body.errors).toBeUndefined();

    const text = await scrape(`${gateway.url}/metrics`);
    expect(value(text, 'gateway_graphql_operations_total', 'operation="Dashboard",type="query",outcome="ok"')).toBe(2);
    expect(value(text, 'gateway_graphql_operation_duration_seconds_count', 'operation="Dashboard",type="query",outcome="ok"')).toBe(2);
    const tracks = await hoopr.requests('GET /v1/tracks');
    const contacts = await hoopai.requests('POST /contacts/search');
    expect(tracks).toBe(2);
    expect(value(text, 'gateway_upstream_requests_total', 'upstream="hoopr",route="GET /v1/tracks",status="200"')).toBe(tracks);
    expect(value(text, 'gateway_upstream_requests_total', 'upstream="hoopai",route="POST /contacts/search",status="200"')).toBe(contacts);
    expect(value(text, 'gateway_upstream_token_requests_total', 'upstream="hoopr",kind="grant",outcome="ok"')).toBe((await hoopr.stats()).tokenGrants);
    expect(value(text, 'gateway_graphql_upstream_calls_sum', 'operation="Dashboard"')).toBe(tracks + contacts);
    expect(value(text, 'gateway_graphql_estimated_upstream_calls_count', 'operation="Dashboard"')).toBe(2);
    expect(value(text, 'gateway_caller_upstream_calls_total', 'caller="sandbox developer"')).toBeGreaterThanOrEqual(tracks + contacts);
    // The second run found the document parsed and validated.
    expect(value(text, 'gateway_cache_lookups_total', 'cache="documents",result="hit"')).toBeGreaterThanOrEqual(1);
    expect(value(text, 'gateway_upstream_circuit_state', 'upstream="hoopr",state="closed"')).toBe(1);
    expect(series(text, 'gateway_http_requests_in_flight').get('')).toBe(1);
    expect(series(text, 'process_resident_memory_bytes').size).toBe(1);
    // Tenants are never label values.
    for (const location of SANDBOX_LOCATIONS) expect(text).not.toContain(location.id);
  });

  it('counts refusals by outcome class and code, and retries and 5xx answers of a failing upstream', async () => {
    await graphql(gateway.graphqlUrl, '{ viewer { name } }', { key: 'not-a-key' });
    const hoopr = sandboxControl(gateway.sandboxes.hoopr!.url);
    await hoopr.faults({ errorRate: 1, errorStatus: 503 });
    try {
      const failing = await graphql(gateway.graphqlUrl, 'query Failing { track(id: "VHJhY2s6dDE=") { name } }');
      expect(failing.body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    } finally {
      await hoopr.faults({});
    }
    const text = await scrape(`${gateway.url}/metrics`);
    expect(value(text, 'gateway_graphql_operations_total', 'operation="unknown",type="unknown",outcome="refused_auth"')).toBe(1);
    expect(value(text, 'gateway_graphql_refusals_total', 'code="UNAUTHENTICATED"')).toBe(1);
    expect(value(text, 'gateway_caller_operations_total', 'caller="none",outcome="refused_auth"')).toBe(1);
    const sent = (await hoopr.stats()).requests['GET /v1/tracks/:id'] ?? 0;
    expect(sent).toBeGreaterThan(1);
    expect(value(text, 'gateway_upstream_requests_total', 'upstream="hoopr",route="GET /v1/tracks/:id",status="503"')).toBe(sent);
    expect(value(text, 'gateway_upstream_retries_total', 'upstream="hoopr",route="GET /v1/tracks/:id",code="UPSTREAM_UNAVAILABLE"')).toBe(sent - 1);
    expect(value(text, 'gateway_graphql_errors_total', 'code="UPSTREAM_UNAVAILABLE"')).toBe(1);
    expect(value(text, 'gateway_graphql_operations_total', 'operation="Failing",type="query",outcome="partial"')).toBe(1);
  });

  it('keeps operation names bounded: trusted documents and the first names seen, then "other"', async () => {
    const names = Array.from({ length: 40 }, (_, index) => `Invented${index}`);
    for (const name of names) await graphql(gateway.graphqlUrl, `query ${name} { viewer { name } }`);
    await graphql(gateway.graphqlUrl, 'query TrustedTracks { tracks(first: 1) { totalCount } }');
    // A name never takes a slot from a request that did not run (here: refused by validation).
    await graphql(gateway.graphqlUrl, 'query NeverRan { viewer { nope } }');

    const text = await scrape(`${gateway.url}/metrics`);
    const operations = new Set([...series(text, 'gateway_graphql_operations_total').keys()].map((labels) => /operation="([^"]*)"/.exec(labels)?.[1] ?? ''));
    const invented = [...operations].filter((name) => name.startsWith('Invented'));
    // Three slots (METRICS_MAX_OPERATION_NAMES), two of them taken by "Dashboard" and "Failing" in the tests above.
    expect(invented.length).toBeLessThanOrEqual(3);
    expect(operations).toContain('TrustedTracks');
    expect(operations).toContain('other');
    expect(operations).not.toContain('NeverRan');
    expect(value(text, 'gateway_graphql_operations_total', 'operation="other",type="query",outcome="ok"')).toBe(40 - invented.length);
    expect(operations.size).toBeLessThanOrEqual(3 + 4);
  });
});

describe('/metrics outside sandbox mode', () => {
  let sandboxes: RunningGateway;
  const gateways: RunningGateway[] = [];
  beforeAll(async () => {
    sandboxes = await startSandboxGateway();
  });
  afterAll(async () => {
    await Promise.all(gateways.map((gateway) => gateway.close(1_000)));
    await sandboxes.close(1_000);
  });

  async function live(env: Record<string, string>): Promise<RunningGateway> {
    const upstreams = { hooprUrl: sandboxes.sandboxes.hoopr!.url, hoopaiUrl: sandboxes.sandboxes.hoopai!.url };
    const gateway = await startGateway(loadConfig({ ...sharedSandboxEnv(upstreams), HOST: '127.0.0.1', ...env }), silent);
    gateways.push(gateway);
    return gateway;
  }

  it('is served on a port of its own, and not on the public GraphQL port', async () => {
    const gateway = await live({ METRICS_PORT: '0' });
    expect(gateway.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect(new URL(gateway.metricsUrl!).port).not.toBe(new URL(gateway.url).port);
    await graphql(gateway.graphqlUrl, 'query Hidden { tracks(first: 1) { totalCount } }', { key: null });
    expect((await fetch(`${gateway.url}/metrics`)).status).toBe(404);
    expect(series(await scrape(gateway.metricsUrl!), 'gateway_graphql_operations_total').size).toBe(1);
    expect((await fetch(gateway.metricsUrl!.replace('/metrics', '/graphql'))).status).toBe(404);
  });

  it('is on the public port only when METRICS_ON_GATEWAY_PORT=on says so', async () => {
    const gateway = await live({ METRICS_PORT: 'off', METRICS_ON_GATEWAY_PORT: 'on' });
    expect(gateway.metricsUrl).toBeUndefined();
    expect(await scrape(`${gateway.url}/metrics`)).toContain('gateway_http_requests_in_flight');
  });
});

describe('the README', () => {
  it('lists every metric the gateway exposes, with its labels', async () => {
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    const operations = readme.slice(readme.indexOf('### Metrics'), readme.indexOf('### Tracing'));
    const all = new GatewayMetrics().registry.getMetricsAsArray() as unknown as { name: string; labelNames: string[] }[];
    const ours = all.filter((metric) => metric.name.startsWith('gateway_'));
    expect(ours.length).toBeGreaterThan(15);
    for (const metric of ours) {
      const row = operations.split('\n').find((line) => line.startsWith(`| \`${metric.name}\` |`));
      expect(row, metric.name).toBeDefined();
      for (const label of metric.labelNames) expect(row, `${metric.name} ${label}`).toContain(`\`${label}\``);
    }
  });
});
