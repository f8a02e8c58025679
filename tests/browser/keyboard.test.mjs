// Keyboard only: every flow walked with Tab, Shift+Tab, Enter, Space, Escape, arrows and
// letters, never the mouse. At every stop the test asserts where focus is, and that the
// focused element shows it (an outline or box-shadow) and is on screen.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';
import {
  DESKTOP, PHONE, READING_PATH, assertNoErrors, launchBrowser, newPage, startServer, waitShownWithText,
} from './support.mjs';

const USER = { username: 'keyboarder', password: 'a long password typed' };

let server;
let browser;
const dirs = [];
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
}, { timeout: 90_000 });
after(async () => {
  await browser?.close();
  await server?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Where focus is, and how it shows. A note's toggle is a visually hidden checkbox: its label draws the ring. */
function focusRecord(page) {
  return page.evaluate(() => {
    const el = document.activeElement ?? document.body;
    const ring = el.matches('.note-toggle-input') ? el.nextElementSibling : el;
    const cs = getComputedStyle(ring);
    const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 1;
    const shadow = cs.boxShadow && cs.boxShadow !== 'none';
    const r = ring.getBoundingClientRect();
    return {
      tag: el.localName,
      id: el.id,
      cls: typeof el.className === 'string' ? el.className : '',
      type: el.getAttribute('type') ?? '',
      text: (el.innerText ?? '').replace(/\s+/g, ' ').trim().slice(0, 120),
      href: el.getAttribute('href') ?? '',
      action: el.dataset?.action ?? '',
      annotation: el.dataset?.annotation ?? '',
      inArticle: !!el.closest('article.essay'),
      block: el.closest('article.essay > *')?.id ?? '',
      checked: !!el.checked,
      focusVisible: el.matches(':focus-visible'),
      ring: outline ? `outline ${cs.outlineStyle} ${cs.outlineWidth} ${cs.outlineColor}` : shadow ? `box-shadow ${cs.boxShadow}` : null,
      onScreen: r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth,
    };
  });
}

const describe = (f) => `<${f.tag}${f.id ? `#${f.id}` : ''}${f.cls ? `.${f.cls.split(' ').join('.')}` : ''}> ${JSON.stringify(f.text.slice(0, 50))}`;

/** Asserts focus is where `expected` says, and visibly so. Returns the focus record. */
async function expectFocus(page, what, expected) {
  const f = await focusRecord(page);
  assert.ok(expected(f), `${what}: focus is on ${describe(f)}`);
  assert.ok(f.ring, `${what}: the focused ${describe(f)} shows no focus ring (no outline, no box-shadow)`);
  assert.ok(f.onScreen, `${what}: the focused ${describe(f)} is off screen`);
  return f;
}

/**
 * Press Tab (or Shift+Tab) until focus satisfies `wanted`; every stop on the way must show
 * its focus. Returns the focus record.
 */
async function tabTo(page, what, wanted, { back = false, max = 250 } = {}) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const f = await focusRecord(page);
    if (f.tag !== 'body') {
      assert.ok(f.ring, `on the way to ${what}, Tab stop ${i + 1} ${describe(f)} shows no focus ring`);
      assert.ok(f.onScreen, `on the way to ${what}, Tab stop ${i + 1} ${describe(f)} is off screen`);
    }
    if (wanted(f)) return f;
  }
  throw new Error(`${max} presses of ${back ? 'Shift+Tab' : 'Tab'} never reached ${what}`);
}

/**
 * Tab from the top of the page through every stop until focus leaves the page; each stop must
 * show its focus and be on screen. Returns the stops.
 */
async function tabThroughAll(page, what, max = 800) {
  const stops = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const f = await focusRecord(page);
    if (f.tag === 'body' || (i > 0 && f.text === 'Skip to content')) return stops;
    assert.ok(f.ring, `${what}: Tab stop ${i + 1} ${describe(f)} shows no focus ring`);
    assert.ok(f.onScreen, `${what}: Tab stop ${i + 1} ${describe(f)} is off screen`);
    stops.push(f);
  }
  throw new Error(`${what}: ${max} presses of Tab never left the page`);
}

// Waits use locators or page.evaluate polling: the site's CSP forbids the eval behind
// waitForFunction with a string.

