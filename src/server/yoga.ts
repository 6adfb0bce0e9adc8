import { createYoga, type Plugin, type YogaLogger, type YogaServerInstance } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { AuthConfig } from '../auth/auth-config';
import { createAuthenticator } from '../auth/authenticate';
import { createContext, type Context, type GatewayServices, requestUpstreamCall } from '../context';
import { ErrorCode, gatewayError } from '../errors';
import { DEFAULT_REQUEST_LIMITS, type RequestLimits } from '../request-limits';
import { schema } from '../schema/index';
import type { HoopaiOAuthInstaller } from '../upstream/index';
import { schemaValidationRules } from '../schema/validation-rules';
import { CallerBudget } from './caller-budget';
import { boundedDocumentCaches } from './document-cache';
import { corsOptions, grantsAnyOrigin } from './cors';
import type { CorsConfig } from './cors-config';
import { DEFAULT_QUERY, graphiqlHeaders } from './graphiql';
import type { Drain } from './drain';
import type { GatewayObservability } from './observability/gateway-observability';
import { useAccessLog } from './plugins/use-access-log';
import { useCallerAuthentication } from './plugins/use-caller-authentication';
import { type CompiledQueriesOptions, useCompiledQueries } from './plugins/use-compiled-queries';
import { useCompression } from './plugins/use-compression';
import { useCsrfPrevention } from './plugins/use-csrf-prevention';
import { useDrain } from './plugins/use-drain';
import { useDocumentLimits } from './plugins/use-document-limits';
import { useErrorCodes } from './plugins/use-error-codes';
import { useHealth, type ReadinessCheck } from './plugins/use-health';
import { useHoopaiWebhooks } from './plugins/use-hoopai-webhooks';
import { useMetrics } from './plugins/use-metrics';
import { useOAuthRoutes } from './plugins/use-oauth-routes';
import { useRequestAbortLog } from './plugins/use-request-abort-log';
import { useResponseCache } from './plugins/use-response-cache';
import type { ResponseCache } from './response-cache/index';
import { useSubscriptionEvents } from './plugins/use-subscription-events';
import { useUpstreamCost } from './plugins/use-upstream-cost';
import { useValidationRules } from './plugins/use-validation-rules';
import { useVaryOrigin } from './plugins/use-vary-origin';
import { useTracing } from './plugins/use-tracing';
import { useTrustedDocuments } from './plugins/use-trusted-documents';
import type { TrustedDocumentsConfig } from './trusted-documents-config';
import type { WebhookReceiver } from './webhooks/webhook-receiver';

export interface GatewayOptions {
  services: GatewayServices;
  /** The HoopAI app's install flow, when some location uses OAuth (the server's routes, not the schema's). */
  oauth?: HoopaiOAuthInstaller;
  /** Set when HoopAI is the sandbox: enables the documented development keys. */
  sandboxLocationIds?: readonly string[];
  /** Configured callers (hashed API keys, JWT); none when omitted. */
  callers?: AuthConfig;
  readiness: readonly ReadinessCheck[];
  /** The running gateway's shutdown (src/server/drain.ts): readiness, `Connection: close`, streams. */
  drain?: Drain;
  logger: YogaLogger;
  /** The structured logger for the gateway's own plugins. */
  structuredLogger?: Logger;
  /** Queries as compiled code (default); false: graphql-js runs every operation. */
  compiledQueries?: boolean;
  /** Compile a document on its Nth run (default 2): a document sent once is not worth its compiled code's memory. */
  compileAfterRuns?: number;
  /** What one request may spend (deadline, upstream calls, document limits); the defaults when omitted. */
  limits?: RequestLimits;
  /** Which web origins may call from a browser (src/server/cors-config.ts); none when omitted. */
  cors?: CorsConfig;
  /** Documents callers may name by id; with `only`, the only ones most callers may send. */
  trustedDocuments?: TrustedDocumentsConfig;
  /** Metrics and traces (src/server/observability); without, requests still get ids and access lines. */
  observability?: GatewayObservability;
  /** `POST /webhooks/hoopai` (src/server/webhooks); not served when omitted. */
  webhooks?: WebhookReceiver;
  /** Answers of catalog-only queries (src/server/response-cache); none when omitted. */
  responseCache?: ResponseCache;
}

export type Gateway = YogaServerInstance<Record<string, never>, Context>;

