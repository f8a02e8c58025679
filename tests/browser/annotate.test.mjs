// Annotating: select a passage, then Annotate (note), Highlight, or log in first when
// signed out. Runs against the real server: notes are saved, re-rendered and survive a reload.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  DESKTOP, PHONE, READING_PATH, assertNoErrors, describeViolations, launchBrowser, newPage, seriousA11yViolations,
  startServer, waitShownWithText,
} from './support.mjs';

const USER = { username: 'reader1', password: 'a long password 123' };

let server;
let browser;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  const res = await fetch(server.url('/api/users'), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(USER),
  });
  assert.equal(res.status, 201, `POST /api/users answered ${res.status}: ${await res.text()}`);
}, { timeout: 90_000 });
after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Fill in and submit the login form on the current page (it must be /login). */
async function submitLogin(page) {
  assert.equal(new URL(page.url()).pathname, '/login', `expected the login page, got ${page.url()}`);
  await page.getByLabel('Username').fill(USER.username);
  await page.getByLabel('Password').fill(USER.password);
  await Promise.all([
    page.waitForURL((url) => url.pathname !== '/login'),
    page.getByRole('button', { name: 'Log in' }).click(),
  ]);
}

/** A page signed in as USER, showing the essay. */
async function signedIn(contextOptions = DESKTOP) {
  const reader = await newPage(browser, contextOptions);
  await reader.page.goto(server.url('/login'));
  await submitLogin(reader.page);
  await reader.page.goto(server.url(READING_PATH));
  assert.ok(await reader.page.locator('meta[name="gloss-user"]').count(), 'after logging in, the page has <meta name="gloss-user">');
  return reader;
}

// In-page helpers. The plain text is the article's text nodes outside [data-aside];
// this is the test's own, independent implementation of that rule.
function plainTextNodes() {
  const article = document.querySelector('article.essay');
  const nodes = [];
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
  for (let t = walker.nextNode(); t; t = walker.nextNode()) if (!t.parentElement.closest('[data-aside]')) nodes.push(t);
  return nodes;
}
const plainTextNodesSource = plainTextNodes.toString();

/**
 * Select the first occurrence of `needle` in the essay's plain text (only its first
 * `chars` characters, when given); returns the Range's box.
 */
function selectInEssay(page, needle, { chars = needle.length } = {}) {
  return page.evaluate(`(() => {
    const nodes = (${plainTextNodesSource})();
    const text = nodes.map((t) => t.data).join('');
    const needle = ${JSON.stringify(needle)};
    const at = text.indexOf(needle);
    if (at < 0) throw new Error('not in the plain text: ' + needle);
    const end = at + ${chars};
    const range = document.createRange();
    let n = 0;
    for (const t of nodes) {
      if (at >= n && at < n + t.length) range.setStart(t, at - n);
      if (end > n && end <= n + t.length) { range.setEnd(t, end - n); break; }
      n += t.length;
    }
    range.startContainer.parentElement.scrollIntoView({ block: 'center' });
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    const r = range.getBoundingClientRect();
    return { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
  })()`);
}

/** Viewport point just before the middle of the first character of `needle`, or past the middle of its last. */
function charPoint(page, needle, last) {
  return page.evaluate(`(() => {
    const nodes = (${plainTextNodesSource})();
    const text = nodes.map((t) => t.data).join('');
    const i = text.indexOf(${JSON.stringify(needle)}) + (${last} ? ${needle.length - 1} : 0);
    let n = 0;
    for (const t of nodes) {
      if (i < n + t.length) {
        const range = document.createRange();
        range.setStart(t, i - n);
        range.setEnd(t, i - n + 1);
        const r = range.getClientRects()[0];
        return { x: r.left + r.width * (${last} ? 0.8 : 0.2), y: r.top + r.height / 2 };
      }
      n += t.length;
    }
    return null;
  })()`);
}

const selectionText = (page) => page.evaluate(() => getSelection().toString().replace(/\s+/g, ' ').trim());
const toolbar = (page) => page.getByRole('toolbar', { name: 'Selection' });

