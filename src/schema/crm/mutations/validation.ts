import { type FieldProblem, InputValidationError } from './errors';

/**
 * Input checks made before any upstream call, each reporting the path of the field it
 * refuses; `check` throws every problem of an input at once.
 */

const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
const E164 = /^\+[1-9]\d{6,14}$/;
const MAX_TAG_LENGTH = 64;
const MAX_TAGS = 50;
const MAX_TEXT_LENGTH = 255;
export const MAX_MESSAGE_LENGTH = 4_000;
const MAX_IDEMPOTENCY_KEY_LENGTH = 255;
/** The longest address SMTP can carry (RFC 5321). */
const MAX_EMAIL_LENGTH = 254;
export const MAX_ATTACHMENTS = 10;
export const MAX_URL_LENGTH = 2_048;
const HTTPS_URL = /^https:\/\/\S+$/;

export class InputChecks {
  readonly problems: FieldProblem[] = [];

  private problem(field: string, message: string): void {
    this.problems.push({ field, message });
  }

  email(field: string, value: string | null | undefined): void {
    if (value == null) return;
    if (value.trim().length > MAX_EMAIL_LENGTH) this.problem(field, `must be at most ${MAX_EMAIL_LENGTH} characters`);
    else if (!EMAIL.test(value.trim())) this.problem(field, 'must be an email address, e.g. name@example.com');
  }

  phone(field: string, value: string | null | undefined): void {
    if (value != null && !E164.test(value.trim())) this.problem(field, 'must be a phone number in E.164 form, e.g. +14155550100');
  }

  text(field: string, value: string | null | undefined, maxLength = MAX_TEXT_LENGTH): void {
    if (value != null && value.length > maxLength) this.problem(field, `must be at most ${maxLength} characters`);
  }

  nonEmpty(field: string, value: string | null | undefined, maxLength: number): void {
    if (value == null || value.trim() === '') this.problem(field, 'must not be empty');
    else this.text(field, value, maxLength);
  }

  tags(field: string, tags: readonly string[] | null | undefined, options: { required: boolean }): void {
    if (tags == null) {
      if (options.required) this.problem(field, 'must list at least one tag');
      return;
    }
    if (options.required && tags.length === 0) this.problem(field, 'must list at least one tag');
    if (tags.length > MAX_TAGS) this.problem(field, `must list at most ${MAX_TAGS} tags`);
    tags.forEach((tag, index) => {
      const length = tag.trim().length;
      if (length === 0 || length > MAX_TAG_LENGTH) this.problem(`${field}.${index}`, `must be 1 to ${MAX_TAG_LENGTH} characters`);
    });
  }

  /** Files to attach: https URLs, a bounded number of bounded length. */
  attachments(field: string, urls: readonly string[] | null | undefined): void {
    if (urls == null) return;
    if (urls.length > MAX_ATTACHMENTS) this.problem(field, `must list at most ${MAX_ATTACHMENTS} URLs`);
    urls.forEach((url, index) => {
      if (url.length > MAX_URL_LENGTH) this.problem(`${field}.${index}`, `must be at most ${MAX_URL_LENGTH} characters`);
      else if (!HTTPS_URL.test(url)) this.problem(`${field}.${index}`, 'must be an https URL');
    });
  }

  idempotencyKey(field: string, value: string | null | undefined): void {
    if (value != null && (value.length === 0 || value.length > MAX_IDEMPOTENCY_KEY_LENGTH)) {
      this.problem(field, `must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`);
    }
  }

  require(condition: boolean, field: string, message: string): void {
    if (!condition) this.problem(field, message);
  }

  /** Throws every problem found so far as one InputValidationError. */
  check(): void {
    if (this.problems.length > 0) throw new InputValidationError(this.problems);
  }
}

/** Tags as HoopAI stores them: trimmed, lower case, once each. */
export function normalTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map((tag) => tag.trim().toLowerCase()))];
}
