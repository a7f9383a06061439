// What the fuzzer feeds: every parser and listener that reads outside input, each as a target that takes one input
// (bytes, bounded as its listener or route bounds them) and answers its outcome — "ok…" or "rejected:<reason>" — or
// throws. A rejection is the parser's own defined error (a counted reason, a DomainError with a catalogued code); any
// other exception is a crash, and so is a broken invariant (a record over its size, unsafe HTML out of Markdown).
import { Parser as HtmlParser } from 'htmlparser2';
import { SeriesInputError, SeriesReader } from '../../src/anomaly/series-csv.js';
import { readAssetsCsv } from '../../src/assets/asset-import.js';
import { decodeInventoryBody, parseInventory } from '../../src/assets/fusion-inventory.js';
import { readUsersCsv } from '../../src/core/auth/user-import.js';
import { DomainError } from '../../src/core/errors.js';
import { SyslogFramer } from '../../src/ingest/syslog-framing.js';
import { plainText, renderArticle } from '../../src/knowledge/article-rendering.js';
import type { LogRecordInput } from '../../src/logs/log-model.js';
import { parseSyslogFrame, parseSyslogMessage } from '../../src/logs/syslog-parse.js';
import { parseMail, Rejection } from '../../src/mail/inbound.js';
import { normaliseMessageId } from '../../src/mail/message-ids.js';
import { stripQuotedReply, titleFromSubject } from '../../src/mail/reply-text.js';
import { parseExposition } from '../../src/monitoring/exposition.js';
import { checkMaintenanceWindowInput, windowOccurrences } from '../../src/monitoring/maintenance-windows.js';
import { parsePromql } from '../../src/monitoring/promql-parse.js';
import {
  DecodeError,
  decodeWriteRequest,
  remoteWriteLimits,
  snappyDecompress,
} from '../../src/monitoring/remote-write.js';
import { parseIcsHolidays } from '../../src/sla/calendars.js';
import type { MutationHints } from './mutation.js';

/** One input's result: the run's per-input call. */
export type Outcome = string;

export interface TargetRunner {
  run(input: Buffer): Outcome | Promise<Outcome>;
  close?(): Promise<void>;
}

export interface FuzzTarget extends MutationHints {
  name: string;
  /** What it reads, for the report. */
  what: string;
  /** Build what the target needs (once per run: an app, a database); the per-input call. */
  open(): Promise<TargetRunner>;
}

const now = Date.parse('2026-03-02T09:00:00Z');
const syslogMax = 65_536;

/** A rejection's outcome, or the error again when it is not the target's defined error (a crash). */
function rejectedBy(err: unknown, defined: (err: unknown) => string | undefined): Outcome {
  const reason = defined(err);
  if (reason === undefined) throw err;
  return `rejected:${reason}`;
}
const domainError = (err: unknown) => (err instanceof DomainError ? err.code : undefined);

/** A runner whose refusals `defined` names; any other exception is the crash the suite looks for. */
function guarded(
  defined: (err: unknown) => string | undefined,
  read: (input: Buffer) => Outcome | Promise<Outcome>,
): TargetRunner {
  return {
    run(input) {
      try {
        const outcome = read(input);
        return typeof outcome === 'string'
          ? outcome
          : outcome.catch((err: unknown) => rejectedBy(err, defined));
      } catch (err) {
        return rejectedBy(err, defined);
      }
    },
  };
}

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`invariant broken: ${what}`);
}

function checkLogRecord(r: Omit<LogRecordInput, 'source' | 'peer'>): void {
  check(Number.isFinite(r.time) && Number.isFinite(r.receivedAt), 'a record has finite times');
  check(Number.isInteger(r.severity) && r.severity >= 0 && r.severity <= 7, 'severity is 0–7');
  check(Number.isInteger(r.facility) && r.facility >= 0 && r.facility <= 23, 'facility is 0–23');
  check(typeof r.message === 'string', 'the message is text');
  // Cut to the limit in bytes as received: an invalid byte became U+FFFD, three bytes in UTF-8, counted as the one.
  const replaced = r.message.match(/\uFFFD/g)?.length ?? 0;
  check(Buffer.byteLength(r.message) - 2 * replaced <= syslogMax, 'the message is cut to the limit');
}

const syslogTokens = [
  '<',
  '>',
  '<34>1 ',
  '<13>',
  '- ',
  '[',
  ']',
  '="',
  '\\"',
  '\\]',
  'Oct 11 22:14:15 ',
  '2026-03-02T09:00:00.123+01:00 ',
  '@',
  'BOM',
  '\uFEFF',
  '\n',
  ' ',
];

