import { builder } from '../../builder';
import { ErrorCode, gatewayError } from '../../errors';
import type { HooprArtistCredit, HooprTrack } from '../../upstream/index';
import { signedUrlExpiresAt } from '../../upstream/catalog-cache/index';
import { MAX_SLUG_LENGTH, checkSlug } from '../argument-limits';
import { decodeGlobalIdOf } from '../global-id';
import { isNotFound, requireCatalogRead, resolvingUpstream } from './access';
import { ArtistRoleEnum, TrackTypeEnum, artistRoleOf, trackTypeOf } from './catalog-enums';
import { catalogLoaders, primeTrack } from './loaders';
import { loadCatalogNodes } from './node-loading';
import { ArtistRef, FilterRef, TrackRef } from './refs';
import { bpmOf, releaseDateOf } from './track-fields';

interface StreamShape {
  url: string;
  expiresAt: Date;
}

const StreamRef = builder.objectRef<StreamShape>('Stream').implement({
  description:
    'A playable audio stream: a signed URL that works without credentials (e.g. as the src of an <audio> element) until expiresAt.',
  fields: (t) => ({
    url: t.exposeString('url', { description: 'Signed URL of the audio file (its Content-Type says the format). Do not store it: it stops working at expiresAt.' }),
    expiresAt: t.expose('expiresAt', {
      type: 'DateTime',
      description: 'When the URL stops working. Served URLs have at least 5 minutes left; query the track again for a fresh one.',
    }),
  }),
});

const ArtistCreditRef = builder.objectRef<HooprArtistCredit>('ArtistCredit').implement({
  description: 'An artist credited on a track, and for what.',
  fields: (t) => ({
    artist: t.field({
      type: ArtistRef,
      description: 'The credited artist.',
      resolve: (credit) => ({ id: credit.id, name: credit.name }),
    }),
    role: t.field({ type: ArtistRoleEnum, description: 'What the artist did on the track.', resolve: (credit) => artistRoleOf(credit.role) }),
    rawRole: t.exposeString('role', { description: 'The role exactly as Hoopr names it (useful when role is UNKNOWN).' }),
    isPrimary: t.exposeBoolean('isPrimary', { description: 'Whether this is the main artist of the track.' }),
  }),
});

builder.node(TrackRef, {
  description: 'A track of the Hoopr catalog: music or a sound effect, with its credits, filters and a playable stream.',
  id: { resolve: (track) => track.id },
  loadMany: (ids, ctx) => loadCatalogNodes(ctx, catalogLoaders(ctx).track, ids),
  fields: (t) => ({
    rawId: t.exposeString('id', { description: 'The Hoopr track id, as Hoopr spells it.' }),
    name: t.exposeString('name', { description: 'Title of the track.' }),
    slug: t.exposeString('slug', { description: 'URL-friendly unique name; `track(slug:)` finds the track by it.' }),
    type: t.field({ type: TrackTypeEnum, description: 'Music or sound effect.', resolve: (track) => trackTypeOf(track.type) }),
    rawType: t.exposeString('type', { description: 'The type exactly as Hoopr names it (useful when type is UNKNOWN).' }),
    bpm: t.int({
      nullable: true,
      description: 'Tempo in beats per minute; null when Hoopr gives none or one that is not a number (e.g. a range).',
      resolve: (track) => bpmOf(track.bpm),
    }),
    songKeys: t.stringList({ description: 'Musical keys, e.g. ["A min"].', resolve: (track) => track.songKey ?? [] }),
    timeSignature: t.exposeString('timeSignature', { nullable: true, description: 'Time signature, e.g. 4/4.' }),
    durationSeconds: t.exposeInt('durationSeconds', { nullable: true, description: 'Length in whole seconds.' }),
    region: t.exposeString('region', { nullable: true, description: 'Region of origin, an ISO 3166 country code such as IN.' }),
    releaseDate: t.field({ type: 'DateTime', nullable: true, description: 'When the track was released.', resolve: releaseDateOf }),
    hasVocals: t.exposeBoolean('hasVocals', { nullable: true, description: 'Whether the track has vocals.' }),
    isPro: t.boolean({
      nullable: true,
      description: 'Whether the track is registered with a performing-rights organisation (PRO).',
      resolve: (track) => track.isPRO ?? null,
    }),
    tags: t.stringList({ description: 'Free-form descriptive tags.', resolve: (track) => track.tags ?? [] }),
    artists: t.field({ type: [ArtistCreditRef], description: 'Credited artists, primary first as Hoopr lists them.', resolve: (track) => track.artists ?? [] }),
    filters: t.field({ type: [FilterRef], description: 'Genres, moods, instruments and other facets of the track.', resolve: (track) => track.filters ?? [] }),
    artworkUrl: t.exposeString('artworkUrl', { nullable: true, description: 'Cover image URL.' }),
    stream: t.field({
      type: StreamRef,
      nullable: true,
      description: 'The audio stream; null when Hoopr offers none for this track.',
      resolve: (track) => streamOf(track),
    }),
  }),
});

/** An expiry we cannot read is a link nobody can vouch for: a field error, not a guess. */
function streamOf(track: HooprTrack): StreamShape | null {
  if (track.streamUrl === undefined) return null;
  const expiresAt = signedUrlExpiresAt(track.streamUrl);
  if (expiresAt === undefined) {
    throw gatewayError(ErrorCode.UPSTREAM_BAD_RESPONSE, 'Hoopr sent a stream URL without a readable expiry (X-Goog-Date, X-Goog-Expires).');
  }
  return { url: track.streamUrl, expiresAt };
}

builder.queryField('track', (t) =>
  t.field({
    type: TrackRef,
    nullable: true,
    description:
      'One track, by `id` or by `slug`: write exactly one of them, as a literal or as a variable of a non-null type (`track(slug: $slug)` with `$slug: String!`); a document that writes neither, both, or a nullable variable is refused before it runs (GRAPHQL_VALIDATION_FAILED). Null when no such track exists.',
    args: {
      id: t.arg.id({ description: 'A Track id as this API returned it. Not with `slug`; as a variable, declare it `ID!`.' }),
      slug: t.arg.string({
        description: `The track slug, e.g. midnight-drive: lower-case letters and digits in words joined by single hyphens, at most ${MAX_SLUG_LENGTH} characters. Not with \`id\`; as a variable, declare it \`String!\`.`,
      }),
    },
    resolve: (_, args, ctx) => {
      requireCatalogRead(ctx);
      // A backstop: the document rule (track-lookup-rule.ts) refuses such requests before they run.
      if ((args.id == null) === (args.slug == null)) {
        throw gatewayError(ErrorCode.BAD_USER_INPUT, 'Pass exactly one of `id` and `slug`.');
      }
      if (args.id != null) {
        const rawId = decodeGlobalIdOf('Track', String(args.id));
        return catalogLoaders(ctx).track.load(rawId).catch((error: unknown) => {
          if (isNotFound(error)) return null;
          throw error;
        });
      }
      const slug = args.slug as string;
      checkSlug('slug', slug);
      return resolvingUpstream(async () => {
        const track = await ctx.services.catalog.trackBySlug(slug, ctx.upstreamCall);
        if (track) primeTrack(ctx, track);
        return track ?? null;
      });
    },
  }),
);
