import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Kind, type OperationDefinitionNode, parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../src/server/start';
import { graphql, startSandboxGateway } from './helpers/gateway';
import { sandboxControl, type SandboxControl } from './helpers/upstream-sandbox-control';

/**
 * A new user's first hour: every operation in examples/operations, pasted into sandbox
 * GraphiQL with its pre-filled key (`sandbox-dev-key`, every sandbox location) and run
 * without touching the variables pane, answers data and no errors. The defaults in the
 * files name seeded sandbox objects; this test is what keeps them pointing at real ones.
 */

const operationsDir = resolve(import.meta.dirname, '../examples/operations');

interface ExampleOperation {
  file: string;
  name: string;
  text: string;
  definition: OperationDefinitionNode;
}

function exampleOperations(): ExampleOperation[] {
  return readdirSync(operationsDir)
    .filter((file) => file.endsWith('.graphql'))
    .sort()
    .flatMap((file) => {
      const text = readFileSync(join(operationsDir, file), 'utf8');
      return parse(text)
        .definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)
        .map((definition) => ({ file, name: definition.name?.value ?? file, text, definition }));
    });
}

/** The response keys of an operation's root fields. */
function rootKeys(definition: OperationDefinitionNode): string[] {
  return definition.selectionSet.selections.flatMap((selection) =>
    selection.kind === Kind.FIELD ? [selection.alias?.value ?? selection.name.value] : [],
  );
}

/** The media links in an answer (`artworkUrl`, `stream.url`), each with the content type its file name claims. */
function mediaLinks(value: unknown, key = ''): { url: string; contentType: string }[] {
  if (Array.isArray(value)) return value.flatMap((item) => mediaLinks(item, key));
  if (typeof value === 'string' && (key === 'artworkUrl' || key === 'stream.url')) {
    const extension = new URL(value).pathname.split('.').pop();
    return [{ url: value, contentType: extension === 'jpg' ? 'image/jpeg' : extension === 'mp3' ? 'audio/mpeg' : `?.${extension}` }];
  }
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([field, inner]) => mediaLinks(inner, key === 'stream' ? `stream.${field}` : field));
}

let gateway: RunningGateway;
let hoopai: SandboxControl;

beforeAll(async () => {
  gateway = await startSandboxGateway();
  hoopai = sandboxControl(gateway.sandboxes.hoopai!.url);
});
afterAll(async () => {
  await gateway?.close(1_000);
});

describe('every example operation runs as written, with no variables', () => {
  const operations = exampleOperations();

  it('finds the examples', () => {
    expect(operations.map((operation) => operation.name)).toEqual(
      expect.arrayContaining(['BrowseTracks', 'ContactSearch', 'Inbox', 'SendMessage', 'ShareTrack', 'TrackDetail', 'Viewer']),
    );
  });

  it.each(operations.map((operation) => [operation.name, operation] as const))('%s', async (_name, operation) => {
    const messagesBefore = await hoopai.requests('POST /conversations/messages');
    const { status, body } = await graphql(gateway.graphqlUrl, operation.text, { key: 'sandbox-dev-key' });
    expect(body.errors).toBeUndefined();
    expect(status).toBe(200);
    expect(body.data).not.toBeNull();
    const data = body.data as Record<string, unknown>;
    for (const key of rootKeys(operation.definition)) {
      const value = data[key] as Record<string, unknown> | null;
      expect(value, key).not.toBeNull();
      // A list a new user runs should show something: the defaults point at seeded data.
      if (value && 'edges' in value) expect((value.edges as unknown[]).length, `${key}.edges`).toBeGreaterThan(0);
      // Mutations answer a union: only the payload means the write happened.
      if (operation.definition.operation === 'mutation') expect(value?.__typename, key).toBe('SendMessagePayload');
    }
    // The links a page renders work in a browser: one of each kind per operation is enough.
    const byType = new Map(mediaLinks(data).map((link) => [link.contentType, link.url]));
    for (const [contentType, url] of byType) {
      const response = await fetch(url);
      await response.arrayBuffer();
      expect([response.status, response.headers.get('content-type')], url).toEqual([200, contentType]);
    }
    // Each example mutation sends exactly one message upstream (writes are never retried); reads send none.
    const sent = operation.definition.operation === 'mutation' ? rootKeys(operation.definition).length : 0;
    expect(await hoopai.requests('POST /conversations/messages')).toBe(messagesBefore + sent);
  });
});
