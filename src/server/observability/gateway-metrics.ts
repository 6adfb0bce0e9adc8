import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { LiveSubscriptionsSnapshot } from '../../upstream/events/live-subscriptions';

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30];
/** Upstream calls per operation: the default limit is 200. */
const CALLS = [0, 1, 2, 3, 5, 10, 20, 50, 100, 200, 500];
const WAITS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15];

/**
 * Every metric the gateway exposes, in one registry per gateway (never prom-client's global
 * one: two gateways in one process, as in the tests, keep their counts apart). Label values
 * are bounded sets only: upstream names, route patterns, statuses, error codes, cache names,
 * and operation and caller names through OperationLabels and CallerLabels. Never a tenant
 * (locationId), an id or a raw path. The README's "Metrics" section lists them all.
 */
export class GatewayMetrics {
  readonly registry = new Registry();

  readonly #counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Counter<L>({ name, help, labelNames, registers: [this.registry] });

  readonly #histogram = <L extends string>(name: string, help: string, labelNames: readonly L[], buckets: number[]) =>
    new Histogram<L>({ name, help, labelNames, buckets, registers: [this.registry] });

  // The HTTP server.
  readonly httpRequests = this.#counter('gateway_http_requests_total', 'HTTP requests answered, by route (known endpoints, else "other") and status', ['route', 'status']);
  readonly httpInFlight = new Gauge({ name: 'gateway_http_requests_in_flight', help: 'HTTP requests being served now', registers: [this.registry] });