/** Press a key that navigates, and wait for the new page to load. */
async function pressAndLoad(page, key, urlTest) {
  await Promise.all([page.waitForURL(urlTest, { waitUntil: 'load' }), page.keyboard.press(key)]);
}

const isSkipLink = (f) => f.tag === 'a' && f.text === 'Skip to content';
const isMain = (f) => f.tag === 'main' && f.id === 'main';

test('from the essays to a mention and back: skip link, card, Escape, Enter', { timeout: 120_000 }, async () => {
  const { context, page, errors } = await newPage(browser, DESKTOP);
  await page.goto(server.url('/'));

  await page.keyboard.press('Tab');
  await expectFocus(page, 'first Tab on /', isSkipLink);
  await page.keyboard.press('Enter');
  await expectFocus(page, 'Enter on the skip link', isMain);
  await page.keyboard.press('Tab');
  const essay = await expectFocus(page, 'Tab after skipping', (f) => f.tag === 'a' && f.href === READING_PATH);
  assert.match(essay.text, /Witkoff/, 'the first stop in the content is the essay');
  await pressAndLoad(page, 'Enter', (u) => u.pathname === READING_PATH);

  await page.keyboard.press('Tab');
  await expectFocus(page, 'first Tab on the essay', isSkipLink);
  await page.keyboard.press('Enter');
  await expectFocus(page, 'Enter on the essay\'s skip link', isMain);

  // To the first mention: its card shows; Escape hides it and keeps focus.
  const mention = await tabTo(page, 'a mention', (f) => f.cls.includes('mention-link'));
  assert.ok(mention.inArticle, 'the mention is in the essay');
  const cardId = await page.evaluate(() => document.activeElement.getAttribute('aria-describedby'));
  await page.locator(`[id="${cardId}"]`).waitFor({ state: 'visible' });
  const cardName = (await page.locator(`[id="${cardId}"] .card-name`).textContent()).trim();
  await page.keyboard.press('Escape');
  await page.locator(`[id="${cardId}"]`).waitFor({ state: 'hidden' });
  await expectFocus(page, 'Escape on a card', (f) => f.href === mention.href && f.text === mention.text);

  // Skip-link-free stops: Tab on through more mentions, each card follows the focus.
  const next = await tabTo(page, 'the next mention', (f) => f.cls.includes('mention-link') && f.text !== mention.text);
  const nextCard = await page.evaluate(() => document.activeElement.getAttribute('aria-describedby'));
  await page.locator(`[id="${nextCard}"]`).waitFor({ state: 'visible' });
  assert.equal(await page.locator(`[id="${cardId}"]`).isVisible(), false, 'the first card stays closed');

  // Follow the mention with Enter to its page.
  await pressAndLoad(page, 'Enter', (u) => u.pathname === next.href);
  const h1 = (await page.locator('h1').textContent()).trim();
  assert.ok(h1.length > 0, 'the entity page has a heading');
  await page.keyboard.press('Tab');
  await expectFocus(page, 'first Tab on the entity page', isSkipLink);
  await page.keyboard.press('Enter');
  await expectFocus(page, 'Enter on the entity page\'s skip link', isMain);
  const back = await tabTo(page, 'a "Read in context" link', (f) => f.cls.includes('context-link'));
  assert.match(back.href, new RegExp(`^${READING_PATH}#p-`), 'it links to a paragraph of the essay');

  // Back to the essay. The browser's own Back key (Alt+Left) belongs to its window, which
  // CDP keyboard events do not reach; page.goBack() is that same command.
  // (The skip link added a #main entry to the history: Back twice.)
  for (let i = 0; i < 3 && new URL(page.url()).pathname !== READING_PATH; i++) await page.goBack({ waitUntil: 'load' });
  assert.equal(new URL(page.url()).pathname, READING_PATH, 'back on the essay');
  await page.keyboard.press('Tab');
  const after = await focusRecord(page);
  assert.ok(after.tag !== 'body' && after.ring, `after going back, Tab focuses something visibly: ${describe(after)}`);

  // And "Read in context" from the entity page lands on the paragraph.
  await page.goForward({ waitUntil: 'load' });
  await tabTo(page, 'the "Read in context" link again', (f) => f.cls.includes('context-link') && f.href === back.href);
  await pressAndLoad(page, 'Enter', (u) => u.pathname === READING_PATH);
  const hash = new URL(page.url()).hash;
  assert.ok(await page.locator(`${hash}`).isVisible(), `the paragraph ${hash} is shown`);
  assert.ok(cardName, 'the first card had a name');
  assertNoErrors(errors, 'keyboard walk');
  await context.close();
});

