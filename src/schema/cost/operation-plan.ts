import {
  type DirectiveNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  getNamedType,
  getNullableType,
  isAbstractType,
  isCompositeType,
  isListType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  typeFromAST,
} from 'graphql';

/**
 * A document's operation as the cost estimate walks it: for every object type a value can
 * have, the fields that resolve on it, merged by response key as graphql-js merges them
 * (so a field asked twice through fragments is one resolution), with the @skip/@include
 * conditions of each place it was asked. Built once per document and operation; the
 * estimate then only evaluates arguments and conditions against each request's variables.
 */

export interface FieldPlan {
  /** `Type.field`, the key of its cost rule. */
  coordinate: string;
  field: GraphQLField<unknown, unknown>;
  /** The first occurrence: its arguments are every occurrence's (validation requires it). */
  node: FieldNode;
  /** Per occurrence: the directive lists from the operation down to the field. */
  occurrences: (readonly DirectiveNode[])[][];
  returnsList: boolean;
  /** What is selected on the field's value; undefined for leaves. */
  selection?: SelectionPlan;
}

export interface SelectionPlan {
  /** Each object type the value may have, with the fields that then resolve on it. */
  byType: Map<string, FieldPlan[]>;
}

export interface OperationPlan {
  operation: OperationDefinitionNode;
  selection: SelectionPlan;
}

/**
 * Beyond this many field selections, once fragments are expanded, a document is refused as
 * too costly even to estimate (fragments spread inside fragments multiply: a fragment bomb).
 */
export const MAX_PLANNED_FIELDS = 20_000;

export class PlanTooLargeError extends Error {}

interface SelectionSource {
  set: SelectionSetNode;
  conditions: (readonly DirectiveNode[])[];
}

interface CollectedField {
  node: FieldNode;
  conditions: (readonly DirectiveNode[])[];
}

/** The plan of the operation graphql-js would run; undefined when the document names none. */
export function planOperation(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined): OperationPlan | undefined {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
  if (!operation) return undefined;
  const rootType = schema.getRootType(operation.operation);
  if (!rootType) return undefined;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const planner = new Planner(schema, fragments);
  return { operation, selection: planner.selection([{ set: operation.selectionSet, conditions: [operation.directives ?? []] }], rootType) };
}

class Planner {
  #planned = 0;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  ) {}

  selection(sources: readonly SelectionSource[], type: GraphQLCompositeType): SelectionPlan {
    const objectTypes = isObjectType(type) ? [type] : this.schema.getPossibleTypes(type);
    const byType = new Map<string, FieldPlan[]>();
    for (const objectType of objectTypes) {
      const collected = new Map<string, CollectedField[]>();
      for (const source of sources) this.#collect(objectType, source.set, source.conditions, collected, new Set());
      const fields: FieldPlan[] = [];
      for (const occurrences of collected.values()) {
        const plan = this.#field(objectType, occurrences);
        if (plan) fields.push(plan);
      }
      byType.set(objectType.name, fields);
    }
    return { byType };
  }

  #field(objectType: GraphQLObjectType, occurrences: CollectedField[]): FieldPlan | undefined {
    const first = occurrences[0]!.node;
    const name = first.name.value;
    // Introspection and __typename never reach an upstream.
    if (name.startsWith('__')) return undefined;
    const field = objectType.getFields()[name];
    if (!field) return undefined;
    const named = getNamedType(field.type);
    const plan: FieldPlan = {
      coordinate: `${objectType.name}.${name}`,
      field,
      node: first,
      occurrences: occurrences.map((occurrence) => occurrence.conditions),
      returnsList: isListType(getNullableType(field.type)),
    };
    if (isCompositeType(named)) {
      const sources = occurrences.flatMap(({ node, conditions }) => (node.selectionSet ? [{ set: node.selectionSet, conditions }] : []));
      plan.selection = this.selection(sources, named);
    }
    return plan;
  }

  /** graphql-js's CollectFields, keeping each field's conditions instead of evaluating them. */
  #collect(
    objectType: GraphQLObjectType,
    set: SelectionSetNode,
    conditions: (readonly DirectiveNode[])[],
    collected: Map<string, CollectedField[]>,
    fragmentsOnPath: Set<string>,
  ): void {
    for (const selection of set.selections) {
      const here = [...conditions, selection.directives ?? []];
      if (selection.kind === Kind.FIELD) {
        this.#planned += 1;
        if (this.#planned > MAX_PLANNED_FIELDS) throw new PlanTooLargeError(`more than ${MAX_PLANNED_FIELDS} field selections once fragments are expanded`);
        const key = selection.alias?.value ?? selection.name.value;
        const list = collected.get(key) ?? [];
        list.push({ node: selection, conditions: here });
        collected.set(key, list);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (!selection.typeCondition || this.#applies(selection.typeCondition.name.value, objectType)) {
          this.#collect(objectType, selection.selectionSet, here, collected, fragmentsOnPath);
        }
      } else {
        // Every spread is collected with its own conditions (graphql-js skips a repeat, but
        // the first may be skipped by @skip where the repeat is not); only a cycle is cut.
        const name = selection.name.value;
        const fragment = this.fragments.get(name);
        if (!fragment || fragmentsOnPath.has(name)) continue;
        if (this.#applies(fragment.typeCondition.name.value, objectType)) {
          fragmentsOnPath.add(name);
          this.#collect(objectType, fragment.selectionSet, here, collected, fragmentsOnPath);
          fragmentsOnPath.delete(name);
        }
      }
    }
  }

  #applies(typeCondition: string, objectType: GraphQLObjectType): boolean {
    const conditionType = typeFromAST(this.schema, { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: typeCondition } });
    if (!conditionType) return false;
    if (conditionType === objectType) return true;
    return isAbstractType(conditionType) && this.schema.isSubType(conditionType, objectType);
  }
}
