import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import { ErrorCode } from '../../errors';
import type { WebhookReceiver } from '../webhooks/webhook-receiver';

export const HOOPAI_WEBHOOK_PATH = '/webhooks/hoopai';

/**
 * Serves `POST /webhooks/hoopai` beside `/graphql`, before any GraphQL processing (no caller
 * key, no document): the receiver reads the raw body itself. Other methods get 405. A
 * failure the receiver did not expect (a body that broke off mid-read) is a 503 with
 * Retry-After, so HoopAI delivers again; never a 500 or a stack trace.
 */
export function useHoopaiWebhooks(receiver: WebhookReceiver, logger?: Logger): Plugin {
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname !== HOOPAI_WEBHOOK_PATH) return;
      if (request.method !== 'POST') {
        endResponse(new fetchAPI.Response(null, { status: 405, headers: { allow: 'POST' } }));
        return;
      }
      try {
        endResponse(await receiver.receive(request));
      } catch (error) {
        logger?.error({ err: error }, 'a HoopAI webhook delivery could not be received');
        endResponse(
          fetchAPI.Response.json(
            { errors: [{ message: 'The delivery could not be received: deliver it again later.', extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } }] },
            { status: 503, headers: { 'retry-after': '5', 'cache-control': 'no-store' } },
          ),
        );
      }
    },
  };
}
