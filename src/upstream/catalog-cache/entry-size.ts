/**
 * Roughly how many bytes a cached value holds in memory: two per UTF-16 code unit of every
 * string, plus a fixed cost per value and per object or array. It walks the value and
 * allocates nothing: the cache sizes hundreds of entries on every list page, and serializing
 * each one to measure it cost more than the rest of the cache together.
 */
const VALUE_BYTES = 8;
const OBJECT_BYTES = 32;

export function approximateBytes(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return VALUE_BYTES + 2 * value.length;
    case 'object': {
      if (value === null) return VALUE_BYTES;
      let bytes = OBJECT_BYTES;
      if (Array.isArray(value)) {
        for (const item of value) bytes += approximateBytes(item);
        return bytes;
      }
      for (const key in value) bytes += VALUE_BYTES + approximateBytes((value as Record<string, unknown>)[key]);
      return bytes;
    }
    default:
      return VALUE_BYTES;
  }
}
