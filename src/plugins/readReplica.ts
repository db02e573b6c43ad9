import { ApolloServerPlugin } from '@apollo/server';
import { ContentChanges } from '../cache/contentChanges';
import { Context } from '../context';

/**
 * How long after a content change (in any process) queries still read the primary. Readers asking
 * right after an edit refill the caches (cache/caches.ts): from a replica that has not applied the
 * edit yet, they would keep the old content for the caches' lifetime, not just the replica's lag.
 * Longer than replicas usually lag; edits are rare, so the primary barely notices.
 */
export const PRIMARY_AFTER_CHANGE_MS = 5000;

/**
 * Marks the request of a GraphQL query so that its reads go to a read replica when there are any
 * (db/replication.ts). Mutations are never marked: they write on the primary, read what they need
 * there and return data from it, so a caller always sees its own change in a mutation's answer.
 * Queries of key holders are marked too (they are reads like any other): an editor's query right
 * after an edit may miss it for the replica's lag, unless it falls within PRIMARY_AFTER_CHANGE_MS.
 * Authentication happens before this (context creation) and so always on the primary: a new or
 * revoked key takes effect at once.
 */
export function readReplicaPlugin(contentChanges?: Pick<ContentChanges, 'onChange'>, primaryAfterChangeMs = PRIMARY_AFTER_CHANGE_MS): ApolloServerPlugin<Context> {
  let primaryUntil = -Infinity;
  contentChanges?.onChange(() => {
    primaryUntil = Date.now() + primaryAfterChangeMs;
  });
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, contextValue }) {
          if (operation?.operation === 'query' && Date.now() >= primaryUntil) contextValue.sql.readsFromReplica = true;
        },
      };
    },
  };
}