test('select with the mouse, Annotate, Save: the note and its highlight appear, and survive a reload', { timeout: 90_000 }, async () => {
  const { context, page, errors } = await signedIn();
  const passage = 'pressure on Russia'; // "put pressure *on Russia*": crosses into an italic

  // Drag from the first letter to the last.
  await page.evaluate(() => document.getElementById('p-but-the-only-way-to-persuade')?.scrollIntoView({ block: 'center' }));
  const from = await charPoint(page, passage, false);
  const to = await charPoint(page, passage, true);
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move((from.x + to.x) / 2, to.y, { steps: 4 });
  await page.mouse.move(to.x, to.y, { steps: 4 });
  await page.mouse.up();
  assert.equal(await selectionText(page), passage, 'the mouse selected the passage');

  await toolbar(page).waitFor({ state: 'visible' });
  const names = await toolbar(page).getByRole('button').allTextContents();
  assert.deepEqual(names.map((s) => s.trim()), ['Annotate', 'Highlight', 'Copy link'], 'the toolbar offers Annotate, Highlight, Copy link');
  const inArticle = await page.evaluate(() => !!document.querySelector('article.essay [role="toolbar"]'));
  assert.equal(inArticle, false, 'the toolbar is not inside the article (it would change the plain text)');
  await toolbar(page).getByRole('button', { name: 'Annotate', exact: true }).click();

  const dialog = page.getByRole('dialog');
  await dialog.waitFor({ state: 'visible' });
  assert.equal((await dialog.locator('blockquote').textContent()).trim(), passage, 'the editor quotes the selected passage');
  const note = 'Pressure belongs on Moscow, not Kyiv.';
  await dialog.getByLabel('Note (Markdown)').fill(note);
  await dialog.getByLabel('Tags (comma-separated)').fill('sanctions');
  await dialog.getByRole('button', { name: 'Save' }).click();

  await waitShownWithText(page, 'article.essay .sidenote', note);
  await dialog.waitFor({ state: 'hidden' });
  const saved = await page.evaluate((text) => {
    const side = [...document.querySelectorAll('article.essay .sidenote')].find((el) => el.textContent.includes(text));
    const id = side.id.replace(/^note-/, '');
    const marks = [...document.querySelectorAll('mark[data-annotation]')].filter((m) => m.dataset.annotation === id);
    return {
      id,
      marked: marks.map((m) => m.textContent).join(''),
      tag: side.querySelector('.note-tags .tag')?.textContent,
      focused: document.activeElement === side,
    };
  }, note);
  assert.ok(saved.marked.includes('pressure'), `a mark[data-annotation="${saved.id}"] holds the passage; marks say ${JSON.stringify(saved.marked)}`);
  assert.equal(saved.marked.replace(/\s+/g, ' ').trim(), passage, 'the marks cover exactly the passage');
  assert.equal(saved.tag, 'sanctions', 'the note shows its tag');
  assert.ok(saved.focused, 'after Save, focus is on the new note');

  await page.reload();
  await waitShownWithText(page, 'article.essay .sidenote', note);
  const marked = await page.evaluate((id) => [...document.querySelectorAll('mark[data-annotation]')]
    .filter((m) => m.dataset.annotation === id).map((m) => m.textContent).join(''), saved.id);
  assert.ok(marked.includes('pressure'), 'after a reload, the passage is still marked');
  assertNoErrors(errors, READING_PATH);
  await context.close();
});

