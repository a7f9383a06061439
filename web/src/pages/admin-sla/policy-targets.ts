// The SLA targets a policy sets, in the order forms show them.
import type { SlaTargetName } from '../../api/types';
import { t } from '../../i18n';

export const targetNames: SlaTargetName[] = ['first_response', 'next_response', 'resolution'];

export const isTargetName = (name: string): name is SlaTargetName => (targetNames as string[]).includes(name);

/** A target's name as people read it, in the current language. */
export function targetLabel(name: SlaTargetName): string {
  switch (name) {
    case 'first_response':
      return t('admin-sla:targets.first_response');
    case 'next_response':
      return t('admin-sla:targets.next_response');
    case 'resolution':
      return t('admin-sla:targets.resolution');
  }
}
