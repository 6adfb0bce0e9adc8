import type { Plugin } from 'graphql-yoga';
import type { WebhookReceiver } from '../webhooks/webhook-receiver';

export const HOOPAI_WEBHOOK_PATH = '/webhooks/hoopai';

/**
 * Serves `POST /webhooks/hoopai` beside `/graphql`, before any GraphQL processing (no caller
 * key, no document): the receiver reads the raw body itself. Other methods get 405.
 */
export function useHoopaiWebhooks(receiver: WebhookReceiver): Plugin {
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname !== HOOPAI_WEBHOOK_PATH) return;
      if (request.method !== 'POST') {
        endResponse(new fetchAPI.Response(null, { status: 405, headers: { allow: 'POST' } }));
        return;
      }
      endResponse(await receiver.receive(request));
    },
  };
}
