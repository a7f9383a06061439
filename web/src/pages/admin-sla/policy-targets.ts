// The SLA targets a policy sets, in the order forms show them.
import type { SlaTargetName } from '../../api/types';

export const targetNames: SlaTargetName[] = ['first_response', 'next_response', 'resolution'];