const syslog: FuzzTarget = {
  name: 'syslog',
  what: 'one syslog datagram (RFC 5424, RFC 3164 and their variants), parseSyslogMessage',
  maxBytes: syslogMax + 1_024,
  tokens: syslogTokens,
  async open() {
    return {
      run(input) {
        const r = parseSyslogMessage(input, now);
        if (!r.ok) return `rejected:${r.reason}`;
        checkLogRecord(r.record);
        return 'ok';
      },
    };
  },
};

/** Chunk sizes a TCP stream arrives in, cycled: frames cut at every kind of boundary. */
const chunkSizes = [1, 7, 64, 1_460, 3, 16_384];

const syslogTcp: FuzzTarget = {
  name: 'syslog-tcp',
  what: 'a syslog TCP/TLS byte stream (RFC 6587 octet counting and LF/NUL framing) into frames and records',
  maxBytes: 4 * syslogMax,
  tokens: [...syslogTokens, '123 ', '0 ', '99999999999 ', '\u0000', '\r\n'],
  async open() {
    return {
      run(input) {
        const outcomes: string[] = [];
        const framer = new SyslogFramer(
          syslogMax,
          (buf, start, end, cut) => {
            check(end - start <= syslogMax + 1, 'a frame holds at most the limit and one byte');
            const r = parseSyslogFrame(
              buf,
              start,
              end,
              now,
              { maxMessageBytes: syslogMax, zone: 'UTC' },
              'syslog-tcp',
              '127.0.0.1',
            );
            if (typeof r === 'string') outcomes.push(`rejected:${r}`);
            else {
              checkLogRecord(r);
              outcomes.push(cut ? 'ok:cut' : 'ok');
            }
          },
          () => outcomes.push('rejected:framing'),
        );
        for (let at = 0, k = 0; at < input.length; k++) {
          const size = chunkSizes[k % chunkSizes.length] as number;
          framer.push(input.subarray(at, at + size));
          at += size;
        }
        return outcomes.find((o) => o.startsWith('rejected')) ?? outcomes[0] ?? 'ok:empty';
      },
    };
  },
};

function expositionTarget(format: 'text' | 'openmetrics'): FuzzTarget {
  return {
    name: format === 'text' ? 'exposition-text' : 'exposition-openmetrics',
    what: `a scrape body in the ${format === 'text' ? 'Prometheus text format 0.0.4' : 'OpenMetrics 1.0 format'}, parseExposition`,
    maxBytes: 1_048_576,
    tokens: [
      '# TYPE ',
      '# HELP ',
      '# UNIT ',
      '# EOF\n',
      ' counter\n',
      ' histogram\n',
      ' gauge\n',
      '{',
      '}',
      '="',
      '",',
      '\\"',
      '\\n',
      '\\\\',
      ' NaN',
      ' +Inf',
      ' -Inf',
      '_bucket{le="',
      '_total',
      '_created',
      ' # {',
      '\n',
    ],
    async open() {
      return {
        run(input) {
          const p = parseExposition(input.toString('utf8'), format, { defaultTimestampMs: now });
          check(p.series.length === p.keys.length, 'a key for every series');
          check(p.series.length <= p.samples, 'no more series than sample lines');
          for (const s of p.series)
            check(s.timestamps.length === s.values.length, 'a value for every timestamp');
          if (p.invalid) return `rejected:invalid:${p.errors[0]?.reason ?? 'eof'}`;
          return p.errors.length > 0 ? `ok:refused:${p.errors[0]?.reason}` : 'ok';
        },
      };
    },
  };
}

const decodeError = (err: unknown) => (err instanceof DecodeError ? err.reason : undefined);

function decodedOutcome(decoded: ReturnType<typeof decodeWriteRequest>): Outcome {
  const refused = Object.keys(decoded.rejected).sort();
  return refused.length > 0 ? `ok:refused:${refused.join(',')}` : 'ok';
}

const remoteWrite: FuzzTarget = {
  name: 'remote-write',
  what: 'a remote-write 1.0 body: snappy block format, then protobuf WriteRequest (as POST /api/v1/prom/write)',
  maxBytes: 1_048_576,
  binary: true,
  tokens: ['\u000a', '\u0012', '\u0009', '\u0010', '\u001a', '\u0022', '__name__', 'job', 'instance'],
  async open() {
    return guarded(decodeError, (input) => {
      if (input.length > remoteWriteLimits.compressedBytes) return 'rejected:payload_too_large';
      return decodedOutcome(decodeWriteRequest(snappyDecompress(input, remoteWriteLimits.decompressedBytes)));
    });
  },
};

