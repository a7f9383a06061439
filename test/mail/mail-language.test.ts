// Mail in the recipient's language and time zone, on SQLite and PostgreSQL, through the real SMTP path: a
// German user is mailed in German with times in their zone, an English one in English, for every kind of mail
// opsdesk writes (ticket mail, SLA and OLA warnings, pages, contact-method tests, not-filed notices, password
// resets, status-page mail, the daily digest, policy review reminders); a person with no language of their own and
// an address that is no account get the organisation's default, which an admin sets over the API. Both
// catalogues hold the same texts with the same placeholders.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Actor, createGroup, createUser, systemActor } from '../../src/core/auth/index.js';
import { createTicket } from '../../src/helpdesk/index.js';
import { queueReviewReminders, reviewReminderLeadDays } from '../../src/knowledge/index.js';
import {
  deliverMailDue,
  queuePasswordResetMail,
  receiveMail,
  sendDueDigests,
  setNotificationPreferences,
  subscribeMail,
} from '../../src/mail/index.js';
import {
  formatMailDate,
  formatMailTime,
  mailCatalogues,
  mailCount,
  mailLanguageOf,
  recipientLocale,
} from '../../src/mail/mail-language.js';
import { mailTemplateNames } from '../../src/mail/templates.js';
import { alertLine } from '../../src/monitoring/alert-receivers.js';
import {
  announceMaintenance,
  confirmSubscription,
  createStatusPage,
  postStatusIncident,
  subscribe,
} from '../../src/monitoring/index.js';
import { pageUser } from '../../src/oncall/index.js';
import { type MailSink, type SinkMail, startMailSink } from '../ingest/mail-sink.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, signIn } from '../support/http.js';
import { rawMail } from './mails.js';

describe('the mail catalogues', () => {
  it('hold every template and every other mail text in English and German with the same placeholders', () => {
    const placeholders = (s: string) =>
      [...s.matchAll(/\{\{\s*([a-zA-Z.]+)\s*\}\}/g)].map((m) => m[1]).sort();
    expect(Object.keys(mailCatalogues.de).sort()).toEqual(Object.keys(mailCatalogues.en).sort());
    for (const name of mailTemplateNames)
      for (const part of ['subject', 'text'])
        expect(mailCatalogues.en[`${name}.${part}`], `${name}.${part}`).toBeTruthy();
    for (const key of Object.keys(mailCatalogues.en)) {
      expect(mailCatalogues.de[key].trim(), key).not.toBe('');
      expect(placeholders(mailCatalogues.de[key]), key).toEqual(placeholders(mailCatalogues.en[key]));
    }
  });

  it('pick the profile language, falling back to English', () => {
    expect(mailLanguageOf('de-AT')).toBe('de');
    expect(mailLanguageOf('fr')).toBe('en');
    expect(mailLanguageOf(null)).toBe('en');
  });

  it('write a moment in the recipient zone and language', () => {
    expect(formatMailTime('2026-03-02T12:00:00.000Z', 'de', 'Europe/Berlin')).toBe(
      '2. März 2026, 13:00 (Europe/Berlin)',
    );
    expect(formatMailTime(Date.UTC(2026, 2, 2, 12), 'en', null)).toBe('Mar 2, 2026, 12:00\u202fPM (UTC)');
  });

  it("fall back to the organisation's default for what a person did not choose, and for an address with no account", () => {
    const organisation = { language: 'de' as const, timeZone: 'Europe/Vienna' };
    expect(recipientLocale({ language: null, time_zone: null }, organisation)).toEqual(organisation);
    expect(recipientLocale({ language: 'en-GB', time_zone: null }, organisation)).toEqual({
      language: 'en',
      timeZone: 'Europe/Vienna',
    });
    expect(recipientLocale(null, organisation)).toEqual(organisation);
    expect(mailLanguageOf('fr', 'de')).toBe('de');
  });

  it('count and date in each language', () => {
    expect(mailCount('en', 'digest.updates', 1)).toBe('1 update');
    expect(mailCount('en', 'digest.updates', 3)).toBe('3 updates');
    expect(mailCount('de', 'digest.updates', 1)).toBe('1 Aktualisierung');
    expect(mailCount('de', 'digest.tickets', 2)).toBe('2 Tickets');
    // 23:30 UTC is already the next day in Berlin.
    expect(formatMailDate(Date.UTC(2026, 2, 2, 23, 30), 'de', 'Europe/Berlin')).toBe('3. März 2026');
    expect(formatMailDate(Date.UTC(2026, 2, 2, 23, 30), 'en', 'UTC')).toBe('Mar 2, 2026');
  });

  it("write an alert receiver's line in the given language and zone, the timeline's in ISO", () => {
    const alert = {
      fingerprint: 'f1',
      labels: { alertname: 'HostDown', instance: 'db1:9100' },
      annotations: { summary: 'db1 is down' },
      startsAt: Date.UTC(2026, 2, 2, 10),
      endsAt: null,
      resolvesAt: Date.UTC(2026, 2, 2, 12),
      updatedAt: Date.UTC(2026, 2, 2, 10),
      generatorUrl: '',
      targetId: null,
      transitions: [],
    };
    const at = Date.UTC(2026, 2, 2, 11);
    expect(alertLine(alert, at, { language: 'de', timeZone: 'Europe/Berlin' })).toBe(
      'HostDown {instance="db1:9100"} aktiv seit 2. März 2026, 11:00 (Europe/Berlin) — db1 is down',
    );
    expect(alertLine(alert, at)).toBe(
      'HostDown {instance="db1:9100"} firing since 2026-03-02T10:00:00.000Z — db1 is down',
    );
  });
});

