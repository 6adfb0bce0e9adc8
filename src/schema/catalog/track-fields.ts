import type { HooprTrack } from '../../upstream/index';

/** Hoopr sends bpm as a string, sometimes one no number can be read from ("", "90-120", "N/A"). */
export function bpmOf(raw: string | undefined): number | null {
  if (raw === undefined || !/^\s*\d{1,4}(\.\d+)?\s*$/.test(raw)) return null;
  return Math.round(Number(raw));
}

export function releaseDateOf(track: HooprTrack): Date | null {
  if (track.releaseDate === undefined) return null;
  const date = new Date(track.releaseDate);
  return Number.isNaN(date.getTime()) ? null : date;
}
