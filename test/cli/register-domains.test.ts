// The entry point's one list of wiring: every domain's subscribers and periodic jobs are registered by
// registerDomains, each once, with the delivery worker carried in the context.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerDomains } from '../../src/cli/serve.js';
import { JobScheduler } from '../../src/core/jobs.js';
import { DeliveryWorker } from '../../src/notify/index.js';
import { dialects, makeContext, type TestContext } from '../support/context.js';

describe.each(dialects)('registerDomains on %s', (dialect) => {
  let t: TestContext;
  beforeAll(async () => {
    t = await makeContext(dialect);
  });
  afterAll(async () => t?.close());

  it('registers the relay, the delivery worker, SLA and mail jobs and subscribers, each once', async () => {
    const jobs = new JobScheduler(pino({ level: 'silent' }));
    registerDomains(t.ctx, jobs);
    expect(jobs.names()).toEqual(
      expect.arrayContaining(['outbox.relay', 'audit.retention', 'deliveries.deliver', 'mail.inbound-retry']),
    );
    expect(new Set(jobs.names()).size).toBe(jobs.names().length);
    expect(t.ctx.events.subscriberNames()).toEqual(
      expect.arrayContaining(['webhooks', 'mail', 'change-cab']),
    );
    expect(t.ctx.deliveries).toBeInstanceOf(DeliveryWorker);
    await jobs.stop();
  });
});
