// The assets domain's events, declared into core's DomainEvents: the lifecycle reminders the hourly job raises
// (a warranty or an end of life coming up, a licence over-assigned or expiring — each once per asset and date),
// and a repair or a replacement started from a ticket. Webhooks, mail and the live stream read them.
declare module '../core/events.js' {
  interface DomainEvents {
    /** Raised once per warranty end, `OPSDESK_ASSET_REMINDER_DAYS` before it. */
    'asset.warranty_ending': {
      assetId: number;
      name: string;
      manufacturer: string;
      model: string;
      /** YYYY-MM-DD */
      warrantyEnd: string;
      daysLeft: number;
    };
    /** Raised once per end-of-life date, `OPSDESK_ASSET_REMINDER_DAYS` before it. */
    'asset.end_of_life': {
      assetId: number;
      name: string;
      manufacturer: string;
      model: string;
      endOfLife: string;
      daysLeft: number;
    };
    /** Raised once per seat count a licence is over-assigned at. */
    'licence.over_assigned': { assetId: number; name: string; seats: number; used: number };
    /** Raised once per expiry date, `OPSDESK_ASSET_REMINDER_DAYS` before it. */
    'licence.expiring': { assetId: number; name: string; expiresOn: string; daysLeft: number };
    'asset.repair_started': {
      assetId: number;
      repairId: number;
      ticketId: number | null;
      kind: 'in_house' | 'vendor_rma';
      vendorId: number | null;
      loanerAssetId: number | null;
    };
    'asset.repair_closed': {
      assetId: number;
      repairId: number;
      outcome: 'repaired' | 'unrepairable';
      costMinor: number | null;
      currency: string | null;
      /** The repair's loaner, back in stock with the repair closed (null: none, or no longer on this loan). */
      loanerReturnedId: number | null;
    };
    'asset.replacement_requested': { assetId: number; ticketId: number; quoteRequestId: number };
  }
}

export {};
