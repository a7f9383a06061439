// `opsdesk serve`: the entry point that builds the real things — configuration, database, clock, logger,
// metrics, jobs — wires every domain (registerDomains: one list), starts the HTTP service and mail's
// listeners, says where it listens and how to sign in, and shuts down cleanly on SIGINT/SIGTERM (stop taking
// requests, stop jobs, close the database).
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { buildApp, version } from '../api/app.js';
import { logIngestStatus } from '../api/log-status.js';
import { ServiceMetrics } from '../api/metrics.js';
import { registerAssets, registerHostSync } from '../assets/index.js';
import { registerChanges } from '../changes/index.js';
import { registerAuditRetention } from '../core/audit.js';
import { ensureFirstAdmin, registerLdapSync, sealStoredSecrets } from '../core/auth/index.js';
import { loadConfig } from '../core/config.js';
import type { ServiceContext } from '../core/context.js';
import { runInTurn } from '../core/exclusive-work.js';
import { JobScheduler } from '../core/jobs.js';
import { serviceLoggerOptions } from '../core/logging.js';
import { openContext, registerEvents } from '../core/runtime.js';
import { isDemoLoaded, isFreshInstall, loadDemoOrganisation } from '../demo/index.js';
import { registerAutomation } from '../helpdesk/index.js';
import { registerIncidents } from '../incidents/index.js';
import { type LogStop, startLogChannel } from '../ingest/log-channel.js';
import { type MailStop, startMailChannel } from '../ingest/mail-channel.js';
import { registerKnowledge } from '../knowledge/index.js';
import { registerLogs } from '../logs/index.js';
import { registerMail } from '../mail/index.js';
import { registerMonitoring } from '../monitoring/index.js';
import { type DeliveryAttempt, registerNotify } from '../notify/index.js';
import { capacityFindings, registerProposals } from '../proposals/index.js';
import { registerSla } from '../sla/index.js';
import { registerTechnicians } from '../technicians/index.js';
import { registerVendors } from '../vendors/index.js';
import { note } from './command-context.js';
import { demoSignIns } from './database-commands.js';

/**
 * Every domain's subscribers and periodic jobs, in one list (the live stream subscribes as the app is built).
 * The order is the order of subscription: the relay hands each event to subscribers in this order.
 */
export function registerDomains(
  ctx: ServiceContext,
  jobs: JobScheduler,
  observe: { onDeliveryAttempt?: (attempt: DeliveryAttempt) => void } = {},
): void {
  registerEvents(ctx, jobs); // core: the outbox relay
  registerAuditRetention(ctx, jobs); // core: audit log rows past OPSDESK_AUDIT_RETENTION, every 10 minutes
  // webhook and chat fan-out; the delivery worker of every channel
  registerNotify(ctx, jobs, { jitter: Math.random, onAttempt: observe.onDeliveryAttempt });
  registerSla(ctx, jobs); // SLA clocks kept current, and the escalation engine every 30 s
  registerMail(ctx, jobs); // mail fan-out onto the pipeline; stored inbound mail retried
  registerAutomation(ctx, jobs); // automation rules on ticket events, in the relay; quiet periods every minute
  // -- technicians: automatic assignment --
  registerTechnicians(ctx, jobs); // arrivals routed and assigned; group queues optimised every few minutes

  // -- on-call --

  // -- incidents: the escalation engine --
  registerIncidents(ctx, jobs); // escalation timers every 5 s, and at once when an incident opens

  // -- monitoring --
  registerMonitoring(ctx, jobs); // metric store upkeep, checks, scrapes, alert rules, the alert pipeline, status pages

  // -- logs --
  registerLogs(ctx, jobs); // log retention, pattern rates, new-pattern and spike alerts

  // -- knowledge base --
  registerKnowledge(ctx, jobs); // policy review reminders; the service agreement kept true to the SLA policies

  // -- change management --
  registerChanges(ctx, jobs); // the CAB's decisions (approval.decided) schedule or reject changes

  // -- upgrade proposals --
  // Every 10 minutes: deferrals come back; a forecast crossing its threshold within a month, and a problem recurring
  // on a host, become proposals.
  registerProposals(ctx, jobs, { capacityFindings: (c) => capacityFindings(c) });

  // -- suppliers --
  registerVendors(ctx, jobs); // hourly: contracts whose notice deadline comes within its reminder days

  // -- assets --
  // Hourly: warranties and ends of life coming, licences expiring or over-assigned; an awarded replacement retires its asset.
  registerAssets(ctx, jobs);
  // Every 15 minutes: monitored hosts' node_exporter facts into their assets.
  registerHostSync(ctx, jobs);

  // -- LDAP and Active Directory --
  // Each minute: directories whose sync is on and due are synced (one instance per directory).
  registerLdapSync(ctx, jobs);
}

/** How long a shutdown may take before the process exits anyway. */
const shutdownGraceMs = 10_000;

