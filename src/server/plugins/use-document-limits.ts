import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesPlugin } from '@escape.tech/graphql-armor-max-directives';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import { GraphQLError, type ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { ErrorCode } from '../../errors';
import type { RequestLimits } from '../../request-limits';

/**
 * Limits on the shape of a document, enforced by graphql-armor before anything runs:
 * tokens while it is parsed (a huge or deeply nested document stops at the limit, it is
 * never fully built), then depth, aliases and directives while it is validated. Every
 * refusal is QUERY_TOO_COMPLEX, naming the limit. A document nested deeper than the parser's
 * stack (even within the token limit) is refused the same way, never an HTTP 500.
 */
export function useDocumentLimits(limits: RequestLimits): Plugin[] {
  const onValidationReject = [(context: ValidationContext | null, error: GraphQLError) => context?.reportError(tooComplex(error))];
  return [
    maxTokensPlugin({
      n: limits.maxTokens,
      propagateOnRejection: false,
      onReject: [
        (_context: unknown, error: GraphQLError) => {
          throw tooComplex(error);
        },
      ],
    }),
    useParserStackGuard(),
    maxDepthPlugin({ n: limits.maxDepth, propagateOnRejection: false, onReject: onValidationReject }),
    maxAliasesPlugin({ n: limits.maxAliases, propagateOnRejection: false, onReject: onValidationReject }),
    maxDirectivesPlugin({ n: limits.maxDirectives, propagateOnRejection: false, onReject: onValidationReject }),
  ] as Plugin[];
}

function tooComplex(error: GraphQLError): GraphQLError {
  return new GraphQLError(`The document is too complex: ${error.message.replace(/^Syntax Error: /, '')}`, {
    extensions: { code: ErrorCode.QUERY_TOO_COMPLEX },
  });
}

/** The recursive-descent parser overflows its stack on very deep nesting: that is a refused document, not a crash. */
function useParserStackGuard(): Plugin {
  return {
    onParse({ parseFn, setParseFn }) {
      setParseFn((source, options) => {
        try {
          return parseFn(source, options);
        } catch (error) {
          if (!(error instanceof RangeError)) throw error;
          throw new GraphQLError('The document is too complex: it is nested too deeply to parse.', {
            extensions: { code: ErrorCode.QUERY_TOO_COMPLEX },
          });
        }
      });
    },
  };
}
