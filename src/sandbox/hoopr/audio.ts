import { Mp3Encoder } from '@breezystack/lamejs';

/**
 * The audio behind stream URLs. Upstream's stream URLs are `audio.mp3` (CONTRACT.md), so the
 * sandbox serves genuine MP3 (`audio/mpeg`): MPEG-1 Layer III frames, 44.1 kHz mono at a
 * constant 64 kbit/s, that browsers' <audio> and any MP3 parser accept. The sound is a
 * one-second sine tone pitched on the track's key, so different tracks sound different.
 * Encoding takes a few hundred milliseconds, so each pitch is encoded once per process
 * (a dozen at most: one per note name).
 */

export const AUDIO_CONTENT_TYPE = 'audio/mpeg';
/** An MPEG-1 rate (32, 44.1 or 48 kHz); MPEG-2 would be the lower ones. */
export const SAMPLE_RATE = 44_100;
export const BITRATE_KBPS = 64;
/** Samples in one MPEG-1 Layer III frame. */
export const SAMPLES_PER_FRAME = 1152;
const DURATION_SECONDS = 1;
const AMPLITUDE = 0.3 * 0x7fff;
/** Fade in and out over 10 ms so the tone starts and stops without a click. */
const FADE_SAMPLES = Math.round(SAMPLE_RATE * 0.01);

const NOTE_SEMITONES: Record<string, number> = { C: 0, D: 2, E: 4, F: 5, G: 7, A: 9, B: 11 };
const A4_HZ = 440;

const cache = new Map<number, Buffer>();

/** The tone for a track whose first key is e.g. `"F# min"`; A4 when there is no usable key. */
export function toneForKey(songKey: string | undefined): Buffer {
  const frequency = frequencyOf(songKey);
  let mp3 = cache.get(frequency);
  if (!mp3) {
    mp3 = encodeMp3(sineSamples(frequency));
    cache.set(frequency, mp3);
  }
  return mp3;
}

/** The pitch `toneForKey` plays for a key, in Hz. */
export function frequencyOf(songKey: string | undefined): number {
  const match = /^([A-G])([#b]?)/.exec(songKey ?? '');
  if (!match) return A4_HZ;
  const semitone = NOTE_SEMITONES[match[1]!]! + (match[2] === '#' ? 1 : match[2] === 'b' ? -1 : 0);
  return Math.round(A4_HZ * 2 ** ((semitone - 9) / 12) * 100) / 100;
}

function sineSamples(frequency: number): Int16Array {
  const count = SAMPLE_RATE * DURATION_SECONDS;
  const samples = new Int16Array(count);
  for (let i = 0; i < count; i++) {
    const fade = Math.min(1, i / FADE_SAMPLES, (count - 1 - i) / FADE_SAMPLES);
    samples[i] = Math.round(AMPLITUDE * fade * Math.sin((2 * Math.PI * frequency * i) / SAMPLE_RATE));
  }
  return samples;
}

function encodeMp3(samples: Int16Array): Buffer {
  const encoder = new Mp3Encoder(1, SAMPLE_RATE, BITRATE_KBPS);
  const chunks: Buffer[] = [];
  // The encoder hands out Int8Arrays (despite its typings): view their bytes, do not convert values.
  const bytes = (encoded: ArrayBufferView) => Buffer.from(encoded.buffer, encoded.byteOffset, encoded.byteLength);
  for (let start = 0; start < samples.length; start += SAMPLES_PER_FRAME) {
    chunks.push(bytes(encoder.encodeBuffer(samples.subarray(start, start + SAMPLES_PER_FRAME))));
  }
  chunks.push(bytes(encoder.flush()));
  return Buffer.concat(chunks);
}
