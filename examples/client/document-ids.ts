import { type DocumentNode, print } from 'graphql';
import type { RequestMiddleware } from 'graphql-request';

/** What the client preset adds to each generated document (codegen.ts, `persistedDocuments`). */
interface WithDocumentId {
  __meta__?: { documentId?: string };
}

/**
 * A graphql-request middleware that sends generated documents by id: the body
 * `{query, variables, operationName}` becomes `{documentId, variables, operationName}`, the
 * GraphQL-over-HTTP trusted-documents request a gateway with TRUSTED_DOCUMENTS_ONLY=on
 * accepts. graphql-request sends `print(document)` as the query, so the text identifies the
 * document; any other query (hand-written strings) goes out unchanged, as text.
 *
 * POST only: graphql-request adds the query parameters of a GET after its middleware runs.
 */
export function sendDocumentIds(documents: Iterable<unknown>): RequestMiddleware {
  const idByText = new Map<string, string>();
  for (const document of documents) {
    const id = (document as WithDocumentId | undefined)?.__meta__?.documentId;
    if (id) idByText.set(print(document as DocumentNode), id);
  }
  return (request) => {
    if (typeof request.body !== 'string') return request;
    const { query, ...rest } = JSON.parse(request.body) as { query?: string };
    const documentId = query === undefined ? undefined : idByText.get(query);
    return documentId ? { ...request, body: JSON.stringify({ documentId, ...rest }) } : request;
  };
}
