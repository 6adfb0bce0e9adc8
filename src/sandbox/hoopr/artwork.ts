import { createHash } from 'node:crypto';
import jpeg from 'jpeg-js';
import { LRUCache } from 'lru-cache';

/**
 * The images behind `artworkUrl`: a JPEG per track (upstream's URLs end in `image.jpg`), a
 * record on a two-colour gradient whose colours come from the track id, so the same track
 * always shows the same cover and neighbours in a grid look different.
 */

export const ARTWORK_CONTENT_TYPE = 'image/jpeg';
export const ARTWORK_SIZE = 256;
const JPEG_QUALITY = 85;

/** Where a track's cover lives on the sandbox's CDN (upstream: `https://cdn…/image.jpg`). */
export function artworkPath(trackId: string): string {
  return `/cdn/musics/${encodeURIComponent(trackId)}/image.jpg`;
}

export interface Artwork {
  body: Buffer;
  /** Quoted MD5 of the body, as Cloud Storage sends it. */
  etag: string;
}

/** Encoding costs tens of milliseconds, so a page of covers is kept; the catalog has ~1,400 tracks. */
const cache = new LRUCache<string, Artwork>({ max: 512 });

export function artworkFor(trackId: string): Artwork {
  let artwork = cache.get(trackId);
  if (!artwork) {
    const body = renderCover(trackId);
    artwork = { body, etag: `"${createHash('md5').update(body).digest('hex')}"` };
    cache.set(trackId, artwork);
  }
  return artwork;
}

type Rgb = [number, number, number];

function renderCover(trackId: string): Buffer {
  const seed = createHash('sha256').update(trackId).digest();
  const hue = (seed.readUInt16BE(0) / 0x10000) * 360;
  const from = hslToRgb(hue, 0.65, 0.55);
  const to = hslToRgb((hue + 40 + (seed[2]! / 255) * 100) % 360, 0.7, 0.3);
  const label = hslToRgb((hue + 180) % 360, 0.75, 0.6);
  const vinyl: Rgb = [24, 24, 28];

  const size = ARTWORK_SIZE;
  const centre = (size - 1) / 2;
  const pixels = Buffer.alloc(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const radius = Math.hypot(x - centre, y - centre) / size;
      let colour: Rgb;
      if (radius < 0.025) colour = from; // the spindle hole
      else if (radius < 0.13) colour = label;
      else if (radius < 0.4) colour = radius % 0.03 < 0.004 ? [48, 48, 54] : vinyl; // grooves
      else colour = mix(from, to, (x + y) / (2 * (size - 1)));
      pixels.set([colour[0], colour[1], colour[2], 255], (y * size + x) * 4);
    }
  }
  return jpeg.encode({ data: pixels, width: size, height: size }, JPEG_QUALITY).data;
}

function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [0, 1, 2].map((i) => Math.round(a[i]! + (b[i]! - a[i]!) * t)) as Rgb;
}

/** `hue` in degrees, saturation and lightness in 0..1. */
function hslToRgb(hue: number, saturation: number, lightness: number): Rgb {
  const chroma = (1 - Math.abs(2 * lightness - 1)) * saturation;
  const channel = (n: number) => {
    const k = (n + hue / 30) % 12;
    return Math.round(255 * (lightness - chroma / 2 * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [channel(0), channel(8), channel(4)];
}
