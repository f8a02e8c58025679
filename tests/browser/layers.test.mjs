// Layers, as a reader meets them: a control above the essay chooses everyone's notes, the
// editors', only mine or none; the page shows just those, marks and all, remembers the choice
// across visits, and says in the margin how many notes a paragraph hides, which opens them.
// Each layer is tried with JavaScript (the control changes the page in place, notes still
// beside their passages) and without it (`?show=` and the form's Show button), with axe-core
// on each; a screenshot of each layer is saved under tests/browser/screenshots/ for review.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  READING_PATH, REPO_ROOT, assertNoErrors, describeViolations, fmtBox, launchBrowser, marginSettled, newPage, openPage,
  overlaps, postCreated, seriousA11yViolations, startServer,
} from './support.mjs';

const SHOTS = path.join(REPO_ROOT, 'tests', 'browser', 'screenshots');
const FIRST = 'p-pay-attention-to-the-dates-because';
const NEAR = 120;
const OWNER = { username: 'layered', password: 'a long password 123' };
const OTHERS = ['layers1', 'layers2', 'layers3'].map((username) => ({ username, password: 'a long password 123' }));
const PHRASES = ['the timing matters', 'a Russian official', 'long-range cruise missiles', 'Let me back up and explain'];
// What each layer lets a signed-out reader see, by data-kind.
const SIGNED_OUT = { all: ['editorial', 'reader'], editors: ['editorial'], mine: [], none: [] };

let server;
let browser;
before(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  mkdirSync(SHOTS, { recursive: true });
  const post = (p, body, token) => postCreated(server, p, body, token);
  const note = (exact, text) => ({
    motivation: 'commenting',
    body: [{ type: 'TextualBody', value: text, format: 'text/markdown' }],
    target: { source: READING_PATH, selector: { type: 'TextQuoteSelector', exact } },
  });
  for (const [i, reader] of [...OTHERS, OWNER].entries()) {
    await post('/api/users', reader);
    const { token } = await post('/api/tokens', reader);
    const phrases = reader === OWNER ? PHRASES.slice(0, 1) : PHRASES;
    for (const phrase of phrases) await post('/annotations/', note(phrase, `${reader.username} on “${phrase}”: a note ${i}.`), token);
  }
  // Signed-out readers are sent the version at hand while the next is made: wait for it.
  for (let tries = 0; ; tries++) {
    const page = await (await fetch(server.url(READING_PATH))).text();
    const notes = page.match(/class="sidenote" id="note-[^"]+" role="note" data-kind="reader"/g) ?? [];
    // The newest three of the readers' notes on each of the two paragraphs they are on.
    if (notes.length >= 6) break;
    assert.ok(tries < 100, `the readers' notes reach the signed-out page: ${notes.length}`);
    await new Promise((resolve) => setTimeout(resolve, 50)); // polling the server, not waiting on an effect
  }
}, { timeout: 90_000 });
after(async () => {
  await browser?.close();
  await server?.stop();
});

/** What the reader sees of the notes: the kinds of notes, numbers and coloured marks shown, and what the margin says is hidden. */
function seen(page) {
  return page.evaluate(() => {
    const visible = (el) => el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true }) && el.getBoundingClientRect().height > 1;
    const painted = (m) => {
      const s = getComputedStyle(m);
      return s.backgroundColor !== 'rgba(0, 0, 0, 0)' || s.backgroundImage !== 'none' || s.textDecorationLine !== 'none';
    };
    const kinds = (els) => [...new Set(els.map((el) => el.dataset.kind))].sort();
    const article = document.querySelector('article.essay');
    return {
      layer: document.querySelector('main').dataset.show,
      notes: kinds([...article.querySelectorAll('.sidenote[id^="note-"]')].filter(visible)),
      numbers: kinds([...article.querySelectorAll('.note-ref')].filter(visible)),
      marks: kinds([...article.querySelectorAll('mark.note-mark')].filter(painted)),
      hidden: [...article.querySelectorAll('.layer-more')].filter(visible).map((a) => a.textContent.trim()),
    };
  });
}

