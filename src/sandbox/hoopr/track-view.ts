import { artworkPath } from './artwork';
import type { TrackRecord } from './catalog/types';
import { signStreamUrl } from './stream-signing';

/** A track as the API sends it: the stored record plus links for the caller's origin. */
export interface TrackView extends TrackRecord {
  artworkUrl: string;
  /** Signed when the answer is made, so it is valid for the full lifetime from then. */
  streamUrl: string;
}

export function renderTrack(track: TrackRecord, origin: string, signedAt: Date): TrackView {
  return {
    ...track,
    artworkUrl: `${origin}${artworkPath(track.id)}`,
    streamUrl: signStreamUrl(origin, track.id, { signedAt }),
  };
}
