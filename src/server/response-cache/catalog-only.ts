import { BREAK, type DocumentNode, getNamedType, type GraphQLSchema, TypeInfo, visit, visitWithTypeInfo } from 'graphql';

/**
 * The Query fields that read the Hoopr catalog, and the types their answers are made of.
 * Nothing here reads the CRM or the caller: an answer built only from these is the same for
 * every caller allowed to read the catalog. `node`/`nodes` are not listed (they may reach a
 * Contact or a Message), nor `viewer` (it describes the caller).
 */
export const CATALOG_ROOT_FIELDS: ReadonlySet<string> = new Set(['artist', 'artists', 'filters', 'search', 'track', 'tracks']);
export const CATALOG_TYPES: ReadonlySet<string> = new Set([
  'Artist',
  'ArtistConnection',
  'ArtistCredit',
  'ArtistEdge',
  'Filter',
  'FilterConnection',
  'FilterEdge',
  'PageInfo',
  'SearchResult',
  'SearchResultConnection',
  'SearchResultEdge',
  'Stream',
  'Track',
  'TrackConnection',
  'TrackEdge',
]);

const verdicts = new WeakMap<DocumentNode, boolean>();

/**
 * Whether every operation of the document is a query that selects catalog fields only
 * (`__typename` aside). Mutations, subscriptions, any CRM field, `node`, `viewer` and
 * introspection make the whole document not cacheable. Kept per parsed document (yoga's
 * document cache hands out one per query text), so each text is walked once.
 */
export function isCatalogOnlyQuery(schema: GraphQLSchema, document: DocumentNode): boolean {
  let verdict = verdicts.get(document);
  if (verdict === undefined) {
    verdict = walk(schema, document);
    verdicts.set(document, verdict);
  }
  return verdict;
}

function walk(schema: GraphQLSchema, document: DocumentNode): boolean {
  let catalogOnly = true;
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      OperationDefinition(operation) {
        if (operation.operation !== 'query') {
          catalogOnly = false;
          return BREAK;
        }
        return undefined;
      },
      Field(field) {
        const name = field.name.value;
        if (name === '__typename') return undefined;
        const parent = typeInfo.getParentType();
        const returned = typeInfo.getType();
        const readsCatalog =
          parent != null &&
          returned != null &&
          (parent.name === 'Query' ? CATALOG_ROOT_FIELDS.has(name) : CATALOG_TYPES.has(parent.name)) &&
          isCatalogOrLeaf(schema, getNamedType(returned).name);
        if (!readsCatalog) {
          catalogOnly = false;
          return BREAK;
        }
        return undefined;
      },
    }),
  );
  return catalogOnly;
}

function isCatalogOrLeaf(schema: GraphQLSchema, typeName: string): boolean {
  if (CATALOG_TYPES.has(typeName)) return true;
  const type = schema.getType(typeName);
  // Scalars and enums: values, not more fields to check.
  return type !== undefined && type !== null && !('getFields' in type) && !('getTypes' in type);
}