/** The gateway as a fetch handler. Never listens: `main.ts` (or a test) binds it. */
export function createGateway(options: GatewayOptions): Gateway {
  const sandbox = options.sandboxLocationIds !== undefined;
  const limits = options.limits ?? DEFAULT_REQUEST_LIMITS;
  const graphqlEndpoint = '/graphql';
  const authentication = useCallerAuthentication(
    createAuthenticator({ sandboxLocationIds: options.sandboxLocationIds, callers: options.callers }),
    graphqlEndpoint,
  );
  // Order matters: who is calling (a header check) before the body is read; then the
  // document's size and shape while it is parsed and validated; then its cost in upstream
  // calls before it runs.
  const observability = options.observability;
  // One budget per caller, spent by queries and by subscriptions' events alike.
  const budget = new CallerBudget(limits.callerCallsPerMinute);
  const plugins: Plugin[] = [
    // First: every request's id and observation, which the metrics and traces read.
    useAccessLog({ logger: options.structuredLogger, graphqlEndpoint, callerOf: (request) => authentication.viewerOf(request)?.name }),
    ...(observability ? [useMetrics(observability)] : []),
    ...(observability?.tracing ? [useTracing(observability.tracing, graphqlEndpoint)] : []),
    useHealth({ checks: options.readiness, draining: () => options.drain?.draining === true }),
    // Signed deliveries, authenticated by their signature: answered before any caller or document check.
    ...(options.webhooks ? [useHoopaiWebhooks(options.webhooks, options.structuredLogger)] : []),
    useErrorCodes(),
    useValidationRules(schemaValidationRules),
    // Browser callers: no simple (preflight-free) request runs.
    useCsrfPrevention(graphqlEndpoint),
    authentication.plugin,
    ...useDocumentLimits(limits),
    useUpstreamCost({ maxCalls: limits.maxUpstreamCalls, budget, logger: options.structuredLogger }),
    // After the cost check: a cached answer is refused like any other over the cost limit or budget.
    ...(options.responseCache ? [useResponseCache(options.responseCache)] : []),
    useSubscriptionEvents({ limits, budget, logger: options.structuredLogger }),
    useRequestAbortLog(options.structuredLogger),
  ];
  // Answers vary by Origin when some origin is granted.
  if (grantsAnyOrigin(options.cors)) plugins.push(useVaryOrigin());
  if (options.compiledQueries !== false) {
    plugins.push(useCompiledQueries({ onCompile: compileLogger(options.structuredLogger), compileAfterRuns: options.compileAfterRuns }));
  }
  // `/oauth/install` and `/oauth/callback` exist only when some location uses OAuth.
  if (options.oauth) plugins.push(useOAuthRoutes(options.oauth, { logger: options.structuredLogger }));
  if (options.trustedDocuments) {
    // Answered before parsing; the caller is already known (authenticated before the body was read).
    const mayQueryFreely = async (request: Request) => authentication.viewerOf(request)?.freeFormQueries === true;
    plugins.push(useTrustedDocuments({ ...options.trustedDocuments, mayQueryFreely }));
  }
  if (options.drain) plugins.push(useDrain(options.drain));
  // Last: it compresses the answer every other plugin has finished.
  plugins.push(useCompression());
  return createYoga<Record<string, never>, Context>({
    schema,
    graphqlEndpoint,
    landingPage: false,
    // Browser callers: CORS grants only allow-listed origins; no multipart bodies (no uploads).
    cors: corsOptions(options.cors),
    multipart: false,
    logging: options.logger,
    // Unexpected errors are masked as "Unexpected error."; only GraphQLErrors reach clients.
    maskedErrors: true,
    maxRequestBodySize: limits.maxRequestBytes,
    parserAndValidationCache: boundedDocumentCaches(limits.documentCacheBytes, observability?.upstreamObserver),
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
    context: ({ request }) => {
      const viewer = authentication.viewerOf(request);
      // Unreachable: the request was answered 401 before its body was read.
      if (!viewer) throw gatewayError(ErrorCode.UNAUTHENTICATED, 'Missing credentials.');
      return createContext(viewer, options.services, requestUpstreamCall(request.signal, limits));
    },
  });
}

function compileLogger(logger: Logger | undefined): CompiledQueriesOptions['onCompile'] {
  return ({ operationName, compiled, errors }) => {
    if (compiled) logger?.debug({ operationName }, 'query compiled');
    else logger?.warn({ operationName, errors: errors?.map((error) => error.message) }, 'query not compiled; graphql-js runs it');
  };
}
