// PostgreSQL beyond one server, on a cluster of the test's own (test/support/pg-cluster.ts): with DATABASE_READ_URL
// the exports and reports read from a streaming replica while every write goes to the primary; and when the
// primary dies and its synchronous replica is promoted in its place (the address the service uses moved to it, as
// a virtual IP or a proxy does), the service answers 503 with Retry-After meanwhile, then carries on, and no ticket
// it acknowledged is lost.
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { createUser } from '../../src/core/auth/index.js';
import { loadConfig } from '../../src/core/config.js';
import { type OpenedContext, openContext } from '../../src/core/runtime.js';
import { type Session, signIn } from '../support/http.js';
import { type PgCluster, startPgCluster } from '../support/pg-cluster.js';
import { startProxy, type TcpProxy } from '../support/tcp-proxy.js';

const password = 'correct horse battery';

async function open(env: Record<string, string>): Promise<{ opened: OpenedContext; app: FastifyInstance }> {
  const opened = await openContext(loadConfig({ OPSDESK_LOG_LEVEL: 'silent', ...env }), {
    log: pino({ level: 'silent' }),
  });
  const app = await buildApp(opened.ctx);
  await app.ready();
  return { opened, app };
}

describe('a streaming replica for reads (DATABASE_READ_URL)', () => {
  let cluster: PgCluster;
  let service: Awaited<ReturnType<typeof open>>;
  let tech: Session;

  beforeAll(async () => {
    cluster = await startPgCluster({ replica: true });
    service = await open({
      DATABASE_URL: cluster.primary.url,
      DATABASE_READ_URL: cluster.replica!.url,
      DATABASE_POOL_SIZE: '4',
    });
    await createUser(service.opened.ctx, null, {
      email: 'tech@replica.test',
      name: 'Tech',
      role: 'technician',
      password,
    });
    tech = await signIn(service.app, 'tech@replica.test', password);
  }, 120_000);
  afterAll(async () => {
    await service?.app.close();
    await service?.opened.close();
    await cluster?.destroy();
  });

  it('writes go to the primary; the export reads the replica, and stops when it is gone while writes go on', async () => {
    const filed = await tech.call('POST', '/api/v1/tickets', {
      title: 'Printer offline',
      description: 'Floor 2',
    });
    expect(filed.status).toBe(201);
    await cluster.caughtUp();
    const csv = await tech.call('GET', '/api/v1/tickets/export.csv');
    expect(csv.status).toBe(200);
    expect(String(csv.body)).toContain('Printer offline');

    await cluster.replica!.crash();
    const exportWithoutReplica = await tech.call('GET', '/api/v1/tickets/export.csv');
    expect(exportWithoutReplica.status).toBe(503);
    expect(exportWithoutReplica.body.code).toBe('database_unavailable');
    const stillWrites = await tech.call('POST', '/api/v1/tickets', {
      title: 'VPN down',
      description: 'Home',
    });
    expect(stillWrites.status).toBe(201);

    await cluster.replica!.start();
    await cluster.caughtUp();
    const again = await tech.call('GET', '/api/v1/tickets/export.csv');
    expect(again.status).toBe(200);
    expect(String(again.body)).toContain('VPN down');
  });
});

describe('a failover of the primary to its synchronous replica', () => {
  let cluster: PgCluster;
  let proxy: TcpProxy;
  let service: Awaited<ReturnType<typeof open>>;
  let tech: Session;

  beforeAll(async () => {
    cluster = await startPgCluster({ replica: true, synchronous: true });
    proxy = await startProxy(cluster.primary.url);
    service = await open({ DATABASE_URL: proxy.url });
    await createUser(service.opened.ctx, null, {
      email: 'tech@failover.test',
      name: 'Tech',
      role: 'technician',
      password,
    });
    tech = await signIn(service.app, 'tech@failover.test', password);
  }, 120_000);
  afterAll(async () => {
    await service?.app.close();
    await service?.opened.close();
    await proxy?.stop();
    await cluster?.destroy();
  });

  it('answers 503 with Retry-After while there is no primary, then carries on with every acknowledged ticket', async () => {
    const acknowledged: number[] = [];
    const file = async (title: string) => {
      const r = await tech.call('POST', '/api/v1/tickets', { title, description: 'during the failover' });
      if (r.status === 201) acknowledged.push(r.body.id);
      return r;
    };
    for (let i = 0; i < 10; i++) expect((await file(`Before ${i}`)).status).toBe(201);

    await cluster.primary.crash();
    const during = await file('While the primary is down');
    expect(during.status).toBe(503);
    expect(during.headers['retry-after']).toBeDefined();
    expect(during.body.code).toBe('database_unavailable');

    await cluster.promote();
    proxy.retarget(cluster.replica!.port);
    // Bounded: within a few seconds of the new primary taking the address, requests succeed again.
    let after = await file('After the failover');
    for (let i = 0; i < 50 && after.status !== 201; i++) {
      expect(after.status).toBe(503);
      await new Promise((r) => setTimeout(r, 100));
      after = await file('After the failover');
    }
    expect(after.status).toBe(201);

    const list = await tech.call('GET', '/api/v1/tickets?limit=100');
    expect(list.status).toBe(200);
    const ids = new Set(list.body.items.map((t: { id: number }) => t.id));
    for (const id of acknowledged) expect(ids.has(id), `ticket ${id}`).toBe(true);
  });
});
