// Alert rules: each with its health (and last error), last evaluation and active alerts, by group; the editor
// for a new or an existing rule at /monitoring/rules/new and /monitoring/rules/:id.
import { Link, Route, Routes, useParams } from 'react-router-dom';
import { type AlertRule, useAlertRules } from '../../api/monitoring-alerts';
import { isManager, useUser } from '../../session';
import { Empty, ErrorMessage, Loading } from '../../ui/messages';
import { Time } from '../../ui/time';
import { useTitle } from '../../ui/title';
import { formatDuration, RuleEditorPage } from './rule-editor';
import { MonitoringTabs } from './tabs';

function Health({ rule }: { rule: AlertRule }) {
  if (!rule.enabled) return <span className="badge">Disabled</span>;
  if (rule.health === 'err') return <span className="badge sla-breached">Error</span>;
  if (rule.health === 'ok') return <span className="badge badge-ok">OK</span>;
  return <span className="badge">Not yet run</span>;
}

function RuleState({ rule }: { rule: AlertRule }) {
  const firing = rule.alerts.filter((a) => a.state === 'firing').length;
  const pending = rule.alerts.filter((a) => a.state === 'pending').length;
  if (firing + pending === 0) return <span className="muted">None</span>;
  return (
    <span className="nowrap">
      {firing > 0 && <span className="badge sla-breached">{firing} firing</span>}{' '}
      {pending > 0 && <span className="badge sla-warning">{pending} pending</span>}
    </span>
  );
}

function RuleList() {
  useTitle('Alert rules');
  const manager = isManager(useUser());
  const rules = useAlertRules();
  return (
    <div className="page">
      <div className="page-head">
        <h1>Alert rules</h1>
        <div className="actions">
          {manager && (
            <Link className="button primary" to="/monitoring/rules/new">
              New rule
            </Link>
          )}
        </div>
      </div>
      <MonitoringTabs />
      {rules.isPending && <Loading />}
      <ErrorMessage error={rules.error} />
      {rules.data?.length === 0 && (
        <Empty title="No alert rules.">
          {manager ? 'A rule turns an expression, such as up == 0, into alerts.' : 'Managers define them.'}
        </Empty>
      )}
      {rules.data && rules.data.length > 0 && (
        <div className="table-wrap">
          <table className="data-table stack-table">
            <caption className="visually-hidden">Alert rules</caption>
            <thead>
              <tr>
                <th scope="col">Rule</th>
                <th scope="col">Health</th>
                <th scope="col">Alerts</th>
                <th scope="col">Last evaluated</th>
              </tr>
            </thead>
            <tbody>
              {rules.data.map((r) => (
                <tr key={r.id}>
                  <td className="break">
                    <Link to={`/monitoring/rules/${r.id}`}>{r.name}</Link>
                    <span className="muted small">
                      {' '}
                      · {r.group}
                      {r.severity && ` · ${r.severity}`}
                      {r.forSeconds > 0 && ` · for ${formatDuration(r.forSeconds)}`}
                    </span>
                    <p className="flush small">
                      <code>
                        {r.kind === 'promql'
                          ? r.expr
                          : r.kind === 'anomaly'
                            ? `anomalies of ${r.expr} (score ≥ ${r.threshold ?? 0.32})`
                            : `${r.check?.downAfter ?? 1} failures in a row of ${
                                r.check?.targetId
                                  ? `target #${r.check.targetId}`
                                  : `tags ${(r.check?.tags ?? []).join(', ')}`
                              }`}
                      </code>
                    </p>
                    {r.lastError && <p className="danger-text small flush">{r.lastError}</p>}
                  </td>
                  <td data-label="Health">
                    <Health rule={r} />
                  </td>
                  <td data-label="Alerts">
                    <RuleState rule={r} />
                  </td>
                  <td data-label="Last evaluated" className="nowrap">
                    {r.lastEvaluatedAt ? <Time iso={r.lastEvaluatedAt} /> : '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function EditRule() {
  const { id } = useParams();
  return <RuleEditorPage key={id} id={Number(id)} />;
}

export default function RulesPage() {
  return (
    <Routes>
      <Route index element={<RuleList />} />
      <Route path="new" element={<RuleEditorPage id={null} />} />
      <Route path=":id" element={<EditRule />} />
    </Routes>
  );
}
