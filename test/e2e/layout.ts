// The browser suite's layout check: run in the page, it walks the visible elements and names those whose text
// is clipped or spills out of its box, text squeezed to one word per line or into a 0 px box, and controls or
// text that overlap a sibling — the class of bugs (a 0 px column, a badge over the next column, labels wrapping
// far to the right) that axe and a screenshot nobody looks at let through.
import type { Page } from 'playwright-core';

/** What is wrong with the current page's layout: one line per offending element, empty when it is fine. */
export function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const skipTags = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'OPTION', 'OPTGROUP', 'BR', 'WBR']);
    const controls = new Set(['INPUT', 'SELECT', 'TEXTAREA']);
    const interactive =
      'a[href], button, input, select, textarea, label, summary, [role="button"], [tabindex]';

    const name = (el: Element): string => {
      const cls = [...el.classList].slice(0, 3).join('.');
      const text = (el.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 50);
      return `<${el.tagName.toLowerCase()}${cls ? `.${cls}` : ''}> “${text}”`;
    };
    // Text hidden for sight on purpose (.visually-hidden: a clipped 1 px box) is for screen readers only.
    const hidden = new Map<Element, boolean>();
    const hiddenOnPurpose = (el: Element | null): boolean => {
      if (!el || el === document.body) return false;
      const known = hidden.get(el);
      if (known !== undefined) return known;
      const cs = getComputedStyle(el);
      const h =
        (cs.clip !== 'auto' && cs.clip !== '' && cs.position === 'absolute') ||
        (cs.clipPath !== 'none' && cs.clipPath !== '') ||
        hiddenOnPurpose(el.parentElement);
      hidden.set(el, h);
      return h;
    };
    const ownText = (el: Element): string =>
      [...el.childNodes]
        .filter((n) => n.nodeType === Node.TEXT_NODE)
        .map((n) => n.textContent ?? '')
        .join('')
        .trim();
    const canvas = document.createElement('canvas').getContext('2d');
    const textWidth = (text: string, font: string): number => {
      if (!canvas) return 0;
      canvas.font = font;
      return canvas.measureText(text).width;
    };
    // What a control shows and the room its own parts take (a select's arrow, a date or time picker's icon).
    const controlText = (
      el: HTMLInputElement | HTMLSelectElement,
    ): { text: string; extra: number; cap?: number } | null => {
      if (el instanceof HTMLSelectElement) {
        const o = el.selectedOptions[0];
        return o ? { text: o.text, extra: 20 } : null;
      }
      switch (el.type) {
        case 'date':
          return el.value ? { text: '00/00/0000', extra: 24 } : null;
        case 'time':
          return el.value ? { text: '00:00 AM', extra: 24 } : null;
        case 'text':
        case 'search':
        case 'email':
        case 'url':
          // A typed value may be longer than any box (a phone's full-width field): 20em of it must show.
          return el.value
            ? { text: el.value, extra: 0, cap: 20 * Number.parseFloat(getComputedStyle(el).fontSize) }
            : null;
        default:
          return null;
      }
    };
    const rendered = new Map<Element, DOMRect>();
    const rectOf = (el: Element): DOMRect | null => {
      if (rendered.has(el)) return rendered.get(el) ?? null;
      const cs = getComputedStyle(el);
      const r =
        cs.display === 'none' || cs.visibility === 'hidden' || cs.display === 'contents'
          ? null
          : el.getBoundingClientRect();
      if (r) rendered.set(el, r);
      return r;
    };

    for (const el of document.body.querySelectorAll('*')) {
      if (skipTags.has(el.tagName) || el.closest('svg, select, canvas')) continue;
      const r = rectOf(el);
      if (!r || el.getClientRects().length === 0) continue;
      if (hiddenOnPurpose(el)) continue;
      const cs = getComputedStyle(el);
      const text = ownText(el);

      // Text in a box with no width or height: a collapsed column or cell.
      if (text && (r.width < 1 || r.height < 1)) problems.push(`0 px box with text: ${name(el)}`);

      // Clipped or spilling text: content wider than the box. Scroll containers are reachable by scrolling;
      // deliberate truncation shows an ellipsis and the whole text in a title.
      const hasText = (el.textContent ?? '').trim() !== '';
      if (
        hasText &&
        !controls.has(el.tagName) &&
        cs.display !== 'inline' &&
        !['auto', 'scroll'].includes(cs.overflowX) &&
        el.scrollWidth > el.clientWidth + 1 &&
        el.clientWidth > 0
      ) {
        const truncated =
          cs.textOverflow === 'ellipsis' && (el.hasAttribute('title') || el.querySelector('[title]'));
        if (!truncated)
          problems.push(`text wider than its box (${el.scrollWidth} > ${el.clientWidth} px): ${name(el)}`);
      }

      // A control too narrow for what it shows: a select's chosen option, a date or a time, a typed value.
      if (controls.has(el.tagName) && el.tagName !== 'TEXTAREA') {
        const shown = controlText(el as HTMLInputElement | HTMLSelectElement);
        if (shown !== null) {
          const need = Math.min(
            textWidth(shown.text, cs.font) + shown.extra,
            shown.cap ?? Number.POSITIVE_INFINITY,
          );
          const pad = Number.parseFloat(cs.paddingLeft) + Number.parseFloat(cs.paddingRight);
          if (need > el.clientWidth - pad + 1)
            problems.push(
              `control narrower than its text (${Math.round(need)} > ${Math.round(el.clientWidth - pad)} px): ${name(el)} “${shown.text}”`,
            );
        }
      }

      // Squeezed: three or more words, one per line.
      for (const n of el.childNodes) {
        if (n.nodeType !== Node.TEXT_NODE) continue;
        const words = (n.textContent ?? '').trim().split(/\s+/).filter(Boolean);
        if (words.length < 3) continue;
        const range = document.createRange();
        range.selectNodeContents(n);
        const tops = new Set(
          [...range.getClientRects()].filter((x) => x.width > 0).map((x) => Math.round(x.top)),
        );
        if (tops.size >= words.length) problems.push(`one word per line (${tops.size} lines): ${name(el)}`);
      }

      // Overlapping siblings among controls and text.
      const kids = [...el.children].filter((k) => {
        if (skipTags.has(k.tagName) || hiddenOnPurpose(k)) return false;
        const kr = rectOf(k);
        if (!kr || kr.width < 1 || kr.height < 1) return false;
        const kcs = getComputedStyle(k);
        // A row of a virtual list sits at its own offset; popovers and overlays float above on purpose.
        if (kcs.position === 'fixed' || kcs.position === 'sticky') return false;
        return k.matches(interactive) || ownText(k) !== '' || k.querySelector(interactive) !== null;
      });
      // An inline box that wraps is several line boxes: compare those, not the rectangle around them.
      const boxes = (k: Element): DOMRect[] =>
        getComputedStyle(k).display === 'inline' ? [...k.getClientRects()] : [rectOf(k) as DOMRect];
      for (let i = 0; i < kids.length; i++) {
        for (let j = i + 1; j < kids.length; j++) {
          let worst = '';
          for (const a of boxes(kids[i])) {
            for (const b of boxes(kids[j])) {
              const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
              const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
              if (w > 2 && h > 2) worst = `${Math.round(w)}×${Math.round(h)} px`;
            }
          }
          if (worst) problems.push(`overlap (${worst}): ${name(kids[i])} and ${name(kids[j])}`);
        }
      }
    }
    return [...new Set(problems)];
  });
}
