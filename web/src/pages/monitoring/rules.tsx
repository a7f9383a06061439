// Alert rules: each with its health (and last error), last evaluation and active alerts, by group; the editor
// for a new or an existing rule at /monitoring/rules/new and /monitoring/rules/:id.
import { useTranslation } from 'react-i18next';
import { Link, Route, Routes, useParams } from 'react-router-dom';
import { type AlertRule, useAlertRules } from '../../api/monitoring-alerts';
import { isManager, useUser } from '../../session';
import { Empty, ErrorMessage, Loading } from '../../ui/messages';
import { Time } from '../../ui/time';
import { useTitle } from '../../ui/title';
import { formatDuration, RuleEditorPage } from './rule-editor';
import { MonitoringTabs } from './tabs';

function Health({ rule }: { rule: AlertRule }) {
  const { t } = useTranslation('monitoring-rules');
  if (!rule.enabled) return <span className="badge">{t('health.disabled')}</span>;
  if (rule.health === 'err') return <span className="badge sla-breached">{t('health.error')}</span>;
  if (rule.health === 'ok') return <span className="badge badge-ok">{t('health.ok')}</span>;
  return <span className="badge">{t('health.notRun')}</span>;
}

function RuleState({ rule }: { rule: AlertRule }) {
  const { t } = useTranslation('monitoring-rules');
  const firing = rule.alerts.filter((a) => a.state === 'firing').length;
  const pending = rule.alerts.filter((a) => a.state === 'pending').length;
  if (firing + pending === 0) return <span className="muted">{t('list.none')}</span>;
  return (
    <span className="nowrap">
      {firing > 0 && <span className="badge sla-breached">{t('list.firing', { count: firing })}</span>}{' '}
      {pending > 0 && <span className="badge sla-warning">{t('list.pending', { count: pending })}</span>}
    </span>
  );
}

function RuleList() {
  const { t } = useTranslation('monitoring-rules');
  useTitle(t('list.title'));
  const manager = isManager(useUser());
  const rules = useAlertRules();
  return (
    <div className="page">
      <div className="page-head">
        <h1>{t('list.title')}</h1>
        <div className="actions">
          {manager && (
            <Link className="button primary" to="/monitoring/rules/new">
              {t('list.new')}
            </Link>
          )}
        </div>
      </div>
      <MonitoringTabs />
      {rules.isPending && <Loading />}
      <ErrorMessage error={rules.error} />
      {rules.data?.length === 0 && (
        <Empty title={t('list.empty')}>{manager ? t('list.emptyHint') : t('list.emptyHintOthers')}</Empty>
      )}
      {rules.data && rules.data.length > 0 && (
        <div className="table-wrap">
          <table className="data-table stack-table">
            <caption className="visually-hidden">{t('list.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('list.rule')}</th>
                <th scope="col">{t('list.health')}</th>
                <th scope="col">{t('list.alerts')}</th>
                <th scope="col">{t('list.lastEvaluated')}</th>
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
                      {r.forSeconds > 0 && ` · ${t('list.for', { duration: formatDuration(r.forSeconds) })}`}
                    </span>
                    <p className="flush small">
                      <code>
                        {r.kind === 'promql'
                          ? r.expr
                          : r.kind === 'anomaly'
                            ? t('list.anomalyExpr', { expr: r.expr, threshold: r.threshold ?? 0.32 })
                            : r.check?.targetId
                              ? t('list.checkTarget', {
                                  count: r.check?.downAfter ?? 1,
                                  id: String(r.check.targetId),
                                })
                              : t('list.checkTags', {
                                  count: r.check?.downAfter ?? 1,
                                  tags: (r.check?.tags ?? []).join(', '),
                                })}
                      </code>
                    </p>
                    {r.lastError && <p className="danger-text small flush">{r.lastError}</p>}
                  </td>
                  <td data-label={t('list.health')}>
                    <Health rule={r} />
                  </td>
                  <td data-label={t('list.alerts')}>
                    <RuleState rule={r} />
                  </td>
                  <td data-label={t('list.lastEvaluated')} className="nowrap">
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
