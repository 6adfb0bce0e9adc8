import { defaultExtractPersistedOperationId, usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import { createGraphQLError, type GraphQLParams, type Plugin } from 'graphql-yoga';
import { ErrorCode, gatewayError } from '../../errors';
import { canonicalDocumentId } from '../trusted-documents-config';

/**
 * Trusted documents (GraphQL-over-HTTP "persisted documents"): a request may name a document
 * of the manifest instead of sending its text —
 *   POST `{"documentId": "sha256:<hex>", "variables": …, "operationName": …}`,
 *   GET  `?documentId=sha256:<hex>&variables=…`, or the APQ form
 *   `extensions.persistedQuery.sha256Hash` (bare hex; it matches only when the client hashed
 *   exactly the manifest's text).
 * The manifest's text then stands in for `query`, and is parsed (through yoga's parser
 * cache), validated and executed like any other document.
 *
 * Both refusals happen in yoga's params stage, before any parse, so they never reach a
 * resolver or an upstream: an unknown id is PERSISTED_DOCUMENT_NOT_FOUND; with `only`, a
 * request carrying query text is PERSISTED_DOCUMENTS_ONLY unless `mayQueryFreely` says the
 * caller may send free-form queries (a developer in GraphiQL).
 */
export interface TrustedDocumentsOptions {
  /** Canonical document id (`sha256:<hex>`) → document text. */
  documents: ReadonlyMap<string, string>;
  /** Refuse query text from callers `mayQueryFreely` does not allow. */
  only: boolean;
  /** Whether the caller of this request may send free-form queries in only-mode. */
  mayQueryFreely(request: Request): Promise<boolean>;
}

/** Both refusals are request errors: no data, HTTP 400 (as yoga answers a malformed request). */
const REQUEST_ERROR = { http: { status: 400 } };
/** Unknown ids are echoed for debugging, but never at any length a client chooses. */
const MAX_ECHOED_ID = 80;

export function useTrustedDocuments(options: TrustedDocumentsOptions): Plugin {
  return usePersistedOperations({
    extractPersistedOperationId: documentIdOf,
    getPersistedOperation: (id) => {
      const canonical = canonicalDocumentId(id);
      return (canonical && options.documents.get(canonical)) ?? null;
    },
    allowArbitraryOperations: options.only ? (request) => options.mayQueryFreely(request) : true,
    customErrors: {
      notFound: ({ params, request }) =>
        gatewayError(
          ErrorCode.PERSISTED_DOCUMENT_NOT_FOUND,
          `No trusted document has the id "${String(documentIdOf(params, request)).slice(0, MAX_ECHOED_ID)}": the manifest deployed with the gateway must hold every document the client sends (npm run codegen writes it).`,
          REQUEST_ERROR,
        ),
      persistedQueryOnly: () =>
        gatewayError(
          ErrorCode.PERSISTED_DOCUMENTS_ONLY,
          'This gateway accepts only trusted documents: send {"documentId": "sha256:…"} from the generated manifest instead of the query text.',
          REQUEST_ERROR,
        ),
      // Neither text nor id: the answer yoga gives without this plugin, naming both.
      keyNotFound: () =>
        createGraphQLError('Must provide query string or documentId.', {
          extensions: { code: 'BAD_REQUEST', http: { status: 400, headers: { Allow: 'GET, POST' } } },
        }),
    },
  });
}

/**
 * The id a request names: `documentId` in a JSON body, in the query string of a GET (yoga's
 * GET parser reads only the standard parameters), or the APQ hash. A non-string id is
 * returned as text, so that it is reported as unknown rather than as missing.
 */
function documentIdOf(params: GraphQLParams, request: Request): string | null {
  const fromBody = (params as GraphQLParams & { documentId?: unknown }).documentId;
  if (fromBody !== undefined && fromBody !== null) return typeof fromBody === 'string' ? fromBody : JSON.stringify(fromBody);
  if (request.method === 'GET') {
    const fromUrl = new URL(request.url).searchParams.get('documentId');
    if (fromUrl) return fromUrl;
  }
  return defaultExtractPersistedOperationId(params, request, {});
}