function assertSees(what, wanted, label) {
  assert.deepEqual(what.notes, wanted, `${label}: the notes shown are of kinds ${JSON.stringify(what.notes)}`);
  assert.deepEqual(what.marks, wanted, `${label}: the marks coloured are of kinds ${JSON.stringify(what.marks)}`);
  if (wanted.length < 2) {
    assert.ok(what.hidden.length > 0, `${label}: the margin says how many notes are hidden`);
    for (const said of what.hidden) assert.match(said, /^\d+ notes? hidden on this paragraph$/, `${label}: ${said}`);
  } else {
    assert.deepEqual(what.hidden, [], `${label}: nothing is hidden`);
  }
}

async function assertAccessible(page, label) {
  const violations = await seriousA11yViolations(page);
  assert.deepEqual(violations, [], `${label}: axe found serious or critical violations:\n${describeViolations(violations)}`);
}

/** axe-core on the page as drawn without the site's scripts (axe itself needs JavaScript). */
async function assertAccessibleWithoutScripts(url, label) {
  const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await page.route(/\/static\/[a-z]+\.[0-9a-f]+\.js$/, (route) => route.abort());
  await page.goto(url);
  await assertAccessible(page, label);
  await context.close();
}

/** Every note and count shown in the margin, with the top of what it is about: its passage, or its paragraph. */
function margin(page) {
  return page.evaluate(() => {
    const visible = (el) => el.checkVisibility({ checkVisibilityCSS: true }) && el.getBoundingClientRect().height > 1;
    const article = document.querySelector('article.essay');
    return [...article.querySelectorAll('.sidenote[id^="note-"], .layer-more, .more-notes, .margin-more')].filter(visible).map((el) => {
      const r = el.getBoundingClientRect();
      const id = el.matches('.sidenote') ? el.id.slice(5) : null;
      const about = id ? article.querySelector(`.note-mark[data-annotation="${CSS.escape(id)}"]`) : el.parentElement;
      return {
        id: id ? `note-${id}` : el.className,
        counted: !id,
        left: r.left + scrollX, right: r.right + scrollX, top: r.top + scrollY, bottom: r.bottom + scrollY,
        about: about.getClientRects()[0].top + scrollY,
      };
    });
  });
}

async function assertBeside(page, label) {
  await marginSettled(page);
  const items = await margin(page);
  for (const it of items.filter((i) => !i.counted)) {
    const distance = it.top - it.about;
    assert.ok(Math.abs(distance) <= NEAR, `${label}: #${it.id} stands ${Math.round(distance)} px from its passage`);
  }
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      assert.ok(!overlaps(items[i], items[j]), `${label}: ${items[i].id} ${fmtBox(items[i])} and ${items[j].id} ${fmtBox(items[j])} overlap`);
    }
  }
}

const layerUrl = (layer) => server.url(`${READING_PATH}?show=${layer}`);

