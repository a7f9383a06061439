// Mail that no person wrote: out-of-office answers, bounces, list traffic, our own mail come back. Such mail
// never opens a ticket (RFC 3834 §5 asks responders not to answer it either), which is what breaks the
// import loops GLPI's users keep reporting. One pure function over the headers, so every path asks it.

export interface AutomationVerdict {
  automated: boolean;
  /** A short stable label for the inbound log and the metric: auto_reply, bounce, bulk, loop. */
  reason: string | null;
  detail: string | null;
}

const robotLocalParts =
  /^(mailer-daemon|postmaster|no-?reply|do-?not-?reply|donotreply|noreply-.*|bounces?|auto-?reply|autoresponder)$/i;

/** headers: lower-case names to their raw values (mailparser's headerLines, or any map). */
export function detectAutomated(
  headers: Map<string, string>,
  sender: string | null,
  options: { envelopeFrom?: string | null; ourAddress: string },
): AutomationVerdict {
  const get = (name: string) => headers.get(name)?.trim() ?? null;
  const no = { automated: false, reason: null, detail: null };
  const yes = (reason: string, detail: string) => ({ automated: true, reason, detail });

  const autoSubmitted = get('auto-submitted');
  if (autoSubmitted && autoSubmitted.toLowerCase().split(';')[0].trim() !== 'no')
    return yes('auto_reply', `Auto-Submitted: ${autoSubmitted.slice(0, 100)}`);
  const precedence = get('precedence')?.toLowerCase();
  if (precedence && ['bulk', 'junk', 'list', 'auto_reply'].includes(precedence))
    return yes(precedence === 'auto_reply' ? 'auto_reply' : 'bulk', `Precedence: ${precedence}`);
  for (const h of ['x-autoreply', 'x-autorespond', 'x-autoreply-from', 'x-mail-autoreply']) {
    if (get(h) !== null) return yes('auto_reply', `${h} present`);
  }
  const suppress = get('x-auto-response-suppress');
  if (suppress !== null) return yes('auto_reply', `X-Auto-Response-Suppress: ${suppress.slice(0, 100)}`);
  const contentType = get('content-type')?.toLowerCase() ?? '';
  if (contentType.startsWith('multipart/report')) return yes('bounce', 'a delivery or read report');
  if (
    options.envelopeFrom !== undefined &&
    options.envelopeFrom !== null &&
    options.envelopeFrom.trim() === ''
  )
    return yes('bounce', 'empty envelope sender (a bounce)');
  if (sender) {
    const local = sender.split('@')[0];
    if (robotLocalParts.test(local)) return yes('auto_reply', `sender ${sender} is not a person`);
    if (sender.toLowerCase() === options.ourAddress.toLowerCase())
      return yes('loop', 'sent by opsdesk itself');
  }
  return no;
}

/** A fixed window counter per sender, kept in the inbound table's rows (see inbound.ts). */
export function overSenderLimit(countInLastHour: number, maxPerHour: number): boolean {
  return countInLastHour >= maxPerHour;
}
