// The page a paged person's signed link opens, without signing in: it says what the link will do and does it
// only on a click (mail scanners that open every link must not acknowledge an incident for them).
import { useMutation } from '@tanstack/react-query';
import { Trans, useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { client, unwrap } from '../../api/client';
import { ErrorMessage } from '../../ui/messages';
import { useTitle } from '../../ui/title';

export default function RespondPage() {
  const id = Number(useParams().id);
  const [params] = useSearchParams();
  const action = params.get('action') === 'resolve' ? 'resolve' : 'ack';
  const token = params.get('token') ?? '';
  const { t } = useTranslation('incidents');
  useTitle(t('respond.title', { action, id }));
  const respond = useMutation({
    mutationFn: () =>
      unwrap(
        client.POST('/api/v1/incidents/{id}/respond', { params: { path: { id } }, body: { action, token } }),
      ),
  });
  return (
    <main className="page narrow respond-page">
      <h1>{t('respond.title', { action, id })}</h1>
      {respond.data ? (
        <div className="alert" role="status">
          <p>
            <Trans
              t={t}
              i18nKey="respond.done"
              values={{ state: respond.data.state }}
              components={{
                incident: (
                  <strong>
                    #{respond.data.id} {respond.data.summary}
                  </strong>
                ),
              }}
            />
          </p>
          <p>
            <Trans t={t} i18nKey="respond.open" components={{ anchor: <Link to={`/incidents/${id}`} /> }} />
          </p>
        </div>
      ) : (
        <>
          <p>{action === 'ack' ? t('respond.ackExplained') : t('respond.resolveExplained')}</p>
          <button
            type="button"
            className="primary"
            disabled={!token || respond.isPending}
            onClick={() => respond.mutate()}
          >
            {t('respond.submit', { action })}
          </button>
        </>
      )}
      <ErrorMessage error={respond.error} title={t('actions.failed')} />
      {!token && <p className="field-error">{t('respond.noToken')}</p>}
    </main>
  );
}
