// Rendering refuses script injection: a list of known XSS payloads (OWASP's filter evasion cheat sheet,
// PortSwigger's XSS cheat sheet, markdown-it and sanitize-html advisories) run through the Markdown renderer
// and through the HTML import path (sanitised, turned into Markdown, rendered). The output is parsed with a
// real HTML parser and must hold no element that can run script or load a document, no event handler, no
// style, and no javascript:, vbscript: or data: URL.
import * as fc from 'fast-check';
import { DomUtils, parseDocument } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import { htmlToArticle, renderArticle, sanitizeImportedHtml } from '../../src/knowledge/index.js';

const xssPayloads: string[] = [
  // script elements
  '<script>alert(1)</script>',
  '<SCRIPT SRC=//evil.example/xss.js></SCRIPT>',
  '<scr<script>ipt>alert(1)</scr</script>ipt>',
  '<script/xss src="//evil.example/x.js"></script>',
  '<<script>alert(1);//<</script>',
  // event handlers
  '<img src=x onerror=alert(1)>',
  '<img src="x" onerror="alert(1)" />',
  '<IMG SRC=/ onerror="alert(String.fromCharCode(88,83,83))"></img>',
  '<body onload=alert(1)>',
  '<div onmouseover="alert(1)">hover</div>',
  '<a href="https://example.com" onclick="alert(1)">x</a>',
  '<p/onpointerenter=alert(1)>x</p>',
  '<details open ontoggle=alert(1)>',
  '<video><source onerror="alert(1)"></video>',
  '<audio src=x onerror=alert(1)>',
  // javascript:, vbscript:, data: URLs, obfuscated
  '<a href="javascript:alert(1)">x</a>',
  '<a href="JaVaScRiPt:alert(1)">x</a>',
  '<a href="jav&#x09;ascript:alert(1)">x</a>',
  '<a href="jav\tascript:alert(1)">x</a>',
  '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
  '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)">x</a>',
  '<a href=" &#14;  javascript:alert(1)">x</a>',
  '<a href="javascript&colon;alert(1)">x</a>',
  '<a href="vbscript:msgbox(1)">x</a>',
  '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
  '<img src="javascript:alert(1)">',
  '<img src="data:image/svg+xml;base64,PHN2Zy8+">',
  '<img src="data:image/png;base64,iVBORw0KGgo=">',
  '<img srcset="javascript:alert(1) 1x">',
  // markdown link and image tricks
  '[x](javascript:alert(1))',
  '[x](javascript&#58;alert(1))',
  '[x](JAVASCRIPT:alert(1))',
  '[x](  javascript:alert(1)  )',
  '[x](<javascript:alert(1)>)',
  '[x](java\nscript:alert(1))',
  '[x](vbscript:msgbox(1))',
  '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '![x](javascript:alert(1))',
  '![x](data:image/svg+xml;base64,PHN2Zz48c2NyaXB0PmFsZXJ0KDEpPC9zY3JpcHQ+PC9zdmc+)',
  '[x]: javascript:alert(1)\n\n[click][x]',
  '[x](javas%09cript:alert(1))',
  '<javascript:alert(1)>',
  '<vbscript:msgbox(1)>',
  'javascript:alert(1)',
  '[a](https://example.com "title\\" onmouseover=\\"alert(1))',
  '![a" onerror="alert(1)](https://example.com/x.png)',
  // svg, math, iframe, object, embed, frames, applets
  '<svg onload=alert(1)>',
  '<svg><script>alert(1)</script></svg>',
  '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">x</text></a></svg>',
  '<svg><animate onbegin=alert(1) attributeName=x dur=1s>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '<math href="javascript:alert(1)">x</math>',
  '<iframe src="javascript:alert(1)"></iframe>',
  '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
  '<object data="javascript:alert(1)"></object>',
  '<embed src="data:text/html,<script>alert(1)</script>">',
  '<frameset><frame src="javascript:alert(1)"></frameset>',
  '<applet code="x.class"></applet>',
  // style: elements, attributes, expressions, url(javascript:)
  '<style>body{background:url("javascript:alert(1)")}</style>',
  '<div style="width: expression(alert(1))">x</div>',
  '<p style="background-image: url(javascript:alert(1))">x</p>',
  '<STYLE>@import "//evil.example/x.css";</STYLE>',
  '<link rel="stylesheet" href="javascript:alert(1)">',
  // meta, base, form
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  '<base href="javascript:alert(1)//">',
  '<form action="javascript:alert(1)"><input type="submit"></form>',
  '<button formaction="javascript:alert(1)">x</button>',
  '<isindex action="javascript:alert(1)" type="image">',
  '<input onfocus=alert(1) autofocus>',
  '<textarea onfocus=alert(1) autofocus>',
  // comments, CDATA and templates hiding markup
  '<!--<img src=x onerror=alert(1)>-->',
  '<![CDATA[<script>alert(1)</script>]]>',
  '<template><script>alert(1)</script></template>',
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
  // Markdown containers around HTML
  '> <script>alert(1)</script>',
  '- <img src=x onerror=alert(1)>',
  '```html\n<script>alert(1)</script>\n```',
  '| a |\n|---|\n| <img src=x onerror=alert(1)> |',
  '# <svg onload=alert(1)>',
  '<a href="https://example.com">ok</a> <a href=\'javascript:alert(1)\'>no</a>',
];

