// What the browser tests need: Debian's Chromium (with a plain message saying how to install it when it is
// missing), an up-to-date web/dist (built here when the sources are newer), and a real server on a
// temporary SQLite database, listening on a free port, whose clock follows real time (the browser's
// cookies expire by real time).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;

import { makeApp, type TestApp } from '../support/context.js';

export const chromiumPath = process.env.OPSDESK_CHROMIUM ?? '/usr/bin/chromium';
export const root = path.resolve(import.meta.dirname, '../..');
export const outDir = path.join(root, 'test-output', 'e2e');
const webDir = path.join(root, 'web');

export const installHint =
  `The browser tests drive Chromium at ${chromiumPath}, which is missing. Install it with:\n\n` +
  '    sudo apt-get install -y chromium\n\n' +
  '(Debian/Ubuntu; or set OPSDESK_CHROMIUM to a Chromium binary.) CI installs it in .ci/run.';

export function requireChromium(): void {
  if (!fs.existsSync(chromiumPath)) throw new Error(installHint);
}

function newest(dir: string): number {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'dist' || e.name === 'node_modules') continue;
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }
  return t;
}

/** Build web/dist once, when it is missing or older than the web sources; test files running side by side
 * take turns through a lock directory, so one builds and the others find it fresh. */
export function ensureWebBuilt(): void {
  const index = path.join(webDir, 'dist', 'index.html');
  const fresh = () => fs.existsSync(index) && fs.statSync(index).mtimeMs >= newest(webDir);
  if (fresh()) return;
  const lock = path.join(root, 'test-output', '.web-build.lock');
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  const sleep = new Int32Array(new SharedArrayBuffer(4));
  for (let waited = 0; ; waited += 200) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      // Another file is building; a lock older than five minutes was left by a killed run.
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (waited > 300_000 || age > 300_000) {
        fs.rmSync(lock, { recursive: true, force: true });
      }
      Atomics.wait(sleep, 0, 0, 200);
    }
  }
  try {
    if (fresh()) return;
    const vite = path.join(root, 'node_modules', '.bin', 'vite');
    // vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
    const env = { ...process.env, NODE_ENV: 'production' };
    const r = spawnSync(vite, ['build', '--config', path.join(webDir, 'vite.config.ts')], {
      cwd: root,
      encoding: 'utf8',
      env,
    });
    if (r.status !== 0) throw new Error(`vite build failed:\n${r.stdout}\n${r.stderr}`);
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

export interface Server extends TestApp {
  base: string;
}

export async function startServer(env: Record<string, string> = {}): Promise<Server> {
  const t = await makeApp('sqlite', { OPSDESK_LOGIN_RATE_PER_MINUTE: '10000', ...env });
  t.clock.set(Date.now());
  const tick = setInterval(() => t.clock.set(Date.now()), 20);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const addr = t.app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    ...t,
    base: `http://127.0.0.1:${port}`,
    close: async () => {
      clearInterval(tick);
      await t.close();
    },
  };
}

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      // English pages for every context that names no locale of its own, whatever the machine's LANG: a person
      // without a chosen language gets the browser's (web/src/locale.ts), and most tests read English words.
      '--lang=en-US',
    ],
  });
}

export const desktop = { width: 1280, height: 800 };
export const phone = { width: 390, height: 844 };

export async function signInPage(
  browser: Browser,
  base: string,
  email: string,
  password: string,
  viewport = desktop,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport, baseURL: base });
  const page = await context.newPage();
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
  return { context, page };
}

/**
 * Who is signed in, per test file: each person signs in through the form once, the first time a page of theirs
 * is asked for, and every later page opens in a new context that carries that session (its cookie), at any
 * viewport. A sign-in per test cost a page load and an argon2 verification each and tested nothing new; the
 * sign-in itself is still driven by every file. `base` is read at call time (the server starts in beforeAll).
 */
export class SignedIn {
  private readonly states = new Map<string, StorageState>();

  constructor(
    private readonly browser: () => Browser,
    private readonly base: () => string,
  ) {}

