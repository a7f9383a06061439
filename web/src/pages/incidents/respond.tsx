// The page a paged person's signed link opens, without signing in: it says what the link will do and does it
// only on a click (mail scanners that open every link must not acknowledge an incident for them).
import { useMutation } from '@tanstack/react-query';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { client, unwrap } from '../../api/client';
import { ErrorMessage } from '../../ui/messages';
import { useTitle } from '../../ui/title';

export default function RespondPage() {
  const id = Number(useParams().id);
  const [params] = useSearchParams();
  const action = params.get('action') === 'resolve' ? 'resolve' : 'ack';
  const token = params.get('token') ?? '';
  const verb = action === 'ack' ? 'Acknowledge' : 'Resolve';
  useTitle(`${verb} incident #${id}`);
  const respond = useMutation({
    mutationFn: () =>
      unwrap(
        client.POST('/api/v1/incidents/{id}/respond', { params: { path: { id } }, body: { action, token } }),
      ),
  });
  return (
    <main className="page narrow respond-page">
      <h1>
        {verb} incident #{id}
      </h1>
      {respond.data ? (
        <div className="alert" role="status">
          <p>
            <strong>
              #{respond.data.id} {respond.data.summary}
            </strong>{' '}
            is now {respond.data.state}.
          </p>
          <p>
            <Link to={`/incidents/${id}`}>Open the incident</Link> (sign in to see its timeline).
          </p>
        </div>
      ) : (
        <>
          <p>
            {action === 'ack'
              ? 'Acknowledging stops the escalation: nobody else is paged while you work on it.'
              : 'Resolving closes the incident and cancels every page still waiting.'}
          </p>
          <button
            type="button"
            className="primary"
            disabled={!token || respond.isPending}
            onClick={() => respond.mutate()}
          >
            {verb} now
          </button>
        </>
      )}
      <ErrorMessage error={respond.error} title="Not done." />
      {!token && <p className="field-error">This link has no token: open the one in your notification.</p>}
    </main>
  );
}
