import { SANDBOX_DEV_KEY } from '../auth/sandbox-keys';

/** What a frontend developer sees first in GraphiQL: a query that works and explains itself. */
export const DEFAULT_QUERY = `# Welcome to the Hoop gateway: one graph over the Hoopr catalog and the HoopAI CRM.
# Press the run button (or Ctrl-Enter) to see who you are.
query Viewer {
  viewer {
    __typename
    name
    scopes
    catalogMode
    locations {
      id
      name
    }
  }
}
`;

/** GraphiQL's header editor: pre-filled with the development key in sandbox mode only. */
export function graphiqlHeaders(sandbox: boolean): string {
  return sandbox ? JSON.stringify({ Authorization: `Bearer ${SANDBOX_DEV_KEY}` }, null, 2) : '{}';
}