test('keyboard: extend a selection with Shift+ArrowRight, press h: a highlight appears', { timeout: 90_000 }, async () => {
  const { context, page, errors } = await signedIn();
  const passage = 'Whatever the reason';
  await selectInEssay(page, passage, { chars: 1 });
  for (let i = 1; i < passage.length; i++) await page.keyboard.press('Shift+ArrowRight');
  assert.equal(await selectionText(page), passage, 'Shift+ArrowRight extended the selection');

  await toolbar(page).waitFor({ state: 'visible' });
  const keys = await toolbar(page).getByRole('button').evaluateAll((bs) => bs.map((b) => b.getAttribute('aria-keyshortcuts')));
  assert.deepEqual(keys, ['a', 'h', 'c'], 'the toolbar buttons announce their shortcut keys');
  await page.keyboard.press('h');

  await page.waitForFunction((text) => [...document.querySelectorAll('article.essay mark[data-annotation]')]
    .some((m) => !m.classList.contains('editorial') && m.textContent.includes(text)), 'Whatever');
  await page.reload();
  const kept = await page.evaluate(() => [...document.querySelectorAll('article.essay mark.note-mark:not(.editorial)')]
    .some((m) => m.textContent.includes('Whatever')));
  assert.ok(kept, 'after a reload, the highlight is still there');
  assertNoErrors(errors, READING_PATH);
  await context.close();
});

test('Escape hides the toolbar; Copy link copies a link to the passage', { timeout: 60_000 }, async () => {
  const { context, page, errors } = await signedIn();
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.baseUrl });
  const passage = 'The Ukrainians have already said';
  await selectInEssay(page, passage);
  await toolbar(page).waitFor({ state: 'visible' });
  await page.keyboard.press('Escape');
  await toolbar(page).waitFor({ state: 'hidden' });

  await selectInEssay(page, passage);
  await toolbar(page).waitFor({ state: 'visible' });
  await toolbar(page).getByRole('button', { name: 'Copy link' }).click();
  await page.getByRole('status').filter({ hasText: 'Link copied' }).waitFor();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  const shortLink = new RegExp(`^${server.baseUrl}/s/[A-Za-z0-9]{8}#:~:text=${encodeURIComponent(passage)}$`);
  assert.match(copied, shortLink, 'a short link with a text fragment');
  assertNoErrors(errors, READING_PATH);
  await context.close();
});

test('signed out: Annotate leads to the login page and back to the editor with the same quote', { timeout: 90_000 }, async () => {
  const { context, page, errors } = await newPage(browser, DESKTOP);
  await page.goto(server.url(READING_PATH));
  assert.equal(await page.locator('meta[name="gloss-user"]').count(), 0, 'signed out: no <meta name="gloss-user">');
  const passage = 'Witkoff has no previous diplomatic experience';
  await selectInEssay(page, passage);
  await toolbar(page).waitFor({ state: 'visible' });
  await Promise.all([
    page.waitForURL((url) => url.pathname === '/login'),
    toolbar(page).getByRole('button', { name: 'Annotate', exact: true }).click(),
  ]);
  const next = new URL(page.url()).searchParams.get('next');
  assert.equal(next, `${READING_PATH}#p-witkoff-has-no-previous-diplomatic-experience`, 'next= names the essay and the passage\'s block');

  await submitLogin(page);
  assert.equal(new URL(page.url()).pathname, READING_PATH, 'after logging in, the reader is back on the essay');
  const dialog = page.getByRole('dialog');
  await dialog.waitFor({ state: 'visible' });
  assert.equal((await dialog.locator('blockquote').textContent()).trim(), passage, 'the editor quotes the passage selected before logging in');
  const focused = await page.evaluate(() => document.activeElement?.getAttribute('name'));
  assert.equal(focused, 'body', 'the note field has focus');

  const note = 'He was a real-estate developer.';
  await dialog.getByLabel('Note (Markdown)').fill(note);
  await page.keyboard.press('Control+Enter');
  await waitShownWithText(page, 'article.essay .sidenote', note);
  assertNoErrors(errors, READING_PATH);
  await context.close();
});