export async function serveCommand(): Promise<void> {
  const config = loadConfig();
  const log = pino(serviceLoggerOptions(config.logLevel));
  const metrics = new ServiceMetrics({ processMetrics: true });
  const opened = await openContext(config, { log, onQuery: metrics.observeQuery });
  const { ctx } = opened;
  if (opened.handle.commits) metrics.watchCommits(opened.handle.commits);
  metrics.watchForeground(opened.ctx.foreground);
  let jobs: JobScheduler | null = null;
  let app: Awaited<ReturnType<typeof buildApp>> | null = null;
  let stopMail: MailStop | null = null;
  let stopLogs: LogStop | null = null;
  try {
    if (opened.applied.length > 0) log.info({ migrations: opened.applied }, 'database migrated');
    const sealed = await sealStoredSecrets(ctx);
    if (sealed > 0) log.info({ sealed }, 'stored peer secrets sealed');
    // Instances started together on one PostgreSQL take turns here: the first makes the admin account (and loads
    // the demo into a fresh install); the others find them made.
    const admin = await runInTurn(ctx, 'serve.first-start', async () => {
      const made = await ensureFirstAdmin(
        ctx,
        config.adminEmail && config.adminPassword
          ? { email: config.adminEmail, password: config.adminPassword }
          : null,
      );
      if (config.demo && (await isFreshInstall(ctx))) {
        log.info('loading the demo organisation (OPSDESK_DEMO=0 to skip)');
        const summary = await loadDemoOrganisation(ctx);
        log.info({ ...summary }, 'demo organisation loaded');
      }
      return made;
    });

    app = await buildApp(ctx, { metrics, logger: serviceLoggerOptions(config.logLevel) });
    jobs = new JobScheduler(log);
    registerDomains(ctx, jobs, { onDeliveryAttempt: metrics.observeDelivery });
    stopMail = await startMailChannel(ctx, jobs); // mail's listeners: SMTP in, the IMAP poller
    if (stopMail.smtp) metrics.watchIngestBudget(stopMail.smtp.budget); // SMTP's budget on /metrics, beside HTTP's
    stopLogs = await startLogChannel(ctx); // the syslog listener into the log store
    const syslog = stopLogs.syslog;
    metrics.watchLogs(() => logIngestStatus(ctx, syslog));
    jobs.start();
    await app.listen({ host: config.host, port: config.port });

    const url = config.publicUrl ?? localUrl(config.host, (app.server.address() as AddressInfo).port);
    note('');
    note(`opsdesk ${version} is running at ${url}  (${opened.handle.caps.label})`);
    if (admin?.generatedPassword) {
      note(`Sign in as ${admin.email} with the one-time password: ${admin.generatedPassword}`);
      note(
        `  It is shown only now: after signing in, change it at ${url}/account/password (or set OPSDESK_ADMIN_EMAIL and OPSDESK_ADMIN_PASSWORD on first start).`,
      );
    } else if (admin) {
      note(`Sign in as ${admin.email} with the password from OPSDESK_ADMIN_PASSWORD.`);
    } else {
      note('Sign in with your admin account (`opsdesk user create --role admin …` makes another).');
    }
    if (await isDemoLoaded(ctx)) note(demoSignIns());
    if (stopMail.smtp)
      note(
        `smtp: ${config.smtpHost}:${stopMail.smtp.port}  (e.g. swaks --server ${config.smtpHost} --port ${stopMail.smtp.port} --to helpdesk@… )`,
      );
    if (stopLogs.syslog) {
      const l = stopLogs.syslog;
      const tls =
        l.tlsPort === null
          ? ''
          : `TLS ${config.syslogHost}:${l.tlsPort}${config.syslogTlsClientCa ? ` (client certificates ${config.syslogTlsClientCerts})` : ''}`;
      note(
        l.tcpPort === null
          ? `syslog: ${tls} only`
          : `syslog: UDP and TCP ${config.syslogHost}:${l.tcpPort}${tls ? `, ${tls}` : ''}  (e.g. logger -n ${config.syslogHost} -P ${l.tcpPort} -T 'hello')`,
      );
    }
    note(
      `API: ${url}/api/v1  ·  docs: ${url}/docs  ·  health: ${url}/api/v1/health  ·  metrics: ${url}/metrics`,
    );
    note('');
  } catch (err) {
    await stopLogs?.();
    await stopMail?.();
    await app?.close();
    await jobs?.stop();
    await opened.close();
    throw err;
  }

  const running = app;
  const runningJobs = jobs;
  const runningMail = stopMail;
  const runningLogs = stopLogs;
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'shutting down');
    setTimeout(() => {
      log.error('shutdown took too long; exiting');
      process.exit(1);
    }, shutdownGraceMs).unref();
    try {
      await running.close();
      await runningMail?.();
      await runningLogs?.();
      await runningJobs.stop();
      await opened.close();
      log.info('stopped');
      process.exit(0);
    } catch (err) {
      log.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

function localUrl(host: string, port: number): string {
  // A wildcard address is not somewhere a browser can go; the local machine is.
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${shown}:${port}`;
}
