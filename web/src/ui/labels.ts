// Words for the server's codes: ticket states and priority levels as people read them, in the user's
// language (common.json's status.* and priority.*). Each entry is read when shown, so it follows a change of
// language.
import type { LevelName, Status } from '../api/types';
import { t } from '../i18n';

/** A record whose every entry is looked up in the catalogue when read. */
function wordsFor<K extends string>(
  codes: readonly K[],
  word: (code: K) => string,
): Readonly<Record<K, string>> {
  const out = {} as Record<K, string>;
  for (const code of codes) Object.defineProperty(out, code, { get: () => word(code), enumerable: true });
  return out;
}

const statuses: readonly Status[] = [
  'new',
  'assigned',
  'in_progress',
  'pending',
  'resolved',
  'closed',
  'awaiting_approval',
];

export const levelNames: LevelName[] = ['very_low', 'low', 'medium', 'high', 'very_high'];

export const statusLabel = wordsFor(statuses, (s) => t(`common:status.${s}`));

export const priorityLabel = wordsFor(levelNames, (p) => t(`common:priority.${p}`));
