// Syslog over a byte stream (TCP, TLS): splits it into messages as RFC 6587 has it — octet counting
// (`123 <34>1 …`) or non-transparent framing ended by LF (or NUL, as some senders do) — decided per frame, as
// rsyslog does: a frame that starts with a digit is octet-counted. Bounded: a frame over the limit is cut and
// the rest of it skipped; a count that is not a number is a framing error, and reading resyncs at the next LF.

/** What the framer hands on: the bytes of one frame (`buf[start, end)`), and whether some of it was lost. */
export type FrameHandler = (buf: Buffer, start: number, end: number, cut: boolean) => void;

type Mode = 'start' | 'count' | 'octets' | 'line' | 'skip-line';

const LF = 10;
const NUL = 0;

export class SyslogFramer {
  private mode: Mode = 'start';
  private count = 0;
  private countDigits = 0;
  /** Octets of the current octet-counted frame still to come. */
  private remaining = 0;
  /** Pieces of a frame that spans chunks, at most `keep` bytes in all. */
  private parts: Buffer[] = [];
  private kept = 0;
  private cut = false;
  private readonly keep: number;

  /**
   * `maxBytes`: the largest frame kept whole. One byte more is kept of a longer frame, so the parser sees it is
   * over the limit and cuts it at a character boundary.
   */
  constructor(
    maxBytes: number,
    private readonly onFrame: FrameHandler,
    private readonly onFramingError: (detail: string) => void,
  ) {
    this.keep = maxBytes + 1;
  }

  push(chunk: Buffer): void {
    const n = chunk.length;
    let i = 0;
    // Where the next LF and NUL are, searched once per chunk and again only once passed.
    let lfAt = -1;
    let nulAt = -1;
    while (i < n) {
      switch (this.mode) {
        case 'start': {
          const b = chunk[i];
          // Whitespace between frames (a LF after an octet-counted frame, CRLF senders) is not a frame.
          if (b === LF || b === 13 || b === NUL || b === 32 || b === 9) {
            i++;
            continue;
          }
          if (b >= 48 && b <= 57) {
            this.mode = 'count';
            this.count = 0;
            this.countDigits = 0;
          } else this.mode = 'line';
          continue;
        }
        case 'count': {
          while (i < n) {
            const b = chunk[i];
            if (b < 48 || b > 57) break;
            this.count = this.count * 10 + (b - 48);
            this.countDigits++;
            i++;
            if (this.countDigits > 9) break;
          }
          if (i === n) continue;
          if (chunk[i] === 32 && this.countDigits <= 9) {
            i++;
            if (this.count === 0) this.mode = 'start';
            else {
              this.mode = 'octets';
              this.remaining = this.count;
            }
          } else {
            this.onFramingError(this.countDigits > 9 ? 'octet count too long' : 'octet count not a number');
            this.mode = 'skip-line';
          }
          continue;
        }
        case 'octets': {
          const take = Math.min(this.remaining, n - i);
          if (this.kept === 0 && take === this.remaining && take <= this.keep) {
            // The whole frame is in this chunk: no copy.
            this.onFrame(chunk, i, i + take, false);
          } else {
            this.collect(chunk, i, i + take);
            if (take === this.remaining) this.finish();
          }
          i += take;
          this.remaining -= take;
          if (this.remaining === 0) this.mode = 'start';
          continue;
        }
        case 'line': {
          if (lfAt < i && lfAt !== n) {
            lfAt = chunk.indexOf(LF, i);
            if (lfAt < 0) lfAt = n;
          }
          if (nulAt < i && nulAt !== n) {
            nulAt = chunk.indexOf(NUL, i);
            if (nulAt < 0) nulAt = n;
          }
          const stop = lfAt < nulAt ? lfAt : nulAt;
          if (stop === n) {
            this.collect(chunk, i, n);
            i = n;
            continue;
          }
          if (this.kept === 0 && stop - i <= this.keep) this.onFrame(chunk, i, stop, false);
          else {
            this.collect(chunk, i, stop);
            this.finish();
          }
          i = stop + 1;
          this.mode = 'start';
          continue;
        }
        case 'skip-line': {
          if (lfAt < i && lfAt !== n) {
            lfAt = chunk.indexOf(LF, i);
            if (lfAt < 0) lfAt = n;
          }
          if (lfAt === n) i = n;
          else {
            i = lfAt + 1;
            this.mode = 'start';
          }
          continue;
        }
      }
    }
  }

  /**
   * The stream ended (closed, timed out): a partial frame with content is kept as a record, as rsyslog does; an
   * octet-counted one is flagged cut, since its sender said it was longer.
   */
  end(): void {
    if (this.mode === 'octets' && this.kept > 0) {
      this.cut = true;
      this.finish();
    } else if (this.mode === 'line' && this.kept > 0) this.finish();
    else if (this.mode === 'count' && this.countDigits > 0)
      this.onFramingError('stream ended inside an octet count');
    this.mode = 'start';
  }

  /** True when a frame is under way (for an idle timeout's log line). */
  get inFrame(): boolean {
    return this.mode !== 'start';
  }

  private collect(chunk: Buffer, start: number, end: number): void {
    const room = this.keep - this.kept;
    if (end - start > room) {
      this.cut = true;
      end = start + room;
    }
    if (end > start) {
      this.parts.push(chunk.subarray(start, end));
      this.kept += end - start;
    }
  }

  private finish(): void {
    const buf = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.kept);
    const cut = this.cut;
    this.parts = [];
    this.kept = 0;
    this.cut = false;
    if (buf.length > 0) this.onFrame(buf, 0, buf.length, cut);
  }
}
