import { Faker, base, en, en_IN } from '@faker-js/faker';
import { seedUuid, slugify } from './ids';
import { seedMusicTracks, seedSfxTracks } from './seed-tracks';
import { ENSEMBLES, FILTER_SEEDS, STAGE_NAMES, TITLE_LEADS } from './seed-words';
import type { ArtistRecord, Catalog, FilterRecord } from './types';

/**
 * The deterministic seed catalog: the same data on every start. It is built once per
 * process and shared by every sandbox in it, which is safe because it is frozen and no
 * Hoopr call writes to the catalog.
 */

export const SEED_COUNTS = { musicTracks: 1280, sfxTracks: 150, artists: 200 } as const;

const SEED = 20_261_123;
/** The share of artists under a stage or ensemble name rather than a person's name. */
const STAGE_NAME_SHARE = 0.4;

let shared: Catalog | undefined;

export function seedCatalog(): Catalog {
  shared ??= generateCatalog();
  return shared;
}

/** Builds the catalog from scratch; exported so tests can prove it is deterministic. */
export function generateCatalog(): Catalog {
  const faker = new Faker({ locale: [en_IN, en, base] });
  faker.seed(SEED);
  const filters = seedFilters();
  const artists = seedArtists(faker, SEED_COUNTS.artists);
  const filtersByType = new Map<string, FilterRecord[]>();
  for (const filter of filters) filtersByType.set(filter.type, [...(filtersByType.get(filter.type) ?? []), filter]);

  const ctx = { faker, artists, filtersByType };
  const tracks = [...seedMusicTracks(ctx, SEED_COUNTS.musicTracks), ...seedSfxTracks(ctx, SEED_COUNTS.sfxTracks)];
  const artistsById = new Map(artists.map((artist) => [artist.id, artist]));
  for (const track of tracks) {
    for (const credit of track.artists) artistsById.get(credit.id)!.trackCount++;
  }
  return deepFreeze({ tracks, artists, filters });
}

function seedFilters(): FilterRecord[] {
  return FILTER_SEEDS.flatMap(({ type, names }) =>
    names.map((name) => {
      const slug = slugify(name);
      return { id: seedUuid(`filter:${type}:${slug}`), name, slug, type };
    }),
  );
}

function seedArtists(faker: Faker, count: number): ArtistRecord[] {
  const stageCandidates = faker.helpers.shuffle([
    ...STAGE_NAMES,
    ...TITLE_LEADS.flatMap((lead) => ENSEMBLES.map((ensemble) => `${lead} ${ensemble}`)),
  ]);
  const artists: ArtistRecord[] = [];
  const slugs = new Set<string>();
  while (artists.length < count) {
    const name = faker.datatype.boolean({ probability: STAGE_NAME_SHARE })
      ? stageCandidates.pop()!
      : `${faker.person.firstName()} ${faker.person.lastName()}`;
    const slug = slugify(name);
    if (slug === '' || slugs.has(slug)) continue;
    slugs.add(slug);
    artists.push({ id: seedUuid(`artist:${slug}`), name, slug, trackCount: 0 });
  }
  return artists;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
