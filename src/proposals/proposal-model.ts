// What an upgrade proposal is made of, shared by its sources and its reads: the typed evidence (a metric chart,
// tickets, incidents, problems), the forecast behind a capacity proposal, the cost estimate, and the bounds and
// checks of each. Pure: no database.
import type {
  ProposalCostSource,
  ProposalResource,
  ProposalSource,
  ProposalStatus,
  QuoteRequestStatus,
} from '../core/db/index.js';
import { type FieldError, Invalid } from '../core/errors.js';
import type { ProposalDecision } from './proposal-states.js';

export const proposalResources: readonly ProposalResource[] = [
  'disk',
  'memory',
  'cpu',
  'network',
  'hardware',
  'other',
];
export const proposalSources: readonly ProposalSource[] = ['capacity', 'problem', 'warranty', 'manual'];

export const proposalLimits = {
  title: 200,
  detail: 200,
  what: 2_000,
  summary: 2_000,
  reason: 2_000,
  evidence: 50,
  query: 2_000,
  label: 200,
  quantity: 100_000,
  spec: 4_000,
  /** A cost up to a billion in major units (minor units: ×100). */
  costMinorMax: 100_000_000_000,
  /** A due date or a deferral within a century of the epoch's usual range. */
  maxTime: 4_102_444_800_000,
} as const;

/** One piece of evidence: a metric chart (a PromQL range query), or a ticket, incident or problem by id. */
export type ProposalEvidence =
  | { kind: 'metric'; label: string; query: string; from: number; to: number }
  | { kind: 'ticket'; id: number }
  | { kind: 'incident'; id: number }
  | { kind: 'problem'; id: number };

export type EvidenceKind = ProposalEvidence['kind'];
export const evidenceKinds: readonly EvidenceKind[] = ['metric', 'ticket', 'incident', 'problem'];

/** Evidence as read back: a linked record's title (null: it no longer exists). */
export type ShownEvidence =
  | (Extract<ProposalEvidence, { kind: 'metric' }> & { title: string })
  | (Exclude<ProposalEvidence, { kind: 'metric' }> & { title: string | null });

/** The forecast behind a capacity proposal, as the capacity report gave it (times epoch ms). */
export interface ProposalForecast {
  crossesAt: number;
  earliest: number | null;
  latest: number | null;
  headroom: number;
  threshold: number;
  query: string;
}

/**
 * An estimated cost in minor units with its ISO 4217 currency. Its source is 'manual' (typed in) until the vendors
 * issue brings quotes and budget lines: they add their sources here and fill the estimate from a quote.
 */
export interface ProposalCost {
  amountMinor: number;
  currency: string;
  source: ProposalCostSource;
}

export interface QuoteRequest {
  id: number;
  proposalId: number;
  what: string;
  quantity: number;
  spec: string;
  /** Open when the approval raised it; the vendors domain moves it on (quoted, awarded, cancelled). */
  status: QuoteRequestStatus;
  createdAt: number;
}

export interface Proposal {
  id: number;
  title: string;
  source: ProposalSource;
  /** The subject: a monitoring target (null: deleted since; subjectName keeps its name). */
  targetId: number | null;
  subjectName: string;
  resource: ProposalResource;
  detail: string;
  what: string;
  summary: string;
  evidence: ShownEvidence[];
  forecast: ProposalForecast | null;
  dueAt: number | null;
  /** A person set the due date: a moving forecast leaves it. */
  dueByHand: boolean;
  cost: ProposalCost | null;
  status: ProposalStatus;
  deferredUntil: number | null;
  decisionReason: string | null;
  decidedBy: number | null;
  decidedByName: string | null;
  decidedAt: number | null;
  problemId: number | null;
  changeId: number | null;
  quoteRequest: QuoteRequest | null;
  createdBy: number | null;
  createdAt: number;
  updatedAt: number;
  allowedDecisions: readonly ProposalDecision[];
}

const isCurrency = (c: string) => /^[A-Z]{3}$/.test(c);

/** The fields of one bad input, as Invalid wants them. */
export function invalidFields(fields: FieldError[]): Invalid {
  return new Invalid('validation_failed', `${fields[0].field.slice(1)}: ${fields[0].message}`, fields);
}

export function checkTime(fields: FieldError[], field: string, v: number | null | undefined): void {
  if (v === undefined || v === null) return;
  if (!Number.isSafeInteger(v) || v < 0 || v > proposalLimits.maxTime)
    fields.push({ field, message: 'must be a time between 1970 and 2100' });
}

export function checkText(
  fields: FieldError[],
  field: string,
  v: string | undefined,
  max: number,
  required = false,
): string | undefined {
  if (v === undefined) return undefined;
  const t = v.trim();
  if ((required && t.length === 0) || t.length > max)
    fields.push({ field, message: required ? `must be 1–${max} characters` : `at most ${max} characters` });
  return t;
}

export function checkCost(
  fields: FieldError[],
  cost: { amountMinor: number; currency: string } | null | undefined,
): void {
  if (cost === undefined || cost === null) return;
  if (
    !Number.isSafeInteger(cost.amountMinor) ||
    cost.amountMinor < 0 ||
    cost.amountMinor > proposalLimits.costMinorMax
  )
    fields.push({ field: '/cost/amountMinor', message: 'must be a whole number of minor units, 0 or more' });
  if (typeof cost.currency !== 'string' || !isCurrency(cost.currency))
    fields.push({ field: '/cost/currency', message: 'must be an ISO 4217 code such as EUR' });
}

/** Evidence as given by a person or a source: bounded, typed, each link once. */
export function checkEvidence(
  fields: FieldError[],
  evidence: ProposalEvidence[] | undefined,
): ProposalEvidence[] | undefined {
  if (evidence === undefined) return undefined;
  if (evidence.length > proposalLimits.evidence) {
    fields.push({ field: '/evidence', message: `at most ${proposalLimits.evidence} items` });
    return evidence;
  }
  const seen = new Set<string>();
  const out: ProposalEvidence[] = [];
  evidence.forEach((e, i) => {
    const at = `/evidence/${i}`;
    if (e.kind === 'metric') {
      const query = e.query.trim();
      if (query.length === 0 || query.length > proposalLimits.query)
        fields.push({ field: `${at}/query`, message: `must be 1–${proposalLimits.query} characters` });
      if (e.label.length > proposalLimits.label)
        fields.push({ field: `${at}/label`, message: `at most ${proposalLimits.label} characters` });
      checkTime(fields, `${at}/from`, e.from);
      checkTime(fields, `${at}/to`, e.to);
      if (e.to <= e.from) fields.push({ field: `${at}/to`, message: 'must be after from' });
      out.push({ kind: 'metric', label: e.label.trim(), query, from: e.from, to: e.to });
      return;
    }
    if (!evidenceKinds.includes(e.kind)) {
      fields.push({ field: `${at}/kind`, message: `must be one of ${evidenceKinds.join(', ')}` });
      return;
    }
    if (!Number.isSafeInteger(e.id) || e.id < 1) fields.push({ field: `${at}/id`, message: 'must be an id' });
    const key = `${e.kind}:${e.id}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ kind: e.kind, id: e.id });
  });
  return out;
}

/** "12%" for a ratio, the number otherwise: what a forecast's threshold and headroom read as. */
export function formatLevel(v: number): string {
  if (Math.abs(v) <= 1) return `${Math.round(v * 1000) / 10}%`;
  return String(Math.round(v * 100) / 100);
}

export const day = 86_400_000;
export const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
