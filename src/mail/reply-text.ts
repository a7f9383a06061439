// What a reply adds: the new text above the quoted conversation. Mail clients mark the quote in many
// ways; we cut at the first marker we know (ours first), and keep the whole text when the cut leaves
// nothing — a comment that says too much beats a lost one.

/** The line our outgoing mails carry; text under it in a reply is the quote. */
export const replyMarker = '##- Please type your reply above this line -##';

const quoteHeaders: RegExp[] = [
  /^-{2,}\s*original message\s*-{2,}$/i,
  /^-{2,}\s*(ursprüngliche nachricht|message d'origine|mensaje original|messaggio originale)\s*-{2,}$/i,
  /^_{10,}$/, // Outlook's rule before "From:"
  /^on .{1,300}\bwrote:?$/i,
  /^le .{1,300}\ba écrit\s*:?$/i,
  /^am .{1,300}\bschrieb .{0,200}:?$/i,
  /^el .{1,300}\bescribió:?$/i,
  /^from:\s.+$/i,
];

export function stripQuotedReply(text: string): string {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  let cut = lines.length;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line.includes(replyMarker)) {
      cut = i;
      break;
    }
    // "On Mon, 2 Mar 2026 … wrote:" is often wrapped over two lines.
    const joined = i + 1 < lines.length ? `${line} ${lines[i + 1].trim()}` : line;
    if (quoteHeaders.some((re) => re.test(line)) || (/^on\s/i.test(line) && /wrote:?$/i.test(joined))) {
      // "From:" starts a quote only as Outlook writes it: a header block, not a sentence.
      if (/^from:/i.test(line) && !/^(sent|date|to|subject|cc):/i.test(lines[i + 1]?.trim() ?? '')) continue;
      cut = i;
      break;
    }
    if (line.startsWith('>')) {
      // A quoted block that runs to the end (ignoring blank lines and a signature) is the quote.
      const rest = lines.slice(i).map((l) => l.trim());
      if (rest.every((l) => l === '' || l.startsWith('>'))) {
        cut = i;
        break;
      }
    }
  }
  let kept = lines.slice(0, cut);
  // The signature separator "-- " (RFC 3676 §4.3) ends the message.
  const sig = kept.findIndex((l) => l === '-- ' || l === '--');
  if (sig > 0) kept = kept.slice(0, sig);
  const out = kept.join('\n').trim();
  return out.length > 0 ? out : text.trim();
}

/** The ticket a subject names with [#123], if any. */
export function ticketRefInSubject(subject: string | null | undefined): number | null {
  const m = /\[#(\d{1,9})\]/.exec(subject ?? '');
  if (!m) return null;
  const id = Number(m[1]);
  return id > 0 ? id : null;
}

/** A ticket title from a subject: without reply prefixes and our [#id] tag. */
export function titleFromSubject(subject: string | null | undefined): string {
  let s = (subject ?? '').replace(/\[#\d{1,9}\]/g, ' ');
  for (;;) {
    const next = s.replace(/^\s*((re|fw|fwd|aw|wg|tr|sv|vs|antw)(\[\d+\])?\s*:\s*)/i, '');
    if (next === s) break;
    s = next;
  }
  s = s.replace(/\s+/g, ' ').trim();
  return (s.length > 0 ? s : '(no subject)').slice(0, 200);
}