// Elements that can run script, load a document or style the page.
const forbiddenTags = new Set([
  'script',
  'style',
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'applet',
  'svg',
  'math',
  'link',
  'meta',
  'base',
  'form',
  'input',
  'button',
  'textarea',
  'select',
  'isindex',
  'template',
  'noscript',
  'video',
  'audio',
  'source',
  'details',
]);
const urlAttributes = new Set([
  'href',
  'src',
  'srcset',
  'action',
  'formaction',
  'xlink:href',
  'data',
  'background',
  'poster',
  'cite',
  'codebase',
]);

/** Why the HTML could run script or style, or [] when it cannot. The parser decodes entities in attributes. */
function scriptCapabilities(html: string): string[] {
  const problems: string[] = [];
  // Every element, however deep (script and style elements included: the parser gives them their own types).
  for (const el of DomUtils.findAll(() => true, parseDocument(html).children)) {
    if (forbiddenTags.has(el.name)) problems.push(`element <${el.name}>`);
    for (const [name, value] of Object.entries(el.attribs)) {
      if (name.startsWith('on')) problems.push(`handler ${name} on <${el.name}>`);
      if (name === 'style' || name === 'srcdoc') problems.push(`attribute ${name} on <${el.name}>`);
      if (urlAttributes.has(name)) {
        // Browsers drop control characters and white space in a scheme: so does the check.
        const folded = value.replace(/[\u0000-\u0020\u007f-\u009f]+/g, '').toLowerCase();
        if (/^(javascript|vbscript|data|livescript|mocha):/.test(folded))
          problems.push(`${name}="${value}" on <${el.name}>`);
        else if (/^[a-z][a-z0-9+.-]*:/.test(folded) && !/^(https?|mailto|tel):/.test(folded))
          problems.push(`scheme of ${name}="${value}" on <${el.name}>`);
      }
    }
  }
  return problems;
}

describe('rendering refuses script injection', () => {
  it('holds at least 40 known payloads', () => {
    expect(xssPayloads.length).toBeGreaterThanOrEqual(40);
  });

  it('the checker itself finds what it must refuse', () => {
    expect(scriptCapabilities('<p><script>alert(1)</script></p>')).not.toEqual([]);
    expect(scriptCapabilities('<img src=x onerror=alert(1)>')).not.toEqual([]);
    expect(scriptCapabilities('<a href="jav&#x09;ascript:alert(1)">x</a>')).not.toEqual([]);
    expect(scriptCapabilities('<p style="color:red">x</p>')).not.toEqual([]);
    expect(scriptCapabilities('<img src="data:image/png;base64,AAAA">')).not.toEqual([]);
    expect(scriptCapabilities('<p><a href="https://example.com">ok</a> <img src="/api/v1/x"></p>')).toEqual(
      [],
    );
  });

  for (const [i, payload] of xssPayloads.entries()) {
    it(`payload ${i + 1}: ${JSON.stringify(payload).slice(0, 70)}`, () => {
      const asMarkdown = renderArticle(payload).html;
      expect(scriptCapabilities(asMarkdown), `Markdown → ${asMarkdown}`).toEqual([]);
      const sanitised = sanitizeImportedHtml(payload);
      expect(scriptCapabilities(sanitised), `sanitised HTML → ${sanitised}`).toEqual([]);
      const imported = htmlToArticle(`<html><head><title>t</title></head><body>${payload}</body></html>`);
      const rendered = renderArticle(imported.markdown).html;
      expect(scriptCapabilities(rendered), `HTML import → ${imported.markdown} → ${rendered}`).toEqual([]);
      // The title is text: nothing of the payload turns it into markup.
      expect(imported.title).toBe('t');
    });
  }

  it('keeps the harmless parts: links, relative images, headings', () => {
    const r = renderArticle(
      '# Setup\n\n[Portal](https://portal.example.com) ![Step](/api/v1/articles/1/attachments/2)',
    );
    expect(r.html).toContain(
      '<a href="https://portal.example.com" rel="noopener noreferrer nofollow">Portal</a>',
    );
    expect(r.html).toContain('<img src="/api/v1/articles/1/attachments/2" alt="Step" />');
    const imported = htmlToArticle(
      '<h1>Setup</h1><p>Open <a href="https://portal.example.com">the portal</a>.</p>',
    );
    expect(imported.title).toBe('Setup');
    expect(imported.markdown).toContain('[the portal](https://portal.example.com)');
  });

  it('random mixes of payload pieces never render anything that can run script', () => {
    const pieces = fc.constantFrom(
      ...xssPayloads,
      '\n\n',
      ' ',
      '*',
      '[',
      ']',
      '(',
      ')',
      '<',
      '>',
      '"',
      '`',
      '&#',
    );
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 12 }), (parts) => {
        const text = parts.join('');
        expect(scriptCapabilities(renderArticle(text).html)).toEqual([]);
        expect(scriptCapabilities(renderArticle(htmlToArticle(text).markdown).html)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
