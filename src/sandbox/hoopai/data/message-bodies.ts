import type { Faker } from '@faker-js/faker';

/**
 * Message texts for the seed. A few mention Hoopr tracks, in the two forms clients must
 * resolve: the `hoopr:track/<slug>` URI and the `https://hoopr.ai/tracks/<slug>` link.
 */

export const HOOPR_TRACK_SLUGS = [
  'midnight-drive', 'monsoon-groove', 'neon-skyline', 'chai-and-chill', 'desert-caravan',
  'bombay-nights', 'electric-dreams', 'lofi-study-session', 'festive-dhol', 'ocean-breeze',
  'urban-pulse', 'golden-hour', 'rainy-day-piano', 'retro-wave', 'wedding-shehnai', 'sunrise-yoga',
];

const INBOUND = [
  'Hi, is the studio free this Saturday?',
  'Can you share the quote for the {event}?',
  'Thanks {user}, that works for us.',
  'We need background music for a 30 second ad. What do you suggest?',
  'Could we move the call to tomorrow evening?',
  'Got the invoice, will pay by Friday.',
  'Do you have something more upbeat?',
  'The client loved the edit! 🎉',
  'Is the licence valid for Instagram and YouTube both?',
  'STOP',
  'Please call me back when you are free.',
  'What are your rates for the {event}?',
];

const OUTBOUND = [
  'Hi {first}, thanks for reaching out! When would you like to book?',
  'Hi {first}, sharing the quote for the {event} shortly.',
  'Your booking for the {event} is confirmed.',
  'Reminder: your session is tomorrow at 11 AM.',
  'Hi {first}, just following up on our last conversation.',
  'Here is the invoice for last month. Let us know if you have questions.',
  'Sure {first}, I have moved the call to tomorrow 6 PM.',
  'Happy to help! Our team will get back to you within a day.',
];

const TRACK_MENTIONS = [
  'Hi {first}, this one fits the brief: https://hoopr.ai/tracks/{slug}',
  'Licensed hoopr:track/{slug} for your campaign, the link is in your inbox.',
  'Can we use https://hoopr.ai/tracks/{slug} for the reel?',
  'Try hoopr:track/{slug} and hoopr:track/{slug2} for the montage.',
];

const EMAIL_SUBJECTS = ['Your quote', 'Booking confirmation', 'Invoice', 'Music options for your {event}', 'Following up'];
const EVENTS = ['wedding reel', 'product launch', 'podcast intro', 'corporate event', 'YouTube series', 'Diwali campaign'];

export interface BodyContext {
  first: string;
  user: string;
}

/** A message text for one direction; about 3 % mention Hoopr tracks. */
export function messageBody(faker: Faker, direction: 'inbound' | 'outbound', ctx: BodyContext): string {
  if (faker.number.float() < 0.03) {
    const [slug, slug2] = faker.helpers.arrayElements(HOOPR_TRACK_SLUGS, 2);
    return fill(faker.helpers.arrayElement(TRACK_MENTIONS), faker, ctx, { slug: slug!, slug2: slug2! });
  }
  return fill(faker.helpers.arrayElement(direction === 'inbound' ? INBOUND : OUTBOUND), faker, ctx);
}

export function emailSubject(faker: Faker, ctx: BodyContext): string {
  return fill(faker.helpers.arrayElement(EMAIL_SUBJECTS), faker, ctx);
}

function fill(template: string, faker: Faker, ctx: BodyContext, extra: Record<string, string> = {}): string {
  const values: Record<string, string> = { ...ctx, event: faker.helpers.arrayElement(EVENTS), ...extra };
  return template.replace(/\{(\w+)\}/g, (placeholder, key: string) => values[key] ?? placeholder);
}
