import type { DocumentNode } from 'graphql';
import { LRUCache } from 'lru-cache';

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
 * this one bound caps them all.
 */
export function boundedDocumentCaches(maxBytes: number) {
  return {
    documentCache: new LRUCache<string, DocumentNode>({
      max: 10_000,
      maxSize: maxBytes,
      sizeCalculation: (_document, source) => Math.max(1, source.length * BYTES_PER_SOURCE_CHARACTER),
    }),
    errorCache: new LRUCache<string, Error>({
      max: 1_000,
      maxSize: Math.max(1, Math.floor(maxBytes / 8)),
      sizeCalculation: (_error, source) => source.length * 2 + BYTES_PER_ERROR,
    }),
    validationCache: true,
  };
}
