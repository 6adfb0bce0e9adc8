import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_LOCATIONS } from '../src/sandbox/hoopai/locations';
import type { RunningGateway } from '../src/server/start';
import { graphql, startSandboxGateway } from './helpers/gateway';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

describe('the gateway on its built-in sandbox', () => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await startSandboxGateway();
  });
  afterAll(async () => {
    await gateway?.close(1_000);
  });

  it('answers the viewer query for the development key', async () => {
    const { status, body } = await graphql(gateway.graphqlUrl, '{ viewer { __typename name scopes catalogMode locations { id name } } }');
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({
      viewer: {
        __typename: 'Viewer',
        name: 'sandbox developer',
        scopes: ['catalog:read', 'crm:read', 'crm:write'],
        catalogMode: 'test',
        locations: SANDBOX_LOCATIONS.map((l) => ({ id: l.id, name: l.name })),
      },
    });
    // catalogMode is what Hoopr's token answer says: one grant, then the cached token.
    await graphql(gateway.graphqlUrl, '{ viewer { catalogMode } }');
    const stats = (await (await fetch(`${gateway.sandboxes.hoopr!.url}/__sandbox/stats`)).json()) as { tokenGrants: number };
    expect(stats.tokenGrants).toBe(1);
  });

  it('limits a per-location sandbox key to its location', async () => {
    const location = SANDBOX_LOCATIONS[1]!;
    const { body } = await graphql(gateway.graphqlUrl, '{ viewer { locations { id } } }', { key: `sandbox-key-${location.id}` });
    expect(body.data).toEqual({ viewer: { locations: [{ id: location.id }] } });
  });

  it('answers 401 with UNAUTHENTICATED for missing or unknown keys', async () => {
    for (const key of [null, 'not-a-key', `sandbox-key-unknownLocation`]) {
      const { status, body } = await graphql(gateway.graphqlUrl, '{ viewer { name } }', { key });
      expect(status).toBe(401);
      expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(body.data ?? null).toBeNull();
    }
  });

  it('serves GraphiQL with the default query and the development key, with no CDN', async () => {
    const response = await fetch(gateway.graphqlUrl, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('Hoop gateway');
    expect(html).toContain('viewer');
    expect(html).toContain('Bearer sandbox-dev-key');
    expect(html).not.toMatch(/https:\/\/unpkg\.com/);
  });

  it('is live at /healthz and ready at /readyz while both upstreams answer', async () => {
    const health = await fetch(`${gateway.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${gateway.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      upstreams: [
        { name: 'hoopr', ok: true },
        { name: 'hoopai', ok: true },
      ],
    });
  });

  it('masks unexpected errors and rejects invalid queries with a 400, never a stack trace', async () => {
    const { status, body } = await graphql(gateway.graphqlUrl, '{ viewer { nope } }');
    expect(status).toBe(400);
    expect(body.errors?.[0]?.message).toMatch(/Cannot query field "nope"/);
    expect(JSON.stringify(body)).not.toMatch(/\s+at\s.+\.ts:\d+/);
  });
});

describe('npm start', () => {
  it('boots with no configuration, answers GraphiQL queries, and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
      cwd: repoRoot,
      env: { ...process.env, PORT: '0', HOOPR_SANDBOX_PORT: '0', HOOPAI_SANDBOX_PORT: '0', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    try {
      const graphqlUrl = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no GraphiQL URL printed:\n${output}`)), 20_000);
        child.stdout.on('data', () => {
          const match = /GraphiQL at (http:\/\/\S+\/graphql)/.exec(output);
          if (match && output.includes('Control plane')) {
            clearTimeout(timer);
            resolve(match[1]!);
          }
        });
      });
      expect(output).toContain('sandbox-dev-key');
      expect(output).toContain('hpr_test_sandbox_secret');
      const { body } = await graphql(graphqlUrl, '{ viewer { __typename } }');
      expect(body).toEqual({ data: { viewer: { __typename: 'Viewer' } }, extensions: { cost: expect.any(Object) } });
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });
});
