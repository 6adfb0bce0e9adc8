import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { SANDBOX_LOCATIONS } from '../src/sandbox/hoopai/locations';
import { startGateway, type RunningGateway } from '../src/server/start';
import { graphql } from './helpers/gateway';
import { sandboxControl, type SandboxControl } from './helpers/upstream-sandbox-control';

const COOLDOWN_MS = 300;
const LOCATION = SANDBOX_LOCATIONS[0]!.id;
const CONTACTS = `{ contacts(locationId: "${LOCATION}", first: 1) { totalCount } }`;

interface ReadyBody {
  status: string;
  upstreams: { name: string; ok: boolean; reasons?: string[] }[];
}

let gateway: RunningGateway | undefined;
afterEach(async () => {
  await gateway?.close(1_000);
  gateway = undefined;
});

/** The gateway on both sandboxes, with a short breaker cool-down and quick retries. */
async function start(): Promise<{ gateway: RunningGateway; hoopr: SandboxControl; hoopai: SandboxControl }> {
  const config = loadConfig({ PORT: '0', HOOPR_SANDBOX_PORT: '0', HOOPAI_SANDBOX_PORT: '0' });
  gateway = await startGateway(config, createLogger({ level: 'silent' }), {
    upstreams: {
      breaker: { failureThreshold: 5, cooldownMs: COOLDOWN_MS },
      retry: { initialDelayMs: 1, maxDelayMs: 2 },
    },
  });
  return { gateway, hoopr: sandboxControl(gateway.sandboxes.hoopr!.url), hoopai: sandboxControl(gateway.sandboxes.hoopai!.url) };
}

async function readyz(running: RunningGateway): Promise<{ status: number; body: ReadyBody }> {
  const response = await fetch(`${running.url}/readyz`);
  return { status: response.status, body: (await response.json()) as ReadyBody };
}

/** Polls /readyz (each read may start a probe) until it answers `status`; bounded by count, not time. */
async function readyzUntil(running: RunningGateway, status: number): Promise<{ status: number; body: ReadyBody }> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const answer = await readyz(running);
    if (answer.status === status) return answer;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`/readyz never answered ${status}`);
}

const sent = async (control: SandboxControl) => Object.values((await control.stats()).requests).reduce((sum, n) => sum + n, 0);

describe('/readyz', () => {
  it('goes 503 naming HoopAI while its circuit is open, and back to 200 once HoopAI recovers', async () => {
    const { gateway, hoopr, hoopai } = await start();
    expect((await readyz(gateway)).status).toBe(200);

    await hoopai.faults({ errorRate: 1 });
    // Two queries: 3 + 2 attempts fail, the fifth consecutive fault opens the circuit.
    await graphql(gateway.graphqlUrl, CONTACTS);
    await graphql(gateway.graphqlUrl, CONTACTS);
    expect(await sent(hoopai)).toBe(5);

    const down = await readyz(gateway);
    expect(down.status).toBe(503);
    expect(down.body.status).toBe('not ready');
    expect(down.body.upstreams[0]).toEqual({ name: 'hoopr', ok: true });
    expect(down.body.upstreams[1]).toMatchObject({ name: 'hoopai', ok: false });
    expect(down.body.upstreams[1]!.reasons?.join(' ')).toMatch(/circuit open .*HoopAI POST \/contacts\/search: upstream error 500/);

    // Open: queries fail fast, and neither they nor /readyz within the cool-down reach HoopAI.
    const fast = await graphql(gateway.graphqlUrl, CONTACTS);
    expect(fast.body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(await sent(hoopai)).toBe(5);

    // Still failing after the cool-down: /readyz's probe (one GET /) opens the circuit again.
    await new Promise((resolve) => setTimeout(resolve, COOLDOWN_MS + 50));
    await readyz(gateway);
    expect((await readyzUntil(gateway, 503)).body.upstreams[1]!.ok).toBe(false);
    await expect.poll(() => hoopai.requests('GET <unmatched>')).toBe(1);
    expect((await readyz(gateway)).status).toBe(503);

    // Recovered: with no traffic at all, /readyz's next probe closes the circuit.
    await hoopai.faults({});
    const up = await readyzUntil(gateway, 200);
    expect(up.body).toEqual({ status: 'ready', upstreams: [{ name: 'hoopr', ok: true }, { name: 'hoopai', ok: true }] });
    expect(await hoopai.requests('GET <unmatched>')).toBe(2);
    expect((await graphql(gateway.graphqlUrl, CONTACTS)).body.errors).toBeUndefined();
    expect(await sent(hoopr)).toBe(0);
  });

  it('goes 503 naming Hoopr while no token can be obtained, and back once one can', async () => {
    const { gateway, hoopr } = await start();
    // The token endpoint refuses the credentials: not a fault of Hoopr's, so the circuit stays closed.
    await hoopr.faults({ errorRate: 1, errorStatus: 401 });
    const failed = await graphql(gateway.graphqlUrl, '{ tracks(first: 1) { totalCount } }');
    expect(failed.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const down = await readyz(gateway);
    expect(down.status).toBe(503);
    expect(down.body.upstreams[0]).toMatchObject({ name: 'hoopr', ok: false });
    expect(down.body.upstreams[0]!.reasons).toEqual([expect.stringMatching(/^no access token can be obtained: .*Hoopr/)]);
    expect(down.body.upstreams[1]).toEqual({ name: 'hoopai', ok: true });

    await hoopr.faults({});
    await readyzUntil(gateway, 200);
    // /readyz asked for the token itself (no query came in meanwhile).
    expect((await hoopr.stats()).tokenGrants).toBe(1);
  });

  it('stays 200 on a slow upstream and sends it nothing: latency alone is not unreadiness', async () => {
    const { gateway, hoopr, hoopai } = await start();
    await Promise.all([hoopr.faults({ latencyMs: 5_000 }), hoopai.faults({ latencyMs: 5_000 })]);
    for (let i = 0; i < 3; i += 1) expect((await readyz(gateway)).status).toBe(200);
    expect(await sent(hoopr)).toBe(0);
    expect(await sent(hoopai)).toBe(0);
  });

  it('keeps /healthz a liveness check: 200 while an upstream is down', async () => {
    const { gateway, hoopai } = await start();
    await hoopai.faults({ errorRate: 1 });
    await graphql(gateway.graphqlUrl, CONTACTS);
    await graphql(gateway.graphqlUrl, CONTACTS);
    expect((await readyz(gateway)).status).toBe(503);
    const health = await fetch(`${gateway.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
  });

  it('turns 503 at once when shutdown begins', async () => {
    const { gateway } = await start();
    gateway.drain.begin();
    const answer = await readyz(gateway);
    expect(answer.status).toBe(503);
    expect(answer.body.status).toBe('shutting down');
  });
});
