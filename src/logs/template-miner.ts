// Template mining: assigns every message, online, to a template (its constant words, variables as <*>), with
// ids that stay the same across restarts (a miner made from the stored templates goes on assigning their ids).
// GROUNDWORK PLACEHOLDER: this exact-text version only fixes the contract; the mining part replaces the body.

/** A template as the store keeps it. */
export interface StoredTemplate {
  id: string;
  template: string;
}

export interface TemplateAssignment {
  templateId: string;
  /** The template's text now (after this message, if it generalised it). */
  template: string;
  /** This message made a new template. */
  created: boolean;
  /** This message changed the template's text (a word became <*>): the store writes the new text. */
  changed: boolean;
}

export class TemplateMiner {
  private readonly byText = new Map<string, StoredTemplate>();

  /** A miner that knows these templates (from the store) and keeps their ids. */
  constructor(templates: StoredTemplate[] = []) {
    this.learn(templates);
  }

  /** Add templates another instance mined (or a restart restores); known ids are updated, not duplicated. */
  learn(templates: StoredTemplate[]): void {
    for (const t of templates) this.byText.set(t.template, { ...t });
  }

  assign(message: string): TemplateAssignment {
    const known = this.byText.get(message);
    if (known) return { templateId: known.id, template: known.template, created: false, changed: false };
    const created = { id: `t${this.byText.size + 1}`, template: message };
    this.byText.set(message, created);
    return { templateId: created.id, template: created.template, created: true, changed: false };
  }

  templates(): StoredTemplate[] {
    return [...this.byText.values()].map((t) => ({ ...t }));
  }
}
