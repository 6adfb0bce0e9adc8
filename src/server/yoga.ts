import { createYoga, type Plugin, type YogaLogger, type YogaServerInstance } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { AuthConfig } from '../auth/auth-config';
import { type AuthFailure, createAuthenticator } from '../auth/authenticate';
import { createContext, type Context, type GatewayServices } from '../context';
import { ErrorCode, gatewayError } from '../errors';
import { schema } from '../schema/index';
import { schemaValidationRules } from '../schema/validation-rules';
import { DEFAULT_QUERY, graphiqlHeaders } from './graphiql';
import { type CompiledQueriesOptions, useCompiledQueries } from './plugins/use-compiled-queries';
import { useErrorCodes } from './plugins/use-error-codes';
import { useHealth, type ReadinessCheck } from './plugins/use-health';
import { useOAuthRoutes } from './plugins/use-oauth-routes';
import { useValidationRules } from './plugins/use-validation-rules';

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
}

export type Gateway = YogaServerInstance<Record<string, never>, Context>;

/** The gateway as a fetch handler. Never listens: `main.ts` (or a test) binds it. */
export function createGateway(options: GatewayOptions): Gateway {
  const sandbox = options.sandboxLocationIds !== undefined;
  const plugins: Plugin[] = [useHealth(options.readiness), useErrorCodes(), useValidationRules(schemaValidationRules)];
  if (options.compiledQueries !== false) plugins.push(useCompiledQueries({ onCompile: compileLogger(options.structuredLogger) }));
  const { hoopaiOAuth } = options.services.upstreams;
  // `/oauth/install` and `/oauth/callback` exist only when some location uses OAuth.
  if (hoopaiOAuth) plugins.push(useOAuthRoutes(hoopaiOAuth, { logger: options.structuredLogger }));
  const authenticate = createAuthenticator({ sandboxLocationIds: options.sandboxLocationIds, callers: options.callers });
  return createYoga<Record<string, never>, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
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
