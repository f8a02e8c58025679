// A reader's account in a real browser: she changes her password on /account (her other
// browser is signed out), signs out everywhere, logs in again and deletes her account; the
// reading page then holds nothing of hers, while another reader's reply to her note stays
// under "This note was deleted".
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DESKTOP, READING_PATH, assertNoErrors, launchBrowser, newPage, postCreated, startServer } from './support.mjs';

const HER = { username: 'hanna', password: 'a long password 123' };
const NEW_PASSWORD = 'a brand new password 456';
const OTHER = { username: 'otto', password: 'a long password 789' };
const HER_NOTE = 'Hanna wrote this about the dates.';
const HER_SECRET = 'Hanna keeps this to herself.';
const HER_REPLY = 'Hanna answers Otto.';
const OTTO_REPLY = 'Otto replies to Hanna.';

let server;
let browser;

const target = (exact) => ({ source: READING_PATH, selector: { type: 'TextQuoteSelector', exact } });
const body = (value) => [{ type: 'TextualBody', value, format: 'text/markdown' }];

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  const api = (p, json, token) => postCreated(server, p, json, token);
  await api('/api/users', HER);
  await api('/api/users', OTHER);
  const { token: hers } = await api('/api/tokens', HER);
  const { token: ottos } = await api('/api/tokens', OTHER);
  const note = await api('/annotations/', { motivation: 'commenting', body: body(HER_NOTE), target: target('Pay attention to the dates') }, hers);
  await api('/annotations/', { motivation: 'commenting', body: body(HER_SECRET), target: target('Ukrainian children'), visibility: 'private' }, hers);
  await api('/annotations/', { motivation: 'replying', body: body(OTTO_REPLY), target: note.id }, ottos);
  await api('/annotations/', { motivation: 'replying', body: body(HER_REPLY), target: note.id }, hers);
}, { timeout: 60_000 });

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function logIn(page, password) {
  await page.goto(server.url('/login?next=/account'));
  await page.getByLabel('Username').fill(HER.username);
  await page.getByLabel('Password').fill(password);
  await Promise.all([
    page.waitForURL((u) => u.pathname === '/account'),
    page.getByRole('button', { name: 'Log in' }).click(),
  ]);
}

/** The signed-out reading page once `holds(html)`: it may serve the version at hand once more. */
async function readingPageWhere(page, holds) {
  for (;;) {
    await page.goto(server.url(READING_PATH));
    const html = await page.content();
    if (holds(html)) return html;
  }
}

/** Where opening /account lands once a session has been ended. Each serving thread trusts a
 * credential it checked for up to a second, so an ended session stops working within that:
 * the page is opened again until it sends the browser to log in, for at most five seconds. */
async function accountPageAfterSignOut(page) {
  const deadline = Date.now() + 5000;
  let landed;
  do {
    await page.goto(server.url('/account'));
    landed = new URL(page.url()).pathname;
  } while (landed !== '/login' && Date.now() < deadline);
  return landed;
}

test('a reader changes her password, signs out everywhere and deletes her account', { timeout: 120_000 }, async () => {
  const mine = await newPage(browser, DESKTOP);
  const elsewhere = await newPage(browser, DESKTOP);
  const { page } = mine;
  await logIn(page, HER.password);
  await logIn(elsewhere.page, HER.password);

  // The reply Otto wrote is listed, new; her own reply is not.
  const replies = page.getByRole('region', { name: /Replies to your notes/ });
  await replies.getByText(OTTO_REPLY).waitFor();
  assert.equal(await replies.getByText(HER_REPLY).count(), 0);
  assert.equal(await replies.locator('.unread-mark').count(), 1);

  const password = page.getByRole('region', { name: 'Change password' });
  await password.getByLabel('Current password').fill(HER.password);
  await password.getByLabel('New password').fill(NEW_PASSWORD);
  await Promise.all([
    page.waitForURL((u) => u.search === '?done=password'),
    password.getByRole('button', { name: 'Change password' }).click(),
  ]);
  await page.getByRole('status').filter({ hasText: 'Your password is changed.' }).waitFor();

  assert.equal(await accountPageAfterSignOut(elsewhere.page), '/login', 'her other browser is signed out');

  await Promise.all([
    page.waitForURL((u) => u.pathname === '/account/signed-out'),
    page.getByRole('button', { name: 'Sign out everywhere' }).click(),
  ]);
  await page.getByRole('heading', { name: 'Signed out everywhere' }).waitFor();
  await page.getByRole('navigation', { name: 'Site' }).getByRole('link', { name: 'Log in' }).waitFor();
  assert.equal(await accountPageAfterSignOut(page), '/login', 'this browser is signed out too');

  await logIn(page, NEW_PASSWORD);
  const remove = page.getByRole('region', { name: 'Delete account' });
  await remove.getByLabel('Password').fill(NEW_PASSWORD);
  await remove.getByLabel(/cannot be brought back/).check();
  await Promise.all([
    page.waitForURL((u) => u.pathname === '/account/deleted'),
    remove.getByRole('button', { name: 'Delete my account' }).click(),
  ]);
  await page.getByRole('heading', { name: 'Account deleted' }).waitFor();

  const html = await readingPageWhere(page, (h) => !h.includes(HER_NOTE));
  for (const hers of [HER.username, HER_NOTE, HER_SECRET, HER_REPLY]) {
    assert.ok(!html.includes(hers), `nothing of hers is left: ${hers}`);
  }
  const placeholder = page.locator('.sidenote').filter({ hasText: 'This note was deleted' });
  await placeholder.getByText(OTTO_REPLY).waitFor({ state: 'attached' });
  assert.equal(await page.getByRole('navigation', { name: 'Site' }).getByRole('link', { name: 'Log in' }).count(), 1);

  assertNoErrors(mine.errors);
  assertNoErrors(elsewhere.errors);
  await mine.context.close();
  await elsewhere.context.close();
});
