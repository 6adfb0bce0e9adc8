import { type DocumentNode, type ExecutionResult, getVariableValues, GraphQLError, type OperationDefinitionNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { Context } from '../../context';
import { ErrorCode, gatewayError } from '../../errors';
import { type CallEstimate, costKnowledgeOf, estimateCalls, type OperationPlan, planOperation, PlanTooLargeError } from '../../schema/cost/index';
import type { MeteredCalls } from '../../upstream/index';
import type { CallerBudget } from '../caller-budget';

export interface UpstreamCostOptions {
  /** Upstream calls one request may make (its estimate above this is refused). */
  maxCalls: number;
  budget: CallerBudget;
  logger?: Logger;
}

/** What every answer says in `extensions.cost`. */
export interface CostReport {
  /** The most upstream calls the operation could make (retries not included). */
  estimatedCalls: number;
  /** Upstream calls it made (first attempts). */
  calls: number;
  /** Repeated attempts: retries after upstream faults, resends after a token renewal. */
  retries: number;
  limit: number;
  byUpstream: Record<'hoopr' | 'hoopai', { estimatedCalls: number; calls: number }>;
  /** Upstream calls this caller may still spend in the current minute. */
  callerBudget: { perMinute: number; remaining: number };
}

type PlanSlot = OperationPlan | PlanTooLargeError | undefined;

/**
 * Cost, counted in upstream calls, before anything runs. Each document's operations are
 * planned once (kept with the document, so the plan goes when the document cache drops
 * it); each request then evaluates its plan with its variables:
 * - an estimate above `maxCalls` is refused (COST_LIMIT_EXCEEDED, with the estimate and
 *   the limit) and nothing is called;
 * - the estimate is reserved from the caller's budget per minute, or the request is
 *   refused (CALLER_BUDGET_EXHAUSTED, HTTP 429, retryAfterMs);
 * - the answer carries `extensions.cost`: the estimate and the calls really made.
 * The request's call meter (context) stops any call past `maxCalls` even if the estimate
 * was wrong, so no request ever spends more than the limit.
 */
export function useUpstreamCost(options: UpstreamCostOptions): Plugin {
  const plans = new WeakMap<DocumentNode, Map<string, PlanSlot>>();

  function planFor(args: { schema: Parameters<typeof planOperation>[0]; document: DocumentNode; operationName?: string | null }): PlanSlot {
    let byOperation = plans.get(args.document);
    if (!byOperation) {
      byOperation = new Map();
      plans.set(args.document, byOperation);
    }
    const key = args.operationName ?? '';
    if (!byOperation.has(key)) {
      let slot: PlanSlot;
      try {
        slot = planOperation(args.schema, args.document, args.operationName);
      } catch (error) {
        if (!(error instanceof PlanTooLargeError)) throw error;
        slot = error;
      }
      byOperation.set(key, slot);
    }
    return byOperation.get(key);
  }

  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const ctx = args.contextValue as unknown as Context;
      const plan = planFor(args);
      if (plan instanceof PlanTooLargeError) {
        setResultAndStopExecution({ errors: [gatewayError(ErrorCode.QUERY_TOO_COMPLEX, `The document is too large to run: ${plan.message}.`)] });
        return;
      }
      if (!plan) return;
      const variables = coercedVariables(args.schema, plan.operation, args.variableValues);
      // Variables graphql-js refuses fail the request before any field runs: it costs nothing.
      if (!variables) return;
      const estimate = estimateCalls(plan, variables, costKnowledgeOf(ctx.services, ctx.viewer));
      const caller = ctx.viewer.name;
      if (estimate.total > options.maxCalls) {
        const report = costReport(estimate, undefined, options.maxCalls, { perMinute: options.budget.perMinute, remaining: await options.budget.remaining(caller) });
        options.logger?.info({ caller, operationName: plan.operation.name?.value, estimatedCalls: estimate.total, limit: options.maxCalls }, 'request refused: cost limit');
        setResultAndStopExecution(withCost({ errors: [costLimitError(estimate, options.maxCalls)] }, report));
        return;
      }
      const reservation = await options.budget.reserve(caller, estimate.total);
      if (!reservation.ok) {
        const report = costReport(estimate, undefined, options.maxCalls, { perMinute: options.budget.perMinute, remaining: reservation.remaining });
        options.logger?.info({ caller, estimatedCalls: estimate.total, retryAfterMs: reservation.retryAfterMs }, 'request refused: caller budget spent');
        setResultAndStopExecution(withCost({ errors: [budgetError(estimate, reservation.retryAfterMs, options.budget.perMinute)] }, report));
        return;
      }
      return {
        async onExecuteDone({ result, setResult }) {
          ctx.upstreamCall.finish();
          const metered = ctx.upstreamCall.meter.snapshot();
          const used = metered.calls.hoopr + metered.calls.hoopai + metered.repeats.hoopr + metered.repeats.hoopai;
          const remaining = await options.budget.settle(caller, estimate.total, used);
          if (isSingleResult(result)) {
            setResult(withCost(result, costReport(estimate, metered, options.maxCalls, { perMinute: options.budget.perMinute, remaining })));
          }
        },
      };
    },
  };
}

export function coercedVariables(
  schema: Parameters<typeof getVariableValues>[0],
  operation: OperationDefinitionNode,
  raw: Readonly<Record<string, unknown>> | null | undefined,
): Record<string, unknown> | undefined {
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], raw ?? {}, { maxErrors: 1 });
  return coerced.errors ? undefined : coerced.coerced;
}

export function costReport(estimate: CallEstimate, metered: MeteredCalls | undefined, limit: number, callerBudget: CostReport['callerBudget']): CostReport {
  const calls = metered?.calls ?? { hoopr: 0, hoopai: 0 };
  const repeats = metered?.repeats ?? { hoopr: 0, hoopai: 0 };
  return {
    estimatedCalls: estimate.total,
    calls: calls.hoopr + calls.hoopai,
    retries: repeats.hoopr + repeats.hoopai,
    limit,
    byUpstream: {
      hoopr: { estimatedCalls: estimate.calls.hoopr, calls: calls.hoopr },
      hoopai: { estimatedCalls: estimate.calls.hoopai, calls: calls.hoopai },
    },
    callerBudget,
  };
}

export function withCost(result: ExecutionResult, cost: CostReport): ExecutionResult {
  return { ...result, extensions: { ...result.extensions, cost } };
}

export function costLimitError(estimate: CallEstimate, limit: number): GraphQLError {
  return gatewayError(
    ErrorCode.COST_LIMIT_EXCEEDED,
    `This operation could make up to ${estimate.total} upstream calls; one request may make at most ${limit}. Ask for fewer items (first/last), fewer nested lists, or split the operation. Nothing was called.`,
    { estimatedCalls: estimate.total, limit },
  );
}

export function budgetError(estimate: CallEstimate, retryAfterMs: number, perMinute: number): GraphQLError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new GraphQLError(
    `This caller has spent its budget of ${perMinute} upstream calls per minute; this operation could make up to ${estimate.total}. Retry after ${seconds} s.`,
    {
      extensions: {
        code: ErrorCode.CALLER_BUDGET_EXHAUSTED,
        retryAfterMs,
        estimatedCalls: estimate.total,
        perMinute,
        http: { status: 429, headers: { 'retry-after': String(seconds) } },
      },
    },
  );
}

function isSingleResult(result: unknown): result is ExecutionResult {
  return typeof result === 'object' && result !== null && !(Symbol.asyncIterator in result);
}
