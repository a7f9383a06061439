// A live stream (GET /api/v1/events/stream) read over a real port as the web app's EventSource reads it: frames
// parsed as they arrive, the events kept in order, and a way to wait for one.
import { expect } from 'vitest';

export interface Stream {
  events: {
    type: string;
    ticketId: number;
    summary: string;
    actor: { name: string } | null;
    internal: boolean;
  }[];
  text: string;
  ended: boolean;
  close(): void;
  waitFor(pred: (e: Stream['events'][number]) => boolean, ms?: number): Promise<Stream['events'][number]>;
}

export async function openLiveStream(base: string, token: string): Promise<Stream> {
  const ac = new AbortController();
  const res = await fetch(`${base}/api/v1/events/stream`, {
    headers: { authorization: `Bearer ${token}` },
    signal: ac.signal,
  });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/event-stream');
  const s: Stream = {
    events: [],
    text: '',
    ended: false,
    close: () => ac.abort(),
    async waitFor(pred, ms = 3000) {
      const end = Date.now() + ms;
      while (Date.now() < end) {
        const e = s.events.find(pred);
        if (e) return e;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`no matching event; got ${JSON.stringify(s.events.map((e) => e.summary))}`);
    },
  };
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  void (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) {
          s.ended = true;
          return;
        }
        s.text += decoder.decode(value, { stream: true });
        for (;;) {
          const end = s.text.indexOf('\n\n');
          if (end < 0) break;
          const frame = s.text.slice(0, end);
          s.text = s.text.slice(end + 2);
          const data = frame.split('\n').find((l) => l.startsWith('data: '));
          if (data) s.events.push(JSON.parse(data.slice(6)));
        }
      }
    } catch {
      // aborted by close()
    }
  })();
  return s;
}
