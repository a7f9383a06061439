// The pipeline's channels, in one list, and the worker that serves them: made once per context by the first
// register that needs it (notify's, or mail's) and kept in ctx.deliveries. A new channel is a file in
// channels/ and a line here.
import type { ServiceContext } from '../core/context.js';
import { chatChannel } from './channels/chat.js';
import { mailChannel } from './channels/mail.js';
import { pageChannel } from './channels/page.js';
import { smsChannel } from './channels/sms.js';
import { webhookChannel } from './channels/webhook.js';
import { DeliveryWorker, type DeliveryWorkerOptions } from './delivery-worker.js';

/** The context's delivery worker, made if it has none yet; the options apply either way. */
export function deliveryWorker(ctx: ServiceContext, options: DeliveryWorkerOptions = {}): DeliveryWorker {
  if (ctx.deliveries instanceof DeliveryWorker) {
    ctx.deliveries.configure(options);
    return ctx.deliveries;
  }
  const worker = new DeliveryWorker(
    ctx,
    [mailChannel(ctx), webhookChannel(ctx), chatChannel(ctx), smsChannel(ctx), pageChannel(ctx)],
    options,
  );
  ctx.deliveries = worker;
  return worker;
}
