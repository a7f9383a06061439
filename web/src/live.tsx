// Live updates: one EventSource per signed-in tab on /api/v1/events/stream. Each ticket event refreshes the
// lists and the ticket it names (TanStack Query invalidation, batched) and is announced — politely, in an
// aria-live region — with who changed what. Changes made in this tab are not announced back. Monitoring's events
// (staff only: a check's state changed, an alert fired or resolved) refresh the board, the target they name and
// the alert lists, a burst at most every two seconds; the charts keep their own pace.
import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext, useEffect, useRef, useState } from 'react';
import { keys } from './api/keys';
import { useSession } from './session';

export interface LiveEvent {
  id: number;
  type: string;
  ticketId: number;
  at: string;
  actor: { id: number; name: string } | null;
  summary: string;
}

/** A monitoring event as the stream tells it (staff only). */
interface MonitoringLiveEvent {
  type: 'check.state_changed' | 'alert.firing' | 'alert.resolved';
  targetId: number | null;
  at: string;
}

interface LiveValue {
  connected: boolean;
  recent: LiveEvent[];
  dismiss(id: number): void;
}

const LiveContext = createContext<LiveValue>({ connected: false, recent: [], dismiss: () => {} });

export function LiveProvider({ children }: { children: ReactNode }) {
  const { user } = useSession();
  const qc = useQueryClient();
  const [connected, setConnected] = useState(false);
  const [recent, setRecent] = useState<LiveEvent[]>([]);
  const pending = useRef<{ tickets: Set<number>; timer: number | null }>({ tickets: new Set(), timer: null });
  const monitoring = useRef<{ targets: Set<number>; timer: number | null }>({
    targets: new Set(),
    timer: null,
  });

  useEffect(() => {
    if (!user) return;
    const source = new EventSource('/api/v1/events/stream');
    let opened = false;
    source.onopen = () => {
      setConnected(true);
      // After a reconnect, events may have been missed: refresh what is on screen.
      if (opened) {
        void qc.invalidateQueries({ queryKey: keys.tickets });
        void qc.invalidateQueries({ queryKey: keys.anyTicket });
        void qc.invalidateQueries({ queryKey: keys.monitoringBoard });
        void qc.invalidateQueries({ queryKey: keys.monitoringAlerts });
      }
      opened = true;
    };
    source.onerror = () => setConnected(false);
    const flush = () => {
      const ids = [...pending.current.tickets];
      pending.current.tickets.clear();
      pending.current.timer = null;
      void qc.invalidateQueries({ queryKey: keys.tickets });
      void qc.invalidateQueries({ queryKey: keys.dashboard });
      for (const id of ids) void qc.invalidateQueries({ queryKey: keys.ticket(id) });
    };
    const flushMonitoring = () => {
      const ids = [...monitoring.current.targets];
      monitoring.current.targets.clear();
      monitoring.current.timer = null;
      void qc.invalidateQueries({ queryKey: keys.monitoringBoard });
      void qc.invalidateQueries({ queryKey: keys.monitoringAlerts });
      for (const id of ids) {
        void qc.invalidateQueries({ queryKey: keys.monitoringTarget(id), exact: true });
        void qc.invalidateQueries({ queryKey: keys.monitoringChecks(id) });
      }
    };
    source.addEventListener('monitoring', (msg) => {
      const e = JSON.parse((msg as MessageEvent<string>).data) as MonitoringLiveEvent;
      if (e.targetId !== null) monitoring.current.targets.add(e.targetId);
      if (monitoring.current.timer === null)
        monitoring.current.timer = window.setTimeout(flushMonitoring, 2000);
    });
    source.addEventListener('ticket', (msg) => {
      const e = JSON.parse((msg as MessageEvent<string>).data) as LiveEvent;
      pending.current.tickets.add(e.ticketId);
      // Batch a burst of events (a bulk change) into one refresh.
      if (pending.current.timer === null) pending.current.timer = window.setTimeout(flush, 250);
      if (e.actor?.id !== user.id) {
        setRecent((r) => [e, ...r.filter((x) => x.id !== e.id)].slice(0, 4));
        window.setTimeout(() => setRecent((r) => r.filter((x) => x.id !== e.id)), 8000);
      }
    });
    return () => {
      source.close();
      setConnected(false);
      if (pending.current.timer !== null) window.clearTimeout(pending.current.timer);
      if (monitoring.current.timer !== null) window.clearTimeout(monitoring.current.timer);
    };
  }, [user, qc]);

  return (
    <LiveContext.Provider
      value={{ connected, recent, dismiss: (id) => setRecent((r) => r.filter((x) => x.id !== id)) }}
    >
      {children}
    </LiveContext.Provider>
  );
}

export function useLive(): LiveValue {
  return useContext(LiveContext);
}
