import { builder } from '../builder';

interface LocationShape {
  id: string;
  name: string | null;
}

const LocationRef = builder.objectRef<LocationShape>('Location').implement({
  description: 'A HoopAI location (sub-account): the tenant boundary of all CRM data.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The HoopAI locationId, as is (not a Relay global id).' }),
    name: t.exposeString('name', { nullable: true, description: 'Display name, when the gateway knows it.' }),
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
      resolve: (_, __, ctx) =>
        ctx.viewer.locationIds.map((id) => ({ id, name: ctx.services.locationNames[id] ?? null })),
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
