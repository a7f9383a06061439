// The web app's generated API types (web/src/api/schema.d.ts) must match what the server's routes describe
// today: a route or schema change without `npm run api:types` fails here.
import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderApiTypes, schemaFile } from '../../scripts/api-types.js';

describe('generated API types', () => {
  let fresh = '';
  beforeAll(async () => {
    fresh = await renderApiTypes();
  });

  it('web/src/api/schema.d.ts is up to date with /api/v1/openapi.json', () => {
    const committed = fs.readFileSync(schemaFile, 'utf8');
    expect(committed === fresh, 'web/src/api/schema.d.ts is out of date: run npm run api:types').toBe(true);
  });

  it('covers the routes the web app calls, with their response bodies', () => {
    expect(fresh).toContain("'/api/v1/tickets/{id}': {");
    expect(fresh).toMatch(/Ticket: \{[^}]*allowedTransitions/);
    expect(fresh).toContain("'/api/v1/sla/calendars/{id}/open-windows': {");
  });
});
