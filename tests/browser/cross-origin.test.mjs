// A page on another origin using the annotation API from Chromium: allowed by --cors-origins,
// it reads the container and posts a note with a Bearer token, reading the headers the
// protocol gives; without the flag the browser refuses it the same reading.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, test } from 'node:test';
import { READING_PATH, assertNoErrors, launchBrowser, newPage, postCreated, startServer } from './support.mjs';

const PASSWORD = 'a long password 123';

let browser;
let client;
let clientOrigin;
before(async () => {
  browser = await launchBrowser();
  // The other site: one empty page, on a port of its own, so a different origin.
  client = http.createServer((request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    response.end('<!doctype html><html lang="en"><title>Another site</title><h1>Another site</h1></html>');
  });
  await new Promise((resolve) => client.listen(0, '127.0.0.1', resolve));
  clientOrigin = `http://127.0.0.1:${client.address().port}`;
}, { timeout: 60_000 });
after(async () => {
  await browser?.close();
  await new Promise((resolve) => client?.close(resolve) ?? resolve());
});

async function token(server, username) {
  await postCreated(server, '/api/users', { username, password: PASSWORD });
  return (await postCreated(server, '/api/tokens', { username, password: PASSWORD })).token;
}

/** In the other site's page: the container for the essay, and a note posted with `token`. */
function useTheApi(page, api, bearer) {
  return page.evaluate(async ({ api, bearer, essay }) => {
    const container = await fetch(`${api}/annotations/?target=${encodeURIComponent(essay)}`, {
      headers: { Accept: 'application/ld+json' },
    });
    const collection = await container.json();
    const created = await fetch(`${api}/annotations/`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/ld+json', Authorization: `Bearer ${bearer}` },
      body: JSON.stringify({
        '@context': 'http://www.w3.org/ns/anno.jsonld',
        type: 'Annotation',
        motivation: 'commenting',
        bodyValue: 'Written on another site.',
        target: { source: essay, selector: { type: 'TextQuoteSelector', exact: 'pressure on Russia' } },
      }),
    });
    const note = await created.json();
    return {
      total: collection.total,
      contentLocation: container.headers.get('Content-Location'),
      link: container.headers.get('Link'),
      status: created.status,
      location: created.headers.get('Location'),
      etag: created.headers.get('ETag'),
      id: note.id,
    };
  }, { api, bearer, essay: READING_PATH });
}

test('a page on an allowed origin reads the container and posts a note with a Bearer token', async () => {
  const server = await startServer({ env: { GLOSS_CORS_ORIGINS: clientOrigin } });
  const { context, page, errors } = await newPage(browser);
  try {
    const bearer = await token(server, 'elsewhere');
    await page.goto(`${clientOrigin}/`);
    const seen = await useTheApi(page, server.baseUrl, bearer);
    assert.ok(seen.total > 0, `the editors' notes are listed: ${JSON.stringify(seen)}`);
    assert.equal(seen.contentLocation, `${server.baseUrl}/annotations/?target=${encodeURIComponent(READING_PATH)}`);
    assert.match(seen.link, /ldp#BasicContainer/);
    assert.equal(seen.status, 201);
    assert.equal(seen.location, seen.id, 'Location is readable and names the new note');
    assert.match(seen.etag, /^"[0-9a-f]+"$/);
    const stored = await fetch(seen.location, { headers: { Accept: 'application/ld+json' } });
    assert.equal((await stored.json()).body[0].value, 'Written on another site.');
    assertNoErrors(errors);
  } finally {
    await context.close();
    await server.stop();
  }
});

test('without --cors-origins the same page can neither read nor write', async () => {
  const server = await startServer();
  const { context, page } = await newPage(browser);
  try {
    const bearer = await token(server, 'elsewhere');
    await page.goto(`${clientOrigin}/`);
    const outcomes = await page.evaluate(async ({ api, bearer, essay }) => {
      const attempt = (request) => request.then((r) => `answered ${r.status}`, (e) => e.message);
      return {
        read: await attempt(fetch(`${api}/annotations/?target=${encodeURIComponent(essay)}`)),
        write: await attempt(fetch(`${api}/annotations/`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/ld+json', Authorization: `Bearer ${bearer}` },
          body: JSON.stringify({ bodyValue: 'Refused.', target: essay }),
        })),
      };
    }, { api: server.baseUrl, bearer, essay: READING_PATH });
    assert.match(outcomes.read, /Failed to fetch/);
    assert.match(outcomes.write, /Failed to fetch/);
    const mine = await fetch(server.url('/annotations/?user=elsewhere'));
    assert.equal((await mine.json()).total, 0, 'the preflight kept the note from being sent');
  } finally {
    await context.close();
    await server.stop();
  }
});
