import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_RATE } from '../src/sandbox/hoopr/audio';
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

/** The fields of a canonical 44-byte PCM WAV header, and the peak sample. */
function readWav(body: Buffer) {
  const dataBytes = body.readUInt32LE(40);
  let peak = 0;
  for (let offset = 44; offset < 44 + dataBytes; offset += 2) peak = Math.max(peak, Math.abs(body.readInt16LE(offset)));
  return {
    riff: body.toString('ascii', 0, 4),
    riffSize: body.readUInt32LE(4),
    wave: body.toString('ascii', 8, 12),
    format: body.readUInt16LE(20),
    channels: body.readUInt16LE(22),
    sampleRate: body.readUInt32LE(24),
    bitsPerSample: body.readUInt16LE(34),
    dataTag: body.toString('ascii', 36, 40),
    dataBytes,
    peak,
  };
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

  it('serve a one-second tone as WAV, without any bearer token', async () => {
    const response = await fetch(track.streamUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('audio/wav');
    const body = Buffer.from(await response.arrayBuffer());
    const wav = readWav(body);
    expect(wav).toMatchObject({ riff: 'RIFF', wave: 'WAVE', format: 1, channels: 1, sampleRate: SAMPLE_RATE, bitsPerSample: 16, dataTag: 'data' });
    expect(wav.riffSize).toBe(body.length - 8);
    expect(wav.dataBytes).toBe(body.length - 44);
    expect(wav.dataBytes / (2 * SAMPLE_RATE)).toBeCloseTo(1, 1);
    expect(wav.peak).toBeGreaterThan(5_000);
    expect(wav.peak).toBeLessThan(0x7fff);
  });

  it('pitch the tone on the track\'s key: a different key gives different audio', async () => {
    const all = (await api.get('/v1/tracks', { query: { type: 'music', pageSize: 50 } })).body.data.items as (typeof track)[];
    const other = all.find((item) => item.songKey[0] !== undefined && item.songKey[0][0] !== track.songKey[0]?.[0])!;
    const [mine, theirs] = await Promise.all([track, other].map(async (item) => Buffer.from(await (await fetch(item.streamUrl)).arrayBuffer())));
    expect(mine!.length).toBe(theirs!.length);
    expect(mine!.equals(theirs!)).toBe(false);
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
    expect(viaAlias.headers['content-type']).toBe('audio/wav');
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
