import { createHash } from 'node:crypto';
import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * GraphQL Code Generator, as a frontend team would run it: the committed SDL plus the
 * example operations → typed documents (client preset) in examples/generated/, and beside
 * them the trusted-documents manifest, persisted-documents.json: document id → document
 * text, the file the gateway loads from TRUSTED_DOCUMENTS_PATH.
 *
 * Ids are GraphQL-over-HTTP "SHA256 hex document identifiers" (`sha256:<64 lower-case hex>`
 * of the exact text in the manifest), so a client sends `__meta__.documentId` as is and
 * the gateway can check every manifest entry against its text at start-up.
 */
const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  documents: ['examples/operations/*.graphql'],
  ignoreNoDocuments: true,
  generates: {
    'examples/generated/': {
      preset: 'client',
      presetConfig: {
        persistedDocuments: {
          // The full document stays in the generated code as well: GraphiQL, tests and a
          // gateway without the manifest still accept the text.
          mode: 'embedHashInDocument',
          hashPropertyName: 'documentId',
          hashAlgorithm: (text: string) => `sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}`,
        },
      },
      config: { useTypeImports: true, enumsAsTypes: true, scalars: { DateTime: 'string' } },
    },
  },
};

export default config;
