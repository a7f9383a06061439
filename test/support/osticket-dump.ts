// An osTicket database export for import tests, written as `mysqldump --no-create-info --complete-insert
// --hex-blob` writes it (one INSERT per table and line, strings with backslash escapes, blobs as 0x…), built by
// code from a small help desk: two departments, two staff, three users, five tickets in every state with their
// thread entries (messages, responses, an internal note) and a PNG kept in the database in two chunks.
import fs from 'node:fs';
import { pngBytes } from './zammad-server.js';

type Value = string | number | Buffer | null;
export type DumpTables = Record<string, Array<Record<string, Value>>>;

function literal(v: Value): string {
  if (v === null) return 'NULL';
  if (typeof v === 'number') return String(v);
  if (Buffer.isBuffer(v)) return v.length === 0 ? "''" : `0x${v.toString('hex').toUpperCase()}`;
  const escaped = v.replace(/[\\'"\n\r\0\x1a]/g, (c) =>
    c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\0' ? '\\0' : c === '\x1a' ? '\\Z' : `\\${c}`,
  );
  return `'${escaped}'`;
}

/** The dump's text: a header as mysqldump writes one, then the INSERTs. */
export function dumpText(tables: DumpTables, prefix = 'ost_'): string {
  const lines = [
    '-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)',
    '--',
    '-- Host: localhost    Database: osticket',
    '/*!40101 SET NAMES utf8mb4 */;',
    '',
  ];
  for (const [table, rows] of Object.entries(tables)) {
    if (rows.length === 0) continue;
    const columns = Object.keys(rows[0]);
    lines.push(`--\n-- Dumping data for table \`${prefix}${table}\`\n--\n`);
    lines.push(`LOCK TABLES \`${prefix}${table}\` WRITE;`);
    lines.push(
      `INSERT INTO \`${prefix}${table}\` (${columns.map((c) => `\`${c}\``).join(', ')}) VALUES ${rows
        .map((r) => `(${columns.map((c) => literal(r[c])).join(',')})`)
        .join(',')};`,
    );
    lines.push('UNLOCK TABLES;');
  }
  lines.push('-- Dump completed on 2024-03-10 12:00:00', '');
  return lines.join('\n');
}

const at = (day: number, hour: number) =>
  new Date(Date.parse('2024-03-01T09:00:00Z') + day * 86_400_000 + hour * 3_600_000)
    .toISOString()
    .slice(0, 19)
    .replace('T', ' ');

/** The small help desk described above, as tables (change them, then write them again with writeDump). */
export function osTicketTables(): DumpTables {
  const tickets: Array<[number, number, number, number, number, number, string]> = [
    // id, user, status, staff, dept, priority, subject
    [1, 1, 1, 0, 1, 2, 'Cannot print'],
    [2, 2, 1, 2, 2, 3, 'VPN drops every hour'],
    [3, 1, 2, 1, 1, 1, 'New monitor'],
    [4, 3, 3, 1, 1, 2, 'Kiosk screen flickers'],
    [5, 2, 6, 2, 2, 4, 'Mail server down'],
  ];
  const entries: Array<Record<string, Value>> = [];
  for (const [id, user, , staff] of tickets) {
    entries.push({
      id: id * 10,
      pid: 0,
      thread_id: 100 + id,
      staff_id: 0,
      user_id: user,
      type: 'M',
      flags: 0,
      poster: 'Customer',
      editor: null,
      source: 'Email',
      title: null,
      body: `<p>Hello,</p><p>It's broken &amp; "stuck"\nsince ${id}.</p>`,
      format: 'html',
      ip_address: '',
      created: at(id - 1, 0),
      updated: at(id - 1, 0),
    });
    entries.push({
      id: id * 10 + 1,
      pid: 0,
      thread_id: 100 + id,
      staff_id: staff || 1,
      user_id: 0,
      type: 'R',
      flags: 0,
      poster: 'Staff',
      editor: null,
      source: '',
      title: null,
      body: 'Looking into it.',
      format: 'text',
      ip_address: '',
      created: at(id - 1, 1),
      updated: at(id - 1, 1),
    });
  }
  entries.push({
    id: 22,
    pid: 0,
    thread_id: 102,
    staff_id: 2,
    user_id: 0,
    type: 'N',
    flags: 0,
    poster: 'Ada Agent',
    editor: null,
    source: '',
    title: 'Logs checked',
    body: '<p>Nothing in the logs yet.</p>',
    format: 'html',
    ip_address: '',
    created: at(1, 2),
    updated: at(1, 2),
  });
  return {
    department: [
      { id: 1, pid: 0, name: 'Support', ispublic: 1, path: '/1/', created: at(-10, 0), updated: at(-10, 0) },
      { id: 2, pid: 0, name: 'Network', ispublic: 1, path: '/2/', created: at(-10, 0), updated: at(-10, 0) },
    ],
    staff: [
      {
        staff_id: 1,
        dept_id: 1,
        role_id: 1,
        username: 'alan',
        firstname: 'Alan',
        lastname: 'Admin',
        email: 'alan@desk.example',
        isactive: 1,
        isadmin: 1,
        created: at(-10, 0),
      },
      {
        staff_id: 2,
        dept_id: 2,
        role_id: 2,
        username: 'ada',
        firstname: 'Ada',
        lastname: 'Agent',
        email: 'ada@desk.example',
        isactive: 1,
        isadmin: 0,
        created: at(-10, 0),
      },
    ],
    organization: [
      {
        id: 1,
        name: 'Acme Ltd',
        manager: '',
        status: 0,
        domain: 'acme.example',
        created: at(-10, 0),
        updated: at(-10, 0),
      },
    ],
    user: [
      {
        id: 1,
        org_id: 1,
        default_email_id: 1,
        status: 0,
        name: 'Carl Customer',
        created: at(-9, 0),
        updated: at(-9, 0),
      },
      {
        id: 2,
        org_id: 1,
        default_email_id: 2,
        status: 0,
        name: "Dora O'Dunn",
        created: at(-9, 0),
        updated: at(-9, 0),
      },
      {
        id: 3,
        org_id: 0,
        default_email_id: 0,
        status: 0,
        name: 'Front Kiosk',
        created: at(-9, 0),
        updated: at(-9, 0),
      },
    ],
    user_email: [
      { id: 1, user_id: 1, flags: 0, address: 'carl@acme.example' },
      { id: 2, user_id: 2, flags: 0, address: 'dora@acme.example' },
    ],
    ticket_status: [
      [1, 'Open', 'open'],
      [2, 'Resolved', 'closed'],
      [3, 'Closed', 'closed'],
      [4, 'Archived', 'archived'],
      [5, 'Deleted', 'deleted'],
      [6, 'On hold', 'open'],
    ].map(([id, name, state]) => ({
      id,
      name,
      state,
      mode: 3,
      flags: 0,
      sort: id,
      properties: '{}',
      created: at(-10, 0),
      updated: at(-10, 0),
    })),
    ticket_priority: [
      [1, 'low', 4],
      [2, 'normal', 3],
      [3, 'high', 2],
      [4, 'emergency', 1],
    ].map(([priority_id, priority, urgency]) => ({
      priority_id,
      priority,
      priority_desc: String(priority),
      priority_color: '#fff',
      priority_urgency: urgency,
      ispublic: 1,
    })),
    ticket: tickets.map(([id, user, status, staff, dept]) => ({
      ticket_id: id,
      ticket_pid: null,
      number: String(100000 + id),
      user_id: user,
      user_email_id: 0,
      status_id: status,
      dept_id: dept,
      sla_id: 0,
      topic_id: 0,
      staff_id: staff,
      team_id: 0,
      source: 'Email',
      isoverdue: 0,
      isanswered: 1,
      duedate: null,
      reopened: null,
      closed: status === 2 || status === 3 ? at(id - 1, 4) : null,
      lastupdate: at(id - 1, 5),
      created: at(id - 1, 0),
      updated: at(id - 1, 5),
    })),
    ticket__cdata: tickets.map(([id, , , , , priority, subject]) => ({
      ticket_id: id,
      subject,
      priority: String(priority),
    })),
    thread: tickets.map(([id]) => ({
      id: 100 + id,
      object_id: id,
      object_type: 'T',
      extra: null,
      lastresponse: null,
      lastmessage: null,
      created: at(id - 1, 0),
    })),
    thread_entry: entries,
    attachment: [
      { id: 1, object_id: 20, type: 'H', file_id: 1, name: 'screenshot.png', inline: 0, lang: null },
      { id: 2, object_id: 21, type: 'H', file_id: 2, name: 'big.pdf', inline: 0, lang: null },
    ],
    file: [
      {
        id: 1,
        ft: 'T',
        bk: 'D',
        type: 'image/png',
        size: pngBytes.length,
        key: 'k1',
        signature: 's1',
        name: 'screenshot.png',
        attrs: null,
        created: at(1, 0),
      },
      {
        id: 2,
        ft: 'T',
        bk: 'F',
        type: 'application/pdf',
        size: 1024,
        key: 'k2',
        signature: 's2',
        name: 'big.pdf',
        attrs: null,
        created: at(1, 1),
      },
    ],
    file_chunk: [
      { file_id: 1, chunk_id: 0, filedata: pngBytes.subarray(0, 20) },
      { file_id: 1, chunk_id: 1, filedata: pngBytes.subarray(20) },
    ],
  };
}

export function writeDump(file: string, tables: DumpTables): void {
  fs.writeFileSync(file, dumpText(tables));
}
