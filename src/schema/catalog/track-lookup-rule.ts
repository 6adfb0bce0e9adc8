import { type ArgumentNode, type ASTNode, GraphQLError, Kind, type OperationDefinitionNode, type ValidationRule, type VariableNode } from 'graphql';
import { ErrorCode } from '../../errors';

/**
 * `track(id: ID, slug: String)` takes exactly one of its two arguments. The signature is a
 * contract with frontend teams, so "exactly one" is a rule on the document, checked before
 * anything runs: one of `id` and `slug` written, not the literal null, and a variable only
 * of a non-null type (`$slug: String!`), so that no value can turn out null at run time.
 * A document that breaks it is refused with GRAPHQL_VALIDATION_FAILED and a message that
 * says what to write instead.
 */

const LOOKUP_ARGUMENTS = ['id', 'slug'] as const;
const EXAMPLES = '`track(id: $id)` with `$id: ID!`, or `track(slug: $slug)` with `$slug: String!`';

export const TrackLookupRule: ValidationRule = (context) => {
  /** Variables written as a `track` lookup argument, with the argument they stand for. */
  const lookupVariables = new Map<VariableNode, ArgumentNode>();
  const refuse = (message: string, node: ASTNode) =>
    context.reportError(new GraphQLError(message, { nodes: node, extensions: { code: ErrorCode.GRAPHQL_VALIDATION_FAILED } }));

  return {
    Field(field) {
      if (field.name.value !== 'track' || context.getParentType() !== context.getSchema().getQueryType()) return;
      const given = (field.arguments ?? []).filter((argument) => (LOOKUP_ARGUMENTS as readonly string[]).includes(argument.name.value));
      if (given.length === 0) refuse(`\`track\` needs one of \`id\` and \`slug\`; write ${EXAMPLES}.`, field);
      if (given.length > 1) refuse(`\`track\` takes one of \`id\` and \`slug\`, not both; keep one: ${EXAMPLES}.`, field);
      for (const argument of given) {
        if (argument.value.kind === Kind.NULL) refuse(`\`track(${argument.name.value}: null)\` names no track; write ${EXAMPLES}.`, argument);
        if (argument.value.kind === Kind.VARIABLE) lookupVariables.set(argument.value, argument);
      }
    },
    Document: {
      // Once every fragment is seen: a fragment may write the argument, and each operation
      // that spreads it declares the variable.
      leave(document) {
        for (const operation of document.definitions) {
          if (operation.kind === Kind.OPERATION_DEFINITION) refuseNullableVariables(operation);
        }
      },
    },
  };

  function refuseNullableVariables(operation: OperationDefinitionNode): void {
    for (const usage of context.getRecursiveVariableUsages(operation)) {
      const argument = lookupVariables.get(usage.node);
      if (!argument) continue;
      const name = usage.node.name.value;
      const definition = operation.variableDefinitions?.find((candidate) => candidate.variable.name.value === name);
      if (!definition || definition.type.kind === Kind.NON_NULL_TYPE) continue;
      const type = argument.name.value === 'id' ? 'ID' : 'String';
      refuse(
        `\`$${name}\` may be null, and \`track(${argument.name.value}:)\` needs a value: declare it \`$${name}: ${type}!\`.`,
        definition,
      );
    }
  }
};
