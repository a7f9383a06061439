// Pure help desk rules: the state machine, the priority matrix, levels, tags, file names, search terms.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { systemActor } from '../../src/core/auth/index.js';
import type { TicketStatus } from '../../src/core/db/index.js';
import { cleanFilename } from '../../src/helpdesk/attachments.js';
import {
  allowedTransitions,
  canSeeTicket,
  canTicket,
  parseLevel,
  ticketStatuses,
} from '../../src/helpdesk/index.js';
import {
  checkPriorityMatrix,
  computePriority,
  defaultPriorityMatrix,
} from '../../src/helpdesk/priority-matrix.js';
import { cleanTags } from '../../src/helpdesk/ticket-input.js';
import { searchTerms } from '../../src/helpdesk/ticket-search.js';
import { canTransition, handedOverState } from '../../src/helpdesk/ticket-states.js';

describe('ticket states', () => {
  it('a closed ticket is final', () => {
    expect(allowedTransitions('closed')).toEqual([]);
    for (const s of ticketStatuses) if (s !== 'closed') expect(canTransition('closed', s)).toBe(false);
  });

  it('only a resolved ticket, or a request still awaiting approval (withdrawn or rejected), can be closed', () => {
    for (const s of ticketStatuses)
      expect(canTransition(s, 'closed')).toBe(
        s === 'resolved' || s === 'closed' || s === 'awaiting_approval',
      );
  });

  it('a request awaiting approval leaves only by its approvers’ decision, or closed', () => {
    expect(allowedTransitions('awaiting_approval')).toEqual(['closed']);
    // Nothing moves a ticket into it by hand: a request enters it when filed.
    for (const s of ticketStatuses)
      if (s !== 'awaiting_approval') expect(allowedTransitions(s)).not.toContain('awaiting_approval');
  });

  it('every open state can be resolved, and every state but awaiting approval is reachable from new', () => {
    for (const s of ['new', 'assigned', 'in_progress', 'pending'] as TicketStatus[])
      expect(canTransition(s, 'resolved')).toBe(true);
    const seen = new Set<TicketStatus>(['new']);
    const queue: TicketStatus[] = ['new'];
    while (queue.length > 0) {
      for (const n of allowedTransitions(queue.shift()!)) {
        if (!seen.has(n)) {
          seen.add(n);
          queue.push(n);
        }
      }
    }
    expect([...seen].sort()).toEqual(ticketStatuses.filter((s) => s !== 'awaiting_approval').sort());
  });

  it('any walk through allowed transitions ends nowhere but the table allows', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(10), { maxLength: 30 }), (choices) => {
        let s: TicketStatus = 'new';
        for (const c of choices) {
          const next = allowedTransitions(s);
          if (next.length === 0) {
            expect(s).toBe('closed');
            return;
          }
          const n = next[c % next.length];
          expect(canTransition(s, n)).toBe(true);
          s = n;
        }
      }),
    );
  });
});

describe('priority matrix', () => {
  it("is GLPI's default: higher impact or urgency never lowers the priority", () => {
    for (let u = 1; u <= 5; u++)
      for (let i = 1; i <= 5; i++) {
        const p = computePriority(defaultPriorityMatrix, i as 1, u as 1);
        if (i < 5)
          expect(computePriority(defaultPriorityMatrix, (i + 1) as 1, u as 1)).toBeGreaterThanOrEqual(p);
        if (u < 5)
          expect(computePriority(defaultPriorityMatrix, i as 1, (u + 1) as 1)).toBeGreaterThanOrEqual(p);
      }
    expect(computePriority(defaultPriorityMatrix, 5, 5)).toBe(5);
    expect(computePriority(defaultPriorityMatrix, 1, 1)).toBe(1);
  });

  it('refuses anything but 5×5 integers 1–5', () => {
    for (const bad of [
      null,
      [],
      [[1, 2, 3, 4, 5]],
      Array(5).fill([1, 2, 3, 4, 6]),
      Array(5).fill([1, 2, 3, 4, 1.5]),
      Array(5).fill('12345'),
    ]) {
      expect(() => checkPriorityMatrix(bad)).toThrow(/priority matrix/);
    }
    expect(checkPriorityMatrix(defaultPriorityMatrix)).toBe(defaultPriorityMatrix);
  });
});

