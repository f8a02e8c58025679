// axe-core on every page and every state of a page the reader can reach, in light and dark:
// signed out and signed in (with a note, a reply, a private note, a highlight and an orphan on
// the essay), the toolbar and the editor, every entity page, the timeline, search, the account
// forms with and without an error, the account page and a reader's page, the error pages, the
// landings of share links and permalinks, the form to flag a note and the editors' moderation
// queue. No violation of impact serious or critical, and no console errors.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  DESKTOP, GLOSS_BIN, PHONE, READING_PATH, REPO_ROOT, assertNoErrors, describeViolations, launchBrowser, newPage,
  postCreated, seriousA11yViolations, startServer, waitShownWithText,
} from './support.mjs';

const ESSAY_FILE = 'witkoff-takes-russias-side.md';
const READER = { username: 'reader', password: 'a long password 123' };
const OTHER = { username: 'replier', password: 'a long password 456' };
const EDITOR = { username: 'moderator', password: 'a long password 789' };
const GONE = 'Instead, he became emotional and angry.'; // removed from the essay before the tests
const KEPT = 'Let me back up and explain.';

let work;
let server;
let browser;
let readerState; // cookies of READER, logged in once
let editorState; // cookies of EDITOR, logged in once
let noteId;
let othersNoteId; // OTHER's public note, which READER flags
let shareGone;
let shareKept;
let group; // READER's group: { id, url, invite }
const entityPaths = new Set();

const api = (p, body, token) => postCreated(server, p, body, token);

const target = (exact) => ({ source: READING_PATH, selector: { type: 'TextQuoteSelector', exact } });
const comment = (text, tags = []) => [
  { type: 'TextualBody', value: text, format: 'text/markdown' },
  ...tags.map((value) => ({ type: 'TextualBody', value, purpose: 'tagging' })),
];