test('phone: Space on a note\'s number opens the note under its line, Space again closes it', { timeout: 90_000 }, async () => {
  const { context, page, errors } = await newPage(browser, PHONE);
  await page.goto(server.url(READING_PATH));
  const toggle = await tabTo(page, 'a note\'s toggle', (f) => f.cls.includes('note-toggle-input'));
  assert.equal(toggle.checked, false, 'the note starts closed');
  const noteSel = `[id="note-${toggle.id.replace(/^toggle-/, '')}"]`;
  assert.equal(await page.locator(noteSel).isVisible(), false, 'its note is hidden');

  await page.keyboard.press('Space');
  await page.locator(noteSel).waitFor({ state: 'visible' });
  await expectFocus(page, 'Space on the toggle', (f) => f.id === toggle.id && f.checked);

  // Tab goes into the open note (its "More on …" link), and back out again.
  const inside = await tabTo(page, 'the link in the open note', (f) => f.cls.includes('note-entity'));
  assert.ok(await page.evaluate((sel) => document.querySelector(sel).contains(document.activeElement), noteSel), `Tab moved into the note: ${describe(inside)}`);
  await tabTo(page, 'the toggle again', (f) => f.id === toggle.id, { back: true });
  await page.keyboard.press('Space');
  await page.locator(noteSel).waitFor({ state: 'hidden' });
  await expectFocus(page, 'Space again', (f) => f.id === toggle.id && !f.checked);
  assertNoErrors(errors, READING_PATH);
  await context.close();
});

/**
 * A browser with caret browsing on (F7 in Chromium): the keyboard's way to select text in a
 * page. Focus moving to a link puts the caret there; Shift+arrows extend the selection.
 * F7 itself is a browser-window key that CDP does not deliver, so the setting is in the profile.
 */
