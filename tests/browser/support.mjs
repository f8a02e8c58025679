// Shared helpers for Gloss's browser tests: start the server, launch Debian's
// Chromium through playwright-core, open pages that record console errors,
// run axe-core, and measure what is shown on screen.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as pause } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const GLOSS_BIN = process.env.GLOSS_BIN || path.join(REPO_ROOT, 'target', 'debug', 'gloss');
export const AXE_PATH = path.join(REPO_ROOT, 'tests', 'browser', 'node_modules', 'axe-core', 'axe.min.js');

export const FIRST_SLUG = 'witkoff-takes-russias-side';
export const READING_PATH = `/articles/${FIRST_SLUG}`;

export const DESKTOP = { viewport: { width: 1440, height: 900 } };
export const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true };

// Generous, but far below node:test's per-test timeouts, so a failure names the condition.
const WAIT_MS = 15_000;
const STARTUP_MS = 60_000;

const running = new Set();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

async function freePort() {
  const server = net.createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Start `gloss serve` on a free port with a fresh SQLite file, and wait until
 * GET /healthz answers 200 "ok". Returns { baseUrl, url(path), logs(), stop() }.
 * `articles` and `databaseUrl` let a test restart on an edited essay and the same database
 * (which it then owns and removes itself); `env` adds environment variables (RUST_LOG,
 * GLOSS_PUBLIC_URL…). The result also carries `process` (the child) and `exit`, a promise of
 * its { code, signal }, for tests of how it stops.
 */
export async function startServer({ articles = 'articles', databaseUrl, env = {} } = {}) {
  const dir = databaseUrl ? null : mkdtempSync(path.join(tmpdir(), 'gloss-browser-'));
  const port = await freePort();
  const args = [
    'serve',
    '--addr', `127.0.0.1:${port}`,
    '--database-url', databaseUrl ?? `sqlite://${dir}/gloss.db?mode=rwc`,
    '--articles', articles,
  ];
  const child = spawn(GLOSS_BIN, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  child.stdout.on('data', (chunk) => { output += chunk; });
  child.stderr.on('data', (chunk) => { output += chunk; });
  const exited = new Promise((resolve) => {
    child.once('error', (error) => resolve(`could not start: ${error.message}`));
    child.once('exit', (code, signal) => resolve(`exited with ${signal ?? `code ${code}`}`));
  });
  const exit = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let exitReason = null;
  exited.then((reason) => { exitReason = reason; running.delete(child); });

  const baseUrl = `http://127.0.0.1:${port}`;
  const server = {
    baseUrl,
    process: child,
    exit,
    url: (p = '/') => new URL(p, baseUrl).href,
    logs: () => output,
    async stop() {
      if (exitReason === null) {
        child.kill('SIGTERM');
        const stopped = await Promise.race([exited.then(() => true), pause(5_000, false, { ref: false })]);
        if (!stopped) {
          child.kill('SIGKILL');
          await exited;
        }
      }
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };

  // Poll the health check until it answers, the process dies, or time runs out.
  const deadline = Date.now() + STARTUP_MS;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (exitReason !== null) break;
    try {
      const res = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2_000) });
      const body = await res.text();
      if (res.status === 200 && body.trim() === 'ok') return server;
      last = `status ${res.status}, body ${JSON.stringify(body.slice(0, 200))}`;
    } catch (error) {
      last = error.cause?.code ?? error.message;
    }
    await pause(100); // poll interval of the readiness loop, not a wait for an effect
  }
  await server.stop();
  throw new Error(
    `gloss did not become healthy at ${baseUrl}/healthz (${exitReason ?? `last: ${last}`})\n` +
      `command: ${GLOSS_BIN} ${args.join(' ')}\n--- server output ---\n${output}`,
  );
}

export function launchBrowser() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * Open `url` in a new browser context built from `contextOptions`, recording
 * console errors and uncaught page errors. Returns { context, page, response, errors }.
 * `errors` keeps filling while the page lives; call assertNoErrors(errors) at the end.
 * The 404 for the document itself (when expectedStatus is 404) is not counted.
 */
export async function openPage(browser, url, { contextOptions = {}, expectedStatus = 200 } = {}) {
  // bypassCSP lets axe-core be injected as an inline script; it changes nothing else.
  const context = await browser.newContext({ bypassCSP: true, ...contextOptions });
  context.setDefaultTimeout(WAIT_MS);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const where = message.location().url || '';
    const text = message.text();
    if (expectedStatus === 404 && where === url && /status of 404/.test(text)) return;
    errors.push(`console error: ${text}${where ? ` (${where})` : ''}`);
  });
  const response = await page.goto(url, { waitUntil: 'load' });
  if (response.status() !== expectedStatus) {
    throw new Error(`GET ${url} answered ${response.status()}, expected ${expectedStatus}`);
  }
  return { context, page, response, errors };
}

export function assertNoErrors(errors, label = '') {
  if (errors.length > 0) {
    throw new Error(`console or page errors${label ? ` on ${label}` : ''}:\n  ${errors.join('\n  ')}`);
  }
}

