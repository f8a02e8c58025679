// Links that land on an exact passage: with JavaScript on and off, and after the essay is
// edited; and annotations made elsewhere appearing live.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  DESKTOP, READING_PATH, REPO_ROOT, assertNoErrors, launchBrowser, openPage, startServer,
  waitShownWithText,
} from './support.mjs';

const ESSAY_FILE = 'witkoff-takes-russias-side.md';
const PASSAGE = 'Instead, he became emotional and angry.';

let browser;
let work;
before(async () => {
  browser = await launchBrowser();
  work = mkdtempSync(path.join(tmpdir(), 'gloss-share-'));
  cpSync(path.join(REPO_ROOT, 'articles'), path.join(work, 'articles'), { recursive: true });
}, { timeout: 60_000 });
after(async () => {
  await browser?.close();
  rmSync(work, { recursive: true, force: true });
});

const serve = () => startServer({
  articles: path.join(work, 'articles'),
  databaseUrl: `sqlite://${path.join(work, 'gloss.db')}?mode=rwc`,
});

function editEssay(from, to) {
  const file = path.join(work, 'articles', ESSAY_FILE);
  const text = readFileSync(file, 'utf8');
  assert.ok(text.includes(from), `the essay contains ${JSON.stringify(from)}`);
  writeFileSync(file, text.replace(from, to));
}

async function makeShare(server, exact) {
  const res = await fetch(server.url('/api/shares'), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ target: { source: READING_PATH, selector: { type: 'TextQuoteSelector', exact } } }),
  });
  assert.equal(res.status, 201);
  return (await res.json()).url;
}

/** Opens a share link and returns the page once the shared mark is there. */
async function land(server, link, javaScriptEnabled) {
  const { page, errors } = await openPage(browser, server.url(link), {
    contextOptions: { ...DESKTOP, javaScriptEnabled },
  });
  return { page, errors };
}

async function sharedInView(page) {
  return page.evaluate(() => {
    const marks = [...document.querySelectorAll('mark[data-share]')];
    if (!marks.length) return { text: '', inView: false };
    const r = marks[0].getBoundingClientRect();
    return { text: marks.map((m) => m.textContent).join(''), inView: r.top >= 0 && r.bottom <= innerHeight };
  });
}

test('a share link lands on its passage, marked and in view, with JavaScript on and off, even after edits', { timeout: 120_000 }, async () => {
  let server = await serve();
  const link = await makeShare(server, PASSAGE);
  for (const js of [true, false]) {
    const { page, errors } = await land(server, link, js);
    assert.deepEqual(await sharedInView(page), { text: PASSAGE, inView: true }, `JavaScript ${js ? 'on' : 'off'}`);
    assertNoErrors(errors, link);
    await page.context().close();
  }
  await server.stop();

  editEssay('Pay attention to the dates', 'A paragraph the editor added.\n\nPay attention to the dates');
  editEssay('he did not offer Tomahawk missiles to Ukraine.', 'he offered Ukraine no Tomahawk missiles at all.');
  server = await serve();
  for (const js of [true, false]) {
    const { page } = await land(server, link, js);
    assert.deepEqual(await sharedInView(page), { text: PASSAGE, inView: true }, `after edits, JavaScript ${js ? 'on' : 'off'}`);
    await page.context().close();
  }
  await server.stop();

  editEssay(` ${PASSAGE}`, '');
  server = await serve();
  const { page } = await land(server, link, false);
  assert.equal((await sharedInView(page)).text, '', 'no mark on the wrong words');
  const notice = await page.locator('.notice').textContent();
  assert.match(notice, /no longer in the essay/);
  await page.context().close();
  await server.stop();
});

test('a note made in one window appears live in another', { timeout: 90_000 }, async () => {
  const server = await startServer();
  const reader = await openPage(browser, server.url(READING_PATH), { contextOptions: DESKTOP });
  const credentials = { username: 'livewriter', password: 'a long password 123' };
  const post = (url, body, headers = {}) => fetch(server.url(url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  assert.equal((await post('/api/users', credentials)).status, 201);
  const { token } = await (await post('/api/tokens', credentials)).json();
  const note = 'Seen live from another window.';
  const created = await post('/annotations/', {
    motivation: 'commenting',
    bodyValue: note,
    target: { source: READING_PATH, selector: { type: 'TextQuoteSelector', exact: 'Let me back up and explain.' } },
  }, { Authorization: `Bearer ${token}` });
  assert.equal(created.status, 201);
  await waitShownWithText(reader.page, '.sidenote', note);
  const id = (await created.json()).id.split('/').pop();
  assert.equal(await reader.page.locator(`mark[data-annotation="${id}"]`).count(), 1);

  const deleted = await fetch(server.url(`/annotations/${id}`), { method: 'DELETE', headers: { Authorization: `Bearer ${token}` } });
  assert.equal(deleted.status, 204);
  await reader.page.locator(`#note-${id}`).waitFor({ state: 'detached' });
  assertNoErrors(reader.errors, READING_PATH);
  await reader.page.context().close();
  await server.stop();
});
