import SchemaBuilder from '@pothos/core';
import DataloaderPlugin from '@pothos/plugin-dataloader';
import ErrorsPlugin from '@pothos/plugin-errors';
import RelayPlugin from '@pothos/plugin-relay';
import type { Context } from './context';
import { MAX_NODE_IDS, checkCount } from './schema/argument-limits';
import { type DecodedGlobalId, decodeGlobalId, encodeGlobalId, malformedId } from './schema/global-id';

/** The one SchemaBuilder. Configures plugins and scalar types; defines no types itself. */
export const builder = new SchemaBuilder<{
  Context: Context;
  Scalars: {
    DateTime: { Input: Date; Output: Date | string };
  };
  DefaultFieldNullability: false;
}>({
  // The errors plugin must come before the dataloader plugin (its documented requirement).
  plugins: [RelayPlugin, ErrorsPlugin, DataloaderPlugin],
  defaultFieldNullability: false,
  // Typed error results only where a field lists its error types (the mutations); no defaults.
  errors: { defaultTypes: [] },
  relay: {
    // Relay global IDs are opaque base64 (DESIGN.md); clients must not parse them.
    clientMutationId: 'omit',
    cursorType: 'String',
    nodeQueryOptions: {
      nullable: true,
      description: 'Any object by its global id; null when no such object exists.',
      args: { id: { description: 'A global id exactly as this API returned it (any type that implements Node).' } },
      resolve: (_root, args, _ctx, _info, resolveNode) => {
        if (args.id.typename === UNREADABLE_ID) throw malformedId(args.id.id);
        return resolveNode(args.id);
      },
    },
    // `[Node]!`: a missing or failing id is a null in its position, never a failed list.
    nodesQueryOptions: {
      nullable: { list: false, items: true },
      description: 'Objects by global id, in the order asked; null where no such object exists.',
      args: {
        ids: { description: `Global ids exactly as this API returned them (at most ${MAX_NODE_IDS}); types may be mixed and ids repeated.` },
      },
      // Each id can cost an upstream call: more than the cap is refused before any is loaded.
      // An unreadable id is BAD_USER_INPUT at its own position; its siblings still load.
      resolve: async (_root, args, _ctx, _info, resolveNodes) => {
        checkCount('ids', args.ids, MAX_NODE_IDS);
        const asked = args.ids;
        if (asked.every((id) => id.typename !== UNREADABLE_ID)) return resolveNodes(asked);
        // Pothos loads `args.ids` (not the list handed to resolveNodes): load the readable ones.
        args.ids = asked.filter((id) => id.typename !== UNREADABLE_ID);
        const loaded = [...(await resolveNodes(args.ids))];
        return asked.map((id) => (id.typename === UNREADABLE_ID ? malformedId(id.id) : loaded.shift()));
      },
    },
    nodeTypeOptions: { description: 'An object with a global id: refetch it with `node(id:)`.' },
    idFieldOptions: { description: 'Global id: opaque; pass it back as is to `node`, `nodes` or a field taking this type.' },
    pageInfoTypeOptions: { description: 'Where a page sits in its list.' },
    hasNextPageFieldOptions: { description: 'Whether the list has edges after this page.' },
    hasPreviousPageFieldOptions: { description: 'Whether the list has edges before this page.' },
    startCursorFieldOptions: { description: 'Cursor of the first edge of the page (pass as `before` to page backwards); null when empty.' },
    endCursorFieldOptions: { description: 'Cursor of the last edge of the page (pass as `after` to page forwards); null when empty.' },
    cursorFieldOptions: { description: 'Opaque position of this edge, for `after` or `before` on the same field with the same arguments.' },
    edgesFieldOptions: { description: 'The edges of this page, in list order.' },
    pageInfoFieldOptions: { description: 'Where this page sits in the list.' },
    nodeFieldOptions: { description: 'The object at this position.' },
    firstArgOptions: { description: 'How many edges to return from the start of the window (1–100).' },
    afterArgOptions: { description: 'Return edges after this cursor.' },
    lastArgOptions: { description: 'How many edges to return from the end of the window (1–100).' },
    beforeArgOptions: { description: 'Return edges before this cursor.' },
    encodeGlobalID: (typename, id) => encodeGlobalId(typename, id),
    // Anything that is not the id of a type `node` can load is marked unreadable, and `node`
    // and `nodes` answer BAD_USER_INPUT for it before any upstream call (in its own position:
    // a throw here would fail the whole `nodes` list); a well-formed id of a loadable type
    // that does not exist resolves to null.
    decodeGlobalID: (globalID): DecodedGlobalId => {
      try {
        const decoded = decodeGlobalId(globalID);
        if (isLoadableNodeType(decoded.typename)) return decoded;
      } catch {
        // Not an id of this API.
      }
      return { typename: UNREADABLE_ID, id: globalID };
    },
  },
});

/** The type an id that is not this API's decodes to (no type of the schema starts with "__"). */
const UNREADABLE_ID = '__unreadable';

function isLoadableNodeType(typename: string): boolean {
  if (!builder.configStore.hasImplementation(typename)) return false;
  const config = builder.configStore.getTypeConfig(typename);
  if (config.graphqlKind !== 'Object') return false;
  const options = config.pothosOptions as Record<string, unknown>;
  return ['loadOne', 'loadMany', 'loadWithoutCache', 'loadManyWithoutCache'].some((loader) => typeof options[loader] === 'function');
}
