// Inhibition (Alertmanager's inhibit_rules): while an alert matching a rule's source_matchers fires, alerts
// matching its target_matchers with the same values of the `equal` labels (absent counts as empty on both sides)
// are muted. An alert never inhibits itself.

import { type Alert, isFiring, type MuteReason, type Muter } from './alert-model.js';
import type { CompiledInhibitRule } from './alert-routing.js';

export class Inhibitor implements Muter {
  /** The firing alerts each rule's source matchers select. */
  private readonly sources: Alert[][];

  constructor(
    private readonly rules: readonly CompiledInhibitRule[],
    firing: readonly Alert[],
    atMs: number,
  ) {
    this.sources = rules.map((r) =>
      firing.filter((a) => isFiring(a, atMs) && r.source.every((m) => m.test(a.labels))),
    );
  }

  mutes(alert: Alert): MuteReason | null {
    const by = new Set<string>();
    this.rules.forEach((rule, i) => {
      if (!rule.target.every((m) => m.test(alert.labels))) return;
      for (const source of this.sources[i]!) {
        if (source.fingerprint === alert.fingerprint) continue;
        if (rule.equal.every((n) => (source.labels[n] ?? '') === (alert.labels[n] ?? '')))
          by.add(source.fingerprint);
      }
    });
    return by.size > 0 ? { kind: 'inhibited', by: [...by].sort() } : null;
  }
}
