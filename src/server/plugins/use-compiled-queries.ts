import {
  BREAK,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  getOperationAST,
  GraphQLError,
  getVariableValues,
  type OperationDefinitionNode,
  valueFromASTUntyped,
  visit,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import type { Plugin } from 'graphql-yoga';

/**
 * Queries run as code that graphql-jit generates once per document: for a page of 50 tracks
 * with their artists and filters, graphql-js's generic field-by-field walk was the largest
 * cost the gateway itself added (see bench/NOTES.md). The compiled code calls the same
 * resolvers and yields the same answers (test/compiled-queries.test.ts compares the two).
 *
 * graphql-js (yoga's executor) still runs:
 * - mutations and subscriptions: graphql-jit passes a variable left out inside an input
 *   object as null where graphql-js leaves the field out, and for a write "absent" and
 *   "null" mean different things;
 * - documents using @skip or @include: graphql-jit has answered these wrongly before
 *   (a fragment reached by several paths), and they are rare in hot queries;
 * - requests whose variables graphql-js rejects: its errors are the ones clients know
 *   (checked before compiling, so a document is compiled only once it is used);
 * - a document graphql-jit cannot compile (logged once per document);
 * - a document's first run (see `compileAfterRuns`).
 *
 * Answers are graphql-js's in everything but the order of `errors`, which the GraphQL spec
 * leaves open (graphql-jit lists nulls in non-null positions last).
 *
 * A non-null variable with a default that the request leaves out gets that default before
 * the compiled code reads it: graphql-jit 0.8 reports such a variable as missing.
 */

interface Compiled {
  query: CompiledQuery['query'];
  /** Variables of a non-null type with a default: name and default as the request would spell it. */
  nonNullDefaults: [string, unknown][];
}

export interface CompiledQueriesOptions {
  /** Told once per document and operation that was compiled (or could not be). */
  onCompile?(event: { operationName: string | undefined; compiled: boolean; errors?: readonly { message: string }[] }): void;
  /**
   * Compile an operation on its Nth run (default 2); graphql-js runs it before that. Compiled
   * code costs far more memory than the document (measured: some 1 MB per distinct document
   * near the token limit, collected late), and a document sent once never pays it back, so a
   * caller sending distinct documents (a flood) never gets any compiled.
   */
  compileAfterRuns?: number;
}

const DEFAULT_COMPILE_AFTER_RUNS = 2;

export function useCompiledQueries(options: CompiledQueriesOptions = {}): Plugin {
  // Keyed on the parsed document: yoga's parser cache hands out one document per query text,
  // so each distinct query compiles once and is dropped with the document.
  // A number: the runs so far, not compiled yet; null: could not be compiled.
  const compiledByDocument = new WeakMap<DocumentNode, Map<string, Compiled | number | null>>();
  const compileAfterRuns = options.compileAfterRuns ?? DEFAULT_COMPILE_AFTER_RUNS;

  function compiledFor(args: ExecutionArgs, operation: OperationDefinitionNode): Compiled | null {
    const operationKey = args.operationName ?? '';
    let compiledByOperation = compiledByDocument.get(args.document);
    if (!compiledByOperation) {
      compiledByOperation = new Map();
      compiledByDocument.set(args.document, compiledByOperation);
    }
    const known = compiledByOperation.get(operationKey) ?? 0;
    if (typeof known !== 'number') return known;
    if (known + 1 < compileAfterRuns) {
      compiledByOperation.set(operationKey, known + 1);
      return null;
    }
    const compiled = compile(args, operation, options);
    compiledByOperation.set(operationKey, compiled);
    return compiled;
  }

  return {
    onExecute({ args, setExecuteFn }) {
      const operation = getOperationAST(args.document, args.operationName);
      if (operation?.operation !== 'query' || usesSkipOrInclude(args.document)) return;
      const variables = args.variableValues ?? {};
      const checked = getVariableValues(args.schema, operation.variableDefinitions ?? [], variables, { maxErrors: 1 });
      if (checked.errors) return;
      const compiled = compiledFor(args, operation);
      if (!compiled) return;
      setExecuteFn((executionArgs) => {
        const result = compiled.query(executionArgs.rootValue, executionArgs.contextValue, withNonNullDefaults(variables, compiled.nonNullDefaults));
        return isPromise(result) ? result.then((settled) => withLocatedErrors(settled, args.document)) : withLocatedErrors(result, args.document);
      });
    },
  };
}

function compile(args: ExecutionArgs, operation: OperationDefinitionNode, options: CompiledQueriesOptions): Compiled | null {
  const result = compileQuery(args.schema, args.document, args.operationName ?? undefined);
  const operationName = operation.name?.value;
  if (!isCompiledQuery(result)) {
    options.onCompile?.({ operationName, compiled: false, errors: result.errors ?? [] });
    return null;
  }
  options.onCompile?.({ operationName, compiled: true });
  const nonNullDefaults: [string, unknown][] = (operation.variableDefinitions ?? [])
    .filter((definition) => definition.type.kind === 'NonNullType' && definition.defaultValue !== undefined)
    .map((definition) => [definition.variable.name.value, valueFromASTUntyped(definition.defaultValue!)]);
  return { query: result.query.bind(result), nonNullDefaults };
}

function withNonNullDefaults(variables: Readonly<Record<string, unknown>>, defaults: [string, unknown][]): Record<string, unknown> {
  const missing = defaults.filter(([name]) => variables[name] === undefined);
  if (missing.length === 0) return variables as Record<string, unknown>;
  return { ...variables, ...Object.fromEntries(missing) };
}

/**
 * graphql-jit's errors carry their locations as plain numbers, with no source position;
 * yoga rebuilds every error from its source positions when it serializes it and would drop
 * them. Errors are rebuilt here as graphql-js would have built them: same message, path,
 * original error and extensions, positioned in the document's source.
 *
 * An error graphql-jit raises itself (no resolver threw it: a null in a non-null position,
 * a value its scalar cannot represent) has no original error, so yoga would show its text
 * without a code. Yoga behind graphql-js masks these as unexpected (INTERNAL_SERVER_ERROR);
 * they get a plain original error here so that yoga masks them the same way.
 */
function withLocatedErrors(result: ExecutionResult, document: DocumentNode): ExecutionResult {
  if (!result.errors?.length) return result;
  const source = document.loc?.source;
  const errors = result.errors.map((error) => {
    const positions = source ? (error.locations ?? []).map(({ line, column }) => offsetOf(source.body, line, column)) : undefined;
    return new GraphQLError(error.message, {
      source: positions?.length ? source : undefined,
      positions: positions?.length ? positions : undefined,
      path: error.path,
      originalError: error.originalError ?? new Error(error.message),
      extensions: error.extensions,
    });
  });
  return { ...result, errors };
}

/** The offset of a 1-based line and column in a GraphQL source (line breaks as its lexer counts them). */
function offsetOf(body: string, line: number, column: number): number {
  const lineBreak = /\r\n|[\n\r]/g;
  let lineStart = 0;
  for (let current = 1; current < line; current++) {
    const found = lineBreak.exec(body);
    if (!found) break;
    lineStart = found.index + found[0].length;
  }
  return lineStart + column - 1;
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as Promise<T>)?.then === 'function';
}

const skipOrIncludeByDocument = new WeakMap<DocumentNode, boolean>();

function usesSkipOrInclude(document: DocumentNode): boolean {
  let uses = skipOrIncludeByDocument.get(document);
  if (uses === undefined) {
    uses = false;
    visit(document, {
      Directive(directive) {
        if (directive.name.value === 'skip' || directive.name.value === 'include') {
          uses = true;
          return BREAK;
        }
        return undefined;
      },
    });
    skipOrIncludeByDocument.set(document, uses);
  }
  return uses;
}