async function caretBrowsing() {
  const dir = mkdtempSync(path.join(tmpdir(), 'gloss-caret-'));
  dirs.push(dir);
  mkdirSync(path.join(dir, 'Default'));
  writeFileSync(path.join(dir, 'Default', 'Preferences'), JSON.stringify({ settings: { a11y: { caretbrowsing: { enabled: true } } } }));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    ...DESKTOP,
  });
  context.setDefaultTimeout(15_000);
  const page = context.pages()[0] ?? await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console error: ${m.text()}`);
  });
  return { context, page, errors };
}

test('sign up, annotate, edit, reply, delete, log out and search, with the keyboard only', { timeout: 240_000 }, async () => {
  const { context, page, errors } = await caretBrowsing();
  await page.goto(server.url('/'));

  // Sign up.
  await tabTo(page, 'the "Sign up" link', (f) => f.tag === 'a' && f.text === 'Sign up');
  await pressAndLoad(page, 'Enter', (u) => u.pathname === '/signup');
  await tabTo(page, 'the username field', (f) => f.id === 'username');
  await page.keyboard.type(USER.username);
  await page.keyboard.press('Tab');
  await expectFocus(page, 'Tab from the username', (f) => f.id === 'password');
  await page.keyboard.type(USER.password);
  await page.keyboard.press('Tab');
  await expectFocus(page, 'Tab from the password', (f) => f.tag === 'button' && f.text === 'Sign up');
  await pressAndLoad(page, 'Enter', (u) => u.pathname === '/');
  assert.equal(await page.locator('meta[name="gloss-user"]').getAttribute('content'), USER.username, 'signed up and signed in');

  // To the essay.
  await tabTo(page, 'the essay link', (f) => f.tag === 'a' && f.href === READING_PATH);
  await pressAndLoad(page, 'Enter', (u) => u.pathname === READING_PATH);

  // Select a passage: Tab to the mention that starts it; with caret browsing the first arrow
  // key puts the caret in the focused link (Right then Left: at its start), then
  // Shift+ArrowRight extends the selection to the passage's end.
  const passage = 'Witkoff, a former real-estate developer';
  await tabTo(page, 'the mention that starts the passage', (f) => f.cls.includes('mention-link') && f.block === 'p-witkoff-a-former-real-estate-developer');
  await page.keyboard.press('Escape'); // close its card, which would cover the toolbar
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowLeft');
  for (let i = 0; i < passage.length; i++) await page.keyboard.press('Shift+ArrowRight');
  const selected = await page.evaluate(() => getSelection().toString().replace(/\s+/g, ' ').trim());
  assert.equal(selected, passage, 'Shift+ArrowRight selected the passage');
  const bar = page.getByRole('toolbar', { name: 'Selection' });
  await bar.waitFor({ state: 'visible' });

  // a: the editor, focus in the note field.
  await page.keyboard.press('a');
  const dialog = page.getByRole('dialog');
  await dialog.waitFor({ state: 'visible' });
  assert.equal((await dialog.locator('blockquote').textContent()).trim(), passage, 'the editor quotes the passage');
  await expectFocus(page, 'the editor opens', (f) => f.id === 'editor-body');
  const first = 'Typed without a mouse.';
  await page.keyboard.type(first);
  await page.keyboard.press('Tab');
  await expectFocus(page, 'Tab from the note', (f) => f.id === 'editor-tags');
  await page.keyboard.type('keyboard');
  await page.keyboard.press('Tab');
  await expectFocus(page, 'Tab from the tags: where to post', (f) => f.id === 'editor-audience');
  await page.keyboard.press('Tab');
  await expectFocus(page, 'Tab to Save', (f) => f.tag === 'button' && f.text === 'Save');
  await page.keyboard.press('Enter');
  await waitShownWithText(page, 'article.essay .sidenote', first);
  await dialog.waitFor({ state: 'hidden' });
  const note = await expectFocus(page, 'after Save', (f) => f.cls.includes('sidenote') && f.text.includes(first));
  const id = note.id.replace(/^note-/, '');

  // Edit: Tab to the note's Edit button.
  await tabTo(page, 'the note\'s Edit button', (f) => f.action === 'edit' && f.annotation === id);
  await page.keyboard.press('Enter');
  await dialog.waitFor({ state: 'visible' });
  await expectFocus(page, 'Edit opens the editor', (f) => f.id === 'editor-body');
  assert.equal(await page.locator('#editor-body').inputValue(), first, 'the editor holds the note');
  await page.keyboard.press('Control+A');
  const second = 'Edited without a mouse.';
  await page.keyboard.type(second);
  await tabTo(page, 'Save', (f) => f.tag === 'button' && f.text === 'Save');
  await page.keyboard.press('Enter');
  await waitShownWithText(page, 'article.essay .sidenote', second);
  await dialog.waitFor({ state: 'hidden' });
  await expectFocus(page, 'after saving the edit', (f) => f.id === note.id && f.text.includes(second));

  // Reply.
  await tabTo(page, 'the note\'s Reply button', (f) => f.action === 'reply' && f.annotation === id);
  await page.keyboard.press('Enter');
  await dialog.waitFor({ state: 'visible' });
  await expectFocus(page, 'Reply opens the editor', (f) => f.id === 'editor-body');
  const reply = 'Replied without a mouse.';
  await page.keyboard.type(reply);
  await page.keyboard.press('Tab');
  await expectFocus(page, 'Tab from a reply goes to Save (no tags for replies)', (f) => f.tag === 'button' && f.text === 'Save');
  await page.keyboard.press('Enter');
  await waitShownWithText(page, 'article.essay .sidenote .reply', reply);
  await dialog.waitFor({ state: 'hidden' });
  await expectFocus(page, 'after saving the reply', (f) => f.cls.includes('reply') && f.text.includes(reply));

  // Escape in the editor cancels and gives focus back.
  await tabTo(page, 'the note\'s Reply button again', (f) => f.action === 'reply' && f.annotation === id, { back: true });
  await page.keyboard.press('Enter');
  await dialog.waitFor({ state: 'visible' });
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  await expectFocus(page, 'Escape closes the editor', (f) => f.action === 'reply' && f.annotation === id);

  // Delete: "Delete", then "Confirm delete".
  const del = await tabTo(page, 'the note\'s Delete button', (f) => f.action === 'delete' && f.annotation === id);
  assert.equal(del.text, 'Delete');
  await page.keyboard.press('Enter');
  await expectFocus(page, 'the first Enter asks to confirm', (f) => f.action === 'delete' && f.annotation === id && f.text === 'Confirm delete');
  await page.keyboard.press('Enter');
  await page.locator(`[id="note-${id}"]`).waitFor({ state: 'detached' });
  await waitShownWithText(page, '.gloss-toast [role="status"]', 'Deleted');
  await expectFocus(page, 'after the note is deleted', (f) => f.inArticle && f.block === 'p-witkoff-a-former-real-estate-developer');

  // Log out: back up to the header.
  await tabTo(page, 'the "Log out" button', (f) => f.tag === 'button' && f.text === 'Log out', { back: true });
  await pressAndLoad(page, 'Enter', (u) => u.pathname === '/');
  assert.equal(await page.locator('meta[name="gloss-user"]').count(), 0, 'logged out');

  // Search.
  await tabTo(page, 'the "Search" link', (f) => f.tag === 'a' && f.text === 'Search');
  await pressAndLoad(page, 'Enter', (u) => u.pathname === '/search');
  await tabTo(page, 'the words field', (f) => f.id === 'q');
  await page.keyboard.type('Ushakov');
  await pressAndLoad(page, 'Enter', (u) => u.pathname === '/search' && u.searchParams.get('q') === 'Ushakov');
  assert.match(await page.getByRole('status').textContent(), /notes? found/i, 'results are announced');
  const hit = await tabTo(page, 'the first "Read in context" link', (f) => f.cls.includes('context-link'));
  await pressAndLoad(page, 'Enter', (u) => u.pathname === READING_PATH);
  assert.ok(new URL(page.url()).searchParams.get('annotation'), `the result ${hit.href} opened its note on the essay`);
  assertNoErrors(errors, 'keyboard walk');
  await context.close();
});

for (const [device, name] of [[DESKTOP, '1440px'], [PHONE, '390px']]) {
  test(`every Tab stop of the essay shows its focus, signed in with notes and replies (${name})`, { timeout: 120_000 }, async () => {
    const who = { username: `walker${name.replace('px', '')}`, password: 'a long password walked' };
    const post = (p, body, headers = {}) => fetch(server.url(p), { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
    assert.equal((await post('/api/users', who)).status, 201);
    const { token } = await (await post('/api/tokens', who)).json();
    const auth = { Authorization: `Bearer ${token}` };
    const created = await post('/annotations/', {
      motivation: 'commenting',
      body: [{ type: 'TextualBody', value: `A note with [a link](https://example.org/) (${name})`, format: 'text/markdown' }, { type: 'TextualBody', value: 'walk', purpose: 'tagging' }],
      target: { source: READING_PATH, selector: { type: 'TextQuoteSelector', exact: 'Let me back up and explain.' } },
    }, auth);
    assert.equal(created.status, 201);
    const id = (await created.json()).id.split('/').pop();
    assert.equal((await post('/annotations/', { motivation: 'replying', bodyValue: 'A reply.', target: `/annotations/${id}` }, auth)).status, 201);

    const { context, page, errors } = await newPage(browser, device);
    await page.goto(server.url('/login'));
    await tabTo(page, 'the username field', (f) => f.id === 'username');
    await page.keyboard.type(who.username);
    await page.keyboard.press('Tab');
    await page.keyboard.type(who.password);
    await pressAndLoad(page, 'Enter', (u) => u.pathname === '/');
    // On a phone, the note's permalink opens it, so its links and buttons join the walk.
    await page.goto(server.url(device === PHONE ? `${READING_PATH}?annotation=${id}` : READING_PATH));
    const stops = await tabThroughAll(page, `the essay (${name}, signed in)`);
    const kinds = (pred) => stops.filter(pred).length;
    assert.ok(kinds((f) => f.cls.includes('mention-link')) >= 10, 'the walk passes the mentions');
    assert.ok(kinds((f) => f.action === 'reply' && f.annotation === id) === 1, 'the walk passes the note\'s Reply');
    assert.ok(kinds((f) => f.action === 'edit' && f.annotation === id) === 1, 'the walk passes the note\'s Edit');
    assert.ok(kinds((f) => f.tag === 'button' && f.text === 'Log out') === 1, 'the walk passes Log out');
    if (device === PHONE) assert.ok(kinds((f) => f.cls.includes('note-toggle-input')) >= 10, 'the walk passes the notes\' numbers');
    assertNoErrors(errors, READING_PATH);
    await context.close();
  });
}
