import type { Plugin } from 'graphql-yoga';

/**
 * `Vary: Origin` on every answer, for a gateway whose CORS grant depends on the caller's
 * `Origin`: a cache between browser and gateway must not hand one site's answer (with or
 * without its grant) to another. Yoga's CORS adds no `Vary` when it grants one origin, and
 * nothing at all when it grants none, so this adds it once wherever it is missing.
 */
export function useVaryOrigin(): Plugin {
  return {
    onResponse({ response }) {
      const vary = response.headers.get('vary') ?? '';
      const listed = vary.split(',').map((name) => name.trim().toLowerCase());
      if (!listed.includes('origin') && !listed.includes('*')) response.headers.append('vary', 'Origin');
    },
  };
}