const remoteWriteProtobuf: FuzzTarget = {
  name: 'remote-write-protobuf',
  what: 'a decompressed remote-write WriteRequest (protobuf), decodeWriteRequest',
  maxBytes: 1_048_576,
  binary: true,
  tokens: [
    '\u000a',
    '\u0012',
    '\u0009',
    '\u0010',
    '\u001a',
    '\u0022',
    '\u0008',
    '__name__',
    'job',
    'le',
    'quantile',
  ],
  async open() {
    return guarded(decodeError, (input) => {
      return decodedOutcome(decodeWriteRequest(input));
    });
  },
};

const promql: FuzzTarget = {
  name: 'promql',
  what: 'a PromQL query (the query API, alert rules, forecasts), parsePromql',
  maxBytes: 70_000,
  tokens: [
    '(',
    ')',
    '{',
    '}',
    '[5m]',
    '[1h:5m]',
    '=~',
    '!~',
    '!=',
    '"',
    '`',
    'by (',
    'without (',
    'on(',
    'ignoring(',
    'group_left(',
    'bool ',
    ' offset -5m',
    ' @ end()',
    ' @ 1e309',
    'sum(',
    'rate(',
    'histogram_quantile(0.9, ',
    'forecast(',
    'timeleft(',
    'label_replace(',
    'topk(',
    ' and ',
    ' or ',
    ' unless ',
    '^',
    '%',
    '/',
    ' > ',
    '1e309',
    'NaN',
    'Inf',
    '0x',
    '_',
    ':',
    ',',
  ],
  async open() {
    return guarded(domainError, (input) => {
      parsePromql(input.toString('utf8'));
      return 'ok';
    });
  },
};

/** What no sanitised article may carry: elements that run or embed, handlers and styles, and URLs of other schemes. */
const unsafeTags =
  /^(script|style|iframe|frame|frameset|object|embed|applet|svg|math|form|input|button|textarea|select|link|meta|base|template|noscript)$/;
const unsafeAttribute = /^(on.*|style|srcdoc|formaction|action|xlink:href|background|poster)$/i;

/** No unsafe element or attribute in the rendered article, and every link and image URL http(s), mailto, tel or relative. */
function checkSafeHtml(html: string): void {
  const parser = new HtmlParser({
    onopentag(name, attributes) {
      check(!unsafeTags.test(name), `no <${name}> in an article`);
      for (const [key, value] of Object.entries(attributes)) {
        check(!unsafeAttribute.test(key), `no ${key} attribute on <${name}>`);
        if (key === 'href' || key === 'src') {
          const scheme = /^\s*([a-z][a-z0-9+.-]*):/i
            .exec(value.replace(/[\u0000-\u0020]/g, ''))?.[1]
            ?.toLowerCase();
          check(
            scheme === undefined || ['http', 'https', 'mailto', 'tel'].includes(scheme),
            `${key} scheme ${scheme} is allowed`,
          );
        }
      }
    },
  });
  parser.write(html);
  parser.end();
}

const markdown: FuzzTarget = {
  name: 'markdown',
  what: 'a knowledge-base article body (Markdown → sanitised HTML, headings, plain text), renderArticle',
  maxBytes: 200_000,
  tokens: [
    '# ',
    '## ',
    '> ',
    '- ',
    '1. ',
    '```',
    '`',
    '*',
    '_',
    '[',
    '](',
    ')',
    '![',
    '<',
    '>',
    '<script>',
    '<img src=x onerror=alert(1)>',
    'javascript:',
    'JaVaScRiPt&#58;',
    'data:text/html,',
    '&#x6A;',
    '|',
    '|---|',
    '\\',
    '    ',
    'http://',
    'www.',
    '\n\n',
    '<a href="',
    '"',
    "'",
  ],
  async open() {
    return {
      run(input) {
        const text = input.toString('utf8');
        const rendered = renderArticle(text);
        checkSafeHtml(rendered.html);
        for (const h of rendered.headings)
          check(h.level >= 1 && h.level <= 6 && h.id.length > 0, 'headings have a level and an id');
        check(typeof plainText(text) === 'string', 'plain text is text');
        return rendered.html.length === 0 ? 'ok:empty' : 'ok';
      },
    };
  },
};

const csvTokens = [
  ',',
  ';',
  '"',
  '""',
  '\r\n',
  '\n',
  '\uFEFF',
  ' ',
  'name',
  'serial',
  'mac',
  'cost',
  '1 299,00',
  'email',
  'role',
  'manager',
  'groups',
  'time_zone',
  'a@example.test',
  'Europe/Berlin',
  'admin',
  'yes',
  '00:11:22:33:44:55',
  '2026-02-30',
];

