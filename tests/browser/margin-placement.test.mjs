// Margin notes beside their passages, as a reader sees them on wide screens: how far each
// shown note's top stands from its passage's line at 1280, 1440 and 1920 px, on the essay as
// shipped and with 50 readers' notes on its first paragraph; no note over another or over the
// text; numbers running down the margin in order; compact notes opened by pointer, keyboard
// and their passages; a link to a note; a note just saved. A full-page screenshot of each
// width is saved under tests/browser/screenshots/ for review.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  READING_PATH, REPO_ROOT, assertNoErrors, describeViolations, essayTextBoxes, fmtBox, launchBrowser, marginSettled,
  newPage, openPage, overlaps, postCreated, seriousA11yViolations, startServer,
} from './support.mjs';

const WIDTHS = [1920, 1440, 1280];
const NEAR = 120;
const SHOTS = path.join(REPO_ROOT, 'tests', 'browser', 'screenshots');
const FIRST = 'p-pay-attention-to-the-dates-because';
const PHRASES = [
  'Pay attention to the dates', 'the timing matters', 'spoke with', 'a Russian official', 'Ukrainian President',
  'held a meeting with', 'in Washington, D.C.', 'had been hinting', 'long-range cruise missiles', 'to the Ukrainian army',
  'But he did not',
];
const READERS = Array.from({ length: 5 }, (_, i) => ({ username: `margin${i}`, password: 'a long password 123' }));

let shipped;
let crowded;
let browser;
before(async () => {
  [shipped, crowded, browser] = await Promise.all([startServer(), startServer(), launchBrowser()]);
  mkdirSync(SHOTS, { recursive: true });
  const post = (p, body, token) => postCreated(crowded, p, body, token);
  const tokens = [];
  for (const reader of READERS) {
    await post('/api/users', reader);
    tokens.push((await post('/api/tokens', reader)).token);
  }
  for (let i = 0; i < 50; i++) {
    await post('/annotations/', {
      motivation: 'commenting',
      body: [{ type: 'TextualBody', value: `Note ${i + 1} from a reader: a thought on this passage, long enough to wrap over a few lines in the margin.`, format: 'text/markdown' }],
      target: { source: READING_PATH, selector: { type: 'TextQuoteSelector', exact: PHRASES[i % PHRASES.length] } },
    }, tokens[i % tokens.length]);
  }
}, { timeout: 120_000 });
after(async () => {
  await browser?.close();
  await shipped?.stop();
  await crowded?.stop();
});

/** Waits until the script has placed the notes and the margin has stopped moving. */
async function settled(page) {
  await page.waitForSelector('article.essay.notes-placed', { state: 'attached' });
  await marginSettled(page);
}

/**
 * Every shown note in the essay: its number (from the order of the numbers in the text), its
 * box in page coordinates, and the top of its passage's first line.
 */
function marginNotes(page) {
  return page.evaluate(() => {
    const article = document.querySelector('article.essay');
    const refs = [...article.querySelectorAll('.note-ref')].map((r) => r.htmlFor.slice('toggle-'.length));
    const shown = (el) => el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true }) && el.getBoundingClientRect().height > 1;
    return [...article.querySelectorAll('.sidenote[id^="note-"]')].filter(shown).map((el) => {
      const id = el.id.slice(5);
      const r = el.getBoundingClientRect();
      const mark = article.querySelector(`.note-mark[data-annotation="${CSS.escape(id)}"]`);
      return {
        id,
        number: refs.indexOf(id) + 1,
        compact: el.classList.contains('is-compact') && !el.classList.contains('is-open'),
        left: r.left + scrollX, right: r.right + scrollX, top: r.top + scrollY, bottom: r.bottom + scrollY,
        passage: mark.getClientRects()[0].top + scrollY,
      };
    });
  });
}