/** Monitoring targets as the targets part would leave them (a status page's components show them). */
async function insertTarget(t: TestApp, name: string): Promise<number> {
  const now = t.clock.now();
  const row = await t.ctx.db
    .insertInto('monitoring_targets')
    .values({
      name,
      kind: 'service',
      description: '',
      tags: '[]',
      state: 'up',
      state_since: now,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

describe.each(dialects)('mail in the recipient language on %s', (dialect) => {
  let t: TestApp;
  let sink: MailSink;
  const ids: Record<string, number> = {};
  const s: Record<string, Session> = {};
  const password = 'correct horse battery';
  let groupId: number;

  beforeAll(async () => {
    sink = await startMailSink();
    t = await makeApp(dialect, {
      OPSDESK_SMTP_OUT_URL: sink.url,
      OPSDESK_PUBLIC_URL: 'https://desk.example.test',
      OPSDESK_SESSION_TTL_HOURS: '2160',
    });
    subscribeMail(t.ctx);
    const person = async (
      key: string,
      name: string,
      role: 'requester' | 'technician' | 'manager' | 'admin',
      locale: { language?: string; timeZone?: string } = {},
    ) => {
      const email = `${key}@example.test`;
      ids[key] = (await createUser(t.ctx, null, { email, name, role, password, ...locale })).id;
      s[key] = await signIn(t.app, email, password);
    };
    await person('greta', 'Greta', 'requester', { language: 'de', timeZone: 'Europe/Berlin' });
    await person('emma', 'Emma', 'requester');
    await person('tech', 'Tom', 'technician');
    await person('klaus', 'Klaus', 'technician', { language: 'de', timeZone: 'Europe/Berlin' });
    await person('eve', 'Eve', 'technician', { language: 'en', timeZone: 'America/New_York' });
    await person('admin', 'Alma', 'admin');
    await person('mia', 'Mia', 'manager');
    groupId = (await createGroup(t.ctx, null, { name: 'Netz', memberIds: [ids.klaus, ids.eve] })).id;
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  async function settle(): Promise<void> {
    await t.ctx.events.dispatchPending();
    await t.ctx.events.idle();
    await deliverMailDue(t.ctx);
  }

  /** The latest mail to an address whose subject matches. */
  function mailTo(address: string, subject: RegExp): Promise<SinkMail> {
    return sink.waitFor((m) => m.to.includes(address) && subject.test(m.parsed.subject ?? ''));
  }

  const tom = () => ({ ...systemActor(ids.tech), role: 'technician' as const });
  const berlin = (iso: string) => formatMailTime(iso, 'de', 'Europe/Berlin');
  const newYork = (iso: string) => formatMailTime(iso, 'en', 'America/New_York');

  it('acknowledges a German requester in German and an English one in English', async () => {
    await createTicket(t.ctx, tom(), { title: 'Drucker kaputt', description: 'x', requesterId: ids.greta });
    await createTicket(t.ctx, tom(), { title: 'Printer broken', description: 'x', requesterId: ids.emma });
    await settle();
    const german = await sink.waitFor((m) => m.to.includes('greta@example.test'));
    expect(german.parsed.subject).toMatch(/Wir haben Ihre Anfrage erhalten: Drucker kaputt$/);
    expect(german.parsed.text).toContain('Hallo Greta,');
    expect(german.parsed.text).toContain('Ihre Anfrage „Drucker kaputt“ ist Ticket');
    const english = await sink.waitFor((m) => m.to.includes('emma@example.test'));
    expect(english.parsed.subject).toMatch(/We received your request: Printer broken$/);
    expect(english.parsed.text).toContain('Hello Emma,');
  });

  it("an admin sets the organisation's default over the API; a bad value is a problem; people without a language get it", async () => {
    expect((await s.tech.call('GET', '/api/v1/settings/organisation-locale')).body).toEqual({
      language: 'en',
      timeZone: 'UTC',
    });
    const french = await s.admin.call('PUT', '/api/v1/settings/organisation-locale', {
      language: 'fr',
      timeZone: 'Europe/Paris',
    });
    expect(french.status).toBe(400);
    expect(french.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(french.body).toMatchObject({ code: 'validation_failed', errors: [{ field: '/language' }] });
    const nowhere = await s.admin.call('PUT', '/api/v1/settings/organisation-locale', {
      language: 'de',
      timeZone: 'Mars/Olympus_Mons',
    });
    expect(nowhere.status).toBe(400);
    expect(nowhere.body).toMatchObject({ code: 'validation_failed', errors: [{ field: '/timeZone' }] });
    const byTech = await s.tech.call('PUT', '/api/v1/settings/organisation-locale', {
      language: 'de',
      timeZone: 'Europe/Vienna',
    });
    expect(byTech.status).toBe(403);
    const set = await s.admin.call('PUT', '/api/v1/settings/organisation-locale', {
      language: 'de',
      timeZone: 'Europe/Vienna',
    });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body).toEqual({ language: 'de', timeZone: 'Europe/Vienna' });
    expect((await s.mia.call('GET', '/api/v1/settings/organisation-locale')).body).toEqual(set.body);

    // Emma chose no language: she is now written to in the organisation's.
    await createTicket(t.ctx, tom(), { title: 'Monitor flackert', description: 'x', requesterId: ids.emma });
    await settle();
    const german = await mailTo('emma@example.test', /Monitor flackert/);
    expect(german.parsed.subject).toMatch(/Wir haben Ihre Anfrage erhalten: Monitor flackert$/);
    expect(german.parsed.text).toContain('Hallo Emma,');
  });

  it('SLA warnings and OLA breaches: each reader gets their words and the due time in their zone', async () => {
    const ticket = await createTicket(t.ctx, tom(), {
      title: 'VPN langsam',
      description: 'x',
      requesterId: ids.greta,
      assigneeId: ids.klaus,
    });
    const dueAt = '2026-03-02T12:00:00.000Z';
    await t.ctx.db.transaction().execute((trx) =>
      t.ctx.events.record(trx, [
        {
          type: 'ticket.sla_warning',
          subjectType: 'ticket',
          subjectId: ticket.id,
          actorId: null,
          payload: { ticketId: ticket.id, target: 'resolution', dueAt },
        },
        {
          type: 'ticket.ola_breached',
          subjectType: 'ticket',
          subjectId: ticket.id,
          actorId: null,
          payload: { ticketId: ticket.id, target: 'ola', dueAt, groupId },
        },
      ]),
    );
    await settle();
    const warning = await mailTo('klaus@example.test', /SLA-Warnung: VPN langsam/);
    expect(warning.parsed.text).toContain(
      `Das Ziel Lösung von Ticket ${ticket.id} „VPN langsam“ ist am ${berlin(dueAt)} fällig.`,
    );
    expect(berlin(dueAt)).toBe('2. März 2026, 13:00 (Europe/Berlin)');
    const breached = await mailTo('klaus@example.test', /SLA verletzt: VPN langsam/);
    expect(breached.parsed.text).toContain(`Das Ziel OLA von Netz von Ticket ${ticket.id}`);
    expect(breached.parsed.text).toContain(`war am ${berlin(dueAt)} fällig und ist verletzt`);
    const english = await mailTo('eve@example.test', /SLA breached: VPN langsam/);
    expect(english.parsed.text).toContain(
      `The OLA of Netz target of ticket ${ticket.id} "VPN langsam" was due at ${newYork(dueAt)} and is breached.`,
    );
  });

  it("a page is written in the paged person's language: its body and its links' words", async () => {
    const page = (userId: number, n: number) =>
      t.ctx.db.transaction().execute((trx) =>
        pageUser(t.ctx, trx, {
          userId,
          incidentId: 4242,
          title: `[P1] VPN gateway down (Netzwerk) ${n}`,
          body: 'VPN gateway down',
          acknowledgeUrl: `https://desk.example.test/p/ack/${n}?sig=abc`,
          resolveUrl: `https://desk.example.test/p/resolve/${n}?sig=abc`,
          step: 1,
          incident: {
            summary: 'VPN gateway down',
            severity: 'P1',
            service: 'Netzwerk',
            step: 1,
            steps: 2,
            pass: 1,
            passes: 3,
            policy: 'Netz-Bereitschaft',
          },
        }),
      );
    await page(ids.klaus, 1);
    await page(ids.eve, 2);
    await deliverMailDue(t.ctx);
    const german = await mailTo('klaus@example.test', /VPN gateway down \(Netzwerk\) 1$/);
    expect(german.parsed.text).toContain('Vorfall #4242 (Netzwerk), Schweregrad P1.');
    expect(german.parsed.text).toContain('Eskalationsstufe 1 von 2, Durchlauf 1 von 3 (Netz-Bereitschaft).');
    expect(german.parsed.text).toContain('Quittieren: https://desk.example.test/p/ack/1?sig=abc');
    expect(german.parsed.html).toContain('>Als behoben markieren</a>');
    const english = await mailTo('eve@example.test', /VPN gateway down \(Netzwerk\) 2$/);
    expect(english.parsed.text).toContain('Incident #4242 (Netzwerk), severity P1.');
    expect(english.parsed.text).toContain('Escalation step 1 of 2, pass 1 of 3 (Netz-Bereitschaft).');
    expect(english.parsed.text).toContain('Acknowledge: https://desk.example.test/p/ack/2?sig=abc');
  });

  it("a contact method's test message is in its owner's language", async () => {
    for (const [key, target] of [
      ['klaus', 'klaus.pager@example.test'],
      ['eve', 'eve.pager@example.test'],
    ] as const) {
      const base = `/api/v1/users/${ids[key]}/contact-methods`;
      const m = await s[key].call('POST', base, { kind: 'email', target });
      expect(m.status, JSON.stringify(m.body)).toBe(201);
      expect((await s[key].call('POST', `${base}/${m.body.id}/test`)).status).toBe(202);
    }
    await deliverMailDue(t.ctx);
    const german = await mailTo('klaus.pager@example.test', /Kontaktmethode/);
    expect(german.parsed.subject).toBe('opsdesk: Bestätigen Sie Ihre Kontaktmethode');
    expect(german.parsed.text).toMatch(/Bestätigungscode: \d{6}/);
    expect(german.parsed.text).toContain('Geben Sie den Code innerhalb von 30 Minuten');
    const english = await mailTo('eve.pager@example.test', /contact method/);
    expect(english.parsed.subject).toBe('opsdesk: verify your contact method');
    expect(english.parsed.text).toMatch(/Verification code: \d{6}/);
  });

  it('a sender told that their mail was not filed is told in their language', async () => {
    for (const from of ['greta@example.test', 'eve@example.test']) {
      const out = await receiveMail(t.ctx, {
        source: 'imap',
        raw: rawMail({
          from,
          subject: 'Zugang gesperrt',
          headers: { 'Return-Path': '<attacker@evil.test>' },
        }),
      });
      expect(out.status).toBe('rejected');
    }
    await deliverMailDue(t.ctx);
    const german = await mailTo('greta@example.test', /Zugang gesperrt/);
    expect(german.parsed.subject).toBe('Nicht abgelegt: Zugang gesperrt');
    expect(german.parsed.text).toContain('Hallo Greta,');
    expect(german.parsed.text).toContain(
      'Ihre E-Mail „Zugang gesperrt“ ist eingegangen, wurde aber nicht abgelegt:',
    );
    const english = await mailTo('eve@example.test', /Zugang gesperrt/);
    expect(english.parsed.subject).toBe('Not filed: Zugang gesperrt');
    expect(english.parsed.text).toContain('your mail "Zugang gesperrt" was received but not filed:');
  });

  it("the password-reset mail is in the person's language, its expiry in their zone", async () => {
    const expiresAt = t.clock.now() + 30 * 60_000;
    for (const key of ['greta', 'eve'])
      await t.ctx.db.transaction().execute((trx) =>
        queuePasswordResetMail(t.ctx, trx, {
          userId: ids[key],
          email: `${key}@example.test`,
          name: key === 'greta' ? 'Greta' : 'Eve',
          link: `https://desk.example.test/reset#${key}`,
          expiresAt,
        }),
      );
    await deliverMailDue(t.ctx);
    const german = await mailTo('greta@example.test', /Passwort/);
    expect(german.parsed.subject).toBe('Legen Sie ein neues Passwort für den Helpdesk fest');
    expect(german.parsed.text).toContain('Hallo Greta,');
    expect(german.parsed.text).toContain('https://desk.example.test/reset#greta');
    expect(german.parsed.text).toContain(
      `Der Link funktioniert einmal, 30 Minuten lang (bis ${formatMailTime(expiresAt, 'de', 'Europe/Berlin')}).`,
    );
    const english = await mailTo('eve@example.test', /password/);
    expect(english.parsed.subject).toBe('Set a new password for the help desk');
    expect(english.parsed.text).toContain(
      `The link works once, for 30 minutes (until ${formatMailTime(expiresAt, 'en', 'America/New_York')}).`,
    );
  });

  it("status-page mail: an anonymous subscriber gets the organisation's language and zone, a signed-in one their own", async () => {
    const manager: Actor = { ...systemActor(ids.mia), role: 'manager' };
    const target = await insertTarget(t, 'vpn-gw');
    const page = await createStatusPage(t.ctx, manager, {
      slug: 'it',
      title: 'IT-Dienste',
      audience: 'public',
      components: [{ targetId: target, displayName: 'VPN', section: 'Fernzugriff' }],
    });
    const eve: Actor = { ...systemActor(ids.eve), role: 'technician' };
    await subscribe(t.ctx, null, 'it', { kind: 'mail', email: 'leser@example.org' });
    await subscribe(t.ctx, eve, 'it', { kind: 'mail', email: 'eve.status@example.test' });
    await deliverMailDue(t.ctx);
    const confirmDe = await mailTo('leser@example.org', /Abonnement/);
    expect(confirmDe.parsed.subject).toBe('Bestätigen Sie Ihr Abonnement von IT-Dienste');
    expect(confirmDe.parsed.text).toContain(
      'Jemand (hoffentlich Sie) hat E-Mails zu „IT-Dienste“ angefordert.',
    );
    const confirmEn = await mailTo('eve.status@example.test', /subscription/);
    expect(confirmEn.parsed.subject).toBe('Confirm your subscription to IT-Dienste');
    for (const m of [confirmDe, confirmEn]) {
      const token = /\?confirm=([A-Za-z0-9_-]+)/.exec(m.parsed.text ?? '')?.[1] as string;
      await confirmSubscription(t.ctx, token);
    }

    await postStatusIncident(t.ctx, manager, page.id, {
      title: 'VPN gestört',
      impact: 'minor',
      message: 'Wir prüfen es.',
      componentIds: [],
    });
    await deliverMailDue(t.ctx);
    const noticeDe = await mailTo('leser@example.org', /VPN gestört/);
    expect(noticeDe.parsed.subject).toBe('[IT-Dienste] Wird untersucht: VPN gestört');
    expect(noticeDe.parsed.text).toMatch(/Abbestellen: https:\/\/desk\.example\.test\/\S*unsubscribe=/);
    const noticeEn = await mailTo('eve.status@example.test', /VPN gestört/);
    expect(noticeEn.parsed.subject).toBe('[IT-Dienste] Investigating: VPN gestört');
    expect(noticeEn.parsed.text).toContain('Unsubscribe: ');

    const now = t.clock.now();
    const [window] = await t.ctx.db
      .insertInto('monitoring_maintenance_windows')
      .values({
        name: 'VPN-Tausch',
        description: '',
        time_zone: 'UTC',
        target_ids: JSON.stringify([target]),
        starts_at: now + 3_600_000,
        ends_at: now + 4_500_000,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .execute();
    expect(await announceMaintenance(t.ctx, manager, page.id, window.id)).toEqual({ queued: 2 });
    await deliverMailDue(t.ctx);
    const maintenanceDe = await mailTo('leser@example.org', /Wartung/);
    expect(maintenanceDe.parsed.subject).toBe('[IT-Dienste] Geplante Wartung: VPN-Tausch');
    expect(maintenanceDe.parsed.text).toContain(
      `${formatMailTime(now + 3_600_000, 'de', 'Europe/Vienna')} – ${formatMailTime(now + 4_500_000, 'de', 'Europe/Vienna')}`,
    );
    const maintenanceEn = await mailTo('eve.status@example.test', /maintenance/);
    expect(maintenanceEn.parsed.subject).toBe('[IT-Dienste] Scheduled maintenance: VPN-Tausch');
    expect(maintenanceEn.parsed.text).toContain(formatMailTime(now + 3_600_000, 'en', 'America/New_York'));
  });

  it("the daily digest, and each of its lines, is in the reader's language", async () => {
    const klaus = { ...systemActor(ids.klaus), role: 'technician' as const };
    await setNotificationPreferences(t.ctx, klaus, ids.klaus, {
      preferences: [{ kind: 'ticket_assigned', mode: 'digest' }],
      digest: { time: '08:00', timeZone: 'Europe/Berlin' },
    });
    const ticket = await createTicket(t.ctx, tom(), {
      title: 'Switch defekt',
      description: 'x',
      requesterId: ids.greta,
      assigneeId: ids.klaus,
    });
    await settle();
    expect(
      sink.mails.some(
        (m) => m.to.includes('klaus@example.test') && /Switch defekt/.test(m.parsed.subject ?? ''),
      ),
    ).toBe(false);
    // 08:00 in Berlin the next morning.
    t.clock.set(Date.parse('2026-03-03T07:00:30Z'));
    expect(await sendDueDigests(t.ctx)).toMatchObject({ queued: 1 });
    await deliverMailDue(t.ctx);
    const digest = await mailTo('klaus@example.test', /Helpdesk-Übersicht/);
    expect(digest.parsed.subject).toBe('Ihre Helpdesk-Übersicht: 1 Aktualisierung zu 1 Ticket');
    const text = digest.parsed.text ?? '';
    expect(text).toContain('Hallo Klaus,');
    expect(text).toContain('(Zeiten in Europe/Berlin)');
    expect(text).toContain(`Ihnen zugewiesen: Switch defekt`);
    expect(text).toContain(`#${ticket.id} Switch defekt`);
    expect(text).toContain('wählen Sie auf Ihrer Kontoseite unter Benachrichtigungen');
  });

  it('a policy review reminder gives its due day as its owner reads it', async () => {
    const policy = async (ownerId: number, title: string) => {
      const r = await s.mia.call('POST', '/api/v1/articles', {
        title,
        body: 'Use company equipment for company work.',
        kind: 'policy',
        audience: 'public',
        status: 'published',
        ownerId,
        effectiveAt: new Date(t.clock.now()).toISOString(),
        reviewIntervalDays: 90,
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return Date.parse(r.body.nextReviewAt);
    };
    const due = await policy(ids.klaus, 'Nutzungsrichtlinie');
    await policy(ids.eve, 'Acceptable use');
    t.clock.set(due - (reviewReminderLeadDays - 1) * 86_400_000);
    expect(await queueReviewReminders(t.ctx)).toBe(2);
    await deliverMailDue(t.ctx);
    const german = await mailTo('klaus@example.test', /Nutzungsrichtlinie/);
    expect(german.parsed.subject).toBe(
      `Überprüfung fällig am ${formatMailDate(due, 'de', 'Europe/Berlin')}: Nutzungsrichtlinie`,
    );
    expect(german.parsed.text).toContain('Die Richtlinie „Nutzungsrichtlinie“, die Sie verantworten, ist am');
    const english = await mailTo('eve@example.test', /Acceptable use/);
    expect(english.parsed.subject).toBe(
      `Review due on ${formatMailDate(due, 'en', 'America/New_York')}: Acceptable use`,
    );
  });
});
