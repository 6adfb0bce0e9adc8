import fc from 'fast-check';
import {
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  getNamedType,
  getNullableType,
  isAbstractType,
  isCompositeType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
} from 'graphql';

/**
 * Random query documents over the gateway's schema, for properties that must hold for any
 * query a client could write: every field with arguments it can satisfy, nested up to a
 * depth, inline fragments on abstract types, @include/@skip with literal conditions, small
 * page sizes. `ids` supplies real ids per type (random ids would only cost nothing).
 */
export interface DocumentSeeds {
  /** Global ids of real objects, by type name (Track, Artist, Filter, Contact, Conversation, Message). */
  ids: Record<string, string[]>;
  /** A HoopAI location the caller may use. */
  locationId: string;
  /** Slugs of real tracks. */
  slugs: string[];
  searchTexts: string[];
}

/** Fields whose arguments this generator does not know how to give sensibly. */
const ID_ARGUMENT_TYPES: Record<string, string | undefined> = {
  'Query.track.id': 'Track',
  'Query.artist.id': 'Artist',
  'Query.contact.id': 'Contact',
  'Query.conversation.id': 'Conversation',
  'Query.conversations.contactId': 'Contact',
};

export function randomQuery(schema: GraphQLSchema, seeds: DocumentSeeds, maxDepth: number): fc.Arbitrary<string> {
  const query = schema.getQueryType()!;
  return selectionOf(schema, query, seeds, maxDepth, true).map((selection) => `query Random ${selection}`);
}

function selectionOf(schema: GraphQLSchema, type: GraphQLNamedType, seeds: DocumentSeeds, depth: number, root = false): fc.Arbitrary<string> {
  if (isAbstractType(type)) {
    const possible = schema.getPossibleTypes(type);
    return fc
      .subarray([...possible], { minLength: 1, maxLength: Math.min(2, possible.length) })
      .chain((types) => fc.tuple(...types.map((t) => selectionOf(schema, t, seeds, depth).map((s) => `... on ${t.name} ${s}`))))
      .map((fragments) => `{ __typename ${fragments.join(' ')} }`);
  }
  const object = type as GraphQLObjectType;
  const fields = Object.values(object.getFields()).flatMap((field) => {
    const arbitrary = fieldOf(schema, object, field, seeds, depth);
    return arbitrary ? [arbitrary] : [];
  });
  if (fields.length === 0) return fc.constant('{ __typename }');
  return fc
    .subarray(fields, { minLength: 1, maxLength: Math.min(fields.length, root ? 3 : 4) })
    .chain((chosen) => fc.tuple(...chosen))
    .map((parts: string[]) => `{ ${parts.join(' ')} }`);
}

function fieldOf(
  schema: GraphQLSchema,
  parent: GraphQLObjectType,
  field: GraphQLField<unknown, unknown>,
  seeds: DocumentSeeds,
  depth: number,
): fc.Arbitrary<string> | undefined {
  const named = getNamedType(field.type);
  const composite = isCompositeType(named);
  if (composite && depth <= 0) return undefined;
  const args = argumentsOf(parent, field, seeds);
  if (!args) return undefined;
  // Built when drawn, not up front: the schema's types nest far deeper than any one draw goes.
  const body = composite ? fc.constant(null).chain(() => selectionOf(schema, named, seeds, depth - 1)) : fc.constant('');
  const condition = fc.oneof(
    { weight: 6, arbitrary: fc.constant('') },
    { weight: 1, arbitrary: fc.constantFrom(' @include(if: true)', ' @include(if: false)', ' @skip(if: true)', ' @skip(if: false)') },
  );
  const alias = fc.oneof({ weight: 5, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom('a1: ', 'a2: ') });
  return fc.tuple(alias, args, condition, body).map(([a, given, c, b]) => `${a}${field.name}${given}${c} ${b}`);
}

/** The field's arguments as GraphQL text; undefined when a required one cannot be given. */
function argumentsOf(parent: GraphQLObjectType, field: GraphQLField<unknown, unknown>, seeds: DocumentSeeds): fc.Arbitrary<string> | undefined {
  const coordinate = `${parent.name}.${field.name}`;
  if (coordinate === 'Query.track') {
    return fc.oneof(pick(seeds.ids.Track ?? []).map((id) => `(id: "${id}")`), pick(seeds.slugs).map((slug) => `(slug: "${slug}")`));
  }
  if (coordinate === 'Query.nodes') {
    const all = Object.values(seeds.ids).flat();
    return fc.subarray(all, { minLength: 1, maxLength: 6 }).map((ids) => `(ids: [${ids.map((id) => `"${id}"`).join(', ')}])`);
  }
  if (coordinate === 'Query.node') return pick(Object.values(seeds.ids).flat()).map((id) => `(id: "${id}")`);
  const parts: fc.Arbitrary<string>[] = [];
  const hasWindow = field.args.some((arg) => arg.name === 'first') && field.args.some((arg) => arg.name === 'last');
  if (hasWindow) {
    parts.push(fc.oneof(fc.integer({ min: 0, max: 4 }).map((n) => `first: ${n}`), fc.integer({ min: 1, max: 4 }).map((n) => `last: ${n}`), fc.constant('')));
  } else if (field.args.some((arg) => arg.name === 'first')) {
    parts.push(fc.oneof(fc.integer({ min: 0, max: 4 }).map((n) => `first: ${n}`), fc.constant('')));
  }
  for (const arg of field.args) {
    if (['first', 'last', 'after', 'before'].includes(arg.name)) continue;
    const value = argumentValue(`${coordinate}.${arg.name}`, arg, seeds);
    if (value === undefined) {
      if (isNonNullType(arg.type)) return undefined;
      continue;
    }
    const given = value.map((v) => `${arg.name}: ${v}`);
    parts.push(isNonNullType(arg.type) || arg.name === 'locationId' ? given : fc.oneof(given, fc.constant('')));
  }
  if (parts.length === 0) return fc.constant('');
  return fc.tuple(...parts).map((given) => {
    const written = given.filter(Boolean);
    return written.length ? `(${written.join(', ')})` : '';
  });
}

function argumentValue(path: string, arg: GraphQLArgument, seeds: DocumentSeeds): fc.Arbitrary<string> | undefined {
  const idType = ID_ARGUMENT_TYPES[path];
  if (idType) return pick(seeds.ids[idType] ?? []).map((id) => `"${id}"`);
  if (arg.name === 'locationId') return fc.constant(`"${seeds.locationId}"`);
  if (arg.name === 'query' && path === 'Query.search.query') return pick(seeds.searchTexts).map((text) => `"${text}"`);
  const type = getNullableType(arg.type);
  if (isEnumType(type)) {
    const known = type.getValues().filter((value) => value.name !== 'UNKNOWN');
    return fc.constantFrom(...known.map((value) => value.name));
  }
  if (isListType(type) || isInputObjectType(type) || isObjectType(type)) return undefined;
  return undefined;
}

function pick(values: readonly string[]): fc.Arbitrary<string> {
  return values.length ? fc.constantFrom(...values) : fc.constant('');
}
