// Mail in the recipient's language and time zone, on SQLite and PostgreSQL, through the real SMTP path: a
// German user is mailed in German with times in their zone, an English one as before; both catalogues hold
// the same templates with the same placeholders.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, systemActor } from '../../src/core/auth/index.js';
import { createTicket } from '../../src/helpdesk/index.js';
import { deliverMailDue, subscribeMail } from '../../src/mail/index.js';
import { formatMailTime, mailCatalogues, mailLanguageOf } from '../../src/mail/mail-language.js';
import { mailTemplateNames } from '../../src/mail/templates.js';
import { type MailSink, startMailSink } from '../ingest/mail-sink.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';

describe('the mail catalogues', () => {
  it('hold every template in English and German with the same placeholders', () => {
    const placeholders = (s: string) =>
      [...s.matchAll(/\{\{\s*([a-zA-Z.]+)\s*\}\}/g)].map((m) => m[1]).sort();
    expect(Object.keys(mailCatalogues.de).sort()).toEqual(Object.keys(mailCatalogues.en).sort());
    for (const name of mailTemplateNames)
      for (const part of ['subject', 'text'])
        expect(placeholders(mailCatalogues.de[`${name}.${part}`])).toEqual(
          placeholders(mailCatalogues.en[`${name}.${part}`]),
        );
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
});

describe.each(dialects)('mail in the recipient language on %s', (dialect) => {
  let t: TestApp;
  let sink: MailSink;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    sink = await startMailSink();
    t = await makeApp(dialect, {
      OPSDESK_SMTP_OUT_URL: sink.url,
      OPSDESK_PUBLIC_URL: 'https://desk.example.test',
    });
    subscribeMail(t.ctx);
    ids.greta = (
      await createUser(t.ctx, null, {
        email: 'greta@example.test',
        name: 'Greta',
        role: 'requester',
        language: 'de',
        timeZone: 'Europe/Berlin',
      })
    ).id;
    ids.emma = (
      await createUser(t.ctx, null, { email: 'emma@example.test', name: 'Emma', role: 'requester' })
    ).id;
    ids.tech = (
      await createUser(t.ctx, null, { email: 'tech@example.test', name: 'Tom', role: 'technician' })
    ).id;
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

  it('acknowledges a German requester in German and an English one in English', async () => {
    const tech = { ...systemActor(ids.tech), role: 'technician' as const };
    await createTicket(t.ctx, tech, { title: 'Drucker kaputt', description: 'x', requesterId: ids.greta });
    await createTicket(t.ctx, tech, { title: 'Printer broken', description: 'x', requesterId: ids.emma });
    await settle();
    const german = await sink.waitFor((m) => m.to.includes('greta@example.test'));
    expect(german.parsed.subject).toMatch(/Wir haben Ihre Anfrage erhalten: Drucker kaputt$/);
    expect(german.parsed.text).toContain('Hallo Greta,');
    expect(german.parsed.text).toContain('Ihre Anfrage „Drucker kaputt“ ist Ticket');
    const english = await sink.waitFor((m) => m.to.includes('emma@example.test'));
    expect(english.parsed.subject).toMatch(/We received your request: Printer broken$/);
    expect(english.parsed.text).toContain('Hello Emma,');
  });
});
