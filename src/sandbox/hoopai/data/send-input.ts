import { z } from 'zod';
import { SEND_CHANNELS } from './channels';

/**
 * `POST /conversations/messages` (SendMessageBodyDto). The OpenAPI file marks `subType`
 * and `status` required; the live API does not ask for them, and neither does the sandbox.
 */
export const sendMessageBody = z
  .object({
    type: z.enum(Object.keys(SEND_CHANNELS) as [string, ...string[]]),
    contactId: z.string().min(1),
    message: z.string().optional(),
    html: z.string().optional(),
    subject: z.string().optional(),
    attachments: z.array(z.string()).optional(),
    emailFrom: z.string().optional(),
    emailTo: z.string().email().optional(),
    emailCc: z.array(z.string().email()).optional(),
    emailBcc: z.array(z.string().email()).optional(),
    emailReplyMode: z.enum(['reply', 'reply_all']).optional(),
    replyMessageId: z.string().optional(),
    threadId: z.string().optional(),
    templateId: z.string().optional(),
    appointmentId: z.string().optional(),
    conversationProviderId: z.string().optional(),
    customSubtypeId: z.string().optional(),
    fromNumber: z.string().optional(),
    toNumber: z.string().optional(),
    subType: z.unknown().optional(),
    status: z.enum(['delivered', 'failed', 'pending', 'read']).optional(),
    /** UTC seconds; a future time stores the message as `scheduled` instead of sending it. */
    scheduledTimestamp: z.number().int().min(0).optional(),
  })
  .strict()
  .superRefine((body, ctx) => {
    const hasAttachments = (body.attachments?.length ?? 0) > 0;
    if (body.type === 'Email') {
      if (!body.html?.trim() && !body.message?.trim()) ctx.addIssue({ code: 'custom', path: ['message'], message: 'html or message should not be empty' });
    } else if (!body.message?.trim() && !hasAttachments) {
      ctx.addIssue({ code: 'custom', path: ['message'], message: 'message should not be empty' });
    }
  });
