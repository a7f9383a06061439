// Who may see and steer the mail channel: templates, the delivery log and the inbound log are admin work
// (they show other people's mail).
import type { Actor } from '../core/auth/index.js';

export type MailAction = 'mail.manage';

export function canMail(actor: Actor, _action: MailAction): boolean {
  return actor.role === 'admin';
}
