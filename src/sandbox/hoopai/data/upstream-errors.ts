import { HttpError } from '../../common/http-error';

/** The upstream's error bodies (OpenAPI common schemas: BadRequestDTO, UnprocessableDTO). */

export function badRequest(message: string, extra: Record<string, unknown> = {}): HttpError {
  return new HttpError(400, { statusCode: 400, message, ...extra });
}

/** Validation failures: one message per problem, class-validator style (`email must be an email`). */
export function unprocessable(messages: string[]): HttpError {
  return new HttpError(422, { statusCode: 422, message: messages, error: 'Unprocessable Entity' });
}

/** Unknown ids answer 400, not 404, as the live API does for contacts; conversations follow suit. */
export function unknownContact(contactId: string): HttpError {
  return badRequest(`Contact with id ${contactId} not found`);
}

export function unknownConversation(conversationId: string): HttpError {
  return badRequest(`Conversation with id ${conversationId} not found`);
}
