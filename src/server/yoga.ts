import { createYoga, type Plugin, type YogaLogger, type YogaServerInstance } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { AuthConfig } from '../auth/auth-config';
import { type AuthFailure, createAuthenticator } from '../auth/authenticate';
import { createContext, type Context, type GatewayServices } from '../context';
import { ErrorCode, gatewayError } from '../errors';
import { schema } from '../schema/index';
import { corsOptions, grantsAnyOrigin } from './cors';
import type { CorsConfig } from './cors-config';
import { DEFAULT_QUERY, graphiqlHeaders } from './graphiql';
import { type CompiledQueriesOptions, useCompiledQueries } from './plugins/use-compiled-queries';
import { useCsrfPrevention } from './plugins/use-csrf-prevention';
import { useHealth, type ReadinessCheck } from './plugins/use-health';
import { useOAuthRoutes } from './plugins/use-oauth-routes';
import { useVaryOrigin } from './plugins/use-vary-origin';

export interface GatewayOptions {
  services: GatewayServices;
  /** Set when HoopAI is the sandbox: enables the documented development keys. */
  sandboxLocationIds?: readonly string[];
  /** Configured callers (hashed API keys, JWT); none when omitted. */
  callers?: AuthConfig;
  readiness: readonly ReadinessCheck[];
  logger: YogaLogger;
  /** The structured logger for the gateway's own plugins. */
  structuredLogger?: Logger;
  /** Queries as compiled code (default); false: graphql-js runs every operation. */
  compiledQueries?: boolean;
  /** Which web origins may call from a browser (src/server/cors-config.ts); none when omitted. */
  cors?: CorsConfig;
}

export type Gateway = YogaServerInstance<Record<string, never>, Context>;

/** The gateway as a fetch handler. Never listens: `main.ts` (or a test) binds it. */
export function createGateway(options: GatewayOptions): Gateway {
  const sandbox = options.sandboxLocationIds !== undefined;
  const plugins: Plugin[] = [useHealth(options.readiness)];
  // Browser callers: no simple (preflight-free) request runs; answers vary by Origin when some origin is granted.
  plugins.push(useCsrfPrevention());
  if (grantsAnyOrigin(options.cors)) plugins.push(useVaryOrigin());
  if (options.compiledQueries !== false) plugins.push(useCompiledQueries({ onCompile: compileLogger(options.structuredLogger) }));
  const { hoopaiOAuth } = options.services.upstreams;
  // `/oauth/install` and `/oauth/callback` exist only when some location uses OAuth.
  if (hoopaiOAuth) plugins.push(useOAuthRoutes(hoopaiOAuth, { logger: options.structuredLogger }));
  const authenticate = createAuthenticator({ sandboxLocationIds: options.sandboxLocationIds, callers: options.callers });
  return createYoga<Record<string, never>, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    // Browser callers: CORS grants only allow-listed origins; no multipart bodies (no uploads).
    cors: corsOptions(options.cors),
    multipart: false,
    logging: options.logger,
    // Unexpected errors are masked as "Unexpected error."; only GraphQLErrors reach clients.
    maskedErrors: true,
    graphiql: {
      title: 'Hoop gateway',
      defaultQuery: DEFAULT_QUERY,
      headers: graphiqlHeaders(sandbox),
      shouldPersistHeaders: false,
    },
    // The bundled GraphiQL: works offline and behind proxies that block public CDNs. Loaded
    // on the first page view: it is ~30 MB of heap a gateway that only answers queries never needs.
    renderGraphiQL: async (graphiqlOptions) => (await import('@graphql-yoga/render-graphiql')).renderGraphiQL(graphiqlOptions),
    plugins,
    // No or bad credentials fail the whole request with HTTP 401, before any field runs.
    context: async ({ request }) => {
      const auth = await authenticate(request.headers.get('authorization'));
      if (!auth.ok) throw gatewayError(ErrorCode.UNAUTHENTICATED, UNAUTHENTICATED_MESSAGES[auth.reason]);
      return createContext(auth.viewer, options.services, request.signal);
    },
  });
}

function compileLogger(logger: Logger | undefined): CompiledQueriesOptions['onCompile'] {
  return ({ operationName, compiled, errors }) => {
    if (compiled) logger?.debug({ operationName }, 'query compiled');
    else logger?.warn({ operationName, errors: errors?.map((error) => error.message) }, 'query not compiled; graphql-js runs it');
  };
}

const UNAUTHENTICATED_MESSAGES: Record<AuthFailure, string> = {
  missing: 'Missing credentials: send "Authorization: Bearer <api key or JWT>".',
  invalid: 'Invalid credentials: the API key is unknown, or the token is malformed or not signed for this gateway.',
  expired: 'Expired credentials: the token has expired; get a new one.',
};
