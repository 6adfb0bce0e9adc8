import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSchema, createYoga } from 'graphql-yoga';
import { useOAuthRoutes } from '../../src/server/plugins/use-oauth-routes';
import type { UpstreamsOptions } from '../../src/upstream/index';
import { HOOPAI_SANDBOX_APP, testUpstreams, type TestUpstreams } from './upstream-gateway';

/**
 * A minimal gateway for the OAuth routes: yoga with `useOAuthRoutes` on a real socket,
 * wired to HoopAI (the sandbox) through the real upstream layer.
 */
export interface OAuthGateway {
  url: string;
  upstreams: TestUpstreams;
  close(): Promise<void>;
}

export async function startOAuthGateway(
  hoopaiUrl: string,
  hoopai: Pick<UpstreamsOptions['hoopai'], 'locations' | 'tokenStore' | 'rateLimit'>,
  options: Pick<UpstreamsOptions, 'observer'> = {},
): Promise<OAuthGateway> {
  let handler: ReturnType<typeof createYoga> | undefined;
  const server: Server = createServer((req, res) => void handler!(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const upstreams = testUpstreams({
    ...options,
    retry: { initialDelayMs: 5, maxDelayMs: 20 },
    hoopai: {
      baseUrl: hoopaiUrl,
      ...hoopai,
      oauth: {
        ...HOOPAI_SANDBOX_APP,
        redirectUri: `${url}/oauth/callback`,
        scopes: ['contacts.readonly', 'contacts.write', 'conversations.readonly'],
        consentUrl: `${hoopaiUrl}/oauth/chooselocation`,
      },
    },
  });
  handler = createYoga({
    schema: createSchema({ typeDefs: 'type Query { ok: Boolean }' }),
    plugins: [useOAuthRoutes(upstreams.hoopaiOAuth!, { logger: upstreams.log.logger })],
    logging: false,
  });
  return {
    url,
    upstreams,
    close: async () => {
      await upstreams.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

export interface InstallOutcome {
  status: number;
  body: Record<string, unknown>;
  /** The authorization code the consent page issued (to check it never leaks). */
  code: string;
}

/** Walks the browser's path: install → consent (auto-approved by the sandbox) → callback, keeping the state cookie. */
export async function installThroughBrowser(gatewayUrl: string, query: string): Promise<InstallOutcome> {
  const start = await fetch(`${gatewayUrl}/oauth/install?${query}`, { redirect: 'manual' });
  if (start.status !== 302) throw new Error(`install answered ${start.status}: ${await start.text()}`);
  const cookie = start.headers.get('set-cookie')!.split(';')[0]!;
  const consent = await fetch(start.headers.get('location')!, { redirect: 'manual' });
  if (consent.status !== 302) throw new Error(`consent answered ${consent.status}: ${await consent.text()}`);
  const callback = consent.headers.get('location')!;
  const answer = await fetch(callback, { headers: { cookie, accept: 'application/json' } });
  return { status: answer.status, body: (await answer.json()) as Record<string, unknown>, code: new URL(callback).searchParams.get('code')! };
}
