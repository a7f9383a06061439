// The vendors domain's events, declared into core's DomainEvents: a renewal's notice deadline coming up (the
// reminders job), a request for quotes written by hand, and an award (the purchase committed to its budget line).
// Webhooks, mail and the live stream read them.
declare module '../core/events.js' {
  interface DomainEvents {
    /** Raised once per notice deadline, `remindDays` before it. */
    'contract.renewal_due': {
      contractId: number;
      vendorId: number;
      vendorName: string;
      title: string;
      action: 'renews' | 'expires';
      noticeDeadline: string;
      termEnd: string;
      /** The fiscal year the next term starts in (its costs land there). */
      fiscalYear: number;
    };
    'quote_request.created': { quoteRequestId: number; proposalId: number | null; what: string };
    'quote_request.awarded': {
      quoteRequestId: number;
      quoteId: number;
      vendorId: number;
      amountMinor: number;
      currency: string;
      budgetLineId: number | null;
      budgetEntryId: number | null;
    };
  }
}

export {};