/** The boxes of what else stands in the margin: "more notes" links and buttons. */
function marginOthers(page) {
  return page.evaluate(() => [...document.querySelectorAll('article.essay .more-notes, article.essay .margin-more')]
    .filter((el) => el.checkVisibility() && el.getBoundingClientRect().height > 1)
    .map((el) => {
      const r = el.getBoundingClientRect();
      return { id: el.className, left: r.left + scrollX, right: r.right + scrollX, top: r.top + scrollY, bottom: r.bottom + scrollY };
    }));
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Asserts what a reader should see in the margin; returns the distances, note top minus passage top. */
async function checkMargin(page, label, { near = true } = {}) {
  const notes = await marginNotes(page);
  const others = await marginOthers(page);
  assert.ok(notes.length > 0, `${label}: notes are shown`);
  const distances = notes.map((n) => n.top - n.passage);
  if (near) {
    for (const [i, n] of notes.entries()) {
      assert.ok(Math.abs(distances[i]) <= NEAR, `${label}: note ${n.number} (#note-${n.id}) stands ${Math.round(distances[i])} px from its passage's line`);
    }
  }
  const byNumber = [...notes].sort((a, b) => a.number - b.number);
  for (let i = 1; i < byNumber.length; i++) {
    assert.ok(byNumber[i].top > byNumber[i - 1].top, `${label}: note ${byNumber[i].number} ${fmtBox(byNumber[i])} stands above note ${byNumber[i - 1].number} ${fmtBox(byNumber[i - 1])}`);
  }
  const boxes = [...notes, ...others];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      assert.ok(!overlaps(boxes[i], boxes[j]), `${label}: #${boxes[i].id} ${fmtBox(boxes[i])} and #${boxes[j].id} ${fmtBox(boxes[j])} overlap`);
    }
  }
  const text = (await essayTextBoxes(page)).flatMap((b) => b.boxes.map((box) => ({ ...box, block: b.block })));
  for (const box of boxes) {
    const hit = text.find((t) => overlaps(box, t));
    assert.ok(!hit, `${label}: #${box.id} ${fmtBox(box)} covers text of ${hit?.block} ${hit && fmtBox(hit)}`);
  }
  const width = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
  assert.ok(width <= 0, `${label}: the page scrolls sideways by ${width} px`);
  return distances;
}

function report(t, label, distances) {
  const abs = distances.map(Math.abs);
  const line = `${label}: ${distances.length} notes shown, distance median ${Math.round(median(distances))} px, worst ${Math.round(Math.max(...abs))} px`;
  t.diagnostic(line);
  console.log(`# ${line}`);
}

async function atEachWidth(t, page, name, label) {
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    await settled(page);
    report(t, `${label} at ${width}px`, await checkMargin(page, `${label} at ${width}px`));
    const violations = await seriousA11yViolations(page);
    assert.deepEqual(violations, [], `${label} at ${width}px: axe found serious or critical violations:\n${describeViolations(violations)}`);
    await page.screenshot({ path: path.join(SHOTS, `${name}-${width}.png`), fullPage: true });
  }
}

/** Waits for the readers' notes: a page drawn before the last write catches up by live events. */
async function readersNotes(page, count = 0) {
  await page.locator(`#${FIRST} > .sidenote:not(.editorial)`).first().waitFor({ state: 'attached' });
  await page.waitForFunction(([id, n]) => document.querySelectorAll(`#${id} > .sidenote`).length >= n, [FIRST, count]);
}

test('the essay as shipped: every note beside its passage, in order, none over another or the text, at 1920, 1440 and 1280 px', { timeout: 120_000 }, async (t) => {
  const { context, page, errors } = await openPage(browser, shipped.url(READING_PATH), { contextOptions: { viewport: { width: WIDTHS[0], height: 900 } } });
  await atEachWidth(t, page, 'essay', 'the essay');
  const icon = await page.locator('link[rel="icon"]').getAttribute('href');
  for (const url of [icon, '/favicon.ico']) {
    const res = await fetch(shipped.url(url));
    assert.equal(res.status, 200, `GET ${url}`);
    assert.equal(res.headers.get('content-type'), 'image/svg+xml', `GET ${url} is the icon`);
  }
  assertNoErrors(errors, READING_PATH);
  await context.close();
});

test('50 readers\' notes on one paragraph: the shown notes stay beside their passages at every width', { timeout: 180_000 }, async (t) => {
  const { context, page, errors } = await openPage(browser, crowded.url(READING_PATH), { contextOptions: { viewport: { width: WIDTHS[0], height: 900 } } });
  await readersNotes(page);
  await atEachWidth(t, page, 'fifty-notes', '50 notes');
  assertNoErrors(errors, '50 notes');
  await context.close();
});