/**
 * The CSV readers are linear but not fast (csv-parse reads about 200 KB/s on a loaded 2-core machine): inputs stay
 * at 128 KiB, within the imports' bounds (32 and 16 MB), so that a linear read never passes the hang bound.
 */
const csvMaxBytes = 131_072;

const csvAssets: FuzzTarget = {
  name: 'csv-assets',
  what: 'an asset inventory CSV (POST /api/v1/assets/import), readAssetsCsv: RFC 4180 and each row',
  maxBytes: csvMaxBytes,
  tokens: csvTokens,
  async open() {
    return guarded(domainError, (input) => {
      const read = readAssetsCsv(input.toString('utf8'));
      check(read.parsed.length + read.refused.length === read.rowCount, 'every row parsed or refused');
      return read.refused.length > 0 ? `ok:refused:${read.refused[0]?.fields[0]?.field}` : 'ok';
    });
  },
};

const csvUsers: FuzzTarget = {
  name: 'csv-users',
  what: 'a people CSV (POST /api/v1/users/import), readUsersCsv: csv-parse, the header and each row',
  maxBytes: csvMaxBytes,
  tokens: csvTokens,
  async open() {
    return guarded(domainError, (input) => {
      const read = readUsersCsv(input.toString('utf8'));
      check(read.rows.length + read.rejected.length === read.rowCount, 'every row read or refused');
      return read.rejected.length > 0 ? `ok:refused:${read.rejected[0]?.reasons[0]?.split(':')[0]}` : 'ok';
    });
  },
};

