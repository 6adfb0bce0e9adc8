/** Live updates of the CRM: subscriptions by location, served over GraphQL over SSE (src/server/plugins/use-subscription-events.ts). */
import { builder } from '../../../builder';
import './message-received';
import './conversation-updated';
import './contact-changed';

builder.subscriptionType({ description: 'Live updates, by location, from the moment of subscribing (GraphQL over SSE: `accept: text/event-stream`).' });
