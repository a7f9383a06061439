// Change management's face: change requests (standard from a template, normal and emergency through a CAB),
// their states, windows, services, links and post-implementation review; the change calendar with its
// conflicts and blackout periods; templates; and the CAB setting.
// -- changes, calendar, blackouts, templates, CAB --
import type { ServiceContext } from '../core/context.js';
import type { JobScheduler } from '../core/jobs.js';
import { applyCabDecision } from './changes.js';

export {
  type BlackoutInput,
  blackoutLimits,
  type ChangeBlackout,
  createBlackout,
  deleteBlackout,
  listBlackouts,
} from './change-blackouts.js';
export {
  type ChangeSettings,
  cabGroupFor,
  getChangeSettings,
  readChangeSettings,
  setChangeSettings,
} from './change-cab.js';
export { type ChangeFilter, type ChangePage, calendarLimits, listChanges } from './change-calendar.js';
export {
  type ChangeState,
  type ChangeType,
  canMoveChange,
  changeStates,
  changeTypes,
  needsCab,
  nextChangeStates,
} from './change-states.js';
export {
  type ChangeTemplate,
  type ChangeTemplateInput,
  listChangeTemplates,
  saveChangeTemplate,
  templateLimits,
} from './change-templates.js';
export { findConflicts, type ScheduledChange, type Window, windowsOverlap } from './change-windows.js';
export {
  applyCabDecision,
  type Change,
  type ChangeDetail,
  type ChangeInput,
  type ChangeLink,
  type ChangeLinkInput,
  type ChangeReview,
  changeLevels,
  changeLimits,
  changeLinkTargets,
  changeNumber,
  changesLinkedTo,
  createChange,
  createChangeIn,
  getChange,
  linkChange,
  moveChange,
  reviewChange,
  reviewOutcomes,
  unlinkChange,
  updateChange,
} from './changes.js';
export { type ChangeAction, canChanges, requireChanges } from './policies.js';

/**
 * The CAB's decisions: the approvals engine records approval.decided; a change's is applied here, in the relay's
 * transaction. At least once: applyCabDecision changes a change only while it still awaits that approval.
 */
export function subscribeChanges(ctx: ServiceContext): () => void {
  return ctx.events.subscribe(
    'change-cab',
    ['approval.decided'],
    async (event, trx) => {
      const p = event.payload;
      await applyCabDecision(trx, ctx.clock.now(), {
        changeId: p.subjectId,
        approvalId: p.approvalId,
        outcome: p.outcome,
        reason: p.reason,
        decidedById: p.decidedById,
      });
    },
    { wants: (event) => event.payload.subjectType === 'change' },
  );
}

/** What the serve command calls once: the CAB's decisions. */
export function registerChanges(ctx: ServiceContext, _jobs: JobScheduler): void {
  subscribeChanges(ctx);
}
