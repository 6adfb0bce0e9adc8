import { getOperationAST, type OperationDefinitionNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { Context } from '../../context';
import { runWithLogContext } from '../../logger';
import { copyOfHeaders, observeAnswer, observeEarlyAnswer } from '../observability/answer-observation';
import { REQUEST_ID_HEADER, requestIdOf } from '../observability/request-id';
import { currentObservation, RequestObservation } from '../observability/request-observation';

export interface AccessLogOptions {
  /** Where the access lines go; none: requests are observed (ids, errors) but not logged. */
  logger?: Logger;
  graphqlEndpoint: string;
  /** The caller authentication found for the request, if any. */
  callerOf(request: Request): string | undefined;
}

/** Endpoints that probes and scrapers call every few seconds: their lines are debug, not info. */
const PROBE_PATHS = new Set(['/healthz', '/readyz', '/metrics', '/health']);
/** Operation names are the client's text: logged whole up to this length. */
const MAX_LOGGED_NAME = 200;

/**
 * Every request gets an id and is observed while it is served; when its response is ready,
 * one access line says what happened. This plugin must come first: it opens the request's
 * observation (RequestObservation), which the metrics and tracing plugins read, and the
 * log context in which every line logged for the request carries its id.
 *
 * The id is the `x-request-id` the request brings when it is acceptable (bounded length,
 * safe characters), else a fresh UUID; it is answered in the `x-request-id` header and in
 * `extensions.requestId` of every error in the answer.
 */
export function useAccessLog(options: AccessLogOptions): Plugin {
  return {
    instrumentation: {
      request({ request }, wrapped) {
        const observation = new RequestObservation(requestIdOf(request.headers), request.method, pathOf(request.url));
        return runWithLogContext(observation, wrapped);
      },
    },
    onParams({ params }) {
      const observation = currentObservation();
      if (!observation) return;
      observation.graphql = true;
      observation.operationName ??= params.operationName ?? undefined;
    },
    onValidate({ params }) {
      // The document is read: its operation is known even if validation refuses it.
      const observation = currentObservation();
      if (observation) readOperation(observation, getOperationAST(params.documentAST, observation.operationName));
    },
    onExecute({ args }) {
      const observation = currentObservation();
      if (!observation) return;
      readOperation(observation, getOperationAST(args.document, args.operationName));
      observation.executed = true;
      const ctx = args.contextValue as unknown as Context;
      observation.calls = () => ctx.upstreamCall.meter.snapshot();
    },
    onResultProcess({ result, setResult }) {
      const observation = currentObservation();
      if (observation) setResult(observeAnswer(observation, result));
    },
    async onResponse({ request, response, setResponse, fetchAPI }) {
      const observation = currentObservation();
      if (!observation) return;
      let answered = response;
      if (observation.outcome === undefined) {
        const rewritten = await observeEarlyAnswer(observation, response, fetchAPI);
        if (rewritten) {
          answered = rewritten;
          if (observation.path === options.graphqlEndpoint) observation.graphql = true;
        }
      }
      try {
        answered.headers.set(REQUEST_ID_HEADER, observation.requestId);
      } catch {
        // Headers of some responses are immutable (Response.redirect): answer a copy.
        const headers = copyOfHeaders(answered.headers, fetchAPI);
        headers.set(REQUEST_ID_HEADER, observation.requestId);
        answered = new fetchAPI.Response(answered.body, { status: answered.status, statusText: answered.statusText, headers });
      }
      if (answered !== response) setResponse(answered);
      if (request.signal.aborted && observation.graphql) {
        // What the answer says (its fields failed with the abort) was never read by anyone.
        observation.outcome = 'abandoned';
        observation.errorCodes.clear();
      }
      observation.caller = options.callerOf(request);
      observation.status = answered.status;
      if (options.logger) writeAccessLine(options.logger, observation);
    },
  };
}

function readOperation(observation: RequestObservation, operation: OperationDefinitionNode | null | undefined): void {
  if (!operation) return;
  observation.operationName = operation.name?.value;
  observation.operationType = operation.operation;
}

function writeAccessLine(logger: Logger, observation: RequestObservation): void {
  const calls = observation.calls?.();
  const line = {
    method: observation.method,
    path: observation.path,
    status: observation.status,
    durationMs: Math.round(observation.elapsedMs() * 10) / 10,
    caller: observation.caller,
    ...(observation.graphql
      ? {
          operationName: observation.operationName?.slice(0, MAX_LOGGED_NAME),
          operationType: observation.operationType,
          outcome: observation.outcome,
          errorCodes: [...observation.errorCodes],
          upstreamCalls: calls ? calls.calls.hoopr + calls.calls.hoopai : 0,
          upstreamRetries: calls ? calls.repeats.hoopr + calls.repeats.hoopai : 0,
          upstreamCallsBy: calls?.calls,
          estimatedCalls: observation.cost?.estimatedCalls,
        }
      : {}),
  };
  if (PROBE_PATHS.has(observation.path)) logger.debug(line, 'request');
  else logger.info(line, 'request');
}

/** The path alone: a GET request's query string holds the whole document and its variables. */
function pathOf(url: string): string {
  const start = url.indexOf('/', url.indexOf('//') + 2);
  if (start < 0) return '/';
  const end = url.indexOf('?', start);
  return end < 0 ? url.slice(start) : url.slice(start, end);
}
