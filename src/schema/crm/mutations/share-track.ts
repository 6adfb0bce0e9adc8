import { GraphQLError } from 'graphql';
import { builder } from '../../../builder';
import type { Context } from '../../../context';
import type { HooprTrack } from '../../../upstream/index';
import { catalogReadDenial, isNotFound } from '../../catalog/access';
import { catalogLoaders } from '../../catalog/loaders';
import { decodeGlobalIdOf } from '../../global-id';
import { publicTrackLink } from '../track-mentions';
import { mutationErrors, ObjectNotFoundError, UpstreamFailureError } from './errors';
import { oncePerKey } from './idempotent';
import { MessageChannelEnum, SendMessagePayload, checkOutgoing, send, sentSince } from './message-mutations';
import { locatedIdIn, mutating, requireWriteAccess } from './mutation-support';
import { InputChecks, MAX_MESSAGE_LENGTH } from './validation';

const ShareTrackInput = builder.inputType('ShareTrackInput', {
  description: 'A Hoopr track to send to a contact: the message carries the track name and its public link.',
  fields: (t) => ({
    contactId: t.id({ required: true, description: 'The Contact to write to.' }),
    trackId: t.id({ required: true, description: 'The Track to share.' }),
    channel: t.field({ type: MessageChannelEnum, required: true, description: 'The channel.' }),
    note: t.string({ description: 'Text before the track line, e.g. "This one fits your reel:".' }),
    idempotencyKey: t.string({ description: 'Any unique string: the same key within 24 h returns the first result instead of sending again.' }),
  }),
});

/** `<note>\n\n<track name> — <link>`: the link is what Message.tracks reads back. */
export function shareText(track: Pick<HooprTrack, 'name' | 'slug'>, note: string | null | undefined): string {
  const line = `${track.name} — ${publicTrackLink(track.slug)}`;
  return note?.trim() ? `${note.trim()}\n\n${line}` : line;
}

builder.mutationField('shareTrack', (t) =>
  t.field({
    type: SendMessagePayload,
    description:
      'Send a contact a Hoopr track: its name and public link, after an optional note. Needs crm:write and catalog:read. A track that does not exist is NotFoundError.',
    errors: mutationErrors('shareTrack'),
    args: { input: t.arg({ type: ShareTrackInput, required: true, description: 'Which track to share with which contact, on which channel.' }) },
    resolve: async (_, { input }, ctx) => {
      const checks = new InputChecks();
      const contact = locatedIdIn(checks, 'input.contactId', 'Contact', String(input.contactId));
      const trackId = rawTrackId(checks, String(input.trackId));
      checks.text('input.note', input.note, MAX_MESSAGE_LENGTH - 200);
      checks.idempotencyKey('input.idempotencyKey', input.idempotencyKey);
      checks.check();
      const { locationId, rawId } = contact!;
      requireWriteAccess(ctx, locationId, catalogReadDenial(ctx));
      const track = await trackToShare(ctx, trackId!, String(input.trackId));
      const outgoing = { channel: input.channel, message: shareText(track, input.note) };
      const sendChecks = new InputChecks();
      checkOutgoing(sendChecks, outgoing);
      sendChecks.check();
      return mutating(String(input.contactId), () =>
        oncePerKey(ctx, 'shareTrack', locationId, input.idempotencyKey, input, () => send(ctx, locationId, rawId, outgoing), sentSince(ctx, locationId, rawId, outgoing)),
      );
    },
  }),
);

function rawTrackId(checks: InputChecks, globalId: string): string | undefined {
  try {
    return decodeGlobalIdOf('Track', globalId, 'input.trackId');
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    checks.require(false, 'input.trackId', 'must be the id of a Track, as this API returned it');
    return undefined;
  }
}

/** The track, through the catalog loaders; catalog failures become this mutation's typed errors. */
async function trackToShare(ctx: Context, rawId: string, globalId: string): Promise<HooprTrack> {
  try {
    return await catalogLoaders(ctx).track.load(rawId);
  } catch (error) {
    if (isNotFound(error)) throw new ObjectNotFoundError(globalId);
    if (error instanceof GraphQLError && typeof error.extensions.code === 'string' && error.extensions.upstream !== undefined) {
      const retryAfterMs = typeof error.extensions.retryAfterMs === 'number' ? error.extensions.retryAfterMs : null;
      throw new UpstreamFailureError(error.extensions.code, error.message, retryAfterMs, false);
    }
    throw error;
  }
}
