import { type DirectiveNode, getArgumentValues, getDirectiveValues, GraphQLIncludeDirective, GraphQLSkipDirective } from 'graphql';
import { CallTally, type CallsByUpstream, totalOf } from './call-count';
import { ASSUMED_MAX_LIST_ITEMS, type Arguments, type CostKnowledge, FIELD_COSTS } from './field-costs';
import type { FieldPlan, OperationPlan, SelectionPlan } from './operation-plan';

export interface CallEstimate {
  /** The most upstream calls the operation can make, by upstream (retries not included). */
  calls: CallsByUpstream;
  total: number;
}

type Variables = Readonly<Record<string, unknown>>;

/**
 * An upper bound of the upstream calls one run of `plan` can make with these (coerced)
 * variables: every field costs its rule's calls once per object it resolves on, lists and
 * connections multiply what is below them by their length, and where a value can be of
 * several types the dearest type counts. Nothing is fetched; cost is counted, not guessed
 * from caches (a cache hit only makes the real count smaller).
 */
export function estimateCalls(plan: OperationPlan, variables: Variables, knowledge: CostKnowledge): CallEstimate {
  const walk = { variables, knowledge };
  const tally = new CallTally();
  for (const [typename, fields] of plan.selection.byType) tally.merge(fieldsCost(walk, typename, fields, 1, undefined, new Map()));
  const calls = tally.settle();
  return { calls, total: totalOf(calls) };
}

interface Walk {
  variables: Variables;
  knowledge: CostKnowledge;
}

/** How many objects of each type enclose the fields being counted (the nearest of each type). */
type Ancestors = ReadonlyMap<string, number>;

/** The fields that resolve on `objects` objects of one type; `edges` is the length a parent connection gave them. */
function fieldsCost(walk: Walk, typename: string, fields: readonly FieldPlan[], objects: number, edges: number | undefined, ancestors: Ancestors): CallTally {
  const tally = new CallTally();
  if (objects === 0) return tally;
  const enclosing = new Map(ancestors).set(typename, objects);
  for (const field of fields) {
    if (!included(field, walk.variables)) continue;
    tally.merge(fieldCost(walk, field, objects, edges, enclosing));
  }
  return tally;
}

function fieldCost(walk: Walk, field: FieldPlan, objects: number, parentEdges: number | undefined, ancestors: Ancestors): CallTally {
  const tally = new CallTally();
  const rule = FIELD_COSTS[field.coordinate];
  const args = argumentsOf(field, walk.variables);
  // Arguments that cannot be read fail the field before it calls anything.
  if (args === undefined) return tally;
  // A loader's distinct keys can be bounded by an enclosing object (all messages of one conversation share its contact).
  const resolutions = rule?.distinctWithin === undefined ? objects : Math.min(objects, ancestors.get(rule.distinctWithin) ?? objects);
  if (rule?.calls) tally.add(rule.calls(args, walk.knowledge), resolutions);
  if (rule?.pooled) tally.addPooled(rule.pooled.pool, rule.pooled.upstream, rule.pooled.perRequest, rule.pooled.perResolution(args) * objects);
  const selection = field.selection;
  if (rule?.byType) {
    const lookups = rule.byType(args, walk.knowledge);
    tally.add(lookups.calls, objects);
    if (selection) {
      for (const [typename, count] of lookups.objects) {
        tally.merge(fieldsCost(walk, typename, selection.byType.get(typename) ?? [], objects * count, undefined, ancestors));
      }
    }
    return tally;
  }
  if (!selection) return tally;
  const perObject = rule?.items?.(args, walk.knowledge) ?? (field.field.name === 'edges' && parentEdges !== undefined ? parentEdges : field.returnsList ? ASSUMED_MAX_LIST_ITEMS : 1);
  tally.merge(selectionCost(walk, selection, objects * perObject, rule?.edges?.(args), ancestors));
  return tally;
}

/** A value of one of several types: the dearest type counts for every object. */
function selectionCost(walk: Walk, selection: SelectionPlan, objects: number, edges: number | undefined, ancestors: Ancestors): CallTally {
  const dearest = new CallTally();
  for (const [typename, fields] of selection.byType) dearest.keepLarger(fieldsCost(walk, typename, fields, objects, edges, ancestors));
  return dearest;
}

function argumentsOf(field: FieldPlan, variables: Variables): Arguments | undefined {
  try {
    return getArgumentValues(field.field, field.node, variables);
  } catch {
    return undefined;
  }
}

/** Whether any of the places the field was asked survives its @skip/@include conditions. */
function included(field: FieldPlan, variables: Variables): boolean {
  return field.occurrences.some((path) => path.every((directives) => passes(directives, variables)));
}

function passes(directives: readonly DirectiveNode[], variables: Variables): boolean {
  if (directives.length === 0) return true;
  const node = { directives } as { directives: readonly DirectiveNode[] };
  try {
    if (getDirectiveValues(GraphQLSkipDirective, node, variables)?.if === true) return false;
    if (getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if === false) return false;
  } catch {
    // An unreadable condition fails the request before anything runs; count the field anyway.
  }
  return true;
}
