// The domain events monitoring records: a check's state changed, an alert fired or resolved.
import type { CheckState } from './check-model.js';

export interface CheckStateChanged {
  checkId: number;
  targetId: number;
  from: CheckState;
  to: CheckState;
  message: string;
  /** Epoch milliseconds. */
  at: number;
}

export interface AlertEvent {
  /** The alert's fingerprint: a hash of its label set. */
  fingerprint: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Epoch milliseconds. */
  startsAt: number;
  endsAt: number | null;
  targetId: number | null;
}

declare module '../core/events.js' {
  interface DomainEvents {
    'check.state_changed': CheckStateChanged;
    'alert.firing': AlertEvent;
    'alert.resolved': AlertEvent;
  }
}