/** Run axe-core on the page; return violations of impact "serious" or "critical". */
export async function seriousA11yViolations(page) {
  await page.addScriptTag({ path: AXE_PATH });
  const results = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export function describeViolations(violations) {
  return violations
    .map((v) => {
      const nodes = v.nodes.slice(0, 5).map((n) => `    - ${n.target.join(' ')}\n      ${(n.failureSummary || '').replace(/\n/g, '\n      ')}`);
      const more = v.nodes.length > 5 ? `\n    … and ${v.nodes.length - 5} more` : '';
      return `  ${v.id} [${v.impact}]: ${v.help}\n    ${v.helpUrl}\n${nodes.join('\n')}${more}`;
    })
    .join('\n');
}

// ---------------------------------------------------------------------------
// What a reader sees. These functions run inside the page (page.evaluate), so
// each is self-contained; `shownSource` is pasted into the ones that need it.

/**
 * True when an element is rendered and perceivable: it has a box of some size,
 * and neither it nor an ancestor is display:none, visibility:hidden or opacity:0.
 * (Playwright's own "visible" state ignores opacity, which hover cards often use.)
 */
function shown(el) {
  if (!el || !el.isConnected) return false;
  const r = el.getBoundingClientRect();
  if (r.width < 2 || r.height < 2) return false;
  return el.checkVisibility({ opacityProperty: true, visibilityProperty: true, checkOpacity: true, checkVisibilityCSS: true });
}
const shownSource = shown.toString();

/** Whether the element matched by `selector` is shown (see `shown`). */
export function isShown(page, selector) {
  return page.evaluate(`(${shownSource})(document.querySelector(${JSON.stringify(selector)}))`);
}

/** Wait until the element matched by `selector` is shown (want=true) or not (want=false). */
export async function waitShown(page, selector, want = true) {
  try {
    await page.waitForFunction(
      `(${shownSource})(document.querySelector(${JSON.stringify(selector)})) === ${want}`,
      null,
      { timeout: WAIT_MS },
    );
  } catch (error) {
    throw new Error(`${selector} did not become ${want ? 'visible' : 'hidden'} within ${WAIT_MS} ms: ${error.message.split('\n')[0]}`);
  }
}

/** Ids and boxes (page coordinates) of the sidenotes in the essay that are shown. */
export function shownSidenotes(page) {
  return page.evaluate(`(() => {
    const shown = ${shownSource};
    return [...document.querySelectorAll('article.essay .sidenote')]
      .filter(shown)
      .map((el) => {
        const r = el.getBoundingClientRect();
        return { id: el.id, left: r.left + scrollX, right: r.right + scrollX, top: r.top + scrollY, bottom: r.bottom + scrollY };
      });
  })()`);
}

/**
 * Boxes (page coordinates) of the essay's own text, line by line, grouped by the
 * block (p, h2, li…) it belongs to; text inside [data-aside] is left out.
 */
export function essayTextBoxes(page) {
  return page.evaluate(() => {
    const article = document.querySelector('article.essay');
    const blocks = new Map();
    const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!node.textContent.trim() || parent.closest('[data-aside]')) continue;
      const block = parent.closest('p, h1, h2, h3, h4, h5, h6, li, blockquote, figcaption');
      if (!block || !article.contains(block)) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const r of range.getClientRects()) {
        if (r.width < 1 || r.height < 1) continue;
        if (!blocks.has(block)) blocks.set(block, { block: `${block.tagName.toLowerCase()}#${block.id}`, boxes: [] });
        blocks.get(block).boxes.push({ left: r.left + scrollX, right: r.right + scrollX, top: r.top + scrollY, bottom: r.bottom + scrollY });
      }
    }
    return [...blocks.values()];
  });
}

/** Waits until the margin has stopped moving: what stands in it alike over two frames. */
export async function marginSettled(page) {
  await page.evaluate(async () => {
    await document.fonts.ready;
    const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
    const look = () => JSON.stringify([...document.querySelectorAll('article.essay :is(.sidenote, .layer-more, .more-notes, .margin-more)')]
      .map((n) => [n.className, n.hidden, ...Object.values(n.getBoundingClientRect().toJSON())]));
    let before = look();
    for (let same = 0; same < 2;) {
      await frame();
      const now = look();
      same = now === before ? same + 1 : 0;
      before = now;
    }
  });
}

/** Whether two boxes overlap by more than `slack` pixels in both directions. */
export function overlaps(a, b, slack = 1) {
  return a.left < b.right - slack && b.left < a.right - slack && a.top < b.bottom - slack && b.top < a.bottom - slack;
}

export function fmtBox(b) {
  return `[${Math.round(b.left)},${Math.round(b.top)} → ${Math.round(b.right)},${Math.round(b.bottom)}]`;
}

/**
 * Wait until some element matching `selector` whose text includes `text` is shown
 * (see `shown`). Polls with page.evaluate, so it also works under the site's CSP,
 * which forbids the eval that waitForFunction needs for a string predicate.
 */
export async function waitShownWithText(page, selector, text) {
  const probe = `[...document.querySelectorAll(${JSON.stringify(selector)})]
    .some((el) => el.textContent.includes(${JSON.stringify(text)}) && (${shownSource})(el))`;
  const deadline = Date.now() + WAIT_MS;
  while (Date.now() < deadline) {
    if (await page.evaluate(probe)) return;
    await pause(50); // poll interval, not a wait for an effect
  }
  throw new Error(`no visible ${selector} containing ${JSON.stringify(text)} within ${WAIT_MS} ms`);
}

/**
 * A new context and page that record console and page errors (CSP violations included),
 * without opening anything yet (for tests that log in first). Returns { context, page, errors }.
 */
export async function newPage(browser, contextOptions = {}) {
  const context = await browser.newContext(contextOptions); // the real CSP applies
  context.setDefaultTimeout(WAIT_MS);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const where = message.location().url || '';
    errors.push(`console error: ${message.text()}${where ? ` (${where})` : ''}`);
  });
  return { context, page, errors };
}

/** POSTs JSON to `server` (with a Bearer token when given) and returns the created resource. */
export async function postCreated(server, p, body, token) {
  const res = await fetch(server.url(p), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`POST ${p}: ${res.status} ${text}`);
  return JSON.parse(text);
}
