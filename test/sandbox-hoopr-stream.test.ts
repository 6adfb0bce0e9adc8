import { MPEGDecoder } from 'mpg123-decoder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frequencyOf, SAMPLE_RATE, SAMPLES_PER_FRAME } from '../src/sandbox/hoopr/audio';
import { signStreamUrl, STREAM_URL_LIFETIME_SECONDS } from '../src/sandbox/hoopr/stream-signing';
import { rawGet, startHooprHarness, type HooprHarness } from './helpers/hoopr-sandbox';

let api: HooprHarness;
let track: { id: string; songKey: string[]; streamUrl: string; artworkUrl: string };

beforeAll(async () => {
  api = await startHooprHarness();
  const music = await api.get('/v1/tracks', { query: { type: 'music', pageSize: 50 } });
  track = music.body.data.items.find((item: { songKey: string[] }) => item.songKey[0] === 'A min') ?? music.body.data.items[0];
});
afterAll(async () => {
  await api.close();
});

/** MPEG-1 Layer III bit rates (kbit/s) by the header's index; 0 is "free", 15 forbidden. */
const LAYER3_KBPS = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const MPEG1_RATES = [44_100, 48_000, 32_000];

interface Mp3Frame {
  offset: number;
  kbps: number;
  sampleRate: number;
  mono: boolean;
  length: number;
}

/**
 * Walks an MP3 file frame by frame as a parser does: an optional ID3v2 tag, then MPEG-1
 * Layer III frame headers (sync word, version, layer, bit rate, sample rate, padding) whose
 * lengths must chain exactly to the end of the file (or to an ID3v1 tag).
 */
function mp3Frames(body: Buffer): Mp3Frame[] {
  let offset = 0;
  if (body.toString('latin1', 0, 3) === 'ID3') {
    const size = ((body[6]! & 0x7f) << 21) | ((body[7]! & 0x7f) << 14) | ((body[8]! & 0x7f) << 7) | (body[9]! & 0x7f);
    offset = 10 + size;
  }
  const end = body.length >= 128 && body.toString('latin1', body.length - 128, body.length - 125) === 'TAG' ? body.length - 128 : body.length;
  const frames: Mp3Frame[] = [];
  while (offset < end) {
    expect(end - offset, `a whole header at ${offset}`).toBeGreaterThanOrEqual(4);
    const header = body.readUInt32BE(offset);
    expect(header >>> 21, `frame sync at ${offset}`).toBe(0x7ff);
    expect((header >>> 19) & 0b11, 'MPEG version 1').toBe(0b11);
    expect((header >>> 17) & 0b11, 'Layer III').toBe(0b01);
    const kbps = LAYER3_KBPS[(header >>> 12) & 0xf];
    const sampleRate = MPEG1_RATES[(header >>> 10) & 0b11];
    expect(kbps, `bit rate index at ${offset}`).toBeGreaterThan(0);
    expect(sampleRate, `sample rate index at ${offset}`).toBeDefined();
    const padding = (header >>> 9) & 1;
    const length = Math.floor((144_000 * kbps!) / sampleRate!) + padding;
    frames.push({ offset, kbps: kbps!, sampleRate: sampleRate!, mono: ((header >>> 6) & 0b11) === 0b11, length });
    offset += length;
  }
  expect(offset, 'frames end exactly at the end of the file').toBe(end);
  return frames;
}

/** Decodes with mpg123 (as compiled to WebAssembly), the decoder many players use. */
async function decodeMp3(body: Buffer): Promise<{ samples: Float32Array; sampleRate: number; errors: unknown[] }> {
  const decoder = new MPEGDecoder();
  await decoder.ready;
  try {
    const decoded = decoder.decode(new Uint8Array(body));
    return { samples: decoded.channelData[0]!, sampleRate: decoded.sampleRate, errors: decoded.errors };
  } finally {
    decoder.free();
  }
}

/** The pitch of a steady tone from its rising zero crossings, away from the fades at either end. */
function pitchOf(samples: Float32Array, sampleRate: number): number {
  const from = Math.round(sampleRate * 0.1);
  const to = Math.round(sampleRate * 0.9);
  let rising = 0;
  for (let i = from + 1; i < to; i++) if (samples[i - 1]! < 0 && samples[i]! >= 0) rising += 1;
  return rising / ((to - from) / sampleRate);
}

function signatureOf(url: string): string {
  return new URL(url).searchParams.get('X-Goog-Signature')!;
}

