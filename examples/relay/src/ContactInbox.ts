import { graphql } from 'react-relay';

/** A contact's conversations, newest first: a CRM connection nested in a Node, paged forwards only. */
export const ContactInboxQuery = graphql`
  query ContactInboxQuery($id: ID!) {
    contact(id: $id) {
      name
      ...ContactConversations_contact
    }
  }
`;

export const ContactConversationsFragment = graphql`
  fragment ContactConversations_contact on Contact
  @refetchable(queryName: "ContactConversationsPaginationQuery")
  @argumentDefinitions(count: { type: "Int", defaultValue: 10 }, cursor: { type: "String" }) {
    conversations(first: $count, after: $cursor) @connection(key: "ContactConversations_conversations") {
      edges {
        node {
          id
          type
          unreadCount
          lastMessageBody
          lastMessageDate
        }
      }
    }
  }
`;