test('50 readers\' notes, the paragraph opened in full: those without room wait behind a button that shows them in order', { timeout: 180_000 }, async (t) => {
  const url = crowded.url(`${READING_PATH}?notes=${FIRST}#${FIRST}`);
  const { context, page, errors } = await openPage(browser, url, { contextOptions: { viewport: { width: WIDTHS[0], height: 900 } } });
  await readersNotes(page, 57);
  await atEachWidth(t, page, 'fifty-notes-opened', '50 notes, paragraph opened');
  const total = await page.locator(`#${FIRST} .sidenote[id^="note-"]`).count();
  assert.ok(total >= 57, `the opened paragraph carries all its notes: ${total}`);
  const more = page.locator(`#${FIRST} > .margin-more`);
  await more.waitFor({ state: 'visible' });
  assert.equal(await more.getAttribute('aria-expanded'), 'false');
  const waiting = Number((await more.textContent()).match(/\d+/)[0]);
  const shownHere = await page.locator(`#${FIRST} .sidenote[id^="note-"]:visible`).count();
  assert.equal(shownHere + waiting, total, `every note of the paragraph is shown (${shownHere}) or counted by its button (${waiting})`);
  await more.click();
  await settled(page);
  assert.equal(await more.getAttribute('aria-expanded'), 'true');
  const all = await marginNotes(page);
  assert.ok(all.length >= total, `after the button, all ${total} notes of the paragraph and the rest show: ${all.length}`);
  await checkMargin(page, 'all 50 notes shown', { near: false });
  // Put back from the keyboard, the pointer out of the margin: a compact note that comes to
  // rest under a pointer opens on hover, as it should, and then stands where it opened.
  await page.mouse.move(0, 0);
  await more.press('Enter');
  await settled(page);
  assert.equal(await more.getAttribute('aria-expanded'), 'false');
  await checkMargin(page, 'notes put back');
  assertNoErrors(errors, '50 notes, paragraph opened');
  await context.close();
});

/** The first compact note shown, and the id of a passage mark of its own outside any link. */
function firstCompact(page) {
  return page.evaluate(() => {
    for (const note of document.querySelectorAll('article.essay .sidenote.is-compact')) {
      const id = note.id.slice(5);
      const mark = document.querySelector(`.note-mark[data-annotation="${CSS.escape(id)}"]`);
      if (note.checkVisibility()) return { id, free: !mark.closest('a') };
    }
    return null;
  });
}

const isOpen = (page, id) => page.evaluate((i) => {
  const note = document.getElementById(`note-${i}`);
  return note.classList.contains('is-open') && note.querySelector(':scope > .note-body').checkVisibility();
}, id);

test('keyboard: Tab to a compact note, Enter opens it in place, Escape closes it; the passage lights with it', { timeout: 90_000 }, async () => {
  const { context, page, errors } = await newPage(browser, { viewport: { width: 1440, height: 900 } });
  await page.goto(shipped.url(READING_PATH));
  await settled(page);
  const first = await firstCompact(page);
  assert.ok(first, 'the first paragraph has compact notes');
  let focused = null;
  for (let i = 0; i < 80 && !focused; i++) {
    await page.keyboard.press('Tab');
    focused = await page.evaluate(() => {
      const el = document.activeElement;
      return el?.matches('.note-gist') ? el.parentElement.id.slice(5) : null;
    });
  }
  assert.ok(focused, 'Tab reaches a compact note');
  await page.keyboard.press('Enter');
  await page.waitForFunction((id) => document.getElementById(`note-${id}`).classList.contains('is-open'), focused);
  assert.ok(await isOpen(page, focused), 'Enter shows the whole note');
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-expanded')), 'true');
  const lit = await page.evaluate((id) => [...document.querySelectorAll(`.note-mark[data-annotation="${CSS.escape(id)}"]`)].every((m) => m.classList.contains('is-linked')), focused);
  assert.ok(lit, 'the focused note lights its passage');
  await settled(page);
  await checkMargin(page, 'a note open', { near: false });
  await page.keyboard.press('Escape');
  await page.waitForFunction((id) => !document.getElementById(`note-${id}`).classList.contains('is-open'), focused);
  assert.equal(await page.evaluate(() => document.activeElement.matches('.note-gist') && document.activeElement.getAttribute('aria-expanded')), 'false', 'Escape closes the note and keeps the focus on it');
  await settled(page);
  await checkMargin(page, 'the note closed again');
  assertNoErrors(errors, 'keyboard');
  await context.close();
});