describe('stream URLs', () => {
  it('are GCS-V4-style links on the sandbox itself, signed now for 1800 s', async () => {
    const url = new URL(track.streamUrl);
    expect(`${url.protocol}//${url.host}`).toBe(api.url);
    expect(url.pathname).toBe(`/cdn/musics/${track.id}/audio.mp3`);
    const params = Object.fromEntries(url.searchParams);
    expect(params).toEqual({
      'X-Goog-Algorithm': 'GOOG4-HMAC-SHA256',
      'X-Goog-Credential': expect.stringMatching(/^\w+\/\d{8}\/auto\/storage\/goog4_request$/),
      'X-Goog-Date': expect.stringMatching(/^\d{8}T\d{6}Z$/),
      'X-Goog-Expires': String(STREAM_URL_LIFETIME_SECONDS),
      'X-Goog-SignedHeaders': 'host',
      'X-Goog-Signature': expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const date = params['X-Goog-Date']!;
    const signedAt = Date.parse(`${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`);
    expect(Math.abs(Date.now() - signedAt)).toBeLessThan(60_000);
    expect(params['X-Goog-Credential']!.split('/')[1]).toBe(date.slice(0, 8));
    expect(track.artworkUrl).toBe(`${api.url}/cdn/musics/${track.id}/image.jpg`);
  });

  it('serve a one-second tone as MPEG-1 Layer III (audio/mpeg), without any bearer token', async () => {
    const response = await fetch(track.streamUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('audio/mpeg');
    const body = Buffer.from(await response.arrayBuffer());
    expect(Number(response.headers.get('content-length'))).toBe(body.length);

    const frames = mp3Frames(body);
    expect(new Set(frames.map((frame) => `${frame.kbps}k ${frame.sampleRate} ${frame.mono ? 'mono' : 'stereo'}`))).toEqual(
      new Set([`64k ${SAMPLE_RATE} mono`]),
    );
    // One second of audio, plus the encoder's priming and padding frames.
    const seconds = (frames.length * SAMPLES_PER_FRAME) / SAMPLE_RATE;
    expect(seconds).toBeGreaterThanOrEqual(1);
    expect(seconds).toBeLessThan(1.2);

    const decoded = await decodeMp3(body);
    expect(decoded.errors).toEqual([]);
    expect(decoded.sampleRate).toBe(SAMPLE_RATE);
    const peak = decoded.samples.reduce((max, sample) => Math.max(max, Math.abs(sample)), 0);
    expect(peak).toBeGreaterThan(0.2);
    expect(peak).toBeLessThan(0.5);
  });

  it("pitch the tone on the track's key: a different key gives different audio", async () => {
    const all = (await api.get('/v1/tracks', { query: { type: 'music', pageSize: 50 } })).body.data.items as (typeof track)[];
    const other = all.find((item) => item.songKey[0] !== undefined && item.songKey[0][0] !== track.songKey[0]?.[0])!;
    const [mine, theirs] = await Promise.all([track, other].map(async (item) => Buffer.from(await (await fetch(item.streamUrl)).arrayBuffer())));
    expect(mine!.equals(theirs!)).toBe(false);
    for (const [item, body] of [[track, mine!], [other, theirs!]] as const) {
      const decoded = await decodeMp3(body);
      const expected = frequencyOf(item.songKey[0]);
      expect(Math.abs(pitchOf(decoded.samples, decoded.sampleRate) - expected) / expected, item.songKey[0]).toBeLessThan(0.02);
    }
  });

  it('refuse a tampered signature, path or lifetime with 403 and a GCS-like XML error', async () => {
    const signature = signatureOf(track.streamUrl);
    const flipped = `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`;
    const tampered = [
      track.streamUrl.replace(signature, flipped),
      track.streamUrl.replace('X-Goog-Expires=1800', 'X-Goog-Expires=86400'),
      track.streamUrl.replace(track.id, '00000000-0000-4000-8000-000000000000'),
      `${track.streamUrl}&extra=1`,
    ];
    for (const url of tampered) {
      const response = await fetch(url);
      expect(response.status, url).toBe(403);
      expect(response.headers.get('content-type')).toMatch(/^application\/xml/);
      expect(await response.text()).toMatch(/<Error><Code>SignatureDoesNotMatch<\/Code>/);
    }
  });

  it('refuse a link without a signature with 403 AccessDenied', async () => {
    const response = await fetch(`${api.url}/cdn/musics/${track.id}/audio.mp3`);
    expect(response.status).toBe(403);
    expect(await response.text()).toMatch(/<Code>AccessDenied<\/Code>/);
  });

  it('refuse an expired link with 403 ExpiredToken, and accept one still inside its lifetime', async () => {
    const lifetimeMs = STREAM_URL_LIFETIME_SECONDS * 1000;
    const expired = signStreamUrl(api.url, track.id, { signedAt: new Date(Date.now() - lifetimeMs - 5_000) });
    const response = await fetch(expired);
    expect(response.status).toBe(403);
    expect(await response.text()).toMatch(/<Code>ExpiredToken<\/Code>.*expired at/);

    const shortLived = signStreamUrl(api.url, track.id, { signedAt: new Date(Date.now() - 10_000), expiresSeconds: 5 });
    expect((await fetch(shortLived)).status).toBe(403);

    const nearlyExpired = signStreamUrl(api.url, track.id, { signedAt: new Date(Date.now() - lifetimeMs + 60_000) });
    const ok = await fetch(nearlyExpired);
    expect(ok.status).toBe(200);
    await ok.arrayBuffer();
  });

  it('point at the host the client used, and the host is part of the signature', async () => {
    const token = await api.token();
    const alias = 'catalog.sandbox.test:8443';
    const answer = await rawGet(`${api.url}/v1/tracks/${track.id}`, { host: alias, authorization: `Bearer ${token}` });
    expect(answer.status).toBe(200);
    const aliasUrl = JSON.parse(answer.body.toString('utf8')).data.streamUrl as string;
    expect(aliasUrl.startsWith(`http://${alias}/cdn/musics/${track.id}/audio.mp3?`)).toBe(true);

    // Reaching the same sandbox under that name works; under its own address the signature no longer fits.
    const path = aliasUrl.slice(`http://${alias}`.length);
    const viaAlias = await rawGet(`${api.url}${path}`, { host: alias });
    expect(viaAlias.status).toBe(200);
    expect(viaAlias.headers['content-type']).toBe('audio/mpeg');
    const viaOwnAddress = await rawGet(`${api.url}${path}`);
    expect(viaOwnAddress.status).toBe(403);
    expect(viaOwnAddress.body.toString('utf8')).toMatch(/SignatureDoesNotMatch/);
  });

  it('answer 404 NoSuchKey for a validly signed link to a track that does not exist', async () => {
    const response = await fetch(signStreamUrl(api.url, '00000000-0000-4000-8000-000000000000'));
    expect(response.status).toBe(404);
    expect(await response.text()).toMatch(/<Code>NoSuchKey<\/Code>/);
  });
});
