// Who may see and steer the mail channel: templates, the delivery log and the inbound log are admin work
// (they show other people's mail). Everyone keeps their own notification preferences; an admin may keep
// anyone's (a person away, a shared mailbox).
import type { Actor } from '../core/auth/index.js';

export type MailAction = 'mail.manage' | 'preferences.manage_own' | 'preferences.manage_any';

export function canMail(actor: Actor, action: MailAction): boolean {
  switch (action) {
    case 'preferences.manage_own':
      return true;
    case 'mail.manage':
    case 'preferences.manage_any':
      return actor.role === 'admin';
  }
}