test('a passage opens its note: click and Enter on a mark, hover lights both; a link to a note shows both', { timeout: 90_000 }, async () => {
  const { context, page, errors } = await newPage(browser, { viewport: { width: 1280, height: 900 } });
  await page.goto(shipped.url(READING_PATH));
  await settled(page);
  const target = await page.evaluate(() => {
    for (const mark of document.querySelectorAll('article.essay .note-mark[role="button"]')) {
      if (document.getElementById(`note-${mark.dataset.annotation}`)?.classList.contains('is-compact')) return mark.dataset.annotation;
    }
    return null;
  });
  assert.ok(target, 'a compact note has a passage outside any link');
  const mark = page.locator(`.note-mark[data-annotation="${target}"][role="button"]`);
  await mark.hover();
  await page.waitForFunction((id) => document.getElementById(`note-${id}`).classList.contains('is-linked'), target);
  await mark.click();
  await page.waitForFunction((id) => document.getElementById(`note-${id}`).classList.contains('is-open'), target);
  await page.keyboard.press('Escape');
  await page.waitForFunction((id) => !document.getElementById(`note-${id}`).classList.contains('is-open'), target);
  await mark.focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction((id) => document.getElementById(`note-${id}`).classList.contains('is-open'), target);
  await page.keyboard.press('Escape');

  // A link to a note from elsewhere: the note, open, and its passage both in the viewport.
  const far = await newPage(browser, { viewport: { width: 1280, height: 900 } });
  await far.page.goto(shipped.url(`${READING_PATH}#note-${target}`));
  await settled(far.page);
  await far.page.waitForFunction((id) => document.getElementById(`note-${id}`).classList.contains('is-open'), target);
  const inView = await far.page.evaluate((id) => [document.getElementById(`note-${id}`), document.querySelector(`.note-mark[data-annotation="${id}"]`)]
    .map((el) => el.getBoundingClientRect()).every((r) => r.top >= 0 && r.top < innerHeight), target);
  assert.ok(inView, 'the note and its passage are both in view');
  assertNoErrors(far.errors, 'a link to a note');
  await far.context.close();
  assertNoErrors(errors, 'marks');
  await context.close();
});

test('a note just saved in a crowded paragraph is revealed beside its words', { timeout: 120_000 }, async () => {
  const { context, page, errors } = await newPage(browser, { viewport: { width: 1440, height: 900 } });
  await page.goto(crowded.url('/login'));
  await page.getByLabel('Username').fill(READERS[0].username);
  await page.getByLabel('Password').fill(READERS[0].password);
  await Promise.all([page.waitForURL((u) => u.pathname !== '/login'), page.getByRole('button', { name: 'Log in' }).click()]);
  await page.goto(crowded.url(READING_PATH));
  await settled(page);
  await page.evaluate((id) => {
    const p = document.getElementById(id);
    const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
    let text = walker.nextNode();
    while (text && (text.parentElement.closest('[data-aside]') || !text.data.includes('Washington'))) text = walker.nextNode();
    const range = document.createRange();
    range.setStart(text, text.data.indexOf('Washington'));
    range.setEnd(text, text.data.indexOf('Washington') + 'Washington'.length);
    p.scrollIntoView({ block: 'center' });
    getSelection().removeAllRanges();
    getSelection().addRange(range);
  }, FIRST);
  await page.getByRole('toolbar', { name: 'Selection' }).waitFor({ state: 'visible' });
  await page.keyboard.press('a');
  await page.getByLabel('Note (Markdown)').fill('A note saved just now.');
  await page.keyboard.press('Control+Enter');
  await page.waitForFunction(() => document.activeElement?.closest?.('.sidenote')?.textContent.includes('A note saved just now.'));
  await settled(page);
  const seen = await page.evaluate(() => {
    const note = document.activeElement.closest('.sidenote');
    const mark = document.querySelector(`.note-mark[data-annotation="${CSS.escape(note.id.slice(5))}"]`);
    const n = note.getBoundingClientRect();
    const m = mark.getClientRects()[0];
    return { distance: n.top - m.top, noteTop: n.top, markTop: m.top, height: innerHeight };
  });
  assert.ok(Math.abs(seen.distance) <= NEAR, `the saved note stands ${Math.round(seen.distance)} px from its passage`);
  assert.ok(seen.noteTop >= 0 && seen.noteTop < seen.height && seen.markTop >= 0 && seen.markTop < seen.height, `the note and its passage are in view: ${JSON.stringify(seen)}`);
  await checkMargin(page, 'after saving a note', { near: false });
  assertNoErrors(errors, 'saving a note');
  await context.close();
});
