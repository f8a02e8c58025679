// Moderation in the browser: a reader flags another reader's note from its Flag button, an
// editor opens /moderation and hides it, and the note leaves the reader's open page at once,
// and stays gone on reload.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  DESKTOP, GLOSS_BIN, READING_PATH, REPO_ROOT, assertNoErrors, launchBrowser, newPage, postCreated, startServer,
  waitShownWithText,
} from './support.mjs';

const PASSWORD = 'a long password 123';
const AUTHOR = { username: 'author', password: PASSWORD };
const READER = { username: 'flagger', password: PASSWORD };
const EDITOR = 'chief';
const NOTE = 'A remark the moderators will weigh.';
const REASON = 'It insults another reader.';

let work;
let server;
let browser;
let noteId;

before(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'gloss-moderation-'));
  const databaseUrl = `sqlite://${path.join(work, 'gloss.db')}?mode=rwc`;
  server = await startServer({ databaseUrl });
  browser = await launchBrowser();
  // Operators make editors, on the command line.
  const added = spawnSync(GLOSS_BIN, ['user', 'add', '--editor', EDITOR, '--database-url', databaseUrl], {
    cwd: REPO_ROOT,
    input: PASSWORD,
    encoding: 'utf8',
  });
  assert.equal(added.status, 0, `gloss user add: ${added.stderr}`);
  await postCreated(server, '/api/users', AUTHOR);
  await postCreated(server, '/api/users', READER);
  const { token } = await postCreated(server, '/api/tokens', AUTHOR);
  const note = await postCreated(server, '/annotations/', {
    motivation: 'commenting',
    body: [{ type: 'TextualBody', value: NOTE, format: 'text/markdown' }],
    target: { source: READING_PATH, selector: { type: 'TextQuoteSelector', exact: 'Let me back up and explain.' } },
  }, token);
  noteId = note.id.split('/').pop();
}, { timeout: 90_000 });
after(async () => {
  await browser?.close();
  await server?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

async function logIn(username) {
  const { context, page, errors } = await newPage(browser, DESKTOP);
  await page.goto(server.url('/login'));
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await Promise.all([
    page.waitForURL((url) => url.pathname !== '/login'),
    page.getByRole('button', { name: 'Log in' }).click(),
  ]);
  return { context, page, errors };
}

test('a reader flags a note, an editor hides it, and it leaves the reader\u2019s page', { timeout: 120_000 }, async () => {
  const reader = await logIn(READER.username);
  await reader.page.goto(server.url(READING_PATH));
  const note = reader.page.locator(`[id="note-${noteId}"]`);
  await note.waitFor({ state: 'visible' });
  assert.equal(await note.locator('.note-flag').isVisible(), false, 'with scripts, a button stands in for the link');
  await note.locator(':scope > .note-actions').getByRole('button', { name: 'Flag' }).click();
  await note.getByLabel('Why should the moderators look at it?').fill(REASON);
  await note.getByRole('button', { name: 'Send flag' }).click();
  await waitShownWithText(reader.page, '.gloss-toast [role="status"]', 'Flagged for the moderators');
  assert.equal(await note.locator('.flag-form').count(), 0, 'the form closes');

  const editor = await logIn(EDITOR);
  await editor.page.goto(server.url('/moderation'));
  const item = editor.page.locator(`[id="flagged-${noteId}"]`);
  await item.waitFor({ state: 'visible' });
  assert.match(await item.getByRole('heading').textContent(), /1 flag on a note by author/);
  assert.ok((await item.textContent()).includes(REASON), 'the reason is shown');
  await Promise.all([
    editor.page.waitForURL((url) => url.pathname === '/moderation' && url.hash === `#flagged-${noteId}`),
    item.getByRole('button', { name: 'Hide' }).click(),
  ]);
  await item.getByRole('button', { name: 'Show again' }).waitFor({ state: 'visible' });
  assert.match(await item.textContent(), new RegExp(`Hidden by ${EDITOR}`));

  // Live: the reader's open page loses the note without a reload.
  await note.waitFor({ state: 'detached' });
  await reader.page.reload();
  await reader.page.locator('article.essay').waitFor();
  assert.equal(await reader.page.locator(`[id="note-${noteId}"]`).count(), 0, 'gone after a reload too');
  assert.equal((await reader.page.locator('article.essay').textContent()).includes(NOTE), false);

  const author = await logIn(AUTHOR.username);
  await author.page.goto(server.url(READING_PATH));
  const own = author.page.locator(`[id="note-${noteId}"]`);
  await own.waitFor({ state: 'visible' });
  assert.match(await own.textContent(), /Hidden by the moderators/, 'its author still sees it, marked');
  assert.equal(await own.getByRole('button', { name: 'Flag' }).count(), 0, 'no Flag on one\u2019s own note');

  for (const { errors } of [reader, editor, author]) assertNoErrors(errors, 'moderation');
  for (const { context } of [reader, editor, author]) await context.close();
});
