import { Faker, base } from '@faker-js/faker';

/** HighLevel ids are 20 alphanumerics; clients must not rely on anything friendlier. */
export const ID_PATTERN = /^[A-Za-z0-9]{20}$/;

/**
 * Deterministic HighLevel-shaped ids: the same seed yields the same sequence, so a
 * restarted (or reset) sandbox hands out the same ids for the same writes. 62^20
 * possibilities make a clash with another stream's ids a non-event.
 */
export class IdGenerator {
  private readonly faker = new Faker({ locale: base });

  constructor(private readonly seed: number) {
    this.faker.seed(seed);
  }

  next(): string {
    return this.faker.string.alphanumeric(20);
  }

  /** Back to the first id of the sequence. */
  restart(): void {
    this.faker.seed(this.seed);
  }
}

/** A stable 32-bit seed from a string (FNV-1a), so each location gets its own seed data stream. */
export function seedFrom(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
