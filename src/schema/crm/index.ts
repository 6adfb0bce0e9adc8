/** The HoopAI CRM in the public schema: contacts, conversations and messages, per location. */
import './enums';
import './contact';
import './contact-list';
import './conversation';
import './conversation-list';
import './message';
import './message-list';
import './mutations/index';
import './message-tracks';
import './live/index';
