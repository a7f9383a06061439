// Mining a file of raw log lines, as `opsdesk logs templates` and the loghub benchmark do: each line's message
// (its <Content> under a log format, its syslog message, or the whole line), one miner over all of them, and
// for every line its group's FINAL template and id once the whole input is read (a later line may generalise a
// template, or merge two).
import type { LogFormat } from './log-format.js';
import { parseSyslogMessage } from './syslog-parse.js';
import { TemplateMiner } from './template-miner.js';

/** Longer lines are cut to this many characters before mining (a binary or runaway line must not stall it). */
export const maxLineLength = 64 * 1024;

export interface LineTemplate {
  templateId: string;
  template: string;
}

export interface LineMiningOptions {
  /** The line header's shape; a line that does not match it is mined whole. Without it: syslog, else whole. */
  format?: LogFormat;
  /** Fills a missing time when a line is read as syslog (it does not change the message). */
  receivedAt?: number;
}

/** Mines lines one by one; `results()` gives every line's final template. */
export class LineTemplateMining {
  readonly miner = new TemplateMiner();
  private readonly lineIds: string[] = [];
  private readonly mergedInto = new Map<string, string>();
  private syslogAvailable = true;

  constructor(private readonly options: LineMiningOptions = {}) {}

  /** The message part of a line, the part that is mined. */
  messageOf(rawLine: string): string {
    const line = rawLine.length > maxLineLength ? rawLine.slice(0, maxLineLength) : rawLine;
    const format = this.options.format;
    if (format) {
      const fields = format.match(line);
      return fields ? (fields.Content ?? '') : line.trim();
    }
    if (this.syslogAvailable) {
      try {
        const parsed = parseSyslogMessage(line, this.options.receivedAt ?? Date.now());
        return parsed.ok ? parsed.record.message : line.trim();
      } catch {
        // The groundwork placeholder throws until the syslog part lands: take lines whole while it does.
        this.syslogAvailable = false;
      }
    }
    return line.trim();
  }

  add(rawLine: string): void {
    const assignment = this.miner.assign(this.messageOf(rawLine));
    this.lineIds.push(assignment.templateId);
    for (const m of this.miner.takeMerges()) this.mergedInto.set(m.from, m.into);
  }

  /** Every line's final template, in input order. */
  results(): LineTemplate[] {
    const texts = new Map<string, string>();
    for (const t of this.miner.templates()) texts.set(t.id, t.template);
    const finalIds = new Map<string, string>();
    const resolve = (id: string): string => {
      const known = finalIds.get(id);
      if (known) return known;
      let at = id;
      for (let next = this.mergedInto.get(at); next !== undefined; next = this.mergedInto.get(at)) at = next;
      finalIds.set(id, at);
      return at;
    };
    return this.lineIds.map((id) => {
      const templateId = resolve(id);
      return { templateId, template: texts.get(templateId) ?? '' };
    });
  }
}