  // GraphQL operations: what was asked, how it ended, what it cost, who asked.
  readonly operations = this.#counter(
    'gateway_graphql_operations_total',
    'GraphQL requests by operation name (bounded: trusted documents and the first names seen, then "other"), type and outcome',
    ['operation', 'type', 'outcome'],
  );
  readonly operationDuration = this.#histogram(
    'gateway_graphql_operation_duration_seconds',
    'Time from the request arriving to its answer being ready, by operation, type and outcome',
    ['operation', 'type', 'outcome'],
    SECONDS,
  );
  readonly estimatedCalls = this.#histogram(
    'gateway_graphql_estimated_upstream_calls',
    'Upstream calls an operation was estimated to make at most, before it ran (refused ones too)',
    ['operation'],
    CALLS,
  );
  readonly madeCalls = this.#histogram(
    'gateway_graphql_upstream_calls',
    'Upstream calls an operation made (first attempts; repeats are gateway_upstream_retries_total)',
    ['operation'],
    CALLS,
  );
  readonly errors = this.#counter('gateway_graphql_errors_total', 'GraphQL answers with at least one error of the code, by extensions.code', ['code']);
  readonly refusals = this.#counter('gateway_graphql_refusals_total', 'GraphQL requests refused before they ran, by the code of the refusal', ['code']);
  readonly callerOperations = this.#counter(
    'gateway_caller_operations_total',
    'GraphQL requests by caller (configured API key names; every JWT caller is "jwt") and outcome',
    ['caller', 'outcome'],
  );
  readonly callerUpstreamCalls = this.#counter(
    'gateway_caller_upstream_calls_total',
    'Upstream requests (first attempts and repeats) made on behalf of each caller: what its budget is charged',
    ['caller'],
  );

  // The upstreams: every HTTP request, retry, rate-limit wait, token request and breaker change.
  readonly upstreamRequests = this.#counter(
    'gateway_upstream_requests_total',
    'HTTP requests sent to an upstream (every attempt), by upstream, route pattern and status (or timeout, connection_error, circuit_open, cancelled, bad_response)',
    ['upstream', 'route', 'status'],
  );
  readonly upstreamDuration = this.#histogram(
    'gateway_upstream_request_duration_seconds',
    'Time of one HTTP request to an upstream, by upstream and route pattern',
    ['upstream', 'route'],
    SECONDS,
  );
  readonly upstreamRetries = this.#counter(
    'gateway_upstream_retries_total',
    'Upstream attempts that failed and were sent again, by upstream, route pattern and the failure code',
    ['upstream', 'route', 'code'],
  );
  readonly upstreamThrottled = this.#counter('gateway_upstream_429_total', 'Answers 429 (Too Many Requests) from an upstream, by upstream and route pattern', ['upstream', 'route']);
  readonly rateLimitWaits = this.#histogram(
    'gateway_rate_limit_wait_seconds',
    'Upstream calls that waited for (or were refused) a slot of the per-location rate limit, and for how long, by how it ended (granted, cancelled, refused)',
    ['upstream', 'outcome'],
    WAITS,
  );
  readonly rateLimitRefusals = this.#counter('gateway_rate_limit_refusals_total', 'Upstream calls the per-location rate limit refused (RATE_LIMITED), by reason', ['upstream', 'reason']);
  readonly tokenRequests = this.#counter(
    'gateway_upstream_token_requests_total',
    'Token requests to an upstream, by kind (grant, refresh, mint) and outcome (ok, failed, reauth_required)',
    ['upstream', 'kind', 'outcome'],
  );
  readonly breakerState = new Gauge({
    name: 'gateway_upstream_circuit_state',
    help: 'The circuit breaker of each upstream: 1 for its current state (closed, open, half_open), 0 for the others',
    labelNames: ['upstream', 'state'] as const,
    registers: [this.registry],
  });
  readonly breakerOpened = this.#counter('gateway_upstream_circuit_opened_total', 'Times the circuit breaker of an upstream opened', ['upstream']);

  // The caches.
  readonly cacheLookups = this.#counter('gateway_cache_lookups_total', 'Cache lookups by cache (catalog, crm, documents, idempotency, response) and result (hit, miss)', ['cache', 'result']);
  readonly cacheEvictions = this.#counter(
    'gateway_cache_evictions_total',
    'Entries that left a cache before anyone removed them, by cache and reason (capacity, expired)',
    ['cache', 'reason'],
  );

  // HoopAI webhooks (POST /webhooks/hoopai).
  readonly webhookDeliveries = this.#counter(
    'gateway_webhook_deliveries_total',
    'HoopAI webhook deliveries by event type (known types, "other", or "unknown" when refused before the body was read) and outcome (accepted, replay, bad_signature, stale, too_large, queue_full, malformed)',
    ['type', 'outcome'],
  );

  // Writes with an idempotency key.
  readonly idempotentWrites = this.#counter(
    'gateway_idempotent_writes_total',
    'Mutations with an idempotencyKey, by mutation and outcome (written, replayed, reconciled, in_progress, unavailable, key_reused, outcome_unknown, failed)',
    ['mutation', 'outcome'],
  );

  // Caller subscriptions (GraphQL over SSE).
  readonly subscriptionsEnded = this.#counter('gateway_subscriptions_ended_total', 'Caller subscriptions the gateway ended itself, by reason (too_slow, events_missed)', ['reason']);

  /** Caller subscriptions open now and the events they hold, read from `snapshot` at each scrape. */
  observeSubscriptions(snapshot: () => LiveSubscriptionsSnapshot): void {
    new Gauge({
      name: 'gateway_subscriptions_open',
      help: 'Caller subscriptions open on this instance now',
      registers: [this.registry],
      collect() {
        this.set(snapshot().open);
      },
    });
    new Gauge({
      name: 'gateway_subscription_buffered_events',
      help: 'Events caller subscriptions hold now for subscribers that have not read them yet (each at most SUBSCRIPTION_BUFFER_EVENTS)',
      registers: [this.registry],
      collect() {
        this.set(snapshot().buffered);
      },
    });
  }

  /** With Node's default metrics too (process_*, nodejs_*). */
  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** The exposition, in Prometheus text format. */
  async text(): Promise<{ body: string; contentType: string }> {
    return { body: await this.registry.metrics(), contentType: this.registry.contentType };
  }
}
