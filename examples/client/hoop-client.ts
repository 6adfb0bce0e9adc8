import { GraphQLClient } from 'graphql-request';
import * as generated from '../generated/graphql';
import { sendDocumentIds } from './document-ids';

/**
 * A frontend's connection to the gateway: one endpoint, one caller key. Every call made
 * through it with a generated document is typed end to end (variables in, data out), and
 * sent as the document's id from the trusted-documents manifest (the gateway must load the
 * manifest of this build: TRUSTED_DOCUMENTS_PATH). `documentIds: false` sends the text
 * instead, for a gateway without the manifest.
 */
export function hoopClient(endpoint: string, apiKey: string, options: { documentIds?: boolean } = {}): GraphQLClient {
  return new GraphQLClient(endpoint, {
    headers: { authorization: `Bearer ${apiKey}` },
    requestMiddleware: options.documentIds === false ? undefined : sendDocumentIds(Object.values(generated)),
  });
}