const csvSeries: FuzzTarget = {
  name: 'csv-series',
  what: 'a timestamp,value series for the anomaly detector (opsdesk anomaly score), SeriesReader',
  maxBytes: csvMaxBytes,
  tokens: [
    'timestamp,value\n',
    ',',
    '\n',
    '"',
    '2026-03-02 09:00:00',
    '2026-03-02T09:00:00+01:00',
    '1700000000',
    '1e309',
    'NaN',
    '-Inf',
    '.5',
  ],
  async open() {
    return {
      run(input) {
        const reader = new SeriesReader();
        let rows = 0;
        try {
          for (const line of input.toString('utf8').split(/\r?\n/)) {
            const row = reader.read(line);
            if (row) {
              check(Number.isFinite(row.timestampMs), 'a row has a finite time');
              rows++;
            }
          }
          reader.finish();
          return rows > 0 ? 'ok' : 'ok:no-rows';
        } catch (err) {
          return rejectedBy(err, (e) =>
            e instanceof SeriesInputError ? e.reason.replace(/".*$/, '').slice(0, 40) : undefined,
          );
        }
      },
    };
  },
};

const icsTokens = [
  'BEGIN:VCALENDAR\r\n',
  'BEGIN:VEVENT\r\n',
  'END:VEVENT\r\n',
  'END:VCALENDAR\r\n',
  'DTSTART;VALUE=DATE:',
  'DTEND;VALUE=DATE:',
  'DTSTART;TZID=Europe/Berlin:',
  'RRULE:',
  'FREQ=YEARLY',
  'FREQ=DAILY',
  ';BYMONTH=2',
  ';BYMONTHDAY=30',
  ';BYDAY=-1MO',
  ';BYSETPOS=',
  ';COUNT=',
  ';UNTIL=',
  ';INTERVAL=',
  'SUMMARY:',
  'EXDATE:',
  '\r\n ',
  ':',
  ';',
  '20261225',
  '99991231',
  'BEGIN:VTIMEZONE\r\n',
];

const ics: FuzzTarget = {
  name: 'ics-holidays',
  what: 'an iCalendar file of holidays (POST /api/v1/sla/calendars/:id/holidays/import), parseIcsHolidays with ical.js',
  maxBytes: 262_144,
  tokens: icsTokens,
  async open() {
    return guarded(domainError, (input) => {
      const holidays = parseIcsHolidays(input.toString('utf8'));
      check(holidays.length > 0 && holidays.length <= 2_001, 'holidays are bounded');
      for (const h of holidays) check(/^\d{4}-\d{2}-\d{2}$/.test(h.date), `a holiday has a day (${h.date})`);
      return 'ok';
    });
  },
};

const rrule: FuzzTarget = {
  name: 'rrule',
  what: 'a maintenance window RRULE (RFC 5545): checkMaintenanceWindowInput, then 90 days expanded by windowOccurrences',
  maxBytes: 4_096,
  tokens: [
    'FREQ=',
    'YEARLY',
    'MONTHLY',
    'WEEKLY',
    'DAILY',
    'HOURLY',
    ';BYMONTH=',
    ';BYMONTHDAY=',
    ';BYDAY=',
    ';BYYEARDAY=',
    ';BYWEEKNO=',
    ';BYSETPOS=',
    ';BYHOUR=',
    ';WKST=',
    ';COUNT=',
    ';UNTIL=',
    ';INTERVAL=',
    '-1',
    '53',
    '366',
    '31',
    '2',
    'MO',
    'SU',
    '-5FR',
    'RRULE:',
    ',',
    '=',
  ],
  async open() {
    return {
      run(input) {
        const window = {
          id: 1,
          name: 'fuzz',
          description: '',
          targetIds: [],
          startsAt: now,
          endsAt: null,
          rrule: input.toString('utf8'),
          timeZone: 'Europe/Berlin',
          durationMinutes: 60,
          createdBy: null,
          createdAt: now,
          updatedAt: now,
        };
        try {
          // As the API takes a window: checked (the rule must recur), then expanded as reads expand it.
          checkMaintenanceWindowInput({
            name: window.name,
            startsAt: now,
            rrule: window.rrule,
            durationMinutes: 60,
            timeZone: window.timeZone,
          });
          const occurrences = windowOccurrences(window, now, now + 90 * 86_400_000);
          for (const o of occurrences)
            check(Number.isFinite(o.start) && o.end > o.start, 'an occurrence is an interval');
          return occurrences.length > 0 ? 'ok' : 'ok:none';
        } catch (err) {
          return rejectedBy(err, domainError);
        }
      },
    };
  },
};

const mime: FuzzTarget = {
  name: 'mime',
  what: 'an inbound mail (SMTP DATA or IMAP): header checks, mailparser, Message-ID, subject and quoted-reply text',
  maxBytes: 1_048_576,
  tokens: [
    '\r\n',
    '\r\n\r\n',
    'From: ',
    'To: ',
    'Subject: ',
    'Message-ID: <',
    '>',
    'In-Reply-To: ',
    'References: ',
    'Content-Type: multipart/mixed; boundary="',
    'Content-Type: text/html; charset=',
    '--',
    'Content-Transfer-Encoding: base64\r\n',
    'Content-Transfer-Encoding: quoted-printable\r\n',
    '=?UTF-8?B?',
    '=?ISO-8859-1?Q?',
    '?=',
    '=\r\n',
    '=C3=A9',
    'Content-Disposition: attachment; filename="',
    'charset=utf-7',
    '<html><body>',
    '> ',
    'On Mon, Mar 2, 2026 at 9:00 AM wrote:',
    '##- Please type your reply above this line -##',
    '[#',
    ']',
  ],
  async open() {
    return guarded(
      (e) => (e instanceof Rejection ? e.reason : undefined),
      async (input) => {
        const mail = await parseMail(input);
        normaliseMessageId(mail.messageId);
        if (typeof mail.text === 'string') stripQuotedReply(mail.text);
        titleFromSubject(mail.subject);
        return mail.attachments.length > 0 ? 'ok:attachments' : 'ok';
      },
    );
  },
};

const inventory: FuzzTarget = {
  name: 'inventory',
  what: 'an inventory agent report (FusionInventory/GLPI XML or JSON, zlib or gzip), decodeInventoryBody and parseInventory',
  maxBytes: 1_048_576,
  tokens: [
    '<?xml version="1.0" encoding="UTF-8" ?>',
    '<REQUEST>',
    '</REQUEST>',
    '<QUERY>INVENTORY</QUERY>',
    '<DEVICEID>',
    '</DEVICEID>',
    '<CONTENT>',
    '</CONTENT>',
    '<HARDWARE>',
    '<NETWORKS>',
    '<MACADDR>',
    '<SOFTWARES>',
    '<![CDATA[',
    ']]>',
    '&amp;',
    '&#0;',
    '<!DOCTYPE x [<!ENTITY a "aaaa">]>',
    '&a;',
    '{"action":"inventory",',
    '"content":{',
    '"deviceid":',
    '}',
    '[',
    '"',
  ],
  async open() {
    return guarded(domainError, (input) => {
      const doc = parseInventory(decodeInventoryBody(input));
      return `ok:${doc.query}`;
    });
  },
};

export const pureTargets: FuzzTarget[] = [
  syslog,
  syslogTcp,
  expositionTarget('text'),
  expositionTarget('openmetrics'),
  remoteWrite,
  remoteWriteProtobuf,
  promql,
  markdown,
  csvAssets,
  csvUsers,
  csvSeries,
  ics,
  rrule,
  mime,
  inventory,
];
