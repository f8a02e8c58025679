// Groups, as a class uses them: a teacher makes a group and copies its invite link; a student
// opens it signed out, signs up, joins, and posts a note to the group from the editor; the
// teacher sees it on the essay and can show their groups' notes alone; a signed-out reader
// never sees it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  DESKTOP, READING_PATH, assertNoErrors, launchBrowser, newPage, startServer, waitShownWithText,
} from './support.mjs';

const PASSWORD = 'a long password 123';
const PASSAGE = 'Ukrainian children';
const NOTE = 'For Thursday: who counts the children?';

let server;
let browser;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
}, { timeout: 90_000 });
after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Fills in the sign-up (or log-in) form on the current page and waits to leave it. */
async function signUp(page, username) {
  const from = new URL(page.url()).pathname;
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await Promise.all([
    page.waitForURL((url) => url.pathname !== from),
    page.getByRole('button', { name: 'Sign up' }).click(),
  ]);
}

/** Selects `needle` in the essay's text, as a drag would. */
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

test('a teacher makes a group, a student joins by its link and posts to it, only the class sees it', { timeout: 120_000 }, async () => {
  const teacher = await newPage(browser, DESKTOP);
  await teacher.page.goto(server.url('/signup'));
  await signUp(teacher.page, 'teacher');
  await teacher.page.getByRole('link', { name: 'Groups' }).click();
  await teacher.page.getByLabel('Name').fill('History 101');
  await teacher.page.getByLabel('Description (optional)').fill('Thursday’s reading');
  await Promise.all([
    teacher.page.waitForURL((url) => /^\/groups\/[A-Za-z0-9]+$/.test(url.pathname)),
    teacher.page.getByRole('button', { name: 'Make the group' }).click(),
  ]);
  assert.equal(await teacher.page.getByRole('heading', { level: 1 }).textContent(), 'History 101');
  const invite = await teacher.page.getByLabel(/Share this link/).inputValue();
  assert.match(invite, /\/groups\/[A-Za-z0-9]+\/join\/[A-Za-z0-9]+$/);

  const student = await newPage(browser, DESKTOP);
  await student.page.goto(invite);
  assert.equal(await student.page.getByRole('heading', { level: 1 }).textContent(), 'Join History 101');
  await student.page.getByRole('main').getByRole('link', { name: 'sign up' }).click();
  await signUp(student.page, 'student');
  assert.equal(student.page.url(), invite, 'signing up returns to the invite');
  await Promise.all([
    student.page.waitForURL((url) => url.pathname === new URL(invite).pathname.replace(/\/join\/.*$/, '')),
    student.page.getByRole('button', { name: 'Join' }).click(),
  ]);
  await waitShownWithText(student.page, '.group-members', 'student');

  await student.page.goto(server.url(READING_PATH));
  await select(student.page, PASSAGE);
  const toolbar = student.page.getByRole('toolbar', { name: 'Selection' });
  await toolbar.waitFor({ state: 'visible' });
  await toolbar.getByRole('button', { name: 'Annotate', exact: true }).click();
  const dialog = student.page.getByRole('dialog');
  await dialog.waitFor({ state: 'visible' });
  const where = dialog.getByLabel('Post to');
  assert.deepEqual(
    (await where.locator('option').allTextContents()).map((s) => s.trim()),
    ['Public', 'Only me', 'History 101 (group)'],
    'the editor offers the reader\u2019s groups',
  );
  await where.selectOption({ label: 'History 101 (group)' });
  await dialog.getByLabel('Note (Markdown)').fill(NOTE);
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await waitShownWithText(student.page, '.sidenote[data-kind="group"]', NOTE);

  await teacher.page.goto(server.url(READING_PATH));
  await waitShownWithText(teacher.page, '.sidenote[data-kind="group"]', NOTE);
  const layers = teacher.page.getByRole('group', { name: 'Notes shown' });
  await layers.getByLabel('My groups’').check();
  await teacher.page.waitForFunction(() => document.querySelector('main').dataset.show === 'groups');
  await waitShownWithText(teacher.page, '.sidenote[data-kind="group"]', NOTE);
  const editorial = await teacher.page.evaluate(() => [...document.querySelectorAll('.sidenote[data-kind="editorial"]')]
    .filter((n) => n.getClientRects().length).length);
  assert.equal(editorial, 0, 'the groups\u2019 layer hides the editors\u2019 notes');

  const outsider = await newPage(browser, DESKTOP);
  await outsider.page.goto(server.url(READING_PATH));
  await outsider.page.locator('article.essay').waitFor();
  assert.equal(await outsider.page.getByText(NOTE).count(), 0, 'a signed-out reader never sees it');
  const direct = await outsider.page.goto(server.url(new URL(invite).pathname.replace(/\/join\/.*$/, '')));
  assert.equal(direct.status(), 404, 'nor the group\u2019s page');

  assertNoErrors(teacher.errors, 'teacher');
  assertNoErrors(student.errors, 'student');
  assertNoErrors(outsider.errors.filter((e) => !/status of 404/.test(e)), 'outsider');
  for (const who of [teacher, student, outsider]) await who.context.close();
});
