// axe-core on every kind of page, in light and dark colour schemes: no "serious"
// or "critical" violations, and no console or page errors while loading.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  DESKTOP, PHONE, READING_PATH, assertNoErrors, describeViolations, launchBrowser, openPage,
  seriousA11yViolations, startServer,
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

const pages = [
  { name: 'front page', path: '/', device: DESKTOP },
  { name: 'reading page at 1440px', path: READING_PATH, device: DESKTOP },
  { name: 'reading page at 390px', path: READING_PATH, device: PHONE },
  { name: 'entity page', path: '/people/steve-witkoff', device: DESKTOP },
  { name: 'timeline', path: '/timeline', device: DESKTOP },
  { name: '404 page', path: '/no-such-page', device: DESKTOP, status: 404 },
];

for (const colorScheme of ['light', 'dark']) {
  for (const { name, path, device, status = 200 } of pages) {
    test(`${name} (${path}, ${colorScheme}): no serious axe violations, no console errors`, { timeout: 60_000 }, async () => {
      const { page, errors, context } = await openPage(browser, server.url(path), {
        contextOptions: { ...device, colorScheme },
        expectedStatus: status,
      });
      const violations = await seriousA11yViolations(page);
      assert.equal(
        violations.length,
        0,
        `axe found serious/critical violations on ${path} (${colorScheme}):\n${describeViolations(violations)}`,
      );
      assertNoErrors(errors, `${path} (${colorScheme})`);
      await context.close();
    });
  }
}