  /**
   * A new context and page signed in as `email`: on `at` when given, else where sign-in lands (the person's
   * start page); `at: null` opens no page in a reused session, for a caller that goes somewhere next anyway.
   * Close the context when done.
   */
  async page(
    email: string,
    password: string,
    options: { viewport?: { width: number; height: number }; at?: string | null } = {},
  ): Promise<{ context: BrowserContext; page: Page }> {
    const viewport = options.viewport ?? desktop;
    const state = this.states.get(email);
    if (!state) {
      const opened = await signInPage(this.browser(), this.base(), email, password, viewport);
      this.states.set(email, await opened.context.storageState());
      if (options.at) await opened.page.goto(options.at);
      return opened;
    }
    const context = await this.browser().newContext({ viewport, baseURL: this.base(), storageState: state });
    const page = await context.newPage();
    if (options.at) {
      await page.goto(options.at);
    } else if (options.at === undefined) {
      // '/' sends a signed-in person to their start page, where the sign-in form would have sent them.
      await page.goto('/');
      await page.waitForURL((u) => u.pathname !== '/' && !u.pathname.startsWith('/sign-in'));
    }
    return { context, page };
  }
}

const axeSource = fs.readFileSync(path.join(root, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core's violations of serious or critical impact on the current page. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated through the DevTools protocol, not as an inline <script>: the page's CSP (script-src 'self')
  // refuses inline scripts, as it should. Once per document: a page checked in several states (the SPA
  // moving between them without a reload) keeps it.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run(ctx: Document, o: object): Promise<{ violations: AxeViolation[] }> } }
    ).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => ({ target: n.target })),
    }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** One variant of a page's layout: a width and a colour scheme. */
export interface LayoutVariant {
  width: 'desktop' | 'phone';
  scheme: 'light' | 'dark';
  /** `desktop-light` … `phone-dark`, for screenshot names and messages. */
  label: string;
}

/**
 * A page at both widths (1280 and 390 px) in both colour schemes. `page` is open at desktop width in the light
 * scheme; `visit` sees it so first, then after each change of width and scheme the page is reloaded in the same
 * context, so each variant is the page as a reader who opens it at that size and scheme sees it, but the app's
 * files come from the context's warm cache (a new context per variant loaded and compiled the app afresh, about a
 * second each). `visit` waits for what it needs (the reload drops what the page showed), then captures.
 */
export async function eachLayout(
  page: Page,
  visit: (variant: LayoutVariant) => Promise<void>,
): Promise<void> {
  let first = true;
  for (const [width, viewport] of [
    ['desktop', desktop],
    ['phone', phone],
  ] as const)
    for (const scheme of ['light', 'dark'] as const) {
      if (!first) {
        await page.setViewportSize(viewport);
        await page.emulateMedia({ colorScheme: scheme });
        await page.reload();
      }
      first = false;
      await visit({ width, scheme, label: `${width}-${scheme}` });
    }
}

/**
 * Takes a page back to where `eachLayout` starts — desktop width, light scheme — at `at`: the next view of a page
 * that `eachLayout` left at phone width in the dark, in the same context (its cache warm).
 */
export async function gotoDesktopLight(page: Page, at: string): Promise<void> {
  await page.setViewportSize(desktop);
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(at);
}

export async function screenshot(page: Page, name: string, dir = outDir): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: false });
}

/**
 * A signed-in API caller for seeding through HTTP: one bearer token per person, kept; a non-2xx answer throws
 * with its problem. `base` is read at call time (the server starts in beforeAll).
 */
export function apiCaller<W extends string>(
  base: () => string,
  emailOf: (who: W) => string,
  password: string,
): (who: W, method: string, url: string, body?: unknown) => Promise<any> {
  const tokens = new Map<W, string>();
  return async (who, method, url, body) => {
    if (!tokens.has(who)) {
      const login = await fetch(`${base()}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: emailOf(who), password }),
      });
      tokens.set(who, ((await login.json()) as { token: string }).token);
    }
    const res = await fetch(`${base()}${url}`, {
      method,
      headers: {
        authorization: `Bearer ${tokens.get(who)}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = (await res.json().catch(() => null)) as any;
    if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
}

/**
 * Opens an area from the main navigation as a person would on a desktop: the link in the bar, or behind "More"
 * when the area is one of those the bar keeps there.
 */
export async function openArea(page: Page, label: string): Promise<void> {
  const nav = page.getByRole('navigation', { name: 'Main' });
  const link = nav.getByRole('link', { name: label, exact: true });
  if (!(await link.isVisible())) await nav.getByRole('button', { name: /^More|▾/ }).click();
  await link.click();
}
