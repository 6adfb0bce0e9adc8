import { createSourceEventStream, type ExecutionArgs, type ExecutionResult, execute, GraphQLError } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import Negotiator from 'negotiator';
import type { Logger } from 'pino';
import { type Context, contextForEvent } from '../../context';
import { ErrorCode, gatewayError } from '../../errors';
import { currentLogContext, runWithLogContext } from '../../logger';
import type { RequestLimits } from '../../request-limits';
import { type CallEstimate, costKnowledgeOf, estimateCalls, planOperation, PlanTooLargeError } from '../../schema/cost/index';
import type { CallerBudget } from '../caller-budget';
import { budgetError, coercedVariables, costLimitError, costReport, withCost } from './use-upstream-cost';

export interface SubscriptionEventsOptions {
  limits: Pick<RequestLimits, 'requestTimeoutMs' | 'maxUpstreamCalls'>;
  /** The same budget queries spend: a subscription's upstream calls count against its caller's minute. */
  budget: CallerBudget;
  logger?: Logger;
}

type SubscribeFn = (args: ExecutionArgs) => Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult>;

/**
 * Subscriptions, each event resolved like a request of its own:
 * - a client that does not take an event stream is refused (BAD_REQUEST, 406) before
 *   anything is subscribed;
 * - before subscribing, the cost of ONE event is estimated like a query's; above
 *   `maxUpstreamCalls` the subscription is refused (COST_LIMIT_EXCEEDED), nothing subscribed;
 * - each event resolves in a context of its own (src/context.ts `contextForEvent`): fresh
 *   loaders, so an event never reads what the previous one cached, and its own deadline and
 *   call meter; its estimate is reserved from the caller's budget per minute and settled to
 *   the calls really made, as a query's is. An event that arrives while the budget is spent
 *   is answered CALLER_BUDGET_EXHAUSTED (with `retryAfterMs`) in its place, and the
 *   subscription goes on;
 * - a subscription the gateway ends (SUBSCRIBER_TOO_SLOW, EVENTS_MISSED, UNAUTHENTICATED)
 *   ends with that error as its last event, then `complete`: a failing source never aborts
 *   the HTTP stream without a reason;
 * - every event carries `extensions.cost`, as every query answer does.
 */
export function useSubscriptionEvents(options: SubscriptionEventsOptions): Plugin {
  return {
    onSubscribe({ args, setSubscribeFn, setResultAndStopExecution }) {
      const ctx = args.contextValue as unknown as Context & { request?: Request };
      // Refused before anything is subscribed: yoga would answer 406 without reading the
      // stream, and the subscription behind it would stay open with nobody to end it.
      if (!acceptsEventStream(ctx.request)) {
        setResultAndStopExecution({ errors: [eventStreamRequired()] });
        return;
      }
      let estimate: CallEstimate;
      try {
        const plan = planOperation(args.schema, args.document, args.operationName);
        const variables = plan && coercedVariables(args.schema, plan.operation, args.variableValues);
        // No plan, or variables graphql-js refuses: it fails before anything is subscribed.
        if (!plan || !variables) return;
        estimate = estimateCalls(plan, variables, costKnowledgeOf(ctx.services, ctx.viewer));
      } catch (error) {
        if (!(error instanceof PlanTooLargeError)) throw error;
        setResultAndStopExecution({ errors: [gatewayError(ErrorCode.QUERY_TOO_COMPLEX, `The document is too large to run: ${error.message}.`)] });
        return;
      }
      if (estimate.total > options.limits.maxUpstreamCalls) {
        setResultAndStopExecution({ errors: [costLimitError(estimate, options.limits.maxUpstreamCalls)] });
        return;
      }
      setSubscribeFn(((subscribeArgs: ExecutionArgs) => subscribeByEvent(subscribeArgs, ctx, estimate, options)) as unknown as SubscribeFn);
    },
  };
}

