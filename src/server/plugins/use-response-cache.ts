import { type DocumentNode, type ExecutionResult, print } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Context } from '../../context';
import { type CachedAnswer, isCatalogOnlyQuery, type ResponseCache } from '../response-cache/index';

/**
 * Catalog-only queries answered from a cache shared by every caller with the same scopes in
 * the same catalog mode (test or live): a repeated catalog page costs no upstream call.
 *
 * Registered after the cost plugin (src/server/plugins/use-upstream-cost.ts), so a hit still
 * meets the cost limit (an over-limit document is refused, cached or not) and the caller's
 * budget check; the hit makes no upstream call, so the budget is charged 0 once it is
 * answered, and `extensions.cost.calls` says 0.
 *
 * Kept: single answers with data and no errors (a partial answer is never kept). Never kept:
 * mutations, subscriptions, and any document touching a CRM field, `node`, `viewer` or
 * introspection (src/server/response-cache/catalog-only.ts). Lifetimes: see ResponseCache.
 */
export function useResponseCache(cache: ResponseCache): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      if (!isCatalogOnlyQuery(args.schema, args.document)) return;
      const ctx = args.contextValue as unknown as Context;
      const key = responseKey(ctx, args.document, args.operationName, args.variableValues);
      const cached = cache.get(key);
      if (cached !== undefined) {
        setResultAndStopExecution(servedFromCache(cached));
        return;
      }
      return {
        onExecuteDone({ result }) {
          if (isCompleteAnswer(result)) cache.set(key, result.data);
        },
      };
    },
  };
}

/**
 * A hit's answer. Its data is written as the JSON kept with it: yoga serializes an answer
 * with the answer's own `stringify` when it has one, and re-serializing a page of tracks was
 * the largest part of a hit's CPU time (bench/NOTES.md). The cost plugin adds `extensions`
 * later; they are serialized as usual. Anything else replacing `data` gets plain JSON.
 */
function servedFromCache(cached: CachedAnswer): ExecutionResult {
  const stringify = (answer: ExecutionResult & { stringify?: unknown }): string => {
    const { data, stringify: _own, ...rest } = answer;
    if (data !== cached.data) return JSON.stringify(answer);
    const restJson = JSON.stringify(rest);
    return restJson === '{}' ? `{"data":${cached.json}}` : `{"data":${cached.json},${restJson.slice(1)}`;
  };
  return { data: cached.data, stringify } as ExecutionResult;
}

const documentTexts = new WeakMap<DocumentNode, string>();

/**
 * Who may share an answer: the catalog mode, the caller's scopes (a caller never gets an
 * answer computed for other scopes), the document as printed (one text per parsed
 * document), the operation and the variables as sent.
 */
function responseKey(ctx: Context, document: DocumentNode, operationName: string | null | undefined, variables: unknown): string {
  let text = documentTexts.get(document);
  if (text === undefined) {
    text = print(document);
    documentTexts.set(document, text);
  }
  const scopes = [...ctx.viewer.scopes].sort().join(' ');
  return JSON.stringify([ctx.services.catalogMode, scopes, operationName ?? '', variables ?? {}, text]);
}

function isCompleteAnswer(result: unknown): result is ExecutionResult & { data: Record<string, unknown> } {
  if (typeof result !== 'object' || result === null || Symbol.asyncIterator in result) return false;
  const answer = result as ExecutionResult;
  return (answer.errors === undefined || answer.errors.length === 0) && typeof answer.data === 'object' && answer.data !== null;
}
