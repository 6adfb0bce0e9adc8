import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type GraphQLEnumType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../src/schema/index';
import { DEFAULT_HOOPAI_VERSIONS } from '../src/upstream/hoopai/client';
import { hoopaiEndpoints, type HoopaiRequest } from '../src/upstream/hoopai/endpoints';
import { HOOPAI_UPSTREAM_DIR, HOOPAI_UPSTREAM_MISSING, HOOPAI_UPSTREAM_MISSING_REASON } from './helpers/openapi-validator';

/**
 * What the gateway sends HoopAI, against the official OpenAPI files: every query parameter
 * of a conversation search the schema can produce is one the file documents, with a value
 * it allows; every request names the scope the file's `security` demands; every default
 * `Version` is one the operation lists (or 2021-07-28, which the docs send everywhere).
 */
if (HOOPAI_UPSTREAM_MISSING) console.warn(`upstream-hoopai-spec-parameters: ${HOOPAI_UPSTREAM_MISSING_REASON}`);
const suite = HOOPAI_UPSTREAM_MISSING ? describe.skip : describe;

interface Parameter {
  name: string;
  in: string;
  schema?: { type?: string; enum?: (string | number)[] };
}
interface Operation {
  parameters?: Parameter[];
  security?: Record<string, string[]>[];
}

function operationOf(request: HoopaiRequest): Operation {
  const file = request.family === 'oauth' ? 'oauth' : request.family;
  const document = JSON.parse(readFileSync(path.join(HOOPAI_UPSTREAM_DIR, `openapi/apps/${file}.json`), 'utf8')) as {
    paths: Record<string, Record<string, Operation>>;
  };
  const [method, route] = request.route.split(' ') as [string, string];
  const template = route.replace(/:(\w+)/g, '{$1}');
  const operation = document.paths[template]?.[method.toLowerCase()];
  if (!operation) throw new Error(`${file}.json documents no ${request.route}`);
  return operation;
}

/** Problems of one query value against its documented parameter. */
function refusal(parameter: Parameter | undefined, name: string, value: unknown): string | undefined {
  if (!parameter) return `${name} is not a documented parameter`;
  const allowed = parameter.schema?.enum;
  if (allowed && !allowed.includes(value as string)) return `${name}=${String(value)} is not one of ${allowed.join(', ')}`;
  if (parameter.schema?.type === 'number' && typeof value !== 'number') return `${name} must be a number`;
  return undefined;
}

suite('requests the gateway builds, against the OpenAPI files', () => {
  it('conversation search: every status and page size the schema allows is a documented value', () => {
    const operation = operationOf(hoopaiEndpoints.searchConversations('loc', {}));
    const documented = new Map((operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => [p.name, p]));
    const statuses = (schema.getType('ConversationStatus') as GraphQLEnumType).getValues().map((value) => value.value as string);
    const problems: string[] = [];
    for (const status of [undefined, ...statuses]) {
      for (let first = 0; first <= 100; first++) {
        // As conversation-list.ts builds it: newest first, at least one item, after a cursor's date.
        const params = { contactId: 'c1', status: status as never, sort: 'desc' as const, limit: Math.max(first, 1), startAfterDate: 1_700_000_000_000 };
        const request = hoopaiEndpoints.searchConversations('loc', params);
        for (const [name, value] of Object.entries(request.query ?? {})) {
          if (value === undefined) continue;
          const problem = refusal(documented.get(name), name, value);
          if (problem) problems.push(problem);
        }
      }
    }
    expect([...new Set(problems)]).toEqual([]);
    expect(documented.get('sortBy')?.schema?.enum).toEqual(['last_manual_message_date', 'last_message_date', 'score_profile', 'overdue_at', 'due_at']);
  });

  it('every request names the scope its operation demands and sends a Version it lists', () => {
    const requests = [
      hoopaiEndpoints.getContact('c1'),
      hoopaiEndpoints.searchContacts('loc', { pageLimit: 1 }),
      hoopaiEndpoints.findDuplicateContact('loc', { email: 'a@example.com' }),
      hoopaiEndpoints.createContact('loc', {}),
      hoopaiEndpoints.updateContact('c1', {}),
      hoopaiEndpoints.deleteContact('c1'),
      hoopaiEndpoints.addTags('c1', ['t']),
      hoopaiEndpoints.removeTags('c1', ['t']),
      hoopaiEndpoints.searchConversations('loc', {}),
      hoopaiEndpoints.getConversation('v1'),
      hoopaiEndpoints.getMessages('v1', {}),
      hoopaiEndpoints.sendMessage({ type: 'SMS', contactId: 'c1', message: 'hi' }),
      hoopaiEndpoints.locationToken('cmp', 'loc'),
    ];
    for (const request of requests) {
      const operation = operationOf(request);
      expect(request.oauthScope, request.route).toBe(Object.values(operation.security?.[0] ?? {})[0]?.[0]);
      const versions = operation.parameters?.find((p) => p.in === 'header' && p.name === 'Version')?.schema?.enum ?? [];
      expect([...versions, '2021-07-28'], request.route).toContain(DEFAULT_HOOPAI_VERSIONS[request.family]);
    }
  });
});
