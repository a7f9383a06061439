// The demo organisation monitors opsdesk itself, so a fresh install shows live charts and a working rule within a
// minute: the service as a target on the "Servers and storage" service, its health checked over HTTP every 30 s and
// its own /metrics scraped every 15 s; alert rules on what those give (the health check down, slow requests, the
// scrape failing); and a public status page with the help desk on it. Made through the domain functions, as a
// manager would, at the story's end.
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import { listServices } from '../incidents/index.js';
import {
  createAlertRule,
  createCheck,
  createScrapeTarget,
  createStatusPage,
  createTarget,
} from '../monitoring/index.js';

export interface DemoMonitoringRefs {
  manager: Actor;
  /** Where this service answers itself: http://127.0.0.1:<port> (the serve command passes its own). */
  selfUrl: string;
  groupId: number;
}

/** Where the service answers itself, from its configuration: a wildcard address is reached on the loopback. */
export function selfUrlOf(config: { host: string; port: number }): string {
  const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host === '::' ? '[::1]' : config.host;
  return `http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${config.port}`;
}

export async function installDemoMonitoring(ctx: ServiceContext, refs: DemoMonitoringRefs): Promise<void> {
  const services = await listServices(ctx, refs.manager);
  const servers = services.find((s) => s.name === 'Servers and storage');
  const target = await createTarget(ctx, refs.manager, {
    name: 'opsdesk',
    kind: 'service',
    address: refs.selfUrl,
    description: 'This service: the help desk, on-call and monitoring.',
    tags: ['env:demo', 'role:helpdesk'],
    groupId: refs.groupId,
    serviceId: servers?.id ?? null,
  });
  await createCheck(ctx, refs.manager, target.id, {
    name: 'health',
    spec: { kind: 'http', url: `${refs.selfUrl}/api/v1/health`, expectStatus: ['200'], maxLatencyMs: 2000 },
    intervalSeconds: 30,
    timeoutSeconds: 5,
    retries: 1,
  });
  await createCheck(ctx, refs.manager, target.id, {
    name: 'web app',
    spec: { kind: 'http', url: `${refs.selfUrl}/`, keyword: 'opsdesk' },
    intervalSeconds: 60,
    timeoutSeconds: 10,
  });
  await createScrapeTarget(ctx, refs.manager, {
    url: `${refs.selfUrl}/metrics`,
    job: 'opsdesk',
    intervalSeconds: 15,
    timeoutSeconds: 10,
    targetId: target.id,
  });
  await createAlertRule(ctx, refs.manager.id, {
    name: 'OpsdeskHealthDown',
    kind: 'check',
    check: { targetId: target.id, downAfter: 2 },
    severity: 'critical',
    group: 'opsdesk',
    annotations: { summary: 'The {{ $labels.check }} check of {{ $labels.target }} is failing' },
  });
  await createAlertRule(ctx, refs.manager.id, {
    name: 'OpsdeskScrapeFailing',
    kind: 'promql',
    expr: 'up{job="opsdesk"} == 0',
    forSeconds: 120,
    severity: 'warning',
    group: 'opsdesk',
    intervalSeconds: 30,
    annotations: { summary: 'opsdesk’s /metrics has not answered for 2 minutes' },
  });
  await createAlertRule(ctx, refs.manager.id, {
    name: 'OpsdeskSlowRequests',
    kind: 'promql',
    expr: 'histogram_quantile(0.95, sum by (le) (rate(opsdesk_http_request_duration_seconds_bucket[5m]))) > 0.5',
    forSeconds: 300,
    severity: 'warning',
    group: 'opsdesk',
    intervalSeconds: 30,
    annotations: {
      summary: '95% of requests take up to {{ $value | humanize }}s (over 0.5 s for 5 minutes)',
    },
  });
  await createStatusPage(ctx, refs.manager, {
    slug: 'it',
    title: 'IT services',
    description: 'The state of the services the IT department runs.',
    audience: 'public',
    timeZone: 'Europe/Berlin',
    components: [
      {
        targetId: target.id,
        displayName: 'Help desk',
        section: 'Support',
      },
    ],
  });
}
