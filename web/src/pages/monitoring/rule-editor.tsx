// The alert rule editor: a PromQL expression (or a check rule's selector and failures in a row), how long it must
// hold (for) and keep firing, severity, labels and annotations, with a live preview of what the expression returns
// now — asked of the server as the user pauses typing; a parse error points at its line and column.
import { type FormEvent, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { ApiError } from '../../api/client';
import {
  type AlertRule,
  type AlertRuleInput,
  type RulePreviewInput,
  useAlertRule,
  useDeleteAlertRule,
  useRulePreview,
  useSaveAlertRule,
  useTargetSearch,
} from '../../api/monitoring-alerts';
import { numberFormat } from '../../locale';
import { isManager, useUser } from '../../session';
import { Field, fieldError } from '../../ui/field';
import { ErrorMessage, Loading } from '../../ui/messages';
import { useSettled } from '../../ui/settled';
import { Time } from '../../ui/time';
import { useTitle } from '../../ui/title';

const durationUnits: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** Seconds from a Prometheus duration ("5m", "1h30m", "90s") or a bare number of seconds; null when neither. */
export function parseDuration(text: string): number | null {
  const t = text.trim();
  if (t === '') return 0;
  if (/^\d+$/.test(t)) return Number(t);
  if (!/^(\d+[smhdw])+$/.test(t)) return null;
  let total = 0;
  for (const [, n, u] of t.matchAll(/(\d+)([smhdw])/g)) total += Number(n) * durationUnits[u];
  return total;
}

export function formatDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  const parts: string[] = [];
  let rest = seconds;
  for (const [u, n] of [
    ['d', 86_400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    if (rest >= n) {
      parts.push(`${Math.floor(rest / n)}${u}`);
      rest %= n;
    }
  }
  return parts.join('');
}

/** name=value lines (the value may hold "="); blank lines are skipped. */
function parsePairs(text: string): { pairs: Record<string, string>; bad: number | null } {
  const pairs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    const eq = line.indexOf('=');
    if (eq < 1) return { pairs, bad: i + 1 };
    pairs[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return { pairs, bad: null };
}

const pairsText = (m: Record<string, string>) =>
  Object.entries(m)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');

/** Line and column from the server's PromQL error ("parse error at line 1, column 7 (offset 6): …"). */
function errorPosition(error: unknown): { line: number; column: number } | null {
  if (!(error instanceof ApiError)) return null;
  const m = /line (\d+), column (\d+)/.exec(error.message);
  return m ? { line: Number(m[1]), column: Number(m[2]) } : null;
}

function ExprError({ expr, error }: { expr: string; error: unknown }) {
  const at = errorPosition(error);
  const line = at ? (expr.split('\n')[at.line - 1] ?? '') : '';
  return (
    <div className="field-error" id="expr-error" aria-live="polite">
      <p className="flush">{error instanceof Error ? error.message : String(error)}</p>
      {at && (
        <pre className="expr-caret" aria-hidden="true">
          {line}
          {'\n'}
          {`${' '.repeat(Math.max(0, at.column - 1))}^`}
        </pre>
      )}
    </div>
  );
}

/** A 400 to an expression's preview is the expression's fault: shown at the field, not in the preview. */
function isExprError(body: RulePreviewInput | null, error: unknown): boolean {
  return body?.expr !== undefined && error instanceof ApiError && error.status === 400;
}

function Preview({
  kind,
  body,
  preview,
}: {
  kind: AlertRule['kind'];
  body: RulePreviewInput | null;
  preview: ReturnType<typeof useRulePreview>;
}) {
  const { t } = useTranslation('monitoring-rules');
  if (body === null)
    return (
      <p className="muted">
        {kind === 'promql'
          ? t('preview.emptyPromql')
          : kind === 'anomaly'
            ? t('preview.emptyAnomaly')
            : t('preview.emptyCheck')}
      </p>
    );
  return (
    <div aria-live="polite" aria-busy={preview.isFetching}>
      {preview.isPending && <Loading label={t('preview.evaluating')} />}
      {isExprError(body, preview.error) ? (
        <p className="muted">{t('preview.fixExpr')}</p>
      ) : (
        <ErrorMessage error={preview.error} />
      )}
      {preview.data && !preview.error && (
        <>
          <p className={preview.data.result.length > 0 ? 'warn-text' : 'muted'}>
            {kind === 'anomaly'
              ? preview.data.result.length === 0
                ? t('preview.anomalyNone')
                : t('preview.anomalySome', { count: preview.data.result.length })
              : preview.data.result.length === 0
                ? t('preview.none')
                : t('preview.some', { count: preview.data.result.length })}{' '}
            <span className="small muted">
              <Trans
                t={t}
                i18nKey="preview.evaluated"
                components={{ when: <Time iso={preview.data.at} /> }}
              />
            </span>
          </p>
          {preview.data.result.length > 0 && (
            <div className="table-wrap">
              <table className="data-table">
                <caption className="visually-hidden">{t('preview.caption')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('preview.series')}</th>
                    <th scope="col" className="num">
                      {t('preview.value')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {preview.data.result.slice(0, 50).map((r) => {
                    const labels = Object.entries(r.metric)
                      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
                      .join(', ');
                    return (
                      <tr key={labels}>
                        <td className="break">
                          <code>{labels ? `{${labels}}` : '{}'}</code>
                        </td>
                        <td className="num">{shortValue(r.value)}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </div>
  );
}

const sampleFormat = numberFormat({ maximumSignificantDigits: 6, useGrouping: false });

/** A sample value as people read it: six significant digits ("6.6", not "6.6000000000000005"). */
function shortValue(value: string): string {
  const n = Number(value);
  return Number.isFinite(n) ? sampleFormat.format(n) : value;
}

function TargetPicker({
  targetId,
  onChange,
}: {
  targetId: number | null;
  onChange: (id: number | null) => void;
}) {
  const { t } = useTranslation('monitoring-rules');
  const [search, setSearch] = useState('');
  const settled = useSettled(search, 300);
  const targets = useTargetSearch(settled);
  return (
    <div className="field-row">
      <Field label={t('picker.find')}>
        {(id) => <input id={id} type="search" value={search} onChange={(e) => setSearch(e.target.value)} />}
      </Field>
      <Field label={t('picker.target')}>
        {(id) => (
          <select
            id={id}
            value={targetId ?? ''}
            onChange={(e) => onChange(e.target.value ? Number(e.target.value) : null)}
          >
            <option value="">{t('picker.byTags')}</option>
            {targetId !== null && !targets.data?.some((x) => x.id === targetId) && (
              <option value={targetId}>{t('picker.targetNumber', { id: String(targetId) })}</option>
            )}
            {targets.data?.map((x) => (
              <option key={x.id} value={x.id}>
                {x.name}
              </option>
            ))}
          </select>
        )}
      </Field>
    </div>
  );
}

interface Draft {
  name: string;
  kind: AlertRule['kind'];
  expr: string;
  targetId: number | null;
  tags: string;
  downAfter: string;
  threshold: string;
  forText: string;
  keepText: string;
  severity: string;
  group: string;
  labels: string;
  annotations: string;
  enabled: boolean;
}

/** A new rule's fields from the address (?kind=anomaly&expr=…&name=…): links elsewhere start a rule for a target. */
function prefill(params: URLSearchParams): Partial<Draft> {
  const kind = params.get('kind');
  return {
    ...(kind === 'promql' || kind === 'check' || kind === 'anomaly' ? { kind } : {}),
    ...(params.get('expr') ? { expr: (params.get('expr') as string).slice(0, 4000) } : {}),
    ...(params.get('name') ? { name: (params.get('name') as string).slice(0, 200) } : {}),
  };
}

function draftOf(r: AlertRule | undefined, fill: Partial<Draft> = {}): Draft {
  return {
    name: r?.name ?? fill.name ?? '',
    kind: r?.kind ?? fill.kind ?? 'promql',
    expr: r?.kind === 'promql' || r?.kind === 'anomaly' ? r.expr : (fill.expr ?? ''),
    targetId: r?.check?.targetId ?? null,
    tags: (r?.check?.tags ?? []).join(', '),
    downAfter: String(r?.check?.downAfter ?? 3),
    threshold: String(r?.threshold ?? 0.32),
    forText: formatDuration(r?.forSeconds ?? 0),
    keepText: formatDuration(r?.keepFiringForSeconds ?? 0),
    severity: r?.severity ?? 'warning',
    group: r?.group ?? 'default',
    labels: pairsText(
      Object.fromEntries(Object.entries(r?.labels ?? {}).filter(([k]) => !(k === 'severity' && r?.severity))),
    ),
    annotations: pairsText(r?.annotations ?? { summary: '' }),
    enabled: r?.enabled ?? true,
  };
}

function checkSelector(d: Draft) {
  const tags = d.tags
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  return {
    ...(d.targetId !== null ? { targetId: d.targetId } : { tags }),
    downAfter: Math.max(1, Number(d.downAfter) || 1),
  };
}

function previewBody(d: Draft): RulePreviewInput | null {
  if (d.kind === 'promql' || d.kind === 'anomaly') return d.expr.trim() ? { expr: d.expr } : null;
  const sel = checkSelector(d);
  return 'targetId' in sel || sel.tags.length > 0 ? { check: sel } : null;
}

function RuleForm({ rule }: { rule?: AlertRule }) {
  const { t } = useTranslation('monitoring-rules');
  const navigate = useNavigate();
  const manager = isManager(useUser());
  const [params] = useSearchParams();
  const [d, setD] = useState<Draft>(() => draftOf(rule, rule ? {} : prefill(params)));
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setD((x) => ({ ...x, [k]: v }));
  const settled = useSettled(d, 400);
  const body = previewBody(settled);
  const preview = useRulePreview(body);
  const save = useSaveAlertRule(rule?.id ?? null, (r) =>
    navigate(`/monitoring/rules/${r.id}`, { replace: true }),
  );
  const remove = useDeleteAlertRule(() => navigate('/monitoring/rules'));
  const forSeconds = parseDuration(d.forText);
  const keepSeconds = parseDuration(d.keepText);
  const labels = parsePairs(d.labels);
  const annotations = parsePairs(d.annotations);
  const threshold = Number(d.threshold);
  const localProblem =
    d.kind === 'anomaly' && !(threshold > 0 && threshold <= 1)
      ? t('problem.threshold')
      : forSeconds === null
        ? t('problem.for')
        : keepSeconds === null
          ? t('problem.keep')
          : labels.bad !== null
            ? t('problem.labels', { line: labels.bad })
            : annotations.bad !== null
              ? t('problem.annotations', { line: annotations.bad })
              : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (localProblem) return;
    const input: AlertRuleInput = {
      name: d.name.trim(),
      kind: d.kind,
      ...(d.kind === 'promql'
        ? { expr: d.expr }
        : d.kind === 'anomaly'
          ? { expr: d.expr, threshold }
          : { check: checkSelector(d) }),
      forSeconds: forSeconds ?? 0,
      keepFiringForSeconds: keepSeconds ?? 0,
      severity: d.severity.trim() || null,
      group: d.group.trim() || 'default',
      labels: labels.pairs,
      annotations: Object.fromEntries(Object.entries(annotations.pairs).filter(([, v]) => v !== '')),
      enabled: d.enabled,
    };
    save.mutate(input);
  };
  const exprError = fieldError(save.error, '/expr') ?? fieldError(save.error, 'query');
  return (
    <form className="card form" onSubmit={submit} aria-labelledby="rule-form-title">
      <h2 id="rule-form-title" className="flush">
        {rule ? t('form.editTitle') : t('form.newTitle')}
      </h2>
      <fieldset disabled={!manager} className="plain-fieldset">
        <div className="field-row">
          <Field
            label={t('form.name')}
            hint={t('form.nameHint')}
            error={fieldError(save.error, '/name') ?? fieldError(save.error, 'name')}
          >
            {(id, dsc, invalid) => (
              <input
                id={id}
                required
                maxLength={200}
                value={d.name}
                aria-describedby={dsc}
                aria-invalid={invalid || undefined}
                onChange={(e) => set('name', e.target.value)}
              />
            )}
          </Field>
          <Field label={t('form.group')} hint={t('form.groupHint')}>
            {(id, dsc) => (
              <input
                id={id}
                value={d.group}
                aria-describedby={dsc}
                onChange={(e) => set('group', e.target.value)}
              />
            )}
          </Field>
        </div>
        <div className="segmented" role="group" aria-label={t('form.kind')}>
          <button type="button" aria-pressed={d.kind === 'promql'} onClick={() => set('kind', 'promql')}>
            {t('form.kind.promql')}
          </button>
          <button type="button" aria-pressed={d.kind === 'check'} onClick={() => set('kind', 'check')}>
            {t('form.kind.check')}
          </button>
          <button type="button" aria-pressed={d.kind === 'anomaly'} onClick={() => set('kind', 'anomaly')}>
            {t('form.kind.anomaly')}
          </button>
        </div>
        {d.kind === 'anomaly' ? (
          <>
            <div className="field">
              <label htmlFor="rule-expr">{t('form.series')}</label>
              <input
                id="rule-expr"
                className="code-input"
                required
                spellCheck={false}
                value={d.expr}
                aria-describedby="expr-hint expr-error"
                onChange={(e) => set('expr', e.target.value)}
              />
              <p className="hint" id="expr-hint">
                <Trans
                  t={t}
                  i18nKey="form.seriesHint"
                  components={{
                    // i18n-ignore: a metric name, not words
                    metric: <code>node_load1</code>,
                    // i18n-ignore: a series selector, not words
                    hostSelector: <code>{'{instance="web-1:9100"}'}</code>,
                  }}
                />
              </p>
              {isExprError(body, preview.error) ? (
                <ExprError expr={settled.expr} error={preview.error} />
              ) : (
                exprError && <p className="field-error">{exprError}</p>
              )}
            </div>
            <Field
              label={t('form.threshold')}
              hint={t('form.thresholdHint')}
              error={fieldError(save.error, '/threshold') ?? fieldError(save.error, 'threshold')}
            >
              {(id, dsc, invalid) => (
                <input
                  id={id}
                  type="number"
                  min={0.01}
                  max={1}
                  step={0.01}
                  value={d.threshold}
                  aria-describedby={dsc}
                  aria-invalid={invalid || undefined}
                  onChange={(e) => set('threshold', e.target.value)}
                />
              )}
            </Field>
          </>
        ) : d.kind === 'promql' ? (
          <div className="field">
            <label htmlFor="rule-expr">{t('form.expr')}</label>
            <textarea
              id="rule-expr"
              className="code-input"
              required
              rows={Math.max(3, d.expr.split('\n').length)}
              spellCheck={false}
              value={d.expr}
              aria-describedby="expr-hint expr-error"
              onChange={(e) => set('expr', e.target.value)}
            />
            <p className="hint" id="expr-hint">
              <Trans
                t={t}
                i18nKey="form.exprHint"
                components={{
                  // i18n-ignore: a query, not words
                  first: <code>up == 0</code>,
                  // i18n-ignore: a query, not words
                  second: <code>probe_duration_seconds &gt; 2</code>,
                }}
              />
            </p>
            {isExprError(body, preview.error) ? (
              <ExprError expr={settled.expr} error={preview.error} />
            ) : (
              exprError && <p className="field-error">{exprError}</p>
            )}
          </div>
        ) : (
          <>
            <TargetPicker targetId={d.targetId} onChange={(id) => set('targetId', id)} />
            <div className="field-row">
              {d.targetId === null && (
                <Field label={t('form.tags')} hint={t('form.tagsHint')}>
                  {(id, dsc) => (
                    <input
                      id={id}
                      value={d.tags}
                      aria-describedby={dsc}
                      onChange={(e) => set('tags', e.target.value)}
                    />
                  )}
                </Field>
              )}
              <Field label={t('form.downAfter')} error={fieldError(save.error, 'check.downAfter')}>
                {(id, dsc, invalid) => (
                  <input
                    id={id}
                    type="number"
                    min={1}
                    max={100}
                    value={d.downAfter}
                    aria-describedby={dsc}
                    aria-invalid={invalid || undefined}
                    onChange={(e) => set('downAfter', e.target.value)}
                  />
                )}
              </Field>
            </div>
          </>
        )}
        <section className="sub-card" aria-labelledby="preview-title">
          <h3 id="preview-title" className="flush">
            {t('preview.title')}
          </h3>
          <Preview kind={d.kind} body={body} preview={preview} />
        </section>
        <div className="field-row">
          <Field label={t('form.for')} hint={t('form.forHint')}>
            {(id, dsc) => (
              <input
                id={id}
                value={d.forText}
                aria-describedby={dsc}
                aria-invalid={forSeconds === null || undefined}
                onChange={(e) => set('forText', e.target.value)}
              />
            )}
          </Field>
          <Field label={t('form.keep')} hint={t('form.keepHint')}>
            {(id, dsc) => (
              <input
                id={id}
                value={d.keepText}
                aria-describedby={dsc}
                aria-invalid={keepSeconds === null || undefined}
                onChange={(e) => set('keepText', e.target.value)}
              />
            )}
          </Field>
          <Field label={t('form.severity')}>
            {(id) => (
              <>
                <input
                  id={id}
                  list="severities"
                  value={d.severity}
                  onChange={(e) => set('severity', e.target.value)}
                />
                <datalist id="severities">
                  <option value="critical" />
                  <option value="warning" />
                  <option value="info" />
                </datalist>
              </>
            )}
          </Field>
        </div>
        <div className="field-row">
          <Field label={t('form.labels')} hint={t('form.labelsHint')}>
            {(id, dsc) => (
              <textarea
                id={id}
                rows={3}
                spellCheck={false}
                value={d.labels}
                aria-describedby={dsc}
                onChange={(e) => set('labels', e.target.value)}
              />
            )}
          </Field>
          <Field label={t('form.annotations')} hint={t('form.annotationsHint')}>
            {(id, dsc) => (
              <textarea
                id={id}
                rows={3}
                spellCheck={false}
                value={d.annotations}
                aria-describedby={dsc}
                onChange={(e) => set('annotations', e.target.value)}
              />
            )}
          </Field>
        </div>
        <label className="choice">
          <input type="checkbox" checked={d.enabled} onChange={(e) => set('enabled', e.target.checked)} />
          {t('form.enabled')}
        </label>
      </fieldset>
      {localProblem && <p className="field-error">{localProblem}</p>}
      <ErrorMessage error={save.error} title={t('form.saveFailed')} />
      <ErrorMessage error={remove.error} title={t('form.deleteFailed')} />
      <div className="actions">
        {manager ? (
          <>
            <button type="submit" className="primary" disabled={save.isPending || localProblem !== null}>
              {rule ? t('form.save') : t('form.create')}
            </button>
            {rule && (
              <button
                type="button"
                className="danger-text"
                disabled={remove.isPending}
                onClick={() => {
                  if (window.confirm(t('form.deleteConfirm', { name: rule.name }))) remove.mutate(rule.id);
                }}
              >
                {t('common:actions.delete')}
              </button>
            )}
          </>
        ) : (
          <p className="muted small">{t('form.managersOnly')}</p>
        )}
        <Link to="/monitoring/rules">{t('form.back')}</Link>
      </div>
    </form>
  );
}

function RuleStatus({ rule }: { rule: AlertRule }) {
  const { t } = useTranslation('monitoring-rules');
  return (
    <dl className="facts">
      <dt>{t('status.health')}</dt>
      <dd>
        {rule.health === 'err' ? (
          <span className="danger-text">{t('status.error', { error: rule.lastError })}</span>
        ) : rule.health === 'ok' ? (
          t('status.ok')
        ) : (
          t('status.notEvaluated')
        )}
      </dd>
      <dt>{t('status.lastEvaluated')}</dt>
      <dd>
        {rule.lastEvaluatedAt ? <Time iso={rule.lastEvaluatedAt} /> : t('status.notYet')}
        {rule.lastEvaluationMs !== null && (
          <span className="muted"> · {t('status.took', { ms: rule.lastEvaluationMs })}</span>
        )}
      </dd>
      <dt>{t('status.alerts')}</dt>
      <dd>
        <Trans
          t={t}
          i18nKey="status.active"
          values={{ count: rule.alerts.filter((a) => a.state !== 'inactive').length }}
          components={{ alerts: <Link to="/monitoring/alerts" /> }}
        />
      </dd>
    </dl>
  );
}

export function RuleEditorPage({ id }: { id: number | null }) {
  const { t } = useTranslation('monitoring-rules');
  const rule = useAlertRule(id);
  const heading = id === null ? t('editor.newTitle') : (rule.data?.name ?? t('editor.title'));
  useTitle(heading);
  return (
    <div className="page">
      <div className="page-head">
        <h1 className="break">{heading}</h1>
      </div>
      {id !== null && rule.isPending && <Loading />}
      <ErrorMessage error={rule.error} />
      {rule.data && <RuleStatus rule={rule.data} />}
      {(id === null || rule.data) && <RuleForm key={rule.data?.updatedAt ?? 'new'} rule={rule.data} />}
    </div>
  );
}
