import type { Faker } from '@faker-js/faker';
import { seedUuid, slugify } from './ids';
import {
  FEATURED_TRACK_NAMES,
  MUSICAL_KEYS,
  MUSIC_TAGS,
  RARE_ROLES,
  REGIONS,
  SFX_SOUNDS,
  SFX_TAGS,
  SFX_VARIANTS,
  TITLE_LEADS,
  TITLE_TAILS,
  UNPARSEABLE_BPMS,
} from './seed-words';
import type { ArtistCreditRecord, ArtistRecord, FilterRecord, TrackRecord } from './types';

/**
 * Seed tracks. Every value comes from the seeded faker handed in, in a fixed order, so the
 * same seed gives the same catalog; quirks (odd BPMs, rare roles and filter types) are
 * sprinkled at low rates, as they appear upstream.
 */

export interface TrackSeedContext {
  faker: Faker;
  artists: readonly ArtistRecord[];
  filtersByType: ReadonlyMap<string, readonly FilterRecord[]>;
}

const DAY_MS = 86_400_000;
const FIRST_RELEASE_MS = Date.UTC(2018, 0, 1);
const RELEASE_SPAN_DAYS = (Date.UTC(2026, 9, 31) - FIRST_RELEASE_MS) / DAY_MS;

export function seedMusicTracks(ctx: TrackSeedContext, count: number): TrackRecord[] {
  const { faker } = ctx;
  const names = uniqueNames(FEATURED_TRACK_NAMES, faker.helpers.shuffle(combine(TITLE_LEADS, TITLE_TAILS)), count);
  // Every artist leads at least one track, so no artist page is empty.
  const leadOrder = faker.helpers.shuffle([...ctx.artists]);
  return names.map((name, index) => {
    const hasVocals = faker.datatype.boolean({ probability: 0.35 });
    const primary = leadOrder[index] ?? pickArtist(ctx);
    return {
      ...identity(name, 'music'),
      bpm: faker.datatype.boolean({ probability: 0.04 })
        ? faker.helpers.arrayElement(UNPARSEABLE_BPMS)
        : String(faker.number.int({ min: 60, max: 180 })),
      songKey: songKeys(faker),
      timeSignature: faker.helpers.weightedArrayElement([
        { weight: 75, value: '4/4' },
        { weight: 10, value: '3/4' },
        { weight: 10, value: '6/8' },
        { weight: 5, value: '7/8' },
      ]),
      durationSeconds: faker.number.int({ min: 60, max: 330 }),
      region: faker.helpers.arrayElement(REGIONS),
      releaseDate: releaseDate(faker),
      hasVocals,
      isPRO: faker.datatype.boolean({ probability: 0.12 }),
      tags: faker.helpers.arrayElements(MUSIC_TAGS, { min: 2, max: 4 }),
      artists: musicCredits(ctx, primary, hasVocals),
      filters: [
        ...pickFilters(ctx, 'genre', 1, 1),
        ...pickFilters(ctx, 'mood', 1, 2),
        ...pickFilters(ctx, 'instrument', 0, 2),
        ...(faker.datatype.boolean({ probability: 0.4 }) ? pickFilters(ctx, 'theme', 1, 1) : []),
        ...(faker.datatype.boolean({ probability: 0.05 }) ? pickFilters(ctx, 'era', 1, 1) : []),
      ],
    };
  });
}

