// Upgrade proposals' domain events, declared into core's DomainEvents: a proposal written (by a source or a
// person), edited, decided, and back from its deferral. Webhooks and the live stream read them.
import type { ProposalSource, ProposalStatus } from '../core/db/index.js';

declare module '../core/events.js' {
  interface DomainEvents {
    'proposal.created': {
      proposalId: number;
      source: ProposalSource;
      targetId: number | null;
      title: string;
    };
    /** Its text, cost or due date changed (by a person, or a source that refreshed its evidence). */
    'proposal.updated': { proposalId: number; fields: string[] };
    'proposal.decided': {
      proposalId: number;
      status: ProposalStatus;
      reason: string | null;
      deferredUntil: string | null;
      changeId: number | null;
      quoteRequestId: number | null;
    };
    /** A deferral ran out: it is proposed again. */
    'proposal.returned': { proposalId: number };
  }
}
