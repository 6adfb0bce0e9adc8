import type { HttpResponse } from '../http/exchange';
import { badShape, isRecord, traceIdOf } from '../http/upstream-body';
import type {
  Contact,
  ContactSearchResult,
  Conversation,
  ConversationSearchResult,
  Message,
  MessagePage,
  SearchContact,
  SendMessageResult,
} from './types';

/**
 * Checks that a 2xx HoopAI body has the shape its route promises before handing it on
 * typed: the fields the gateway relies on must be there; the rest is passed as sent.
 */

type Route = { route: string };

function fail(context: Route, response: HttpResponse, what: string): never {
  throw badShape({ upstream: 'hoopai', route: context.route }, response, what);
}

function hasId(value: unknown): value is Record<string, unknown> & { id: string } {
  return isRecord(value) && typeof value.id === 'string';
}

function listOf<T>(context: Route, response: HttpResponse, value: unknown, what: string): T[] {
  if (!Array.isArray(value) || !value.every(hasId)) fail(context, response, `${what} is not a list of objects with ids`);
  return value as T[];
}

/** `{contact}` answers (get, create, update). */
export function readContact(context: Route, response: HttpResponse): Contact {
  const body = response.body;
  if (!isRecord(body) || !hasId(body.contact)) fail(context, response, 'answer has no contact');
  return body.contact as unknown as Contact;
}

/** `GET /contacts/search/duplicate`: `{contact}`, or no contact (null or left out) when none matches. */
export function readDuplicateContact(context: Route, response: HttpResponse): Contact | undefined {
  const body = response.body;
  if (!isRecord(body)) fail(context, response, 'answer is not an object');
  if (body.contact === null || body.contact === undefined) return undefined;
  if (!hasId(body.contact)) fail(context, response, 'answer has a contact without an id');
  return body.contact as unknown as Contact;
}

export function readContactSearch(context: Route, response: HttpResponse): ContactSearchResult {
  const body = response.body;
  if (!isRecord(body)) fail(context, response, 'answer is not an object');
  const contacts = listOf<SearchContact>(context, response, body.contacts, 'contacts');
  return { contacts, total: typeof body.total === 'number' ? body.total : contacts.length, traceId: traceIdOf(response) };
}

/** `DELETE /contacts/:id` answers `{succeded}` (sic). */
export function readDeleted(context: Route, response: HttpResponse): { succeeded: boolean } {
  const body = response.body;
  if (!isRecord(body)) fail(context, response, 'answer is not an object');
  return { succeeded: body.succeded === true || body.succeeded === true };
}

export function readTags(context: Route, response: HttpResponse): { tags: string[] } {
  const body = response.body;
  if (!isRecord(body) || !Array.isArray(body.tags)) fail(context, response, 'answer has no tags');
  return { tags: body.tags.filter((tag): tag is string => typeof tag === 'string') };
}

export function readConversationSearch(context: Route, response: HttpResponse): ConversationSearchResult {
  const body = response.body;
  if (!isRecord(body)) fail(context, response, 'answer is not an object');
  const conversations = listOf<ConversationSearchResult['conversations'][number]>(context, response, body.conversations, 'conversations');
  return { conversations, total: typeof body.total === 'number' ? body.total : conversations.length, traceId: traceIdOf(response) };
}

/** `GET /conversations/:id` answers the conversation itself (sometimes wrapped as `{conversation}`). */
export function readConversation(context: Route, response: HttpResponse): Conversation {
  const body = response.body;
  const conversation = isRecord(body) && hasId(body.conversation) ? body.conversation : body;
  if (!hasId(conversation)) fail(context, response, 'answer has no conversation');
  return conversation as unknown as Conversation;
}

/**
 * Messages come nested in the live API (`{messages: {lastMessageId, nextPage, messages}}`)
 * and unwrapped in the OpenAPI file (`{lastMessageId, nextPage, messages}`); both are read.
 */
export function readMessagePage(context: Route, response: HttpResponse): MessagePage {
  const body = response.body;
  if (!isRecord(body)) fail(context, response, 'answer is not an object');
  const page = isRecord(body.messages) ? body.messages : body;
  const messages = listOf<Message>(context, response, page.messages, 'messages');
  return {
    lastMessageId: typeof page.lastMessageId === 'string' ? page.lastMessageId : messages.at(-1)?.id,
    nextPage: page.nextPage === true,
    messages,
  };
}

export function readSendResult(context: Route, response: HttpResponse): SendMessageResult {
  const body = response.body;
  if (!isRecord(body) || typeof body.conversationId !== 'string') fail(context, response, 'answer has no conversationId');
  return body as unknown as SendMessageResult;
}
