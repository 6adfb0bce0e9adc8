import type { Span } from '@opentelemetry/api';
import { currentLogContext, type LogContext } from '../../logger';
import type { MeteredCalls } from '../../upstream/index';
import type { Outcome } from './outcomes';

/** What an answer's `extensions.cost` says (src/server/plugins/use-upstream-cost.ts), as far as it is observed. */
export interface ObservedCost {
  estimatedCalls: number;
  calls: number;
  retries: number;
}

/**
 * Everything observed about one HTTP request while it is served: who asked, which
 * operation, what it cost and how it ended. The access log, the metrics and the traces all
 * read it once the response is ready. It is also the request's log context, so every line
 * logged on its behalf carries its request id (and trace id, when it is traced).
 */
export class RequestObservation implements LogContext {
  logFields: Readonly<Record<string, unknown>>;
  readonly startedAt = performance.now();
  /** Whether the request asked for a GraphQL operation (whether or not it was refused). */
  graphql = false;
  /** As the request named it (or its document did); the client's text, not yet bounded. */
  operationName?: string;
  operationType?: 'query' | 'mutation' | 'subscription';
  /** The document passed validation for an authenticated caller: its name may become a label value. */
  executed = false;
  caller?: string;
  /** The request's call meter, once its context exists. */
  calls?: () => MeteredCalls;
  cost?: ObservedCost;
  /** Every `extensions.code` in the answer, in order of first appearance. */
  readonly errorCodes = new Set<string>();
  outcome?: Outcome;
  /** The HTTP status answered. */
  status?: number;
  /** The operation's span, when it is traced. */
  span?: Span;

  constructor(
    readonly requestId: string,
    readonly method: string,
    readonly path: string,
  ) {
    this.logFields = { requestId };
  }

  /** Lines logged from now on carry `fields` as well. */
  addLogFields(fields: Record<string, unknown>): void {
    this.logFields = { ...this.logFields, ...fields };
  }

  elapsedMs(): number {
    return performance.now() - this.startedAt;
  }
}

/** The observation of the request being served by the code running now; undefined outside one. */
export function currentObservation(): RequestObservation | undefined {
  const context = currentLogContext();
  return context instanceof RequestObservation ? context : undefined;
}
