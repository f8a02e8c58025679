// Reading page on a wide screen: the editorial notes sit in the right margin.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  DESKTOP, READING_PATH, assertNoErrors, essayTextBoxes, fmtBox, launchBrowser, openPage, overlaps,
  shownSidenotes, startServer,
} from './support.mjs';

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

test('at 1440×900 the sidenotes sit beside the text column, without overlapping', { timeout: 60_000 }, async () => {
  const { page, errors } = await openPage(browser, server.url(READING_PATH), { contextOptions: DESKTOP });

  const marks = await page.locator('article.essay mark[data-annotation]').count();
  assert.ok(marks > 0, 'the annotated passages are marked: expected mark[data-annotation] in the essay');

  const notes = await shownSidenotes(page);
  assert.ok(notes.length >= 6, `expected at least 6 visible sidenotes, saw ${notes.length}: ${notes.map((n) => n.id).join(', ')}`);

  const blocks = await essayTextBoxes(page);
  const paragraphBoxes = blocks.filter((b) => b.block.startsWith('p#')).flatMap((b) => b.boxes);
  assert.ok(paragraphBoxes.length > 0, 'the essay has paragraphs with text');
  const textRight = Math.max(...paragraphBoxes.map((b) => b.right));
  const viewportWidth = await page.evaluate(() => window.innerWidth);

  for (const note of notes) {
    assert.ok(
      note.left >= textRight - 4,
      `sidenote #${note.id} ${fmtBox(note)} should be in the right margin: its left edge ${Math.round(note.left)} is left of the paragraphs' text right edge ${Math.round(textRight)}`,
    );
    assert.ok(
      note.right <= viewportWidth + 1,
      `sidenote #${note.id} ${fmtBox(note)} runs past the right edge of the ${viewportWidth}px viewport`,
    );
  }

  for (let i = 0; i < notes.length; i++) {
    for (let j = i + 1; j < notes.length; j++) {
      assert.ok(
        !overlaps(notes[i], notes[j]),
        `sidenotes #${notes[i].id} ${fmtBox(notes[i])} and #${notes[j].id} ${fmtBox(notes[j])} overlap`,
      );
    }
  }

  const scroll = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
  assert.ok(scroll.scrollWidth <= scroll.innerWidth, `no sideways scroll at 1440px: scrollWidth ${scroll.scrollWidth} > ${scroll.innerWidth}`);
  assertNoErrors(errors, READING_PATH);
});
