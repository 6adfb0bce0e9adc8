import type { SecretRegistry } from '../../logger';
import type { AuthorizedCaller } from '../http/authorized-caller';
import type { CallOptions } from '../http/call-scope';
import type { HttpResponse } from '../http/exchange';
import { errorForStatus } from '../http/upstream-body';
import { hoopaiEndpoints, type HoopaiFamily, type HoopaiRequest } from './endpoints';
import {
  readContact,
  readContactSearch,
  readDuplicateContact,
  readConversation,
  readConversationSearch,
  readDeleted,
  readMessagePage,
  readSendResult,
  readTags,
} from './parse';
import type {
  Contact,
  ContactInput,
  ContactSearchParams,
  ContactSearchResult,
  Conversation,
  ConversationSearchParams,
  ConversationSearchResult,
  MessageListParams,
  MessagePage,
  SendMessageInput,
  SendMessageResult,
} from './types';

/** `Version` header value per endpoint family (FACTS.md: the OpenAPI files disagree with the docs). */
export type HoopaiVersions = Record<HoopaiFamily, string>;

export const DEFAULT_HOOPAI_VERSIONS: HoopaiVersions = { contacts: '2021-07-28', conversations: '2021-07-28', oauth: '2021-07-28' };

/**
 * Typed HoopAI calls. Each takes the `locationId` whose credentials and rate-limit bucket
 * it uses (the upstream answers 403 when the resource belongs to another location), and
 * `{signal, deadline}`. Failures are UpstreamErrors with stable codes.
 */
export class HoopaiClient {
  constructor(
    private readonly caller: AuthorizedCaller,
    private readonly versions: HoopaiVersions,
    private readonly secrets: SecretRegistry,
  ) {}

  async getContact(locationId: string, contactId: string, options: CallOptions = {}): Promise<Contact> {
    const request = hoopaiEndpoints.getContact(contactId);
    return readContact(request, await this.call(locationId, request, options));
  }

  async searchContacts(locationId: string, params: ContactSearchParams, options: CallOptions = {}): Promise<ContactSearchResult> {
    const request = hoopaiEndpoints.searchContacts(locationId, params);
    return readContactSearch(request, await this.call(locationId, request, options));
  }

  async findDuplicateContact(locationId: string, match: { email?: string; phone?: string }, options: CallOptions = {}): Promise<Contact | undefined> {
    const request = hoopaiEndpoints.findDuplicateContact(locationId, match);
    return readDuplicateContact(request, await this.call(locationId, request, options));
  }

  async createContact(locationId: string, input: ContactInput, options: CallOptions = {}): Promise<Contact> {
    const request = hoopaiEndpoints.createContact(locationId, input);
    return readContact(request, await this.call(locationId, request, options));
  }

  /** Note: `input.tags` replaces every tag; use addTags/removeTags to change some. */
  async updateContact(locationId: string, contactId: string, input: ContactInput, options: CallOptions = {}): Promise<Contact> {
    const request = hoopaiEndpoints.updateContact(contactId, input);
    return readContact(request, await this.call(locationId, request, options));
  }

  async deleteContact(locationId: string, contactId: string, options: CallOptions = {}): Promise<{ succeeded: boolean }> {
    const request = hoopaiEndpoints.deleteContact(contactId);
    return readDeleted(request, await this.call(locationId, request, options));
  }

  async addTags(locationId: string, contactId: string, tags: readonly string[], options: CallOptions = {}): Promise<{ tags: string[] }> {
    const request = hoopaiEndpoints.addTags(contactId, tags);
    return readTags(request, await this.call(locationId, request, options));
  }

  async removeTags(locationId: string, contactId: string, tags: readonly string[], options: CallOptions = {}): Promise<{ tags: string[] }> {
    const request = hoopaiEndpoints.removeTags(contactId, tags);
    return readTags(request, await this.call(locationId, request, options));
  }

  async searchConversations(
    locationId: string,
    params: ConversationSearchParams = {},
    options: CallOptions = {},
  ): Promise<ConversationSearchResult> {
    const request = hoopaiEndpoints.searchConversations(locationId, params);
    return readConversationSearch(request, await this.call(locationId, request, options));
  }

  async getConversation(locationId: string, conversationId: string, options: CallOptions = {}): Promise<Conversation> {
    const request = hoopaiEndpoints.getConversation(conversationId);
    return readConversation(request, await this.call(locationId, request, options));
  }

  async getMessages(locationId: string, conversationId: string, params: MessageListParams = {}, options: CallOptions = {}): Promise<MessagePage> {
    const request = hoopaiEndpoints.getMessages(conversationId, params);
    return readMessagePage(request, await this.call(locationId, request, options));
  }

  /** Sent at most once: a failure after the request may have left is reported, never retried. */
  async sendMessage(locationId: string, input: SendMessageInput, options: CallOptions = {}): Promise<SendMessageResult> {
    const request = hoopaiEndpoints.sendMessage(input);
    return readSendResult(request, await this.call(locationId, request, options));
  }

  /** A 2xx answer, or the UpstreamError for any other. */
  private async call(locationId: string, request: HoopaiRequest, options: CallOptions): Promise<HttpResponse> {
    const versioned = { ...request, headers: { ...request.headers, Version: this.versions[request.family] } };
    const response = await this.caller.call(locationId, versioned, options);
    if (response.status >= 200 && response.status < 300) return response;
    throw errorForStatus(response, {
      upstream: 'hoopai',
      route: request.route,
      secrets: this.secrets,
      notFoundStatuses: request.notFoundStatuses,
    });
  }
}
