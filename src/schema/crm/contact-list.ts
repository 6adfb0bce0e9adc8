import { z } from 'zod';
import { builder } from '../../builder';
import type { Context } from '../../context';
import { type CrmContact, toCrmContact } from '../../upstream/crm-cache/index';
import { ErrorCode, gatewayError } from '../../errors';
import { type HoopaiClient, type SearchContact, UpstreamRejectedError } from '../../upstream/index';
import { totalCountField } from '../connection-fields';
import {
  type Connection,
  type ConnectionArguments,
  connectionFromPages,
  DEFAULT_WINDOW_SIZE,
  invalidPaginationInput,
  lazyEdge,
  lazyPageInfo,
  nativeCursor,
  offsetCursor,
  PageSizeLimits,
  readNativeCursor,
  readOffsetCursor,
  readPageSizes,
} from '../pagination/index';
import { callOptions, chosenLocation, resolvingUpstream } from './access';
import { type ContactSearch, ContactFilterInput, contactSearchOf, ContactSortInput } from './contact-search-input';
import { primeContact } from './loaders';
import { ContactRef } from './refs';

/**
 * `contacts` over `POST /contacts/search`. HoopAI pages this list two ways: by page number,
 * but only within its first 10,000 results, and by `searchAfter` (each hit's own sort
 * values), without that limit but forwards only. So:
 * - every cursor holds its edge's position AND its `searchAfter`;
 * - paging forwards from a cursor (`after`) continues with `searchAfter`: one call per page,
 *   at any depth, and stable when contacts are added in front of the position;
 * - the first page and backward paging (`last`, `before`) use page numbers through the
 *   pagination module; backward windows therefore reach only the first 10,000 results
 *   (HoopAI refuses deeper pages: BAD_USER_INPUT). Beyond them, page forwards.
 */

const ContactCursor = z.object({
  i: z.number().int().min(0),
  sa: z.array(z.union([z.string(), z.number(), z.null()])).optional(),
});
type ContactPosition = z.infer<typeof ContactCursor>;

const ContactConnectionRef = builder.connectionObject(
  {
    type: ContactRef,
    name: 'ContactConnection',
    description: 'A page of contacts.',
    fields: (t) => ({ totalCount: totalCountField(t, 'How many contacts match, as HoopAI reports it.') }),
  },
  { name: 'ContactEdge', description: 'A contact in a list, with the cursor of its position.' },
);

export async function contactConnection(
  ctx: Context,
  args: ConnectionArguments,
  locationId: string,
  search: ContactSearch,
): Promise<Connection<CrmContact>> {
  const sizes = readPageSizes(args);
  const address = { kind: 'contacts', scope: { locationId, ...search } };
  const after = args.after == null ? undefined : readNativeCursor('after', args.after, address, ContactCursor);
  const before = args.before == null ? undefined : readNativeCursor('before', args.before, address, ContactCursor);
  const connection =
    after?.sa && sizes.last === undefined
      ? await pageAfter(ctx, sizes.first ?? DEFAULT_WINDOW_SIZE, locationId, search, address, { i: after.i, sa: after.sa }, before)
      : await pageByNumber(ctx, args, locationId, search, address, after, before);
  for (const edge of connection.edges) primeContact(ctx, edge.node);
  return connection;
}

async function pageByNumber(
  ctx: Context,
  args: ConnectionArguments,
  locationId: string,
  search: ContactSearch,
  address: { kind: string; scope: unknown },
  after: ContactPosition | undefined,
  before: ContactPosition | undefined,
): Promise<Connection<CrmContact>> {
  const crm = ctx.services.crm;
  const request = {
    first: args.first,
    last: args.last,
    after: after && offsetCursor(address, after.i),
    before: before && offsetCursor(address, before.i),
  };
  const byOffset = await resolvingUpstream(() =>
    windowByNumber(
      connectionFromPages<SearchContact>(request, {
        ...address,
        limits: ctx.services.pageLimits.contacts,
        signal: ctx.signal,
        fetchPage: async (page, pageSize, signal) => {
          const answer = await crm.searchContacts(locationId, { ...search, pageLimit: pageSize, page }, { ...callOptions(ctx), signal });
          // HoopAI reports no page size: it serves the one asked (up to its cap of 500).
          return { items: answer.contacts, total: answer.total, page, pageSize };
        },
      }),
      args.last != null,
    ),
  );
  const edges = byOffset.edges.map((edge) => {
    const position = readOffsetCursor('cursor', edge.cursor, address);
    return lazyEdge(owned(locationId, edge.node), () => nativeCursor(address, { i: position, sa: edge.node.searchAfter }));
  });
  return { edges, pageInfo: lazyPageInfo(edges, byOffset.pageInfo), totalCount: byOffset.totalCount };
}