test('without JavaScript: ?show= chooses the layer, a cookie remembers it, the form changes it and a count opens a paragraph', { timeout: 120_000 }, async () => {
  const options = { contextOptions: { javaScriptEnabled: false, viewport: { width: 1440, height: 900 } } };
  const { context, page, errors } = await openPage(browser, server.url(READING_PATH), options);
  assertSees(await seen(page), SIGNED_OUT.all, 'no choice');
  for (const layer of ['editors', 'mine', 'none', 'all']) {
    await page.goto(layerUrl(layer));
    const what = await seen(page);
    assert.equal(what.layer, layer);
    assertSees(what, SIGNED_OUT[layer], `?show=${layer}`);
    await assertAccessibleWithoutScripts(layerUrl(layer), `?show=${layer} without JavaScript`);
    await page.screenshot({ path: path.join(SHOTS, `layer-${layer}-no-js.png`), fullPage: true });
    await page.goto(server.url(READING_PATH));
    assert.equal((await seen(page)).layer, layer, `${layer}: remembered on the next visit`);
  }
  await page.goto(layerUrl('mine'));
  assert.ok(await page.locator('.layers-mine').isVisible(), 'a signed-out reader choosing Mine is told to log in');

  await page.getByLabel('None', { exact: true }).check();
  await Promise.all([page.waitForURL(/show=none/), page.getByRole('button', { name: 'Show', exact: true }).click()]);
  assertSees(await seen(page), [], 'the form, None');

  const count = page.locator(`#${FIRST} > .layer-more`).filter({ visible: true });
  const said = Number((await count.textContent()).match(/\d+/)[0]);
  await Promise.all([page.waitForURL(/notes=/), count.click()]);
  const opened = await page.locator(`#${FIRST} > .sidenote[id^="note-"]`).filter({ visible: true }).count();
  assert.ok(opened >= said, `the paragraph opened shows its ${said} hidden notes: ${opened} shown`);
  assert.deepEqual((await seen(page)).layer, 'none', 'the rest of the essay stays clean');
  assertNoErrors(errors, 'layers without JavaScript');
  await context.close();
});

test('with JavaScript: the control changes the layer in place, notes stay beside their passages, the choice is remembered', { timeout: 180_000 }, async () => {
  const { context, page, errors } = await openPage(browser, server.url(READING_PATH), { contextOptions: { viewport: { width: 1440, height: 900 } } });
  assert.ok(!(await page.getByRole('button', { name: 'Show', exact: true }).isVisible()), 'no Show button is needed');
  for (const [layer, label] of [['editors', 'Editors’'], ['mine', 'Mine'], ['none', 'None'], ['all', 'Everyone’s']]) {
    const before = page.url();
    await page.getByLabel(label, { exact: true }).check();
    await page.waitForFunction((l) => document.querySelector('main').dataset.show === l, layer);
    assert.equal(page.url(), before, `${layer}: the page stays`);
    assertSees(await seen(page), SIGNED_OUT[layer], `${label} chosen`);
    for (const width of [1280, 1440, 1920]) {
      await page.setViewportSize({ width, height: 900 });
      await assertBeside(page, `${label} at ${width}px`);
    }
    await page.setViewportSize({ width: 1440, height: 900 });
    await assertAccessible(page, `${label} with JavaScript`);
    await page.screenshot({ path: path.join(SHOTS, `layer-${layer}.png`), fullPage: true });
    const hiddenMarks = await page.locator('mark.note-mark[role="button"]').evaluateAll((marks) => marks
      .filter((m) => getComputedStyle(m).backgroundImage === 'none' && getComputedStyle(m).backgroundColor === 'rgba(0, 0, 0, 0)' && getComputedStyle(m).textDecorationLine === 'none').length);
    assert.equal(hiddenMarks, 0, `${label}: no hidden mark can be tabbed to`);
  }
  await page.getByLabel('Editors’', { exact: true }).check();
  await page.reload();
  assert.equal((await seen(page)).layer, 'editors', 'the choice holds after a reload');

  const count = page.locator(`#${FIRST} > .layer-more`).filter({ visible: true });
  await count.click();
  await page.waitForFunction((id) => document.getElementById(id).hasAttribute('data-reveal'), FIRST);
  assert.equal(await count.getAttribute('aria-expanded'), 'true');
  assert.equal((await count.textContent()).trim(), 'Hide these notes');
  const readers = page.locator(`#${FIRST} > .sidenote[data-kind="reader"]`).filter({ visible: true });
  assert.ok(await readers.count() > 0, 'opening the paragraph shows its readers\' notes');
  await assertBeside(page, 'a paragraph opened under the editors\' layer');
  await count.click();
  await page.waitForFunction((id) => !document.getElementById(id).hasAttribute('data-reveal'), FIRST);
  assert.equal(await readers.count(), 0, 'and shutting it hides them again');
  assertSees(await seen(page), SIGNED_OUT.editors, 'shut again');
  assertNoErrors(errors, 'layers with JavaScript');
  await context.close();
});

