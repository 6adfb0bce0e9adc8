import { ErrorCode, gatewayError } from '../../errors';
import { decodeGlobalIdOf } from '../global-id';

/**
 * HoopAI objects live in one location each, and the upstream only answers with that
 * location's credentials, so their global ids carry it: the payload is
 * `<locationId>:<id>` (messages: `<locationId>:<conversationId>:<messageId>`). HoopAI ids
 * are alphanumeric and never hold a colon. The location in an id is a claim, not a proof:
 * it picks the credentials and is checked against the caller, and objects the upstream
 * places elsewhere are treated as missing.
 */

export interface LocatedId {
  locationId: string;
  rawId: string;
}

export interface LocatedMessageId extends LocatedId {
  conversationId: string;
}

const PART = /^[A-Za-z0-9_-]{1,64}$/;

export function locatedPayload(locationId: string, ...ids: string[]): string {
  return [locationId, ...ids].join(':');
}

/** The parts of a payload, or undefined when it is not `count` well-formed ids. */
function payloadParts(payload: string, count: number): string[] | undefined {
  const parts = payload.split(':');
  return parts.length === count && parts.every((part) => PART.test(part)) ? parts : undefined;
}

export function parseLocatedId(payload: string): LocatedId | undefined {
  const parts = payloadParts(payload, 2);
  return parts && { locationId: parts[0]!, rawId: parts[1]! };
}

export function parseLocatedMessageId(payload: string): LocatedMessageId | undefined {
  const parts = payloadParts(payload, 3);
  return parts && { locationId: parts[0]!, conversationId: parts[1]!, rawId: parts[2]! };
}

/** The location and raw id inside a `typename` global id argument; BAD_USER_INPUT otherwise. */
export function decodeLocatedId(typename: 'Contact' | 'Conversation', globalId: string, argument = 'id'): LocatedId {
  const located = parseLocatedId(decodeGlobalIdOf(typename, globalId, argument));
  if (!located) throw notOurId(typename, globalId, argument);
  return located;
}

function notOurId(typename: string, globalId: string, argument: string) {
  return gatewayError(ErrorCode.BAD_USER_INPUT, `\`${argument}\` must be the id of a ${typename}, but "${globalId}" is not.`);
}
