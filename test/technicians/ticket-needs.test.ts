// Routing and needed skills read from a ticket (pure): whole words and phrases in any script, the first
// matching rule in order, every given condition required, and the highest level asked for a skill.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  firstMatchingRule,
  hasKeyword,
  neededSkills,
  type RoutingRule,
  searchableText,
} from '../../src/technicians/ticket-needs.js';

const facts = (title: string, over: { categoryId?: number | null; requesterGroupIds?: number[] } = {}) => ({
  title,
  description: '',
  categoryId: over.categoryId ?? null,
  requesterGroupIds: over.requesterGroupIds ?? [],
});
const rule = (id: number, over: Partial<RoutingRule>): RoutingRule => ({
  id,
  position: id * 10,
  active: true,
  conditions: {},
  groupId: 100 + id,
  skillId: null,
  skillLevel: null,
  ...over,
});

describe('keywords', () => {
  it('match whole words and phrases, case and punctuation aside, in any script', () => {
    const text = searchableText({ title: 'Der DRUCKER im 3. Stock: Wi-Fi weg!', description: 'Grüße, VPN.' });
    expect(hasKeyword(text, 'drucker')).toBe(true);
    expect(hasKeyword(text, 'wi fi')).toBe(true);
    expect(hasKeyword(text, 'Wi-Fi')).toBe(true);
    expect(hasKeyword(text, 'grüße')).toBe(true);
    expect(hasKeyword(text, 'vpn')).toBe(true);
    expect(hasKeyword(text, 'druck')).toBe(false);
    expect(hasKeyword(text, 'fi weg stock')).toBe(false);
    expect(hasKeyword(text, '!!!')).toBe(false);
  });

  it('a word always finds itself inside any text around it', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9]{1,12}$/), fc.string(), fc.string(), (word, before, after) => {
        expect(
          hasKeyword(searchableText({ title: `${before} ${word} ${after}`, description: '' }), word),
        ).toBe(true);
      }),
    );
  });
});

describe('routing rules', () => {
  const rules = [
    rule(3, { conditions: {} }),
    rule(1, { conditions: { keywords: ['vpn'] } }),
    rule(2, { conditions: { categoryIds: [7], requesterGroupIds: [9] } }),
    rule(0, { conditions: { keywords: ['vpn'] }, active: false }),
  ];

  it('the first active match in order wins; every condition a rule gives must hold', () => {
    expect(firstMatchingRule(rules, facts('VPN down'))?.id).toBe(1);
    expect(firstMatchingRule(rules, facts('Printer', { categoryId: 7 }))?.id).toBe(3);
    expect(firstMatchingRule(rules, facts('Printer', { categoryId: 7, requesterGroupIds: [9] }))?.id).toBe(2);
    expect(firstMatchingRule(rules.slice(1, 3), facts('Printer'))).toBeNull();
  });

  it('needed skills come from categories, keywords and the rule, at the highest level asked', () => {
    const skills = [
      { id: 1, name: 'VPN', keywords: ['vpn', 'anyconnect'], categoryIds: [], neededLevel: 2 },
      { id: 2, name: 'Network', keywords: [], categoryIds: [7], neededLevel: 3 },
      { id: 3, name: 'Linux', keywords: ['kernel'], categoryIds: [], neededLevel: 1 },
    ];
    expect(neededSkills(facts('AnyConnect fails', { categoryId: 7 }), skills)).toEqual({
      VPN: 2,
      Network: 3,
    });
    expect(neededSkills(facts('AnyConnect fails'), skills, { skillId: 1, level: 4 })).toEqual({ VPN: 4 });
    expect(neededSkills(facts('hello'), skills, { skillId: 3, level: null })).toEqual({ Linux: 1 });
    expect(neededSkills(facts('hello'), skills)).toEqual({});
  });
});
