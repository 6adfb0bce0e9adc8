import { createHash } from 'node:crypto';

/**
 * A UUID-shaped id (version 4 layout, like the upstream's) derived from a stable name such
 * as `track:42`, so an entity keeps its id on every start whatever else the seed draws.
 */
export function seedUuid(name: string): string {
  const hex = createHash('sha256').update(`hoopr-sandbox:${name}`).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The upstream's slug form: lower case ASCII words joined by single hyphens. */
export function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
