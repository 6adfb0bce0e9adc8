import type { Handler, RouteMeta } from './types';

interface Route {
  method: string;
  pattern: string;
  segments: string[];
  paramCount: number;
  handler: Handler;
  meta: RouteMeta;
}

export interface RouteMatch {
  pattern: string;
  params: Record<string, string>;
  handler: Handler;
  meta: RouteMeta;
}

/** Splits a path into segments, ignoring one trailing slash (`/contacts/` ≡ `/contacts`). */
function split(path: string): string[] {
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  return trimmed.split('/');
}

/**
 * Method + path-pattern routing. Static segments win over `:params`, so
 * `/contacts/search` is never taken for `/contacts/:contactId`.
 */
export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: Handler, meta: RouteMeta = {}): this {
    const segments = split(pattern);
    const paramCount = segments.filter((s) => s.startsWith(':')).length;
    this.routes.push({ method: method.toUpperCase(), pattern, segments, paramCount, handler, meta });
    this.routes.sort((a, b) => a.paramCount - b.paramCount);
    return this;
  }

  get(pattern: string, handler: Handler, meta?: RouteMeta): this {
    return this.add('GET', pattern, handler, meta);
  }
  post(pattern: string, handler: Handler, meta?: RouteMeta): this {
    return this.add('POST', pattern, handler, meta);
  }
  put(pattern: string, handler: Handler, meta?: RouteMeta): this {
    return this.add('PUT', pattern, handler, meta);
  }
  delete(pattern: string, handler: Handler, meta?: RouteMeta): this {
    return this.add('DELETE', pattern, handler, meta);
  }

  /** The route for method + path; `methodMismatch` when the path exists under another method. */
  match(method: string, path: string): RouteMatch | { methodMismatch: boolean } {
    const parts = split(path);
    let pathKnown = false;
    for (const route of this.routes) {
      const params = matchSegments(route.segments, parts);
      if (!params) continue;
      if (route.method !== method.toUpperCase()) {
        pathKnown = true;
        continue;
      }
      return { pattern: route.pattern, params, handler: route.handler, meta: route.meta };
    }
    return { methodMismatch: pathKnown };
  }
}

function matchSegments(pattern: string[], parts: string[]): Record<string, string> | undefined {
  if (pattern.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const want = pattern[i]!;
    const got = parts[i]!;
    if (want.startsWith(':')) {
      if (got === '') return undefined;
      try {
        params[want.slice(1)] = decodeURIComponent(got);
      } catch {
        return undefined;
      }
    } else if (want !== got) {
      return undefined;
    }
  }
  return params;
}
