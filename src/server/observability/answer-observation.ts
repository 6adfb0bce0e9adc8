import { type ExecutionResult, GraphQLError } from 'graphql';
import { type FetchAPI, isAsyncIterable, mapAsyncIterator, type Plugin } from 'graphql-yoga';
import { errorCodesOf, outcomeOf } from './outcomes';
import type { ObservedCost, RequestObservation } from './request-observation';

/** What yoga hands to result processing: one result, a batch, or a stream. */
type Answer = Parameters<NonNullable<Plugin['onResultProcess']>>[0]['result'];

/**
 * Reads an answer into the observation (its error codes, its outcome, what it cost) and
 * returns it with the request id in the extensions of every error, so that whoever reports
 * an error hands over the id the logs are searched by. Streams (subscriptions) have each
 * event's errors marked as they come; the request's outcome is that the stream began.
 */
export function observeAnswer(observation: RequestObservation, answer: Answer): Answer {
  observation.graphql = true;
  if (isAsyncIterable(answer)) {
    observation.outcome ??= 'ok';
    return mapAsyncIterator(answer, (event: ExecutionResult) => withRequestId(event, observation.requestId));
  }
  const results: readonly ExecutionResult[] = Array.isArray(answer) ? answer : [answer];
  for (const result of results) {
    const codes = errorCodesOf(result.errors);
    for (const code of codes) observation.errorCodes.add(code);
    // Batches are off; were one sent, its first operation speaks for it.
    observation.outcome ??= outcomeOf(result, codes);
    observation.cost ??= costOf(result);
  }
  const marked = results.map((result) => withRequestId(result, observation.requestId));
  return Array.isArray(answer) ? marked : marked[0]!;
}

/**
 * A JSON error answer some plugin gave before any GraphQL processing (401 for a missing
 * credential): read the same way, and rewritten with the request id in its errors.
 * Undefined when the response is not such an answer (left as it is).
 */
export async function observeEarlyAnswer(observation: RequestObservation, response: Response, fetchAPI: FetchAPI): Promise<Response | undefined> {
  if (response.status < 400 || !response.headers.get('content-type')?.includes('json') || !response.body) return undefined;
  const text = await response.text();
  let body: { errors?: unknown } | undefined;
  try {
    body = JSON.parse(text) as { errors?: unknown };
  } catch {
    body = undefined;
  }
  const headers = copyOfHeaders(response.headers, fetchAPI);
  headers.delete('content-length');
  if (!Array.isArray(body?.errors)) return new fetchAPI.Response(text, { status: response.status, statusText: response.statusText, headers });
  const errors = body.errors as { extensions?: Record<string, unknown> }[];
  const codes = errorCodesOf(errors);
  for (const code of codes) observation.errorCodes.add(code);
  observation.outcome ??= outcomeOf({}, codes);
  const marked = { ...body, errors: errors.map((error) => ({ ...error, extensions: { ...error.extensions, requestId: observation.requestId } })) };
  return new fetchAPI.Response(JSON.stringify(marked), { status: response.status, statusText: response.statusText, headers });
}

/** A changeable copy: the headers of some responses are immutable (Response.redirect), and a copy made from them may still write through. */
export function copyOfHeaders(headers: Headers, fetchAPI: FetchAPI): Headers {
  const copy = new fetchAPI.Headers();
  headers.forEach((value, name) => copy.append(name, value));
  return copy;
}

/** `result` with `requestId` in every error's extensions. Errors are copied, never changed: yoga caches and reuses some. */
function withRequestId(result: ExecutionResult, requestId: string): ExecutionResult {
  if (!result.errors?.length) return result;
  const errors = result.errors.map((error) =>
    error instanceof GraphQLError
      ? new GraphQLError(error.message, {
          nodes: error.nodes,
          source: error.source,
          positions: error.positions,
          path: error.path,
          originalError: error.originalError,
          extensions: { ...error.extensions, requestId },
        })
      : error,
  );
  return { ...result, errors };
}

function costOf(result: ExecutionResult): ObservedCost | undefined {
  const cost = result.extensions?.cost as Partial<ObservedCost> | undefined;
  if (typeof cost?.estimatedCalls !== 'number') return undefined;
  return { estimatedCalls: cost.estimatedCalls, calls: cost.calls ?? 0, retries: cost.retries ?? 0 };
}