describe('levels, tags, file names, search terms', () => {
  it('parses levels by number or name and nothing else', () => {
    expect(parseLevel(3)).toBe(3);
    expect(parseLevel('very_high')).toBe(5);
    expect(parseLevel('2')).toBe(2);
    for (const bad of [0, 6, 2.5, 'urgent', '', null, undefined, '10'])
      expect(parseLevel(bad)).toBeUndefined();
  });

  it('normalises tags and refuses malformed ones', () => {
    expect(cleanTags([' VPN ', 'vpn', 'network/wan', ''])).toEqual(['network/wan', 'vpn']);
    expect(() => cleanTags(['no spaces please'])).toThrow();
    expect(() => cleanTags(Array.from({ length: 21 }, (_, i) => `t${i}`))).toThrow(/at most 20/);
  });

  it('keeps only a safe base name of an uploaded file', () => {
    expect(cleanFilename('../../etc/passwd')).toBe('passwd');
    expect(cleanFilename('C:\\Users\\me\\report.pdf')).toBe('report.pdf');
    expect(cleanFilename('a"b\u0000c.txt')).toBe('abc.txt');
    expect(cleanFilename('..')).toBe('attachment');
    fc.assert(
      fc.property(fc.string(), (s) => {
        const n = cleanFilename(s);
        expect(n.length).toBeGreaterThan(0);
        expect(n).not.toMatch(/[/\\\u0000-\u001f"]/);
      }),
    );
  });

  it('reduces any query to plain words, so no input is an FTS syntax error', () => {
    expect(searchTerms('printer "jam" OR  NEAR(x)*')).toEqual(['printer', 'jam', 'or', 'near', 'x']);
    fc.assert(
      fc.property(fc.string(), (s) => {
        for (const term of searchTerms(s)) expect(term).toMatch(/^[\p{L}\p{N}]+$/u);
      }),
    );
  });
});

describe('who may see a ticket', () => {
  const person = (id: number, role: 'admin' | 'manager' | 'technician' | 'requester') => ({
    ...systemActor(id),
    role,
  });
  const ticket = { requester_id: 10 };

  it('staff see every ticket; a requester their own and the ones they watch', () => {
    for (const role of ['admin', 'manager', 'technician'] as const)
      expect(canSeeTicket(person(1, role), ticket)).toBe(true);
    expect(canSeeTicket(person(10, 'requester'), ticket)).toBe(true);
    expect(canSeeTicket(person(11, 'requester'), { ...ticket, watcher: true })).toBe(true);
    expect(canSeeTicket(person(11, 'requester'), ticket)).toBe(false);
  });

  it('reading, replying and attaching follow the same rule', () => {
    for (const role of ['technician', 'requester'] as const) {
      for (const subject of [ticket, { ...ticket, watcher: true }]) {
        for (const id of [10, 11]) {
          const actor = person(id, role);
          for (const action of ['ticket.read', 'comment.public', 'attachment.add'] as const)
            expect(canTicket(actor, action, subject)).toBe(canSeeTicket(actor, subject));
        }
      }
    }
  });
});

describe('handing a ticket to a group', () => {
  it('a ticket being worked goes back to the queue; pending and resolved ones keep their state', () => {
    expect(handedOverState('new')).toBe('assigned');
    expect(handedOverState('in_progress')).toBe('assigned');
    expect(handedOverState('assigned')).toBe('assigned');
    expect(handedOverState('pending')).toBe('pending');
    expect(handedOverState('resolved')).toBe('resolved');
  });
});
