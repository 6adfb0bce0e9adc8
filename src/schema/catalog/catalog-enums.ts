import { builder } from '../../builder';
import { ErrorCode, gatewayError } from '../../errors';

/**
 * Enums over Hoopr's open-ended strings (CONTRACT.md: track type, artist role and filter type
 * gain new values without notice). A value we do not know yet becomes UNKNOWN, never an error;
 * the raw string stays readable next to it (`rawType`, `rawRole`).
 */

const TRACK_TYPES = { MUSIC: 'Music: a full track.', SFX: 'A sound effect.' } as const;
const ARTIST_ROLES = {
  COMPOSER: 'Wrote the music.',
  SINGER: 'Sings on the track.',
  LYRICIST: 'Wrote the words.',
  PRODUCER: 'Produced the track.',
  ARRANGER: 'Arranged the music.',
  FEATURED_ARTIST: 'Featured on the track.',
  MIXING_ENGINEER: 'Mixed the track.',
  SOUND_DESIGNER: 'Designed the sound (mostly sound effects).',
} as const;
const FILTER_TYPES = {
  GENRE: 'A musical genre, e.g. Electronic.',
  MOOD: 'A mood, e.g. Energetic.',
  INSTRUMENT: 'A featured instrument, e.g. Tabla.',
  THEME: 'A theme or use, e.g. Travel.',
  ERA: 'An era, e.g. 1990s.',
} as const;
const UNKNOWN = { UNKNOWN: 'A value Hoopr sent that this API does not know yet; see the raw value beside it.' };

export type TrackTypeValue = keyof typeof TRACK_TYPES | 'UNKNOWN';
export type ArtistRoleValue = keyof typeof ARTIST_ROLES | 'UNKNOWN';
export type FilterTypeValue = keyof typeof FILTER_TYPES | 'UNKNOWN';

function enumValues<Name extends string>(descriptions: Record<Name, string>) {
  return Object.fromEntries(Object.entries(descriptions).map(([name, description]) => [name, { value: name, description }])) as {
    [Key in Name]: { value: Key; description: string };
  };
}

export const TrackTypeEnum = builder.enumType('TrackType', {
  description: 'What kind of audio a track is.',
  values: enumValues({ ...TRACK_TYPES, ...UNKNOWN }),
});

export const ArtistRoleEnum = builder.enumType('ArtistRole', {
  description: 'What an artist did on a track.',
  values: enumValues({ ...ARTIST_ROLES, ...UNKNOWN }),
});

export const FilterTypeEnum = builder.enumType('FilterType', {
  description: 'The facet a filter belongs to.',
  values: enumValues({ ...FILTER_TYPES, ...UNKNOWN }),
});

/** Hoopr spells track and filter types in lower case and roles in upper case; matching ignores case. */
function known<Name extends string>(names: Record<Name, string>, raw: string | undefined): Name | 'UNKNOWN' {
  const upper = (raw ?? '').toUpperCase();
  return Object.hasOwn(names, upper) ? (upper as Name) : 'UNKNOWN';
}

export const trackTypeOf = (raw: string | undefined): TrackTypeValue => known(TRACK_TYPES, raw);
export const artistRoleOf = (raw: string | undefined): ArtistRoleValue => known(ARTIST_ROLES, raw);
export const filterTypeOf = (raw: string | undefined): FilterTypeValue => known(FILTER_TYPES, raw);

/** The Hoopr query value for an enum a client passed; UNKNOWN names no value Hoopr could filter by. */
export function upstreamValueOf(value: string, argument: string): string {
  if (value === 'UNKNOWN') {
    throw gatewayError(ErrorCode.BAD_USER_INPUT, `\`${argument}\` cannot be UNKNOWN: it only describes values this API does not know yet.`);
  }
  return value.toLowerCase();
}
