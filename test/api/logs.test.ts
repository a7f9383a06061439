// The log store's HTTP API on both databases: ingest with partial refusal and bad bodies (fuzzed: never a 5xx),
// search and histogram filters and their 400s, patterns listed, renamed and merged with audit.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, userSession } from '../support/http.js';

describe.each(dialects)('logs API on %s', (dialect) => {
  let t: TestApp;
  let tech: Session;
  let requester: Session;
  beforeAll(async () => {
    t = await makeApp(dialect);
    tech = await userSession(t.app, t.ctx, 'technician');
    requester = await userSession(t.app, t.ctx, 'requester');
  });
  afterAll(async () => t?.close());

  const ndjson = (token: string, body: string, type = 'application/x-ndjson') =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/logs',
      headers: { authorization: `Bearer ${token}`, 'content-type': type },
      payload: body,
    });

  it('stores the valid lines of JSON lines and names the refused ones with their reasons', async () => {
    const lines = [
      JSON.stringify({
        message: 'api ingest one',
        host: 'app-1',
        severity: 'err',
        time: '2026-03-02T08:59:00Z',
      }),
      '{not json',
      JSON.stringify({ host: 'app-1' }),
      '',
      JSON.stringify({ message: 'api ingest two', severity: 9 }),
      JSON.stringify({
        message: 'api ingest three',
        facility: 'local3',
        structuredData: { m: { a: '1' } },
        app: 'cron',
      }),
      JSON.stringify({ message: 'api ingest four', time: 'yesterday' }),
      JSON.stringify(['an', 'array']),
    ].join('\n');
    const res = await ndjson(tech.token, lines);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      accepted: 2,
      rejectedCount: 5,
      rejected: [
        { line: 2, reason: 'invalid_json' },
        { line: 3, reason: 'message_missing' },
        { line: 5, reason: 'invalid_severity' },
        { line: 7, reason: 'invalid_time' },
        { line: 8, reason: 'not_an_object' },
      ],
    });
    const found = await tech.call('GET', '/api/v1/logs?q=%22api%20ingest%22');
    expect(found.status).toBe(200);
    expect(found.body.items.map((r: { message: string }) => r.message)).toEqual([
      'api ingest three',
      'api ingest one',
    ]);
    const [three, one] = found.body.items;
    expect(one).toMatchObject({
      host: 'app-1',
      severity: 3,
      severityName: 'err',
      time: '2026-03-02T08:59:00.000Z',
    });
    expect(one.peer).toBe(`user:${tech.userId}`);
    expect(three).toMatchObject({
      app: 'cron',
      facility: 19,
      structuredData: { m: { a: '1' } },
      source: 'http',
    });
  });

  it('takes a JSON array as well', async () => {
    const res = await tech.call('POST', '/api/v1/logs', [
      { message: 'array line a' },
      { message: 'array line b' },
    ]);
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(2);
  });

  it('refuses an upload with no valid line as problem+json naming each line', async () => {
    const res = await ndjson(tech.token, '{}\n[1]\n');
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('problem+json');
    expect(res.json()).toMatchObject({
      code: 'log_lines_refused',
      errors: [
        { field: '/line/1', message: 'message_missing' },
        { field: '/line/2', message: 'not_an_object' },
      ],
    });
    expect((await ndjson(tech.token, '')).statusCode).toBe(400);
    expect((await ndjson(tech.token, 'x', 'text/csv')).statusCode).toBe(415);
    expect((await ndjson(tech.token, `${'x'.repeat(6 * 1_048_576)}`)).statusCode).toBe(413);
    expect((await ndjson(requester.token, '{"message":"no"}')).statusCode).toBe(403);
  });

  it('never answers a 5xx to any body (fuzzed)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc
            .array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 5 })
            .map((vs) => vs.map((v) => JSON.stringify(v)).join('\n')),
          fc
            .array(
              fc.record(
                {
                  message: fc.oneof(fc.string({ maxLength: 50 }), fc.integer()),
                  host: fc.oneof(fc.string({ maxLength: 300 }), fc.constant(null)),
                  severity: fc.oneof(fc.integer({ min: -2, max: 10 }), fc.string({ maxLength: 8 })),
                  facility: fc.oneof(fc.integer({ min: -2, max: 30 }), fc.string({ maxLength: 8 })),
                  time: fc.oneof(
                    fc.integer(),
                    fc.string({ maxLength: 30 }),
                    fc.date().map((d) => (Number.isNaN(d.getTime()) ? 'x' : d.toISOString())),
                  ),
                  structuredData: fc.jsonValue({ maxDepth: 3 }),
                  app: fc.string({ maxLength: 80 }),
                },
                { requiredKeys: [] },
              ),
              { maxLength: 5 },
            )
            .map((vs) => vs.map((v) => JSON.stringify(v)).join('\n')),
        ),
        fc.constantFrom('application/x-ndjson', 'application/json'),
        async (body, type) => {
          const res = await ndjson(tech.token, body, type);
          expect(res.statusCode).toBeLessThan(500);
          if (res.statusCode !== 200) expect(res.headers['content-type']).toContain('problem+json');
        },
      ),
      { numRuns: 60, seed: 7 },
    );
  });

  it('refuses bad filters with the field named', async () => {
    for (const [url, field] of [
      ['/api/v1/logs?severity=loud', 'querystring/severity'],
      ['/api/v1/logs?from=yesterday', 'querystring/from'],
      ['/api/v1/logs?from=2026-03-02T10:00:00Z&to=2026-03-02T09:00:00Z', 'querystring/to'],
      ['/api/v1/logs?limit=100000', 'querystring/limit'],
      ['/api/v1/logs?cursor=nope', 'querystring/cursor'],
      [
        `/api/v1/logs?q=${encodeURIComponent(Array.from({ length: 30 }, (_, i) => `w${i}`).join(' '))}`,
        'querystring/q',
      ],
      ['/api/v1/logs/histogram?from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'querystring/from'],
    ] as const) {
      const res = await tech.call('GET', url);
      expect(res.status, url).toBe(400);
      expect(res.body.errors?.[0]?.field, url).toContain(field.split('/')[1]);
    }
  });

  it('the histogram counts what search finds', async () => {
    const from = t.clock.now() - 30 * 60_000;
    await tech.call(
      'POST',
      '/api/v1/logs',
      Array.from({ length: 40 }, (_, i) => ({
        message: `histo sample ${i}`,
        severity: i % 2 === 0 ? 'warning' : 'info',
        time: new Date(from + i * 30_000).toISOString(),
      })),
    );
    const h = await tech.call(
      'GET',
      `/api/v1/logs/histogram?q=histo&from=${new Date(from).toISOString()}&to=${new Date(from + 30 * 60_000).toISOString()}`,
    );
    expect(h.status).toBe(200);
    expect(h.body.stepSeconds).toBe(60);
    expect(h.body.buckets.reduce((s: number, b: { total: number }) => s + b.total, 0)).toBe(40);
    expect(
      h.body.buckets.reduce((s: number, b: { bySeverity: number[] }) => s + (b.bySeverity[4] ?? 0), 0),
    ).toBe(20);
  });

  it('lists patterns, renames and merges them with audit; merged records read as the survivor', async () => {
    await tech.call('POST', '/api/v1/logs', [
      { message: 'pattern alpha seen', host: 'pa-1', severity: 'err' },
      { message: 'pattern alpha seen', host: 'pa-2', severity: 'warning' },
      { message: 'pattern beta seen', host: 'pa-3', severity: 'info' },
      { message: 'pattern beta seen', host: 'pa-1', severity: 'info' },
    ]);
    const list = await tech.call('GET', '/api/v1/logs/patterns?q=pattern%20&sort=count');
    expect(list.status).toBe(200);
    const alpha = list.body.items.find((p: { example: string }) => p.example === 'pattern alpha seen');
    const beta = list.body.items.find((p: { example: string }) => p.example === 'pattern beta seen');
    expect(alpha).toMatchObject({ count: 2, worstSeverity: 3, severities: [3, 4] });
    expect(alpha.topHosts.map((h: { host: string }) => h.host).sort()).toEqual(['pa-1', 'pa-2']);
    expect(alpha.ratePerMinute).toBeCloseTo(2 / 60);
    expect(
      (await tech.call('GET', '/api/v1/logs/patterns?host=pa-3')).body.items.map((p: { id: string }) => p.id),
    ).toEqual([beta.id]);
    expect(
      (await tech.call('GET', '/api/v1/logs/patterns?severity=err&q=pattern')).body.items.map(
        (p: { id: string }) => p.id,
      ),
    ).toEqual([alpha.id]);

    const renamed = await tech.call('PATCH', `/api/v1/logs/patterns/${alpha.id}`, { name: 'Alpha failures' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.name).toBe('Alpha failures');
    expect(
      (await tech.call('PATCH', `/api/v1/logs/patterns/${alpha.id}`, { name: null })).body.name,
    ).toBeNull();
    expect((await tech.call('PATCH', '/api/v1/logs/patterns/nope', { name: 'x' })).status).toBe(404);

    expect(
      (await tech.call('POST', `/api/v1/logs/patterns/${beta.id}/merge`, { into: beta.id })).status,
    ).toBe(409);
    const merged = await tech.call('POST', `/api/v1/logs/patterns/${beta.id}/merge`, { into: alpha.id });
    expect(merged.status).toBe(200);
    expect(merged.body).toMatchObject({ id: alpha.id, count: 4, severities: [3, 4, 6] });
    // Hosts and minutes add up where both patterns had a row (pa-1, the minute they shared).
    expect(
      [...merged.body.topHosts].sort((a: { host: string }, b: { host: string }) =>
        a.host < b.host ? -1 : 1,
      ),
    ).toEqual([
      { host: 'pa-1', count: 2 },
      { host: 'pa-2', count: 1 },
      { host: 'pa-3', count: 1 },
    ]);
    expect(merged.body.ratePerMinute).toBeCloseTo(4 / 60);
    const minuteRows = await t.ctx.db
      .selectFrom('log_template_minutes')
      .select(['template_id', 'count'])
      .where('template_id', 'in', [alpha.id, beta.id])
      .execute();
    expect(minuteRows.map((m) => [m.template_id, Number(m.count)])).toEqual([[alpha.id, 4]]);
    const hostMinuteRows = await t.ctx.db
      .selectFrom('log_host_minutes')
      .select(['host', 'count'])
      .where('template_id', 'in', [alpha.id, beta.id])
      .orderBy('host')
      .execute();
    expect(hostMinuteRows.map((m) => [m.host, Number(m.count)])).toEqual([
      ['pa-1', 2],
      ['pa-2', 1],
      ['pa-3', 1],
    ]);
    // Merging back would make a cycle.
    const back = await tech.call('POST', `/api/v1/logs/patterns/${alpha.id}/merge`, { into: beta.id });
    expect(back.status).toBe(409);
    expect(back.body.code).toBe('log_pattern_merge_refused');
    // The merged pattern leaves the list; its records are the survivor's, old and new.
    const after = await tech.call('GET', '/api/v1/logs/patterns?q=pattern%20');
    expect(after.body.items.map((p: { id: string }) => p.id)).not.toContain(beta.id);
    await tech.call('POST', '/api/v1/logs', [{ message: 'pattern beta seen', host: 'pa-3' }]);
    const records = await tech.call('GET', `/api/v1/logs?templateId=${alpha.id}`);
    expect(records.body.items).toHaveLength(5);
    expect(new Set(records.body.items.map((r: { templateId: string }) => r.templateId))).toEqual(
      new Set([alpha.id]),
    );
    expect((await tech.call('GET', `/api/v1/logs/patterns/${alpha.id}`)).body.count).toBe(5);

    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select(['action', 'subject_id', 'actor_id'])
      .where('subject_type', '=', 'log_pattern')
      .orderBy('id')
      .execute();
    expect(audit.map((a) => [a.action, a.subject_id])).toEqual([
      ['log_pattern.renamed', alpha.id],
      ['log_pattern.renamed', alpha.id],
      ['log_pattern.merged', beta.id],
    ]);
    expect(audit.every((a) => a.actor_id === tech.userId)).toBe(true);
  });

  it('pages patterns with a cursor', async () => {
    await tech.call(
      'POST',
      '/api/v1/logs',
      Array.from({ length: 7 }, (_, i) => ({ message: `paged kind${i}` })),
    );
    const seen: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const res: { body: { items: { id: string }[]; nextCursor: string | null } } = await tech.call(
        'GET',
        `/api/v1/logs/patterns?q=paged&limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...res.body.items.map((p) => p.id));
      cursor = res.body.nextCursor;
    }
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
  });
});