before(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'gloss-a11y-'));
  cpSync(path.join(REPO_ROOT, 'articles'), path.join(work, 'articles'), { recursive: true });
  const options = { articles: path.join(work, 'articles'), databaseUrl: `sqlite://${path.join(work, 'gloss.db')}?mode=rwc` };
  browser = await launchBrowser();

  // First run: the notes, and share links, on the essay as it is.
  server = await startServer(options);
  await api('/api/users', READER);
  await api('/api/users', OTHER);
  const { token } = await api('/api/tokens', READER);
  const { token: otherToken } = await api('/api/tokens', OTHER);
  const note = await api('/annotations/', { motivation: 'commenting', body: comment('A *public* note with [a link](https://example.org/).', ['diplomacy', 'Witkoff']), target: target(KEPT) }, token);
  noteId = note.id.split('/').pop();
  await api('/annotations/', { motivation: 'replying', body: comment('A reply from someone else.'), target: `/annotations/${noteId}` }, otherToken);
  await api('/annotations/', { motivation: 'replying', body: comment('And the author answers.'), target: `/annotations/${noteId}` }, token);
  await api('/annotations/', { motivation: 'commenting', body: comment('Only I can see this.', ['private']), target: target('Whatever the reason'), visibility: 'private' }, token);
  await api('/annotations/', { motivation: 'highlighting', target: target('Witkoff has no previous diplomatic experience'), visibility: 'private' }, token);
  const othersNote = await api('/annotations/', { motivation: 'commenting', body: comment('Someone else’s public note.'), target: target('The Ukrainians have already said') }, otherToken);
  othersNoteId = othersNote.id.split('/').pop();
  await api(`/annotations/${othersNoteId}/flags`, { reason: 'Off topic.' }, token);
  const added = spawnSync(GLOSS_BIN, ['user', 'add', '--editor', EDITOR.username, '--database-url', options.databaseUrl], {
    cwd: REPO_ROOT,
    input: EDITOR.password,
    encoding: 'utf8',
  });
  assert.equal(added.status, 0, `gloss user add --editor: ${added.stderr}`);
  await api('/annotations/', { motivation: 'commenting', body: comment('This note will lose its passage.', ['orphan']), target: target(GONE) }, token);
  group = await api('/api/groups', { name: 'Reading circle', description: 'Notes for the circle.' }, token);
  await api('/annotations/', { motivation: 'commenting', body: comment('A note for the circle.'), target: target('Ukrainian children'), audience: group.url }, token);
  shareGone = (await api('/api/shares', { target: target(GONE) })).url;
  shareKept = (await api('/api/shares', { target: target('Ukrainian children') })).url;
  await server.stop();

  // The editor removes a sentence: its note becomes an orphan, its share link lands on a notice.
  const file = path.join(work, 'articles', ESSAY_FILE);
  const text = readFileSync(file, 'utf8');
  assert.ok(text.includes(` ${GONE}`), 'the essay has the sentence to remove');
  writeFileSync(file, text.replace(` ${GONE}`, ''));
  server = await startServer(options);

  // Every entity page the essay and the timeline link to.
  for (const p of [READING_PATH, '/timeline']) {
    const html = await (await fetch(server.url(p))).text();
    for (const [, href] of html.matchAll(/href="(\/(?:people|events|organisations|places)\/[^"#?]+)"/g)) entityPaths.add(href);
  }

  const logIn = async ({ username, password }) => {
    const { context, page } = await newPage(browser, DESKTOP);
    await page.goto(server.url('/login'));
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password);
    await Promise.all([page.waitForURL((u) => u.pathname !== '/login'), page.getByRole('button', { name: 'Log in' }).click()]);
    const state = await context.storageState();
    await context.close();
    return state;
  };
  readerState = await logIn(READER);
  editorState = await logIn(EDITOR);
}, { timeout: 120_000 });
after(async () => {
  await browser?.close();
  await server?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

/**
 * Open `path` (signed in or out, on a device, in a colour scheme), bring it to a state with
 * `prepare`, and assert axe finds no serious or critical violation there.
 */
async function check({ path: p, colorScheme, signedIn = false, device = DESKTOP, status = 200, prepare, label, answers = [] }) {
  // bypassCSP lets axe-core be injected as an inline script; it changes nothing else.
  const { context, page, errors } = await newPage(browser, {
    ...device,
    colorScheme,
    bypassCSP: true,
    ...(signedIn ? { storageState: signedIn === EDITOR ? editorState : readerState } : {}),
  });
  try {
    const response = await page.goto(server.url(p), { waitUntil: 'load' });
    assert.equal(response.status(), status, `GET ${p} answered ${response.status()}`);
    if (prepare) await prepare(page);
    const violations = await seriousA11yViolations(page);
    assert.deepEqual(violations, [], `${label ?? p} (${colorScheme}${signedIn ? ', signed in' : ''}):\n${describeViolations(violations)}`);
    // The browser logs every 4xx it is answered as a console error: those the test asked for are expected.
    const expected = [status, ...answers].filter((s) => s !== 200).map((s) => new RegExp(`status of ${s} `));
    assertNoErrors(errors.filter((e) => !expected.some((re) => re.test(e))), p);
  } finally {
    await context.close();
  }
}

/** Select `needle` in the essay's text (the browser's own selection, as a drag makes). */
function select(page, needle) {
  return page.evaluate((n) => {
    const article = document.querySelector('article.essay');
    const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
    for (let t = walker.nextNode(); t; t = walker.nextNode()) {
      const at = t.data.indexOf(n);
      if (at < 0 || t.parentElement.closest('[data-aside]')) continue;
      const range = document.createRange();
      range.setStart(t, at);
      range.setEnd(t, at + n.length);
      t.parentElement.scrollIntoView({ block: 'center' });
      getSelection().removeAllRanges();
      getSelection().addRange(range);
      return;
    }
    throw new Error(`not in a single text node of the essay: ${n}`);
  }, needle);
}

const toolbar = (page) => page.getByRole('toolbar', { name: 'Selection' });

const signedOut = () => [
  { path: '/', label: 'the essays' },
  { path: READING_PATH, label: 'the essay (1440px)' },
  { path: READING_PATH, device: PHONE, label: 'the essay (390px)' },
  {
    path: READING_PATH,
    device: PHONE,
    label: 'the essay (390px) with every note opened',
    prepare: async (page) => {
      await page.evaluate(() => { for (const box of document.querySelectorAll('.note-toggle-input')) box.checked = true; });
    },
  },
  {
    path: READING_PATH,
    label: 'the essay with a card shown',
    prepare: async (page) => {
      await page.locator('article.essay .mention-link').first().hover();
      await page.locator('.mention.card-open .card').waitFor({ state: 'visible' });
    },
  },
  { path: `${READING_PATH}?annotation=${noteId}`, label: 'an annotation permalink landing' },
  { path: `/annotations/${noteId}`, label: 'an annotation permalink (redirected)' },
  {
    path: shareKept,
    label: 'a share link landing on its passage',
    prepare: async (page) => page.locator('mark[data-share]').first().waitFor(),
  },
  {
    path: shareGone,
    label: 'a share link whose passage is gone (notice)',
    prepare: async (page) => {
      assert.match(await page.locator('.notice').textContent(), /no longer in the essay/);
    },
  },
  { path: `${READING_PATH}?share=nosuchcode`, label: 'an unknown share code (notice)' },
  ...[...entityPaths].map((p) => ({ path: p })),
  { path: '/timeline' },
  { path: '/search', label: 'search, nothing asked' },
  { path: '/search?q=note', label: 'search with results' },
  { path: '/search?tag=diplomacy&user=reader', label: 'search by tag and author' },
  { path: '/search?q=zzzzzz', label: 'search with no result' },
  { path: '/login' },
  { path: '/signup' },
  {
    path: '/signup',
    label: 'sign-up with an error shown',
    answers: [409],
    prepare: async (page) => {
      await page.getByLabel('Username').fill(READER.username); // taken
      await page.getByLabel('Password').fill('another long password');
      await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Sign up' }).click()]);
      await page.getByRole('alert').waitFor();
    },
  },
  {
    path: '/login',
    label: 'log-in with an error shown',
    answers: [401],
    prepare: async (page) => {
      await page.getByLabel('Username').fill('nobody');
      await page.getByLabel('Password').fill('not the password');
      await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Log in' }).click()]);
      await page.getByRole('alert').waitFor();
    },
  },
  { path: '/users/reader', label: 'a reader\u2019s public notes' },
  { path: '/users/nobody', status: 404, label: 'an unknown reader' },
  { path: group.invite, label: 'a group\u2019s invite link, signed out' },
  { path: `/groups/${group.id}/join/wrong`, status: 404, label: 'a wrong invite link' },
  { path: group.url, status: 404, label: 'a group\u2019s page, signed out' },
  { path: '/account/signed-out', label: 'signed out everywhere' },
  { path: '/account/deleted', label: 'an account deleted' },
  { path: '/no-such-page', status: 404, label: 'the 404 page' },
  { path: '/articles/no-such-essay', status: 404, label: 'an unknown essay' },
  { path: '/people/no-such-person', status: 404, label: 'an unknown person' },
  { path: '/annotations/no-such-annotation', status: 404, label: 'an unknown annotation' },
];

const signedIn = () => [
  { path: '/', label: 'the essays, signed in' },
  {
    path: READING_PATH,
    label: 'the essay with a note, replies, a private note, a highlight and an orphan',
    prepare: async (page) => {
      assert.ok(await page.locator('.sidenote .reply').count() >= 2, 'replies are on the page');
      assert.ok(await page.locator('.sidenote.highlight-note').count() >= 1, 'a highlight is on the page');
      assert.ok(await page.locator('.sidenote .note-private').count() >= 1, 'a private note is on the page');
      assert.ok(await page.locator('section.orphans .orphan-note').count() >= 1, 'an orphan is on the page');
    },
  },
  {
    path: READING_PATH,
    device: PHONE,
    label: 'the essay (390px), signed in, every note opened',
    prepare: async (page) => {
      await page.evaluate(() => { for (const box of document.querySelectorAll('.note-toggle-input')) box.checked = true; });
    },
  },
  {
    path: READING_PATH,
    label: 'the toolbar shown',
    prepare: async (page) => {
      await select(page, 'Ukrainian children');
      await toolbar(page).waitFor({ state: 'visible' });
    },
  },
  {
    path: READING_PATH,
    label: 'the editor open on a new note',
    prepare: async (page) => {
      await select(page, 'Ukrainian children');
      await toolbar(page).waitFor({ state: 'visible' });
      await page.keyboard.press('a');
      await page.getByRole('dialog').waitFor({ state: 'visible' });
    },
  },
  {
    path: READING_PATH,
    label: 'the editor open on an edit, with a problem shown',
    answers: [412],
    prepare: async (page) => {
      const note = page.locator(`[id="note-${noteId}"]`);
      await note.locator(':scope > .note-actions').getByRole('button', { name: 'Edit' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.waitFor({ state: 'visible' });
      // Another writer changed it meanwhile: Save answers 412 and the editor says so.
      await page.evaluate(async (id) => {
        const csrf = document.querySelector('meta[name="gloss-csrf"]').content;
        const res = await fetch(`/annotations/${id}`, { headers: { Accept: 'application/ld+json' } });
        const anno = await res.json();
        anno.body = [{ type: 'TextualBody', value: 'Changed meanwhile.', format: 'text/markdown' }];
        await fetch(`/annotations/${id}`, { method: 'PUT', headers: { 'Content-Type': 'application/ld+json', 'X-CSRF-Token': csrf }, body: JSON.stringify(anno) });
      }, noteId);
      await dialog.getByRole('button', { name: 'Save' }).click();
      await dialog.getByRole('alert').filter({ hasText: 'changed this note' }).waitFor();
    },
  },
  {
    path: READING_PATH,
    label: 'the reply editor open',
    prepare: async (page) => {
      await page.locator(`[id="note-${noteId}"] > .note-actions`).getByRole('button', { name: 'Reply' }).click();
      await page.getByRole('dialog').waitFor({ state: 'visible' });
    },
  },
  {
    path: READING_PATH,
    label: 'a Delete button asking to confirm',
    prepare: async (page) => {
      const del = page.locator(`[id="note-${noteId}"] > .note-actions`).getByRole('button', { name: 'Delete' });
      await del.focus();
      await page.keyboard.press('Enter');
      await page.locator('.note-action.is-confirming').waitFor();
    },
  },
  {
    path: READING_PATH,
    label: 'a message shown after a highlight',
    prepare: async (page) => {
      await select(page, 'Pay attention to the dates');
      await toolbar(page).waitFor({ state: 'visible' });
      await page.keyboard.press('h');
      await waitShownWithText(page, '.gloss-toast [role="status"]', 'Highlighted');
    },
  },
  { path: '/account', label: 'the account page, with a reply and a token' },
  {
    path: '/account',
    label: 'the account page with a wrong password shown',
    answers: [403],
    prepare: async (page) => {
      const form = page.getByRole('region', { name: 'Change password' });
      await form.getByLabel('Current password').fill('not the password');
      await form.getByLabel('New password').fill('another long password');
      await Promise.all([page.waitForLoadState('load'), form.getByRole('button', { name: 'Change password' }).click()]);
      await page.getByRole('alert').waitFor();
    },
  },
  { path: '/users/reader', label: 'a reader\u2019s own public page' },
  { path: '/groups', label: 'the reader\u2019s groups' },
  { path: group.url, label: 'a group\u2019s page, for its creator' },
  { path: `${group.url}/delete`, label: 'deleting a group, to confirm' },
  { path: group.invite, label: 'a group\u2019s invite link, for a member' },
  { path: `${READING_PATH}?show=groups`, label: 'the essay showing the reader\u2019s groups\u2019 notes' },
  { path: '/search?q=note', label: 'search with results, signed in (private notes too)' },
  { path: '/timeline', label: 'the timeline, signed in' },
  { path: [...entityPaths][0] ?? '/people/steve-witkoff', label: 'an entity page, signed in' },
  { path: '/no-such-page', status: 404, label: 'the 404 page, signed in' },
  { path: `/annotations/${othersNoteId}/flag`, label: 'the form to flag a note' },
  {
    path: READING_PATH,
    label: 'the form to flag a note, open in the page',
    prepare: async (page) => {
      const note = page.locator(`[id="note-${othersNoteId}"]`);
      await note.locator(':scope > .note-actions').getByRole('button', { name: 'Flag' }).click();
      await note.locator('.flag-form').waitFor({ state: 'visible' });
    },
  },
  { path: '/moderation', label: 'the moderation queue of a group\u2019s creator (the reader made the circle)' },
];

const asEditor = () => [
  {
    path: '/moderation',
    label: 'the moderation queue, with a flagged note',
    prepare: async (page) => page.locator(`[id="flagged-${othersNoteId}"]`).waitFor(),
  },
];

// The lists need the server's data (ids, share links, entity pages), so each test makes its
// subtests when it runs, after before() has set the server up.
for (const colorScheme of ['light', 'dark']) {
  test(`every page, signed out (${colorScheme})`, { timeout: 600_000 }, async (t) => {
    for (const page of signedOut()) {
      await t.test(page.label ?? page.path, { timeout: 60_000 }, () => check({ ...page, colorScheme }));
    }
  });
  test(`every page, signed in (${colorScheme})`, { timeout: 600_000 }, async (t) => {
    for (const page of signedIn()) {
      await t.test(page.label ?? page.path, { timeout: 60_000 }, () => check({ ...page, colorScheme, signedIn: true }));
    }
  });
  test(`the editors' pages (${colorScheme})`, { timeout: 120_000 }, async (t) => {
    for (const page of asEditor()) {
      await t.test(page.label ?? page.path, { timeout: 60_000 }, () => check({ ...page, colorScheme, signedIn: EDITOR }));
    }
  });
}