export function seedSfxTracks(ctx: TrackSeedContext, count: number): TrackRecord[] {
  const { faker } = ctx;
  const names = uniqueNames([], faker.helpers.shuffle(combine(SFX_SOUNDS, SFX_VARIANTS)), count);
  return names.map((name) => ({
    ...identity(name, 'sfx'),
    // Sound effects have no tempo or key; the upstream sends an empty string and list.
    bpm: '',
    songKey: [],
    timeSignature: '4/4',
    durationSeconds: faker.number.int({ min: 1, max: 20 }),
    region: faker.helpers.arrayElement(REGIONS),
    releaseDate: releaseDate(faker),
    hasVocals: false,
    isPRO: false,
    tags: faker.helpers.arrayElements(SFX_TAGS, { min: 1, max: 3 }),
    artists: [credit(pickArtist(ctx), faker.datatype.boolean({ probability: 0.3 }) ? 'SOUND_DESIGNER' : 'COMPOSER', true)],
    filters: [
      ...(faker.datatype.boolean({ probability: 0.4 }) ? pickFilters(ctx, 'mood', 1, 1) : []),
      ...(faker.datatype.boolean({ probability: 0.5 }) ? pickFilters(ctx, 'theme', 1, 1) : []),
    ],
  }));
}

function identity(name: string, type: TrackRecord['type']): Pick<TrackRecord, 'id' | 'name' | 'slug' | 'type'> {
  const slug = slugify(name);
  return { id: seedUuid(`track:${slug}`), name, slug, type };
}

function combine(firsts: readonly string[], seconds: readonly string[]): string[] {
  return firsts.flatMap((first) => seconds.map((second) => `${first} ${second}`));
}

/** `fixed` names first, then candidates whose slug is still free, up to `count`. */
function uniqueNames(fixed: readonly string[], candidates: readonly string[], count: number): string[] {
  const names = [...fixed];
  const slugs = new Set(names.map(slugify));
  for (const candidate of candidates) {
    if (names.length >= count) break;
    const slug = slugify(candidate);
    if (slugs.has(slug)) continue;
    slugs.add(slug);
    names.push(candidate);
  }
  if (names.length < count) throw new Error(`seed vocabulary yields only ${names.length} of ${count} unique track names`);
  return names;
}

function songKeys(faker: Faker): string[] {
  const roll = faker.number.float();
  if (roll < 0.03) return [];
  return faker.helpers.arrayElements(MUSICAL_KEYS, roll < 0.13 ? 2 : 1);
}

function releaseDate(faker: Faker): string {
  return new Date(FIRST_RELEASE_MS + faker.number.int({ min: 0, max: RELEASE_SPAN_DAYS }) * DAY_MS).toISOString();
}

/** Skewed towards the front of the list: a few prolific artists, a long tail of occasional ones. */
function pickArtist(ctx: TrackSeedContext): ArtistRecord {
  const index = Math.floor(ctx.artists.length * ctx.faker.number.float() ** 1.5);
  return ctx.artists[index]!;
}

function credit(artist: ArtistRecord, role: string, isPrimary: boolean): ArtistCreditRecord {
  return { id: artist.id, name: artist.name, role, isPrimary };
}

function musicCredits(ctx: TrackSeedContext, primary: ArtistRecord, hasVocals: boolean): ArtistCreditRecord[] {
  const { faker } = ctx;
  const primaryRole = faker.datatype.boolean({ probability: 0.8 }) ? 'COMPOSER' : 'PRODUCER';
  const roles: string[] = [];
  if (hasVocals) roles.push('SINGER');
  if (hasVocals && faker.datatype.boolean({ probability: 0.6 })) roles.push('LYRICIST');
  if (primaryRole !== 'PRODUCER' && faker.datatype.boolean({ probability: 0.25 })) roles.push('PRODUCER');
  if (faker.datatype.boolean({ probability: 0.04 })) roles.push(faker.helpers.arrayElement(RARE_ROLES));

  const credited = new Set([primary.id]);
  const credits = [credit(primary, primaryRole, true)];
  for (const role of roles) {
    const artist = pickArtist(ctx);
    if (credited.has(artist.id)) continue;
    credited.add(artist.id);
    credits.push(credit(artist, role, false));
  }
  return credits;
}

function pickFilters(ctx: TrackSeedContext, type: string, min: number, max: number): FilterRecord[] {
  const filters = ctx.filtersByType.get(type);
  if (!filters) throw new Error(`seed has no filters of type ${type}`);
  return ctx.faker.helpers.arrayElements(filters, { min, max });
}