/** `first` edges after a cursor that holds its `searchAfter`: one call at any depth. */
async function pageAfter(
  ctx: Context,
  first: number,
  locationId: string,
  search: ContactSearch,
  address: { kind: string; scope: unknown },
  after: Required<ContactPosition>,
  before: ContactPosition | undefined,
): Promise<Connection<CrmContact>> {
  if (before && before.i <= after.i) {
    throw invalidPaginationInput('`after` must point to an edge in front of `before`; between these two cursors there is no edge.');
  }
  const answer = await resolvingUpstream(() =>
    ctx.services.crm.searchContacts(locationId, { ...search, pageLimit: Math.max(first, 1), searchAfter: after.sa }, callOptions(ctx)),
  );
  const end = Math.min(before?.i ?? Number.POSITIVE_INFINITY, answer.total);
  const placed = answer.contacts
    .slice(0, first)
    .map((hit, offset) => ({ hit, position: after.i + 1 + offset }))
    .filter(({ position }) => position < end);
  const edges = placed.map(({ hit, position }) => lazyEdge(owned(locationId, hit), () => nativeCursor(address, { i: position, sa: hit.searchAfter })));
  const lastPosition = placed.at(-1)?.position ?? after.i;
  return {
    edges,
    // `after` names an edge, so there is always one in front of this page.
    pageInfo: lazyPageInfo(edges, { hasNextPage: lastPosition + 1 < end, hasPreviousPage: true }),
    totalCount: answer.total,
  };
}

/**
 * A window placed from the end (`last`) that HoopAI refuses lies beyond its page-number
 * limit: say so, instead of passing on the upstream's words about page numbers.
 */
async function windowByNumber<T>(work: Promise<T>, fromTheEnd: boolean): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (!fromTheEnd || !(error instanceof UpstreamRejectedError)) throw error;
    throw gatewayError(
      ErrorCode.BAD_USER_INPUT,
      'HoopAI serves contacts backwards (last/before) only within its first 10,000 results; page forwards with first/after instead.',
      { upstreamMessages: [...error.upstreamMessages] },
    );
  }
}

/** A search hit of another location would be a leak: it is refused, not shown. */
function owned(locationId: string, hit: SearchContact): CrmContact {
  const contact = toCrmContact(hit);
  if (contact.locationId !== locationId) throw new Error('HoopAI search answered a contact of another location');
  return contact;
}

builder.queryField('contacts', (t) =>
  t.connection(
    {
      type: ContactRef,
      nullable: true,
      description:
        'Search the contacts of a location. Forwards (first/after) at any depth; backwards (last/before) within the first 10,000 results; not both (max 100 per page). `locationId` may be omitted when the caller has one location. Null, with its error, when HoopAI fails or the location is not the caller\'s.',
      args: {
        locationId: t.arg.id({ description: 'The HoopAI location (see viewer.locations).' }),
        query: t.arg.string({ description: 'Free text matched against name, email, company and phone (at most 75 characters).' }),
        filter: t.arg({ type: ContactFilterInput, description: 'Conditions every contact must meet.' }),
        sort: t.arg({ type: [ContactSortInput], description: 'Sort keys (at most two); newest first when absent.' }),
      },
      resolve: (_, args, ctx) => {
        const locationId = chosenLocation(ctx, args.locationId == null ? undefined : String(args.locationId), 'crm:read');
        return contactConnection(ctx, args, locationId, contactSearchOf(args.query, args.filter, args.sort));
      },
    },
    ContactConnectionRef,
  ),
);
