/**
 * The audio behind stream URLs: a one-second sine tone as 16-bit mono PCM WAV, pitched on
 * the track's key so different tracks sound different. Generated once per pitch. (The URL
 * keeps upstream's `audio.mp3` name; the content type tells players what it really is.)
 */

export const AUDIO_CONTENT_TYPE = 'audio/wav';
export const SAMPLE_RATE = 22_050;
const DURATION_SECONDS = 1;
const AMPLITUDE = 0.3 * 0x7fff;
/** Fade in and out over 10 ms so the tone starts and stops without a click. */
const FADE_SAMPLES = Math.round(SAMPLE_RATE * 0.01);
const WAV_HEADER_BYTES = 44;

const NOTE_SEMITONES: Record<string, number> = { C: 0, D: 2, E: 4, F: 5, G: 7, A: 9, B: 11 };
const A4_HZ = 440;

const cache = new Map<number, Buffer>();

/** The tone for a track whose first key is e.g. `"F# min"`; A4 when there is no usable key. */
export function toneForKey(songKey: string | undefined): Buffer {
  const frequency = frequencyOf(songKey);
  let wav = cache.get(frequency);
  if (!wav) {
    wav = sineWav(frequency);
    cache.set(frequency, wav);
  }
  return wav;
}

function frequencyOf(songKey: string | undefined): number {
  const match = /^([A-G])([#b]?)/.exec(songKey ?? '');
  if (!match) return A4_HZ;
  const semitone = NOTE_SEMITONES[match[1]!]! + (match[2] === '#' ? 1 : match[2] === 'b' ? -1 : 0);
  return Math.round(A4_HZ * 2 ** ((semitone - 9) / 12) * 100) / 100;
}

function sineWav(frequency: number): Buffer {
  const samples = SAMPLE_RATE * DURATION_SECONDS;
  const dataBytes = samples * 2;
  const wav = Buffer.alloc(WAV_HEADER_BYTES + dataBytes);
  wav.write('RIFF', 0, 'ascii');
  wav.writeUInt32LE(36 + dataBytes, 4);
  wav.write('WAVE', 8, 'ascii');
  wav.write('fmt ', 12, 'ascii');
  wav.writeUInt32LE(16, 16); // fmt chunk size
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(SAMPLE_RATE, 24);
  wav.writeUInt32LE(SAMPLE_RATE * 2, 28); // byte rate
  wav.writeUInt16LE(2, 32); // block align
  wav.writeUInt16LE(16, 34); // bits per sample
  wav.write('data', 36, 'ascii');
  wav.writeUInt32LE(dataBytes, 40);
  for (let i = 0; i < samples; i++) {
    const fade = Math.min(1, i / FADE_SAMPLES, (samples - 1 - i) / FADE_SAMPLES);
    const value = Math.round(AMPLITUDE * fade * Math.sin((2 * Math.PI * frequency * i) / SAMPLE_RATE));
    wav.writeInt16LE(value, WAV_HEADER_BYTES + i * 2);
  }
  return wav;
}
