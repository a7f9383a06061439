// The service catalogue over HTTP on both databases: who maintains custom fields and request types, the
// catalogue each role sees, filing through a form (validation, conditions, defaults, attachments, people),
// custom fields on tickets in general (reads, technicians' changes, queue filters) and forms changing under
// tickets that were filed with them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroup } from '../../src/core/auth/index.js';
import { createCategory } from '../../src/helpdesk/index.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, userSession } from '../support/http.js';

function multipart(filename: string, type: string, content: string) {
  const boundary = '----opsdesk-catalog-boundary';
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`,
    ),
    Buffer.from(content),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

describe.each(dialects)('the service catalogue on %s', (dialect) => {
  let t: TestApp;
  let req: Session;
  let other: Session;
  let tech: Session;
  let manager: Session;
  let admin: Session;
  let groupId: number;
  let categoryId: number;
  let policyId: number;
  const field: Record<string, number> = {};
  let laptopType: number;
  let staffType: number;

  async function upload(who: Session, name = 'error.txt'): Promise<number> {
    const m = multipart(name, 'text/plain', 'the VPN says error 809');
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/uploads',
      headers: { authorization: `Bearer ${who.token}`, ...m.headers },
      payload: m.payload,
    });
    expect(res.statusCode).toBe(201);
    return res.json().id;
  }

  beforeAll(async () => {
    t = await makeApp(dialect);
    groupId = (await createGroup(t.ctx, null, { name: 'Hardware desk' })).id;
    categoryId = (await createCategory(t.ctx, null, { name: 'Hardware' })).id;
    [req, other, tech, manager, admin] = await Promise.all([
      userSession(t.app, t.ctx, 'requester'),
      userSession(t.app, t.ctx, 'requester'),
      userSession(t.app, t.ctx, 'technician'),
      userSession(t.app, t.ctx, 'manager'),
      userSession(t.app, t.ctx, 'admin'),
    ]);
    const policy = await admin.call('POST', '/api/v1/sla/policies', {
      name: 'Hardware 3 days',
      targets: { resolution: { minutes: 4320 } },
    });
    expect(policy.status).toBe(201);
    policyId = policy.body.id;
    const defs = [
      {
        key: 'model',
        label: 'Model',
        type: 'choice',
        options: ['Standard', 'Developer', 'Other'],
        required: true,
      },
      { key: 'model_other', label: 'Which model', type: 'text', maxLength: 100 },
      {
        key: 'accessories',
        label: 'Accessories',
        type: 'multi_choice',
        options: ['Dock', 'Mouse', 'Headset'],
      },
      { key: 'budget', label: 'Budget (EUR)', type: 'number', min: 0, max: 5000 },
      { key: 'needed_by', label: 'Needed by', type: 'date' },
      {
        key: 'cost_centre',
        label: 'Cost centre',
        type: 'text',
        pattern: 'CC-[0-9]{4}',
        helpText: 'CC- and 4 digits',
      },
      { key: 'manager', label: 'Approving manager', type: 'user' },
      { key: 'photo', label: 'Photo of the old one', type: 'attachment' },
    ];
    for (const d of defs) {
      const res = await manager.call('POST', '/api/v1/custom-fields', d);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      field[d.key] = res.body.id;
    }
    const laptop = await manager.call('POST', '/api/v1/request-types', {
      name: 'New laptop',
      description: 'A laptop for a new or current colleague',
      catalogCategory: 'Hardware',
      keywords: ['notebook', 'computer'],
      defaults: { categoryId, groupId, impact: 'low', urgency: 'high', slaPolicyId: policyId },
      fields: [
        { fieldId: field.model },
        {
          fieldId: field.model_other,
          required: true,
          condition: { field: 'model', op: 'equals', value: 'Other' },
        },
        { fieldId: field.accessories },
        { fieldId: field.budget },
        {
          fieldId: field.needed_by,
          condition: { field: 'accessories', op: 'in', values: ['Dock', 'Headset'] },
        },
        { fieldId: field.cost_centre, required: true },
        { fieldId: field.manager },
        { fieldId: field.photo },
      ],
    });
    expect(laptop.status, JSON.stringify(laptop.body)).toBe(201);
    laptopType = laptop.body.id;
    staffType = (
      await admin.call('POST', '/api/v1/request-types', {
        name: 'Server rack access',
        catalogCategory: 'Access',
        audience: 'staff',
        fields: [{ fieldId: field.needed_by, required: true }],
      })
    ).body.id;
    await admin.call('POST', '/api/v1/request-types', { name: 'Retired form', active: false });
  });
  afterAll(async () => t?.close());

  it('only managers and admins maintain fields and request types; everyone reads the definitions', async () => {
    const body = { key: 'floor', label: 'Floor', type: 'number' };
    expect((await req.call('POST', '/api/v1/custom-fields', body)).status).toBe(403);
    expect((await tech.call('POST', '/api/v1/custom-fields', body)).status).toBe(403);
    expect((await tech.call('PATCH', `/api/v1/custom-fields/${field.budget}`, { label: 'x' })).status).toBe(
      403,
    );
    expect((await req.call('POST', '/api/v1/request-types', { name: 'Mine' })).status).toBe(403);
    expect((await tech.call('GET', '/api/v1/request-types')).status).toBe(403);
    expect((await tech.call('GET', `/api/v1/request-types/${laptopType}`)).status).toBe(403);
    const read = await req.call('GET', '/api/v1/custom-fields');
    expect(read.status).toBe(200);
    expect(read.body.items.map((f: { key: string }) => f.key)).toContain('budget');
    expect((await manager.call('GET', `/api/v1/request-types/${laptopType}`)).body.fields).toHaveLength(8);
  });

  it('refuses bad definitions with the field at fault: keys, options, dangerous patterns, conditions', async () => {
    const taken = await admin.call('POST', '/api/v1/custom-fields', {
      key: 'budget',
      label: 'B',
      type: 'number',
    });
    expect(taken.status).toBe(409);
    const noOptions = await admin.call('POST', '/api/v1/custom-fields', {
      key: 'size',
      label: 'Size',
      type: 'choice',
    });
    expect(noOptions.status).toBe(400);
    expect(noOptions.body.errors[0].field).toBe('/options');
    for (const pattern of ['(a+)+$', '(a|aa)*', '([a-z]*)*', '(x)\\1', '[unclosed']) {
      const res = await admin.call('POST', '/api/v1/custom-fields', {
        key: 'risky',
        label: 'Risky',
        type: 'text',
        pattern,
      });
      expect(res.status, pattern).toBe(400);
      expect(res.body.errors[0].field).toBe('/pattern');
    }
    const later = await admin.call('POST', '/api/v1/request-types', {
      name: 'Backwards',
      fields: [
        { fieldId: field.model_other, condition: { field: 'model', op: 'equals', value: 'Other' } },
        { fieldId: field.model },
      ],
    });
    expect(later.status).toBe(400);
    expect(later.body.errors[0].field).toBe('/fields/0/condition/field');
    const notAnOption = await admin.call('POST', '/api/v1/request-types', {
      name: 'Stray option',
      fields: [
        { fieldId: field.model },
        { fieldId: field.model_other, condition: { field: 'model', op: 'equals', value: 'Tablet' } },
      ],
    });
    expect(notAnOption.body.errors[0].field).toBe('/fields/1/condition/value');
    const badRef = await admin.call('POST', '/api/v1/request-types', {
      name: 'Lost group',
      defaults: { groupId: 999_999 },
    });
    expect(badRef.body.errors[0].field).toBe('/defaults/groupId');
  });

  it('the catalogue shows each caller the active request types they may use', async () => {
    const names = async (s: Session) =>
      (await s.call('GET', '/api/v1/catalog')).body.items.map((i: { name: string }) => i.name);
    expect(await names(req)).toContain('New laptop');
    expect(await names(req)).not.toContain('Server rack access');
    expect(await names(req)).not.toContain('Retired form');
    expect(await names(tech)).toContain('Server rack access');
    expect(await names(admin)).not.toContain('Retired form');
    const res = await req.call('POST', `/api/v1/catalog/${staffType}/requests`, {
      fields: { needed_by: '2027-01-04' },
    });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('request_type_not_found');
  });

  it('answers every wrong answer of a form at once, each with its field', async () => {
    const res = await req.call('POST', `/api/v1/catalog/${laptopType}/requests`, {
      fields: {
        model: 'Tablet',
        accessories: ['Dock', 'Dock'],
        budget: 9000,
        cost_centre: 'CC-12',
        manager: 999_999,
        colour: 'blue',
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    const byField = Object.fromEntries(
      res.body.errors.map((e: { field: string; message: string }) => [e.field, e.message]),
    );
    expect(byField).toEqual({
      '/fields/colour': 'is not a field of this form',
      '/fields/model': 'must be one of the options',
      '/fields/accessories': 'lists "Dock" twice',
      '/fields/budget': 'must be at most 5000',
      '/fields/cost_centre': 'does not have the expected form',
      '/fields/manager': 'no active user 999999',
    });
    const missing = await req.call('POST', `/api/v1/catalog/${laptopType}/requests`, { fields: {} });
    expect(missing.body.errors).toEqual([
      { field: '/fields/model', message: 'is required' },
      { field: '/fields/cost_centre', message: 'is required' },
    ]);
    const date = await req.call('POST', `/api/v1/catalog/${laptopType}/requests`, {
      fields: { model: 'Standard', cost_centre: 'CC-1234', accessories: ['Dock'], needed_by: '2027-02-30' },
    });
    expect(date.body.errors).toEqual([
      { field: '/fields/needed_by', message: 'must be a date as YYYY-MM-DD' },
    ]);
  });

  it('a shown conditional field is required; a hidden one is neither required nor stored', async () => {
    const shownMissing = await req.call('POST', `/api/v1/catalog/${laptopType}/requests`, {
      fields: { model: 'Other', cost_centre: 'CC-1234' },
    });
    expect(shownMissing.body.errors).toEqual([{ field: '/fields/model_other', message: 'is required' }]);
    const hidden = await req.call('POST', `/api/v1/catalog/${laptopType}/requests`, {
      fields: {
        model: 'Standard',
        model_other: 'ignored',
        accessories: ['Mouse'],
        needed_by: '2027-01-04',
        cost_centre: 'CC-1234',
      },
    });
    expect(hidden.status).toBe(201);
    expect(hidden.body.fields).toEqual({ model: 'Standard', accessories: ['Mouse'], cost_centre: 'CC-1234' });
  });

  it('files a ticket with the defaults, the answers as fields and in the description, and the attachment', async () => {
    const uploadId = await upload(req, 'old-laptop.txt');
    const res = await req.call('POST', `/api/v1/catalog/${laptopType}/requests`, {
      description: 'For our new developer, starting in January.',
      fields: {
        model: 'Other',
        model_other: 'ThinkPad X1',
        accessories: ['Headset', 'Dock'],
        budget: 1800.5,
        needed_by: '2027-01-04',
        cost_centre: 'CC-0042',
        manager: manager.userId,
        photo: [uploadId],
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const ticket = res.body;
    expect(ticket).toMatchObject({
      title: 'New laptop',
      type: 'request',
      requestTypeId: laptopType,
      categoryId,
      groupId,
      status: 'assigned',
      impact: 'low',
      urgency: 'high',
    });
    expect(ticket.description).toContain('For our new developer');
    expect(ticket.description).toContain('Which model: ThinkPad X1');
    expect(ticket.description).toContain('Accessories: Dock, Headset');
    expect(ticket.description).toContain('Photo of the old one: old-laptop.txt');
    const attachments = (await req.call('GET', `/api/v1/tickets/${ticket.id}/attachments`)).body.items;
    expect(attachments.map((a: { filename: string }) => a.filename)).toEqual(['old-laptop.txt']);
    expect(ticket.fields).toEqual({
      accessories: ['Dock', 'Headset'],
      budget: 1800.5,
      cost_centre: 'CC-0042',
      manager: manager.userId,
      model: 'Other',
      model_other: 'ThinkPad X1',
      needed_by: '2027-01-04',
      photo: [attachments[0].id],
    });
    const sla = await tech.call('GET', `/api/v1/tickets/${ticket.id}/sla`);
    expect(sla.body).toMatchObject({ policyId, pinned: true });
    // The same values in the ticket's reads, for the requester and in the queue.
    expect((await req.call('GET', `/api/v1/tickets/${ticket.id}`)).body.fields.model_other).toBe(
      'ThinkPad X1',
    );
  });

  it("refuses an upload that is not the caller's", async () => {
    const theirs = await upload(other);
    const res = await req.call('POST', `/api/v1/catalog/${laptopType}/requests`, {
      fields: { model: 'Standard', cost_centre: 'CC-1234', photo: [theirs] },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      { field: '/fields/photo', message: `upload ${theirs} does not exist or is not yours` },
    ]);
  });

  it('technicians set fields on any ticket; requesters may not; the queue filters on them', async () => {
    const plain = await req.call('POST', '/api/v1/tickets', {
      title: 'Docking station flickers',
      description: 'x',
    });
    expect(
      (await req.call('PATCH', `/api/v1/tickets/${plain.body.id}`, { fields: { budget: 10 } })).status,
    ).toBe(403);
    const bad = await tech.call('PATCH', `/api/v1/tickets/${plain.body.id}`, {
      fields: { budget: -1, model: 'Tablet', nope: 'x' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual([
      '/fields/budget',
      '/fields/model',
      '/fields/nope',
    ]);
    const set = await tech.call('PATCH', `/api/v1/tickets/${plain.body.id}`, {
      fields: { budget: 250, accessories: ['Dock'], model: 'Developer' },
    });
    expect(set.status).toBe(200);
    expect(set.body.fields).toEqual({ accessories: ['Dock'], budget: 250, model: 'Developer' });
    const history = (await tech.call('GET', `/api/v1/tickets/${plain.body.id}/history`)).body.items;
    expect(history).toContainEqual(expect.objectContaining({ field: 'field:budget', from: null, to: '250' }));
    const cleared = await tech.call('PATCH', `/api/v1/tickets/${plain.body.id}`, { fields: { model: null } });
    expect(cleared.body.fields).toEqual({ accessories: ['Dock'], budget: 250 });

    const ids = async (s: Session, query: string) =>
      (await s.call('GET', `/api/v1/tickets?${query}`)).body.items.map((i: { id: number }) => i.id);
    expect(await ids(tech, 'field.budget=250')).toEqual([plain.body.id]);
    expect(await ids(tech, 'field.accessories=Dock')).toContain(plain.body.id);
    expect(await ids(tech, 'field.accessories=Dock&field.budget=251')).toEqual([]);
    expect(await ids(tech, 'field.model=Other&status=open')).not.toContain(plain.body.id);
    expect((await ids(tech, `field.manager=${manager.userId}`)).length).toBeGreaterThan(0);
    // A requester's filter still shows only their own tickets.
    expect(await ids(other, 'field.budget=250')).toEqual([]);
    const unknown = await tech.call('GET', '/api/v1/tickets?field.colour=blue');
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0].field).toBe('querystring/field.colour');
    expect((await tech.call('GET', '/api/v1/tickets?field.budget=lots')).status).toBe(400);
  });

  it('a changed form applies to new requests; tickets keep the values of fields that left it', async () => {
    const before = await req.call('POST', `/api/v1/catalog/${laptopType}/requests`, {
      fields: { model: 'Standard', cost_centre: 'CC-7777', budget: 900 },
    });
    expect(before.status).toBe(201);
    const form = (await manager.call('GET', `/api/v1/request-types/${laptopType}`)).body;
    const changed = await manager.call('PATCH', `/api/v1/request-types/${laptopType}`, {
      fields: form.fields
        .filter((f: { key: string }) => f.key !== 'cost_centre')
        .map((f: { fieldId: number; condition: unknown }) => ({
          fieldId: f.fieldId,
          condition: f.condition,
        })),
    });
    expect(changed.status).toBe(200);
    expect(changed.body.version).toBe(form.version + 1);
    const after = await req.call('POST', `/api/v1/catalog/${laptopType}/requests`, {
      fields: { model: 'Standard', cost_centre: 'CC-1111' },
    });
    expect(after.body.errors).toEqual([
      { field: '/fields/cost_centre', message: 'is not a field of this form' },
    ]);
    expect(
      (await req.call('POST', `/api/v1/catalog/${laptopType}/requests`, { fields: { model: 'Standard' } }))
        .status,
    ).toBe(201);
    // Deactivating a field takes it off every form; the ticket still reads its value.
    expect(
      (await manager.call('PATCH', `/api/v1/custom-fields/${field.budget}`, { active: false })).status,
    ).toBe(200);
    const catalog = (await req.call('GET', '/api/v1/catalog')).body.items.find(
      (i: { id: number }) => i.id === laptopType,
    );
    expect(catalog.fields.map((f: { key: string }) => f.key)).not.toContain('budget');
    const read = await req.call('GET', `/api/v1/tickets/${before.body.id}`);
    expect(read.body.fields).toMatchObject({ cost_centre: 'CC-7777', budget: 900 });
  });
});
