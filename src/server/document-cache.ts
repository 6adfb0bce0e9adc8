import type { DocumentNode } from 'graphql';
import { LRUCache } from 'lru-cache';
import { NO_OBSERVER, reportEvictions, type UpstreamObserver } from '../upstream/index';

/**
 * Memory a parsed document holds per character of its source: the AST with locations
 * measured at 35–90 bytes, with its validation result and compiled code kept beside it.
 * Deliberately generous: the bound must hold for the densest documents.
 */
const BYTES_PER_SOURCE_CHARACTER = 120;
const BYTES_PER_ERROR = 2_048;

/**
 * yoga's parse and validation caches, bounded by bytes as well as by count: documents are
 * keyed by their text and reused across requests, and everything else kept per document
 * (validation results, cost plans, compiled queries) is held weakly by the document, so
 * this one bound caps them all. The observer is told of every document lookup (a hit skips
 * parsing and validation) and of every document evicted.
 */
export function boundedDocumentCaches(maxBytes: number, observer: UpstreamObserver = NO_OBSERVER) {
  const documents = new LRUCache<string, DocumentNode>({
    max: 10_000,
    maxSize: maxBytes,
    sizeCalculation: (_document, source) => Math.max(1, source.length * BYTES_PER_SOURCE_CHARACTER),
    dispose: reportEvictions(observer, 'documents'),
  });
  return {
    documentCache: {
      get(source: string): DocumentNode | undefined {
        const document = documents.get(source);
        observer.cacheLookup('documents', document !== undefined);
        return document;
      },
      set: (source: string, document: DocumentNode) => void documents.set(source, document),
    },
    errorCache: new LRUCache<string, Error>({
      max: 1_000,
      maxSize: Math.max(1, Math.floor(maxBytes / 8)),
      sizeCalculation: (_error, source) => source.length * 2 + BYTES_PER_ERROR,
    }),
    validationCache: true,
  };
}
