// The approvals engine's domain events, declared into core's DomainEvents (core knows no domain): asking a
// step's approvers (mail reads it to send each a signed link) and an approval's outcome (the change domain
// reads it for CAB decisions; the engine itself moves a ticket in the same transaction).

/** What is approved (approvals.ts ApprovalSubjectType; spelt out here so the two files do not import each other). */
export type ApprovalSubjectType = 'ticket' | 'change';

declare module '../core/events.js' {
  interface DomainEvents {
    /** A step's approvers are asked now (each step of a parallel plan at once; in sequence, one by one). */
    'approval.requested': {
      approvalId: number;
      subjectType: ApprovalSubjectType;
      subjectId: number;
      step: number;
      approverIds: number[];
    };
    /** The approval reached its outcome; reason: the rejecting approver's comment. */
    'approval.decided': {
      approvalId: number;
      subjectType: ApprovalSubjectType;
      subjectId: number;
      outcome: 'approved' | 'rejected';
      reason: string | null;
      decidedById: number;
    };
  }
}
