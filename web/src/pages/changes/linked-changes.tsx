// The Changes panel on a staff ticket page and on a problem's page: each change linked to it (number and title,
// state, type, window in the viewer's zone), and "New change for this ticket/problem", which opens the change
// form pre-linked (?ticketId= / ?problemId=: the link is made as the change is raised).
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { type LinkTarget, useLinkedChanges } from '../../api/changes';
import { isStaff, useUser } from '../../session';
import { ErrorMessage } from '../../ui/messages';
import { ChangeStateBadge, ChangeTypeBadge, formatChangeWindow } from './change-badges';

/** The change form, pre-linked to this ticket or problem. */
export const newChangeHref = (targetType: LinkTarget, id: number) => `/changes/new?${targetType}Id=${id}`;

export function LinkedChangesPanel({
  targetType,
  targetId,
  /** Offer a new change (not on a merged ticket or a closed problem). */
  canRaise = true,
}: {
  targetType: LinkTarget;
  targetId: number;
  canRaise?: boolean;
}) {
  const { t } = useTranslation('changes');
  const user = useUser();
  const staff = isStaff(user);
  const changes = useLinkedChanges(targetType, targetId, staff);
  // Changes are the staff's: a requester's page has no panel (and the server would refuse them).
  if (!staff) return null;
  const items = changes.data;
  const raise = canRaise && (
    <Link className="button" to={newChangeHref(targetType, targetId)}>
      {t('linked.new', { target: targetType })}
    </Link>
  );
  return (
    <section className="card linked-changes" aria-labelledby={`${targetType}-changes-title`}>
      <div className="kb-panel-head">
        <h2 id={`${targetType}-changes-title`}>
          {t('title')} {items && items.length > 0 && <span className="muted">({items.length})</span>}
        </h2>
        {items && raise}
      </div>
      <ErrorMessage error={changes.error} title={t('linked.failed')} />
      {items?.length === 0 && <p className="muted small">{t('linked.none', { target: targetType })}</p>}
      {items && items.length > 0 && (
        <ul className="link-list linked-change-list">
          {items.map((c) => (
            <li key={c.id}>
              <span className="grow-wrap">
                <Link to={`/changes/${c.id}`}>
                  <span className="muted">{c.number}</span> {c.title}
                </Link>
              </span>
              <span className="linked-change-meta">
                <ChangeStateBadge state={c.state} /> <ChangeTypeBadge type={c.type} />{' '}
                <span className="muted small">{formatChangeWindow(c.windowStart, c.windowEnd)}</span>
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
