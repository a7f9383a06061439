// The mail channel's pure rules: quoted-reply stripping, subject parsing, automated-mail detection,
// Message-ID lists and template rendering with HTML escaping.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  detectAutomated,
  escapeHtml,
  messageIdList,
  normaliseMessageId,
  renderMail,
  replyMarker,
  stripQuotedReply,
  ticketRefInSubject,
  titleFromSubject,
} from '../../src/mail/index.js';

const ours = { ourAddress: 'helpdesk@opsdesk.local' };

describe('reply text', () => {
  it.each([
    ['our marker', `Fine now.\n\n${replyMarker}\nold text`, 'Fine now.'],
    ['Gmail', 'Yes.\n\nOn Mon, 2 Mar 2026 at 09:00, Help <h@x.test> wrote:\n> old', 'Yes.'],
    ['wrapped Gmail', 'Yes.\n\nOn Mon, 2 Mar 2026 at 09:00, Help Desk\n<h@x.test> wrote:\n> old', 'Yes.'],
    ['Outlook', 'Done.\n\n-----Original Message-----\nFrom: x\nSent: y', 'Done.'],
    ['Outlook header block', 'Done.\n\nFrom: Help Desk\nSent: Monday\nTo: me', 'Done.'],
    ['French', 'Merci.\n\nLe lun. 2 mars 2026, Help a écrit :\n> old', 'Merci.'],
    ['trailing quote', 'Still broken.\n> earlier\n> text', 'Still broken.'],
    ['signature', 'Thanks\n-- \nAlice, Accounting', 'Thanks'],
  ])('cuts the quote (%s)', (_n, text, expected) => {
    expect(stripQuotedReply(text)).toBe(expected);
  });

  it('keeps inline answers between quotes, and a sentence that starts with "From:"', () => {
    expect(stripQuotedReply('> q1\nanswer 1\n> q2\nanswer 2')).toBe('> q1\nanswer 1\n> q2\nanswer 2');
    expect(stripQuotedReply('From: now on it works.')).toBe('From: now on it works.');
  });

  it('never returns nothing for a text that has something', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (s) => {
        if (s.trim().length > 0) expect(stripQuotedReply(s).length).toBeGreaterThan(0);
      }),
    );
  });

  it('reads [#id] and makes titles without reply prefixes', () => {
    expect(ticketRefInSubject('Re: [#42] Printer')).toBe(42);
    expect(ticketRefInSubject('[#0] x')).toBeNull();
    expect(ticketRefInSubject('#42 Printer')).toBeNull();
    expect(titleFromSubject('RE: Fwd: AW: [#42] Printer  jams')).toBe('Printer jams');
    expect(titleFromSubject('')).toBe('(no subject)');
    expect(titleFromSubject('x'.repeat(300))).toHaveLength(200);
  });
});

describe('automated mail', () => {
  const h = (o: Record<string, string>) => new Map(Object.entries(o));
  it('Auto-Submitted: no is a person', () => {
    expect(detectAutomated(h({ 'auto-submitted': 'no' }), 'a@x.test', ours).automated).toBe(false);
    expect(detectAutomated(h({ 'auto-submitted': 'auto-generated' }), 'a@x.test', ours).reason).toBe(
      'auto_reply',
    );
  });
  it('Precedence list and bulk are bulk; a person writing normally is not automated', () => {
    expect(detectAutomated(h({ precedence: 'list' }), 'a@x.test', ours).reason).toBe('bulk');
    expect(detectAutomated(h({ precedence: 'first-class' }), 'a@x.test', ours).automated).toBe(false);
    expect(detectAutomated(h({}), 'alice@x.test', ours).automated).toBe(false);
  });
  it('delivery reports and robot senders are automated', () => {
    expect(
      detectAutomated(
        h({ 'content-type': 'multipart/report; report-type=delivery-status' }),
        'a@x.test',
        ours,
      ).reason,
    ).toBe('bounce');
    expect(detectAutomated(h({}), 'postmaster@x.test', ours).automated).toBe(true);
    expect(detectAutomated(h({}), 'noreply@x.test', ours).automated).toBe(true);
    expect(detectAutomated(h({}), 'HelpDesk@opsdesk.local', ours).reason).toBe('loop');
  });
});

describe('message ids', () => {
  it('normalises and lists ids', () => {
    expect(normaliseMessageId('<ABC@Example.test>')).toBe('abc@example.test');
    expect(normaliseMessageId('no-at-sign')).toBeNull();
    expect(messageIdList('<a@x> <b@y>\r\n <c@z>')).toEqual(['a@x', 'b@y', 'c@z']);
    expect(messageIdList('bare@x')).toEqual(['bare@x']);
    expect(messageIdList(['<a@x>', '<a@x>'])).toEqual(['a@x']);
  });
});

describe('templates', () => {
  it('escapes every value in the html part and adds [#id] to the subject', () => {
    const mail = renderMail(
      { subject: 'About {{ticket.title}}', text: 'T: {{ticket.title}}', html: '<b>{{ticket.title}}</b>' },
      { 'ticket.title': '<img src=x onerror=alert(1)>&' },
      7,
    );
    expect(mail.subject).toBe('[#7] About <img src=x onerror=alert(1)>&');
    expect(mail.text).toBe('T: <img src=x onerror=alert(1)>&');
    expect(mail.html).toBe('<b>&lt;img src=x onerror=alert(1)&gt;&amp;</b>');
  });
  it('derives a safe html part from the text when a template has none', () => {
    fc.assert(
      fc.property(fc.string(), (title) => {
        const mail = renderMail(
          { subject: 's', text: '{{ticket.title}}', html: null },
          { 'ticket.title': title },
          1,
        );
        expect(mail.html).toContain(escapeHtml(title).replace(/\r?\n/g, '<br>\n'));
        expect(mail.html.replace(/<\/?div[^>]*>|<br>/g, '')).not.toMatch(/[<>]/);
      }),
    );
  });
  it('keeps the subject to one line', () => {
    expect(
      renderMail(
        { subject: '{{ticket.title}}', text: '', html: null },
        { 'ticket.title': 'a\r\nBcc: x@y' },
        3,
      ).subject,
    ).toBe('[#3] a Bcc: x@y');
  });
});
