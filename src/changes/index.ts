// Change management's face: change requests (standard from a template, normal and emergency through a CAB),
// their states, windows, services, links and post-implementation review; the change calendar with its
// conflicts and blackout periods; templates; and the CAB setting.
// -- changes, calendar, blackouts, templates, CAB --
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
  type ChangeReview,
  changeLevels,
  changeLimits,
  changeLinkTargets,
  changeNumber,
  changesLinkedTo,
  createChange,
  getChange,
  linkChange,
  moveChange,
  reviewChange,
  reviewOutcomes,
  unlinkChange,
  updateChange,
} from './changes.js';
export { type ChangeAction, canChanges, requireChanges } from './policies.js';