test('edit, reply and delete a note through its buttons', { timeout: 90_000 }, async () => {
  const { context, page, errors } = await signedIn();
  await selectInEssay(page, 'Maybe he, or others in the White House entourage');
  await toolbar(page).waitFor({ state: 'visible' });
  await page.keyboard.press('a');
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Note (Markdown)').fill('First version');
  await dialog.getByLabel('Post to').selectOption({ label: 'Only me' });
  await dialog.getByRole('button', { name: 'Save' }).click();
  await waitShownWithText(page, 'article.essay .sidenote', 'First version');
  const side = page.locator('article.essay .sidenote', { hasText: 'First version' });
  assert.ok(await side.locator('.note-private').count(), 'a private note says so');

  await side.getByRole('button', { name: 'Edit' }).click();
  await dialog.waitFor({ state: 'visible' });
  assert.equal(await dialog.getByLabel('Note (Markdown)').inputValue(), 'First version', 'Edit fills in the Markdown');
  assert.equal(await dialog.getByLabel('Post to').inputValue(), 'private', 'Edit keeps the visibility');
  await dialog.getByLabel('Note (Markdown)').fill('Second version');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await waitShownWithText(page, 'article.essay .sidenote', 'Second version');

  const edited = page.locator('article.essay .sidenote', { hasText: 'Second version' });
  await edited.getByRole('button', { name: 'Reply' }).first().click();
  await dialog.waitFor({ state: 'visible' });
  assert.equal(await dialog.locator('blockquote').isVisible(), false, 'a reply quotes nothing');
  await dialog.getByLabel('Note (Markdown)').fill('A reply to myself');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await waitShownWithText(page, 'article.essay .sidenote .reply', 'A reply to myself');

  const del = page.locator('article.essay .sidenote', { hasText: 'Second version' })
    .locator(':scope > .note-actions').getByRole('button', { name: /delete/i });
  await del.click();
  assert.equal((await del.textContent()).trim(), 'Confirm delete', 'the first press asks for confirmation');
  await del.click();
  await page.waitForFunction(() => ![...document.querySelectorAll('article.essay .sidenote')].some((el) => el.textContent.includes('Second version')));
  assertNoErrors(errors, READING_PATH);
  await context.close();
});

test('phone: the toolbar sits below the selection, and the saved note opens under its line', { timeout: 90_000 }, async () => {
  const { context, page, errors } = await signedIn(PHONE);
  const box = await selectInEssay(page, 'This war will end only when Russia stops fighting');
  await toolbar(page).waitFor({ state: 'visible' });
  const bar = await toolbar(page).boundingBox();
  assert.ok(bar.y >= box.bottom, `the toolbar (top ${bar.y}) is below the selection (bottom ${box.bottom})`);
  assert.ok(bar.x >= 0 && bar.x + bar.width <= 390, 'the toolbar fits the screen');
  await toolbar(page).getByRole('button', { name: 'Annotate', exact: true }).tap();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Note (Markdown)').fill('Noted on a phone');
  await dialog.getByRole('button', { name: 'Save' }).tap();
  await waitShownWithText(page, 'article.essay .sidenote', 'Noted on a phone');
  assertNoErrors(errors, READING_PATH);
  await context.close();
});

for (const colorScheme of ['light', 'dark']) {
  test(`the toolbar, the editor and a reader's note have no serious axe violations (${colorScheme})`, { timeout: 90_000 }, async () => {
    const { context, page, errors } = await signedIn({ ...DESKTOP, colorScheme, bypassCSP: true }); // axe is injected inline
    await selectInEssay(page, 'Ukrainian children');
    await toolbar(page).waitFor({ state: 'visible' });
    let violations = await seriousA11yViolations(page);
    assert.deepEqual(violations, [], `with the toolbar shown:\n${describeViolations(violations)}`);
    await page.keyboard.press('a');
    await page.getByRole('dialog').waitFor({ state: 'visible' });
    violations = await seriousA11yViolations(page);
    assert.deepEqual(violations, [], `with the editor open:\n${describeViolations(violations)}`);
    await page.getByLabel('Note (Markdown)').fill(`A ${colorScheme} note`);
    await page.getByLabel('Tags (comma-separated)').fill('children, war');
    await page.getByLabel('Post to').selectOption({ label: 'Only me' });
    await page.keyboard.press('Control+Enter');
    await waitShownWithText(page, 'article.essay .sidenote', `A ${colorScheme} note`);
    violations = await seriousA11yViolations(page);
    assert.deepEqual(violations, [], `with a reader's note (meta, tags, actions):\n${describeViolations(violations)}`);
    assertNoErrors(errors, READING_PATH);
    await context.close();
  });
}
