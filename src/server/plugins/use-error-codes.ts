import { type ExecutionResult, GraphQLError } from 'graphql';
import { handleStreamOrSingleExecutionResult, type Plugin } from 'graphql-yoga';
import { ErrorCode } from '../../errors';

/**
 * Every error in an answer carries an `extensions.code` listed in the README. The gateway's
 * own errors come with theirs; this plugin gives one to the errors GraphQL raises itself,
 * by the phase that raised them, and never replaces a code an error already has (other
 * plugins refuse documents with codes of their own, e.g. QUERY_TOO_COMPLEX):
 * - the document does not parse: GRAPHQL_PARSE_FAILED;
 * - it does not validate against the schema: GRAPHQL_VALIDATION_FAILED;
 * - its variables do not fit it, so nothing ran (the answer has no `data`): BAD_USER_INPUT,
 *   with the HTTP status of the other request errors: 400, or 200 when the client accepts
 *   only application/json, as GraphQL over HTTP prescribes (yoga names an operation name
 *   that fits no operation OPERATION_RESOLUTION_FAILURE itself);
 * - anything else is unexpected: INTERNAL_SERVER_ERROR (yoga masks those whose cause is
 *   not a GraphQLError; this names the few GraphQL raises in execution without a code).
 */
export function useErrorCodes(): Plugin {
  return {
    onParse() {
      return ({ result, replaceParseResult }) => {
        if (result instanceof GraphQLError) replaceParseResult(withCode(result, ErrorCode.GRAPHQL_PARSE_FAILED));
      };
    },
    onValidate() {
      return ({ result, setResult }) => {
        if (result.length > 0) setResult(result.map((error) => withCode(error, ErrorCode.GRAPHQL_VALIDATION_FAILED)));
      };
    },
    onExecute() {
      return { onExecuteDone: (payload) => handleStreamOrSingleExecutionResult(payload, codeExecutionErrors) };
    },
    onSubscribe() {
      return { onSubscribeResult: (payload) => handleStreamOrSingleExecutionResult(payload, codeExecutionErrors) };
    },
  };
}

function codeExecutionErrors({ result, setResult }: { result: ExecutionResult; setResult(result: ExecutionResult): void }): void {
  if (!result.errors?.length) return;
  const nothingRan = !('data' in result);
  const errors = result.errors.map((error) =>
    nothingRan ? withCode(error, ErrorCode.BAD_USER_INPUT, { spec: true, status: 400 }) : withCode(error, ErrorCode.INTERNAL_SERVER_ERROR),
  );
  setResult({ ...result, errors });
}

/** The error with `code`, unless it has a code already; `http` joins its HTTP hints. */
function withCode(error: GraphQLError, code: ErrorCode, http?: Record<string, unknown>): GraphQLError {
  if (error.extensions?.code !== undefined) return error;
  const extensions: Record<string, unknown> = { ...error.extensions, code };
  if (http) extensions.http = { ...(error.extensions?.http as Record<string, unknown> | undefined), ...http };
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions,
  });
}
