import { GraphQLClient } from 'graphql-request';

/**
 * A frontend's connection to the gateway: one endpoint, one caller key. Every call made
 * through it with a generated document is typed end to end (variables in, data out).
 */
export function hoopClient(endpoint: string, apiKey: string): GraphQLClient {
  return new GraphQLClient(endpoint, { headers: { authorization: `Bearer ${apiKey}` } });
}
