import jpeg from 'jpeg-js';
import { beforeAll, describe, expect, it } from 'vitest';
import { ARTWORK_SIZE } from '../src/sandbox/hoopr/artwork';
import { useHooprHarness } from './helpers/hoopr-sandbox';

/** `artworkUrl`s resolve to a JPEG per track on the sandbox's CDN, cached like public GCS objects. */

const api = useHooprHarness();
let tracks: { id: string; artworkUrl: string }[];

beforeAll(async () => {
  tracks = (await api.get('/v1/tracks', { query: { pageSize: 2 } })).body.data.items;
});

async function fetchBytes(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers });
  return { response, body: Buffer.from(await response.arrayBuffer()) };
}

/**
 * The marker segments of a baseline JPEG up to its scan, as a strict reader walks them:
 * SOI first, each segment's length inside the file, then the frame header's size and
 * components, and EOI as the last two bytes.
 */
function jpegFrame(body: Buffer): { markers: string[]; width: number; height: number; components: number } {
  expect(body.readUInt16BE(0)).toBe(0xffd8);
  expect(body.readUInt16BE(body.length - 2)).toBe(0xffd9);
  const markers: string[] = [];
  let frame: { width: number; height: number; components: number } | undefined;
  let offset = 2;
  for (;;) {
    expect(body[offset], `marker at ${offset}`).toBe(0xff);
    const marker = body[offset + 1]!;
    const length = body.readUInt16BE(offset + 2);
    expect(offset + 2 + length).toBeLessThanOrEqual(body.length);
    markers.push(marker.toString(16).toUpperCase());
    if (marker === 0xc0) frame = { height: body.readUInt16BE(offset + 5), width: body.readUInt16BE(offset + 7), components: body[offset + 9]! };
    if (marker === 0xda) break;
    offset += 2 + length;
  }
  expect(frame, 'a baseline (SOF0) frame header').toBeDefined();
  return { markers, ...frame! };
}

describe('artwork URLs', () => {
  it('serve a baseline JPEG without any bearer token, cached for an hour with an ETag', async () => {
    const { response, body } = await fetchBytes(tracks[0]!.artworkUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    expect(response.headers.get('cache-control')).toBe('public, max-age=3600');
    expect(response.headers.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);
    expect(Number(response.headers.get('content-length'))).toBe(body.length);

    const frame = jpegFrame(body);
    expect(frame).toMatchObject({ width: ARTWORK_SIZE, height: ARTWORK_SIZE, components: 3 });
    expect(frame.markers).toEqual(expect.arrayContaining(['E0', 'DB', 'C0', 'C4', 'DA']));
    const image = jpeg.decode(body, { useTArray: true });
    expect([image.width, image.height]).toEqual([ARTWORK_SIZE, ARTWORK_SIZE]);
    expect(await api.control.requests('GET /cdn/musics/:trackId/image.jpg')).toBe(1);
  });

  it('are the same image for the same track every time, and another image for another track', async () => {
    const [first, again, other] = await Promise.all([tracks[0]!, tracks[0]!, tracks[1]!].map(async (track) => (await fetchBytes(track.artworkUrl)).body));
    expect(first!.equals(again!)).toBe(true);
    expect(first!.equals(other!)).toBe(false);
    // Different colours, not only different bytes: the centre pixel of the record's label.
    const centre = (body: Buffer) => {
      const { data } = jpeg.decode(body, { useTArray: true });
      const at = ((ARTWORK_SIZE / 2) * ARTWORK_SIZE + ARTWORK_SIZE / 2 - 20) * 4;
      return [data[at], data[at + 1], data[at + 2]];
    };
    expect(centre(first!)).not.toEqual(centre(other!));
  });

  it('answer 304 without a body when the client already holds the current image', async () => {
    const { response } = await fetchBytes(tracks[0]!.artworkUrl);
    const etag = response.headers.get('etag')!;
    const revalidated = await fetchBytes(tracks[0]!.artworkUrl, { 'if-none-match': `"stale", ${etag}` });
    expect(revalidated.response.status).toBe(304);
    expect(revalidated.body.length).toBe(0);
    expect(revalidated.response.headers.get('etag')).toBe(etag);

    const stale = await fetchBytes(tracks[0]!.artworkUrl, { 'if-none-match': '"0123456789abcdef0123456789abcdef"' });
    expect(stale.response.status).toBe(200);
    expect(await api.control.requests('GET /cdn/musics/:trackId/image.jpg')).toBe(3);
  });

  it('answer 404 NoSuchKey for a track that does not exist', async () => {
    const response = await fetch(`${api.url}/cdn/musics/00000000-0000-4000-8000-000000000000/image.jpg`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/xml/);
    expect(await response.text()).toMatch(/<Code>NoSuchKey<\/Code>/);
  });
});
