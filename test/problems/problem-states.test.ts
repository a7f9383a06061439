// The problem state table: every move it lists is allowed, any other refused with the code that says why
// (a closed problem is final), and every open state can reach closed through resolved.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ProblemStatus } from '../../src/core/db/index.js';
import { DomainError } from '../../src/core/errors.js';
import { allowedProblemTransitions, isOpenProblem, problemStatuses } from '../../src/problems/index.js';
import { checkProblemTransition } from '../../src/problems/problem-states.js';

function refusal(from: ProblemStatus, to: ProblemStatus): string | null {
  try {
    checkProblemTransition(1, from, to);
    return null;
  } catch (e) {
    if (e instanceof DomainError) return e.code;
    throw e;
  }
}

describe('the problem state table', () => {
  it('allows exactly the listed moves (and staying put), refusing the rest with the reason', () => {
    const status = fc.constantFrom(...problemStatuses);
    fc.assert(
      fc.property(status, status, (from, to) => {
        const allowed = from === to || allowedProblemTransitions(from).includes(to);
        const code = refusal(from, to);
        if (allowed) expect(code).toBeNull();
        else expect(code).toBe(from === 'closed' ? 'problem_closed' : 'problem_transition_not_allowed');
      }),
    );
  });

  it('closed is final and reached only from resolved; every open state can be resolved', () => {
    expect(allowedProblemTransitions('closed')).toEqual([]);
    for (const s of problemStatuses) {
      expect(allowedProblemTransitions(s).includes('closed')).toBe(s === 'resolved');
      if (isOpenProblem(s)) expect(allowedProblemTransitions(s)).toContain('resolved');
    }
  });
});
