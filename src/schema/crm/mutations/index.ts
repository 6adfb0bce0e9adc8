/** CRM writes: each takes one `input` and answers its payload or a typed error. */
import { builder } from '../../../builder';
import './errors';
import './contact-mutations';
import './tag-mutations';
import './message-mutations';
import './share-track';

builder.mutationType({ description: 'The root of every write.' });