async function subscribeByEvent(
  args: ExecutionArgs,
  ctx: Context,
  estimate: CallEstimate,
  options: SubscriptionEventsOptions,
): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  // graphql-js runs the field's `subscribe` (access checks, the bus subscription); each event
  // is then executed here rather than by graphql-js, which would reuse the one context.
  const source = await createSourceEventStream(args);
  if (!isAsyncIterable(source)) return source;
  const sourceIterator = source[Symbol.asyncIterator]() as AsyncIterator<unknown>;
  const caller = ctx.viewer.name;
  // Events are resolved after the request's handler returned: what they log still carries
  // the subscription's request id (and trace), as everything a request does.
  const logContext = currentLogContext();
  const inRequestContext = <T>(work: () => T): T => (logContext ? runWithLogContext(logContext, work) : work());

  async function resolveEvent(event: unknown): Promise<ExecutionResult> {
    const reservation = await options.budget.reserve(caller, estimate.total);
    const perMinute = options.budget.perMinute;
    if (!reservation.ok) {
      return withCost({ errors: [budgetError(estimate, reservation.retryAfterMs, perMinute)] }, costReport(estimate, undefined, options.limits.maxUpstreamCalls, { perMinute, remaining: reservation.remaining }));
    }
    const eventCtx = contextForEvent(ctx, options.limits);
    let result: ExecutionResult;
    try {
      result = await execute({ ...args, rootValue: event, contextValue: eventCtx });
    } finally {
      eventCtx.upstreamCall.finish();
    }
    const metered = eventCtx.upstreamCall.meter.snapshot();
    const used = metered.calls.hoopr + metered.calls.hoopai + metered.repeats.hoopr + metered.repeats.hoopai;
    const remaining = await options.budget.settle(caller, estimate.total, used);
    return withCost(result, costReport(estimate, metered, options.limits.maxUpstreamCalls, { perMinute, remaining }));
  }

  async function* results(): AsyncGenerator<ExecutionResult> {
    try {
      for (;;) {
        let read: IteratorResult<unknown>;
        try {
          read = await sourceIterator.next();
        } catch (error) {
          yield { errors: [inRequestContext(() => endingError(error, caller, options.logger))] };
          return;
        }
        if (read.done) return;
        const event = read.value;
        yield await inRequestContext(() => resolveEvent(event));
      }
    } finally {
      await sourceIterator.return?.();
    }
  }

  const generator = results();
  const stream: AsyncIterableIterator<ExecutionResult> = {
    next: () => generator.next(),
    // The source is ended first: a generator waiting on it then finishes, and one never
    // started (the client left before the first read) would not run its `finally`.
    async return() {
      await sourceIterator.return?.();
      return generator.return(undefined);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  return stream;
}

/** The last event of a stream whose source failed: its own error when it has a code, else a masked one (logged). */
function endingError(error: unknown, caller: string, logger: Logger | undefined): GraphQLError {
  if (error instanceof GraphQLError && error.extensions?.code !== undefined) {
    logger?.info({ caller, code: error.extensions.code }, 'a subscription was ended by the gateway');
    return error;
  }
  logger?.error({ err: error }, 'a subscription ended unexpectedly');
  return gatewayError(ErrorCode.INTERNAL_SERVER_ERROR, 'Unexpected error.');
}

/** Whether the client takes GraphQL over SSE (no `accept` at all counts as anything). */
function acceptsEventStream(request: Request | undefined): boolean {
  const accept = request?.headers.get('accept');
  if (!accept) return true;
  return new Negotiator({ headers: { accept } }).mediaType([EVENT_STREAM]) === EVENT_STREAM;
}

const EVENT_STREAM = 'text/event-stream';

function eventStreamRequired(): GraphQLError {
  return gatewayError(ErrorCode.BAD_REQUEST, 'Subscriptions are served over GraphQL over SSE: send `accept: text/event-stream`.', { http: { status: 406 } });
}
