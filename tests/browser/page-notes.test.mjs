// Notes on the whole essay: a reader writes one from the section after the essay, sees it
// appear without a reload, replies to it; a signed-out reader sees both in the section and
// is offered to log in; axe finds nothing serious on the page with the section.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  DESKTOP, READING_PATH, assertNoErrors, describeViolations, launchBrowser, newPage, openPage,
  seriousA11yViolations, startServer, waitShownWithText,
} from './support.mjs';

const USER = { username: 'wholereader', password: 'a long password 123' };
const NOTE = 'The essay turns on who wrote the peace plan.';
const REPLY = 'And on who was told first.';

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

test('a reader writes a note on the whole essay, sees it at once and replies to it', { timeout: 90_000 }, async () => {
  const { context, page, errors } = await newPage(browser, DESKTOP);
  await page.goto(server.url('/login'));
  await page.getByLabel('Username').fill(USER.username);
  await page.getByLabel('Password').fill(USER.password);
  await Promise.all([
    page.waitForURL((url) => url.pathname !== '/login'),
    page.getByRole('button', { name: 'Log in' }).click(),
  ]);
  await page.goto(server.url(READING_PATH));
  const reloads = [];
  page.on('framenavigated', (frame) => { if (frame === page.mainFrame()) reloads.push(frame.url()); });

  const section = page.getByRole('region', { name: 'Notes on this essay' });
  const add = section.getByRole('button', { name: 'Note on the whole essay' });
  await add.click();
  assert.equal(await section.locator('details').isVisible(), false, 'with scripts, the editor stands in for the plain form');
  const dialog = page.getByRole('dialog', { name: 'Note on the whole essay' });
  await dialog.waitFor({ state: 'visible' });
  assert.equal(await dialog.locator('blockquote').isVisible(), false, 'no passage to quote');
  await dialog.getByLabel('Note (Markdown)').fill(NOTE);
  await dialog.getByLabel('Tags (comma-separated)').fill('overview');
  assert.ok(await dialog.getByLabel('Post to').isVisible(), 'who may see it is offered');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await waitShownWithText(page, '#page-notes .page-note', NOTE);
  const saved = await page.evaluate((text) => {
    const note = [...document.querySelectorAll('#page-notes .page-note')].find((n) => n.textContent.includes(text));
    return { id: note.id, tag: note.querySelector('.tag')?.textContent, focused: document.activeElement === note };
  }, NOTE);
  assert.equal(saved.tag, 'overview');
  assert.ok(saved.focused, 'focus is on the new note');

  const note = page.locator(`#${saved.id}`);
  await note.getByRole('button', { name: 'Reply' }).click();
  const reply = page.getByRole('dialog', { name: 'Reply' });
  await reply.getByLabel('Note (Markdown)').fill(REPLY);
  await reply.getByRole('button', { name: 'Save' }).click();
  await reply.waitFor({ state: 'hidden' });
  await waitShownWithText(page, `#${saved.id} .replies .reply`, REPLY);
  assert.ok(await section.getByRole('button', { name: 'Note on the whole essay' }).isVisible(), 'the section swapped in keeps its button');
  assert.deepEqual(reloads, [], 'no reload');
  assertNoErrors(errors, READING_PATH);
  await context.close();
});

test('a signed-out reader sees the note and its reply in the section, and a link to log in', { timeout: 60_000 }, async () => {
  const { page, errors, context } = await openPage(browser, server.url(READING_PATH), { contextOptions: DESKTOP });
  const section = page.getByRole('region', { name: 'Notes on this essay' });
  await waitShownWithText(page, '#page-notes .page-note', NOTE);
  await waitShownWithText(page, '#page-notes .reply', REPLY);
  const login = section.getByRole('link', { name: 'Log in to add a note' });
  assert.equal(await login.getAttribute('href'), `/login?next=${encodeURIComponent(READING_PATH)}%23page-notes`);
  assert.equal(await section.getByRole('button').count(), 0, 'nothing to press but the link');
  const placed = await page.evaluate(() => {
    const essay = document.querySelector('article.essay');
    const notes = document.getElementById('page-notes');
    return essay.compareDocumentPosition(notes) & Node.DOCUMENT_POSITION_FOLLOWING;
  });
  assert.ok(placed, 'the section comes after the essay');
  const violations = await seriousA11yViolations(page);
  assert.equal(violations.length, 0, `axe on the page with its notes on the whole essay:\n${describeViolations(violations)}`);

  await page.goto(server.url(`${READING_PATH}?show=none`));
  assert.equal(await page.locator('#page-notes .page-note').first().isVisible(), false, 'the layer with no notes hides them');
  assert.ok(await section.isVisible(), 'and keeps the section');
  assertNoErrors(errors, READING_PATH);
  await context.close();
});
