import { describe, expect, it } from 'vitest';
import type { HttpResponse } from '../src/upstream/http/exchange';
import { UpstreamBadResponseError } from '../src/upstream/index';
import { readConversation, readDeleted, readMessagePage } from '../src/upstream/hoopai/parse';

const route = { route: 'GET /conversations/:conversationId/messages' };
const answer = (body: unknown): HttpResponse => ({ status: 200, headers: {}, body, bodyIsJson: true });
const message = (id: string) => ({ id, body: `message ${id}`, direction: 'inbound', messageType: 'TYPE_SMS' });

describe('HoopAI answer shapes', () => {
  it('reads messages in the live (nested) shape and the OpenAPI (unwrapped) shape alike', () => {
    const nested = readMessagePage(route, answer({ messages: { lastMessageId: 'm2', nextPage: true, messages: [message('m1'), message('m2')] } }));
    const unwrapped = readMessagePage(route, answer({ lastMessageId: 'm2', nextPage: true, messages: [message('m1'), message('m2')] }));
    expect(nested).toEqual(unwrapped);
    expect(nested).toMatchObject({ lastMessageId: 'm2', nextPage: true, messages: [{ id: 'm1' }, { id: 'm2' }] });
  });

  it('falls back to the last message id when the cursor is missing, and to no next page', () => {
    expect(readMessagePage(route, answer({ messages: { messages: [message('m9')] } }))).toEqual({
      lastMessageId: 'm9',
      nextPage: false,
      messages: [message('m9')],
    });
  });

  it('refuses answers without the promised fields', () => {
    expect(() => readMessagePage(route, answer({ messages: { messages: [{ body: 'no id' }] } }))).toThrow(UpstreamBadResponseError);
    expect(() => readConversation(route, answer({ unexpected: true }))).toThrow(UpstreamBadResponseError);
  });

  it('reads the misspelt `succeded` of deletions', () => {
    expect(readDeleted(route, answer({ succeded: true }))).toEqual({ succeeded: true });
    expect(readDeleted(route, answer({ succeded: false }))).toEqual({ succeeded: false });
  });
});
