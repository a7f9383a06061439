// What an arriving ticket asks for, read from its text and category (pure): which routing rule routes it to
// which group, and which skills (at which level) it needs — from the skills catalogue's categories and
// keywords and from the matching rule's skill.

/** A ticket as routing sees it. */
export interface TicketFacts {
  title: string;
  description: string;
  categoryId: number | null;
  /** The groups the requester belongs to. */
  requesterGroupIds: number[];
}

export interface RuleConditions {
  categoryIds?: number[];
  /** Any one of these words or phrases in the title or description. */
  keywords?: string[];
  requesterGroupIds?: number[];
}

export interface RoutingRule {
  id: number;
  position: number;
  active: boolean;
  conditions: RuleConditions;
  groupId: number;
  skillId: number | null;
  skillLevel: number | null;
}

export interface SkillNeed {
  id: number;
  name: string;
  keywords: string[];
  categoryIds: number[];
  neededLevel: number;
}

/** The words of a text: lower case, letters and digits (any script), everything else a separator. */
export function wordsOf(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** A text's words joined by single spaces, padded: a phrase is found by its padded words (whole words only). */
export function searchableText(facts: Pick<TicketFacts, 'title' | 'description'>): string {
  return ` ${wordsOf(`${facts.title}\n${facts.description}`).join(' ')} `;
}

/** Whether a keyword (a word or a phrase) occurs as whole words in the searchable text. */
export function hasKeyword(searchable: string, keyword: string): boolean {
  const words = wordsOf(keyword);
  return words.length > 0 && searchable.includes(` ${words.join(' ')} `);
}

/** Every condition the rule gives must hold; a rule without conditions matches every ticket. */
export function ruleMatches(
  rule: RoutingRule,
  facts: TicketFacts,
  searchable = searchableText(facts),
): boolean {
  const c = rule.conditions;
  if (c.categoryIds?.length && (facts.categoryId === null || !c.categoryIds.includes(facts.categoryId)))
    return false;
  if (c.requesterGroupIds?.length && !c.requesterGroupIds.some((g) => facts.requesterGroupIds.includes(g)))
    return false;
  if (c.keywords?.length && !c.keywords.some((k) => hasKeyword(searchable, k))) return false;
  return true;
}

/** The first active rule, in order (position, then id), that matches; null when none does. */
export function firstMatchingRule(rules: RoutingRule[], facts: TicketFacts): RoutingRule | null {
  const searchable = searchableText(facts);
  const ordered = [...rules].sort((a, b) => a.position - b.position || a.id - b.id);
  return ordered.find((r) => r.active && ruleMatches(r, facts, searchable)) ?? null;
}

/**
 * The skills a ticket needs, by name, with the level it asks for: catalogue skills whose category or a
 * keyword matches, and the routing rule's skill; the highest level wins when both name one skill.
 */
export function neededSkills(
  facts: Pick<TicketFacts, 'title' | 'description' | 'categoryId'>,
  skills: SkillNeed[],
  ruleSkill: { skillId: number; level: number | null } | null = null,
): Record<string, number> {
  const searchable = searchableText(facts);
  const out: Record<string, number> = {};
  const need = (name: string, level: number) => {
    out[name] = Math.max(out[name] ?? 0, level);
  };
  for (const s of skills) {
    const byCategory = facts.categoryId !== null && s.categoryIds.includes(facts.categoryId);
    if (byCategory || s.keywords.some((k) => hasKeyword(searchable, k))) need(s.name, s.neededLevel);
    if (ruleSkill && ruleSkill.skillId === s.id) need(s.name, ruleSkill.level ?? s.neededLevel);
  }
  return out;
}
