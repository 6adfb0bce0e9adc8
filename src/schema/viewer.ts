import { builder } from '../builder';
import { resolvingUpstream } from './upstream-errors';

interface LocationShape {
  id: string;
}

const LocationRef = builder.objectRef<LocationShape>('Location').implement({
  description: 'A HoopAI location (sub-account): the tenant boundary of all CRM data.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The HoopAI locationId, as is (not a Relay global id).' }),
    name: t.string({
      nullable: true,
      description:
        "The location's name in HoopAI (its sub-account name), read with the location's own credentials and cached for minutes; null, with the error, when HoopAI cannot say.",
      // Only the caller's own locations reach here (Viewer.locations).
      resolve: (location, _, ctx) => resolvingUpstream(async () => (await ctx.services.crm.location(location.id, ctx.upstreamCall)).name),
    }),
  }),
});

const ViewerRef = builder.objectRef<Record<string, never>>('Viewer').implement({
  description: 'The caller of this request: who it is, what it may do, and which tenants it may see.',
  fields: (t) => ({
    name: t.string({ description: 'Name of the API key or token that authenticated this request.', resolve: (_, __, ctx) => ctx.viewer.name }),
    scopes: t.stringList({
      description: 'Granted scopes: catalog:read, crm:read, crm:write.',
      resolve: (_, __, ctx) => ctx.viewer.scopes,
    }),
    locations: t.field({
      type: [LocationRef],
      description: 'HoopAI locations this caller may read or write.',
      resolve: (_, __, ctx) => ctx.viewer.locationIds.map((id) => ({ id })),
    }),
    catalogMode: t.string({
      nullable: true,
      description: 'The Hoopr catalog mode behind this gateway: "test" (hpr_test_ credentials) or "live".',
      // As Hoopr's token answer states it (the cached token costs no call); if Hoopr cannot be
      // reached, the mode the configured secret implies, so `viewer` never fails on Hoopr.
      resolve: async (_, __, ctx) => {
        try {
          return (await ctx.services.catalog.tokenMode(ctx.upstreamCall)) ?? ctx.services.catalogMode;
        } catch {
          return ctx.services.catalogMode;
        }
      },
    }),
  }),
});

builder.queryType({ description: 'The root of every read.' });

builder.queryField('viewer', (t) =>
  t.field({
    type: ViewerRef,
    description: 'The caller, its scopes and locations, and the catalog mode.',
    resolve: () => ({}),
  }),
);