test('readers\' highlights are quiet, an underline, until hovered', { timeout: 60_000 }, async () => {
  const { context, page, errors } = await openPage(browser, layerUrl('all'), { contextOptions: { viewport: { width: 1440, height: 900 } } });
  const mark = page.locator('mark.note-mark[data-kind="reader"]').first();
  const look = () => mark.evaluate((m) => {
    const s = getComputedStyle(m);
    return { background: s.backgroundColor, line: s.textDecorationLine };
  });
  const quiet = await look();
  assert.equal(quiet.background, 'rgba(0, 0, 0, 0)', 'no block of colour');
  assert.equal(quiet.line, 'underline', 'a line under the words');
  await mark.hover();
  await page.waitForFunction(() => [...document.querySelectorAll('mark.note-mark[data-kind="reader"]')]
    .some((m) => m.matches(':hover') && getComputedStyle(m).backgroundColor !== 'rgba(0, 0, 0, 0)'));
  const editorial = await page.locator('mark.note-mark[data-kind="editorial"]').first()
    .evaluate((m) => getComputedStyle(m).backgroundColor);
  assert.notEqual(editorial, 'rgba(0, 0, 0, 0)', 'the editors\' marks keep their colour');
  assertNoErrors(errors, 'quiet highlights');
  await context.close();
});

test('signed in, Mine shows only the reader\'s own notes and counts the rest; on a phone too', { timeout: 90_000 }, async () => {
  const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
  for (const [name, options] of [['desktop', { viewport: { width: 1440, height: 900 } }], ['phone', phone]]) {
    // The policy is bypassed for axe-core's script alone.
    const reader = await newPage(browser, { ...options, bypassCSP: true });
    const { page, errors } = reader;
    await page.goto(server.url('/login'));
    await page.getByLabel('Username').fill(OWNER.username);
    await page.getByLabel('Password').fill(OWNER.password);
    await Promise.all([page.waitForURL((url) => url.pathname !== '/login'), page.getByRole('button', { name: 'Log in' }).click()]);
    await page.goto(layerUrl('mine'));
    const what = await seen(page);
    assert.deepEqual(what.numbers, ['own'], `${name}: only the reader's own notes are numbered`);
    assert.deepEqual(what.marks, ['own'], `${name}: only the reader's own passages are marked`);
    if (name === 'desktop') assert.deepEqual(what.notes, ['own']);
    else {
      await page.locator('label.note-ref[data-kind="own"]').first().click();
      assert.deepEqual((await seen(page)).notes, ['own'], 'the own note opens under its line');
    }
    assert.ok(what.hidden.length > 0, `${name}: the others' notes are counted`);
    assert.ok(!(await page.locator('.layers-mine').isVisible()), 'a signed-in reader is not asked to log in');
    await assertAccessible(page, `Mine, signed in, ${name}`);
    await page.screenshot({ path: path.join(SHOTS, `layer-mine-signed-in-${name}.png`), fullPage: true });
    assertNoErrors(errors, `Mine signed in on ${name}`);
    await reader.context.close();
  }
});

test('a link to a note shows it whatever the layer', { timeout: 60_000 }, async () => {
  const { context, page, errors } = await openPage(browser, layerUrl('none'), { contextOptions: { viewport: { width: 1440, height: 900 } } });
  const id = await page.locator(`#${FIRST} > .sidenote[data-kind="reader"]`).first().evaluate((n) => n.id);
  await page.goto(server.url(`${READING_PATH}#${id}`));
  await page.waitForFunction((i) => {
    const note = document.getElementById(i);
    const r = note.getBoundingClientRect();
    return note.checkVisibility() && r.top >= 0 && r.bottom <= innerHeight;
  }, id);
  assert.equal((await seen(page)).layer, 'none', 'the layer stays as chosen');
  assertNoErrors(errors, 'a link to a hidden note');
  await context.close();
});
