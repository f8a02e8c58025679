// Several Gloss instances on one PostgreSQL database, as deployed: what one instance does is
// seen on the others (live notes, sessions, share links); behind nginx (deploy/nginx.conf) a
// reader keeps live updates and pages keep coming while an instance stops; SIGTERM ends live
// streams politely; /healthz tells when the database is gone.
//
// Needs GLOSS_TEST_POSTGRES_URL (scripts/test starts a throwaway PostgreSQL and sets it) and,
// for the nginx test, Debian's nginx.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as pause } from 'node:timers/promises';
import { promisify } from 'node:util';
import {
  DESKTOP, FIRST_SLUG, READING_PATH, REPO_ROOT, assertNoErrors, launchBrowser, newPage,
  startServer, waitShownWithText,
} from './support.mjs';

const POSTGRES_URL = process.env.GLOSS_TEST_POSTGRES_URL;
const NGINX = process.env.NGINX_BIN || (existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx');
const LIVE_PATH = `/articles/${FIRST_SLUG}/live`;
const QUOTE = 'Let me back up and explain.';
const SHARED = 'Instead, he became emotional and angry.';
const PASSWORD = 'a long password 123';
const WAIT_MS = 15_000;

const run = promisify(execFile);

/** Runs one SQL statement with psql; a failure names the statement and psql's complaint. */
async function psql(url, sql) {
  try {
    const { stdout } = await run('psql', [url, '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', sql]);
    return stdout.trim();
  } catch (error) {
    throw new Error(`psql ${JSON.stringify(sql)} failed: ${error.stderr || error.message}`);
  }
}

function databaseUrl(name) {
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return url.href;
}

async function createDatabase(suffix = '') {
  const name = `gloss_cluster_${randomBytes(4).toString('hex')}${suffix}`;
  await psql(POSTGRES_URL, `CREATE DATABASE ${name}`);
  return name;
}

const dropDatabase = (name) => psql(POSTGRES_URL, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);

/** Polls `check` until it returns something truthy; fails naming `what`. Not a sleep. */
async function waitUntil(check, what, ms = WAIT_MS) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting until ${what}`);
    await pause(50); // poll interval
  }
}

async function freePort() {
  const server = net.createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let browser;
let database;
before(async () => {
  if (!POSTGRES_URL) {
    throw new Error(
      'GLOSS_TEST_POSTGRES_URL is not set. These tests need a PostgreSQL server: run scripts/test, '
        + 'which starts a throwaway one and sets it, or set it to postgres://USER@HOST:PORT/DATABASE '
        + 'of a server where databases may be created.',
    );
  }
  database = await createDatabase();
  browser = await launchBrowser();
}, { timeout: 60_000 });
after(async () => {
  await browser?.close();
  if (database) await dropDatabase(database);
});

/** An instance on the test's database, stopped when the test ends. */
async function instance(t, env = {}) {
  const server = await startServer({ databaseUrl: databaseUrl(database), env });
  t.after(() => server.stop());
  return server;
}

/** POSTs JSON to `base` (a server or the proxy); `token` signs it with Authorization: Bearer. */
function post(base, url, body, token) {
  return fetch(base.url(url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
}

/** A new account, signed up through `base`, and an API token for it. */
async function account(base, username) {
  const credentials = { username, password: PASSWORD };
  const created = await post(base, '/api/users', credentials);
  assert.equal(created.status, 201, `POST /api/users answered ${created.status}: ${await created.text()}`);
  const res = await post(base, '/api/tokens', credentials);
  const body = await res.text();
  assert.equal(res.status, 201, `POST /api/tokens answered ${res.status}: ${body}`);
  return { ...credentials, token: JSON.parse(body).token };
}

const comment = (bodyValue) => ({
  motivation: 'commenting',
  bodyValue,
  target: { source: READING_PATH, selector: { type: 'TextQuoteSelector', exact: QUOTE } },
});

/** Creates a public note through `base`; returns its short id. */
async function createNote(base, token, text) {
  const res = await post(base, '/annotations/', comment(text), token);
  const body = await res.text();
  assert.equal(res.status, 201, `POST /annotations/ through ${base.baseUrl} answered ${res.status}: ${body}`);
  return JSON.parse(body).id.split('/').pop();
}

// Runs in the page before its own script: keeps a log of the page's EventSource (opened,
// errors, events with the last event id they carried), so the test can wait for the live
// stream to be connected rather than guess.
const LIVE_PROBE = `(() => {
  const Native = window.EventSource;
  if (!Native) return;
  const log = (window.__glossLive = []);
  window.EventSource = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('open', () => log.push({ type: 'open', at: Date.now() }));
      this.addEventListener('error', () => log.push({ type: 'error', at: Date.now(), readyState: this.readyState }));
      for (const type of ['bye', 'created', 'updated', 'deleted', 'resync']) {
        this.addEventListener(type, (e) => log.push({ type, at: Date.now(), lastEventId: e.lastEventId }));
      }
    }
  };
})();`;

async function readerPage(url) {
  const reader = await newPage(browser, DESKTOP);
  await reader.page.addInitScript({ content: LIVE_PROBE });
  const response = await reader.page.goto(url);
  assert.equal(response.status(), 200, `GET ${url}`);
  return reader;
}

const liveLog = (page) => page.evaluate(() => window.__glossLive ?? []);
const opens = async (page) => (await liveLog(page)).filter((e) => e.type === 'open');

/** Waits until the page's live stream has been opened `times` times in all. */
function liveConnected(page, times = 1) {
  return waitUntil(async () => (await opens(page)).length >= times, `the page's live stream has opened ${times} time(s)`);
}

test('two instances on one database: live notes, sessions and share links cross between them', { timeout: 120_000 }, async (t) => {
  const a = await instance(t);
  const b = await instance(t);

  // A note made through A appears on, and vanishes from, a page served by B.
  const reader = await readerPage(b.url(READING_PATH));
  t.after(() => reader.context.close());
  const { page } = reader;
  await liveConnected(page);
  const writer = await account(a, 'cluster-writer');
  const note = 'Written through instance A, read on instance B.';
  const id = await createNote(a, writer.token, note);
  await waitShownWithText(page, '.sidenote', note);
  assert.equal(await page.locator(`mark[data-annotation="${id}"]`).count(), 1, 'the passage is marked on B');
  const deleted = await fetch(a.url(`/annotations/${id}`), {
    method: 'DELETE',
    headers: { Authorization: `Bearer ${writer.token}` },
  });
  assert.equal(deleted.status, 204);
  await page.locator(`#note-${id}`).waitFor({ state: 'detached' });
  assert.equal(await page.locator(`mark[data-annotation="${id}"]`).count(), 0, 'the mark is gone on B');

  // A session made by logging in on A is a session on B: cookies belong to the host
  // (127.0.0.1), not the port, so the browser sends A's cookies to B.
  await page.goto(a.url('/login'));
  await page.getByLabel('Username').fill(writer.username);
  await page.getByLabel('Password').fill(writer.password);
  await Promise.all([
    page.waitForURL((url) => url.pathname !== '/login'),
    page.getByRole('button', { name: 'Log in' }).click(),
  ]);
  await page.goto(b.url(READING_PATH));
  assert.equal(
    await page.locator('meta[name="gloss-user"]').getAttribute('content', { timeout: 1_000 }).catch(() => null),
    writer.username,
    'B knows the session made on A',
  );
  // …and its CSRF token: B takes a write made with A's session cookie.
  const write = await page.evaluate(async (body) => {
    const csrf = document.cookie.split('; ').find((c) => c.startsWith('gloss_csrf='))?.split('=')[1];
    const res = await fetch('/annotations/', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf ?? '' },
      body: JSON.stringify(body),
    });
    const json = await res.json().catch(() => ({}));
    return { status: res.status, id: json.id, creator: json.creator?.nickname, detail: json.detail };
  }, comment('Written on B with the session made on A.'));
  assert.equal(write.status, 201, `POST /annotations/ on B with A's session: ${write.status} ${write.detail ?? ''}`);
  assert.equal(write.creator, writer.username);
  const cleanup = await fetch(a.url(`/annotations/${write.id.split('/').pop()}`), {
    method: 'DELETE',
    headers: { Authorization: `Bearer ${writer.token}` },
  });
  assert.equal(cleanup.status, 204);

  // A share link made on A opens on B, with its passage marked.
  const shared = await post(a, '/api/shares', {
    target: { source: READING_PATH, selector: { type: 'TextQuoteSelector', exact: SHARED } },
  });
  assert.equal(shared.status, 201, `POST /api/shares on A answered ${shared.status}`);
  const { url: link } = await shared.json();
  const landed = await page.goto(b.url(link));
  assert.equal(landed.status(), 200, `GET ${link} on B`);
  assert.equal(new URL(page.url()).host, new URL(b.baseUrl).host, 'B answered the link itself');
  assert.equal(
    (await page.locator('mark[data-share]').allTextContents()).join(''),
    SHARED,
    'B marks the passage shared on A',
  );
  assertNoErrors(reader.errors, 'the pages of A and B');
});

// ---------------------------------------------------------------------------
// nginx, configured by deploy/nginx.conf.

const stripAnsi = (s) => s.replace(/\x1b\[[0-9;]*m/g, '');

/** How many live streams an instance has begun to serve, by its own log (RUST_LOG below). */
function liveRequests(server) {
  return stripAnsi(server.logs())
    .split('\n')
    .filter((line) => /\buri=\S*\/live[ ?]/.test(line) && line.includes('started processing request'))
    .length;
}

/**
 * Renders deploy/nginx.conf with `upstreams` in place of its two example servers and a free
 * port in place of `listen 80`, and runs nginx on it in a directory of its own.
 */
async function startNginx(t, port, upstreams) {
  const dir = mkdtempSync(path.join(tmpdir(), 'gloss-nginx-'));
  chmodSync(dir, 0o755); // the workers (nobody) write their scratch files under it
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  let conf = readFileSync(path.join(REPO_ROOT, 'deploy', 'nginx.conf'), 'utf8');
  const replace = (from, to) => {
    assert.equal(conf.split(from).length, 2, `deploy/nginx.conf has exactly one ${JSON.stringify(from)}`);
    conf = conf.replace(from, to);
  };
  replace('server 127.0.0.1:3001', `server ${new URL(upstreams[0].baseUrl).host}`);
  replace('server 127.0.0.1:3002', `server ${new URL(upstreams[1].baseUrl).host}`);
  replace('listen 80;', `listen 127.0.0.1:${port};`);
  const file = path.join(dir, 'nginx.conf');
  writeFileSync(file, conf);
  const args = ['-c', file, '-p', `${dir}/`, '-g', `daemon off; pid ${dir}/nginx.pid; error_log ${dir}/error.log;`];

  try {
    await run(NGINX, ['-t', ...args]);
  } catch (error) {
    throw new Error(`nginx -t refused deploy/nginx.conf (rendered as ${file}):\n${error.stderr || error.message}`);
  }
  const child = spawn(NGINX, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => { output += chunk; });
  child.stderr.on('data', (chunk) => { output += chunk; });
  const exit = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  t.after(async () => {
    process.off('exit', kill);
    child.kill('SIGQUIT'); // graceful: finish what is in flight
    const stopped = await Promise.race([exit.then(() => true), pause(5_000, false, { ref: false })]);
    if (!stopped) { kill(); await exit; }
  });

  const baseUrl = `http://127.0.0.1:${port}`;
  const proxy = {
    baseUrl,
    url: (p = '/') => new URL(p, baseUrl).href,
    logs: () => `${output}${existsSync(path.join(dir, 'error.log')) ? readFileSync(path.join(dir, 'error.log'), 'utf8') : ''}`,
  };
  await waitUntil(async () => {
    const res = await fetch(proxy.url('/healthz')).catch(() => null);
    return res?.status === 200 && (await res.text()).trim() === 'ok';
  }, `nginx answers /healthz through ${baseUrl} (nginx output: ${output || 'none'})`);
  return proxy;
}

test('behind nginx: while an instance stops, the reader keeps live updates and pages keep coming', { timeout: 120_000 }, async (t) => {
  const port = await freePort();
  // Both instances log every request (to tell which one serves the reader's live stream) and
  // share the public address, as deployed.
  const env = { RUST_LOG: 'info,tower_http=debug', GLOSS_PUBLIC_URL: `http://127.0.0.1:${port}` };
  const first = await instance(t, env);
  const second = await instance(t, env);
  const proxy = await startNginx(t, port, [first, second]);
  const writer = await account(proxy, 'nginx-writer');

  const reader = await readerPage(proxy.url(READING_PATH));
  t.after(() => reader.context.close());
  const { page } = reader;
  await liveConnected(page);
  // B is the instance nginx gave the reader's live stream to; A is the other.
  const b = await waitUntil(
    () => [first, second].find((s) => liveRequests(s) > 0),
    "one instance's log shows the reader's live stream",
  );
  const a = b === first ? second : first;
  const liveOnA = liveRequests(a);

  // Readers keep asking for pages through nginx the whole time.
  const answers = [];
  let loading = true;
  t.after(() => { loading = false; });
  const load = (async () => {
    while (loading) {
      for (const p of ['/', READING_PATH, '/healthz']) {
        const started = Date.now();
        try {
          const res = await fetch(proxy.url(p));
          await res.arrayBuffer();
          answers.push({ path: p, status: res.status, at: started });
        } catch (error) {
          answers.push({ path: p, status: `no answer (${error.cause?.code ?? error.message})`, at: started });
        }
      }
      await pause(20); // a steady trickle of readers, not a benchmark
    }
  })();
  await waitUntil(() => answers.length >= 6, 'pages are loading through nginx');

  const stopping = Date.now();
  b.process.kill('SIGTERM');
  const exit = await Promise.race([b.exit, pause(5_000, null, { ref: false })]);
  assert.ok(exit, `B did not exit within 5 s of SIGTERM\n--- B's output ---\n${b.logs()}`);
  assert.deepEqual(exit, { code: 0, signal: null }, 'B exits cleanly');
  const down = Date.now();

  // A note made through nginx while B is down reaches the reader, whose stream must have
  // moved to A. It is made at once, as a writer who knows nothing of B would.
  const note = 'Made through nginx while instance B is down.';
  const id = await createNote(proxy, writer.token, note);
  const made = Date.now();
  let missed = null;
  try {
    await waitShownWithText(page, '.sidenote', note);
  } catch (error) {
    missed = error;
  }
  const afterFirst = await liveLog(page);
  // Diagnosis for a missed note: has the stream reconnected since, and did a later note arrive?
  let later = null;
  if (missed) {
    await liveConnected(page, 2).catch(() => {});
    const secondNote = 'Made through nginx after the reader reconnected.';
    await createNote(proxy, writer.token, secondNote);
    later = await waitShownWithText(page, '.sidenote', secondNote).then(() => 'appeared', (e) => `did not appear either: ${e.message}`);
  }

  await waitUntil(() => answers.filter((x) => x.at > down).length >= 30, 'thirty more pages are asked for while B is down');
  loading = false;
  await load;

  const log = await liveLog(page);
  const at = (ms) => `${ms - stopping} ms after SIGTERM`;
  const story = log.map((e) => `${e.type}${e.lastEventId !== undefined ? ` (last event id ${JSON.stringify(e.lastEventId)})` : ''} ${at(e.at)}`).join('; ');
  assert.ok(log.some((e) => e.type === 'bye'), `the reader's stream said bye before closing: ${story}`);
  assert.ok(liveRequests(a) > liveOnA, `the reader's stream reconnected to A: ${story}`);
  const failed = answers.filter((x) => typeof x.status !== 'number' || x.status >= 500);
  assert.deepEqual(
    failed.map((x) => `${x.path}: ${x.status} ${at(x.at)}`),
    [],
    `nginx answered every page while B stopped and was down (${answers.length} requests)\n`
      + `--- nginx error log ---\n${proxy.logs()}`,
  );
  assertNoErrors(reader.errors, READING_PATH);
  if (missed) {
    const reopened = afterFirst.filter((e) => e.type === 'open')[1];
    const ids = afterFirst.filter((e) => e.at <= made && e.lastEventId);
    throw new Error(
      `the note made through nginx ${at(made)} (B exited ${at(down)}) never reached the reader's page `
        + `on ${proxy.baseUrl}: ${missed.message}.\nThe page's live stream: ${story}.\n`
        + `It reopened ${reopened ? at(reopened.at) : 'not at all'}; `
        + (ids.length
          ? `it had seen event id ${JSON.stringify(ids.at(-1).lastEventId)}. `
          : 'no event it had received carried an id, so it reconnected without Last-Event-ID: A '
            + 'could not tell it had missed anything, and sent no resync. ')
        + `A note made after it reconnected: ${later}. `
        + `(Meanwhile nginx answered all ${answers.length} page requests, none with 5xx.)`,
    );
  }
  assert.equal(await page.locator(`mark[data-annotation="${id}"]`).count(), 1);
});

// ---------------------------------------------------------------------------

/** Reads a server-sent event stream with fetch; `text` grows, `done` settles when it ends. */
async function openStream(url) {
  const controller = new AbortController();
  const res = await fetch(url, { headers: { Accept: 'text/event-stream' }, signal: controller.signal });
  assert.equal(res.status, 200, `GET ${url}`);
  assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
  const stream = { text: '', ended: null, error: null, abort: () => controller.abort() };
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  stream.done = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        stream.text += decoder.decode(value, { stream: true });
      }
      stream.ended = Date.now();
    } catch (error) {
      stream.error = error;
    }
  })();
  return stream;
}

/** The event types of a stream's text, in order (comments and retry-only blocks left out). */
function eventTypes(text) {
  return text
    .split(/\r?\n\r?\n/)
    .map((block) => block.split(/\r?\n/).find((line) => line.startsWith('event:'))?.slice(6).trim())
    .filter(Boolean);
}

test('SIGTERM with live readers connected: each stream says bye and ends, and the server exits 0 within 5 s', { timeout: 60_000 }, async (t) => {
  const server = await instance(t);
  const streams = [await openStream(server.url(LIVE_PATH)), await openStream(server.url(LIVE_PATH))];
  t.after(() => streams.forEach((s) => s.abort()));
  await waitUntil(() => streams.every((s) => s.text.includes(': connected')), 'both readers are connected');

  const sent = Date.now();
  server.process.kill('SIGTERM');
  const all = Promise.all([server.exit, ...streams.map((s) => s.done)]);
  const finished = await Promise.race([all.then(() => true), pause(5_000, false, { ref: false })]);
  const elapsed = Date.now() - sent;
  const state = streams
    .map((s, i) => `reader ${i + 1}: events ${JSON.stringify(eventTypes(s.text))}, `
      + `${s.ended ? `ended ${s.ended - sent} ms after SIGTERM` : s.error ? `failed: ${s.error.cause?.message ?? s.error.message}` : 'still open'}`)
    .join('\n');
  assert.ok(finished, `after 5 s: ${state}\nprocess ${await Promise.race([server.exit.then((e) => JSON.stringify(e)), pause(0, 'still running')])}\n--- server output ---\n${server.logs()}`);
  for (const [i, s] of streams.entries()) {
    assert.equal(s.error, null, `reader ${i + 1}'s stream ended cleanly, not with an error\n${state}`);
    assert.deepEqual(eventTypes(s.text), ['bye'], `reader ${i + 1} received bye as its last event\n${state}`);
  }
  assert.deepEqual(await server.exit, { code: 0, signal: null }, `the server exits with code 0\n${server.logs()}`);
  assert.ok(elapsed < 5_000, `all within 5 s (took ${elapsed} ms)`);
});

test('/healthz answers 503 when the database is gone', { timeout: 60_000 }, async (t) => {
  const name = await createDatabase('_gone');
  t.after(() => dropDatabase(name));
  const server = await startServer({ databaseUrl: databaseUrl(name) });
  t.after(() => server.stop());
  const health = async () => {
    const res = await fetch(server.url('/healthz'), { signal: AbortSignal.timeout(5_000) });
    return { status: res.status, body: (await res.text()).trim() };
  };
  assert.deepEqual(await health(), { status: 200, body: 'ok' });

  await psql(POSTGRES_URL, `DROP DATABASE ${name} WITH (FORCE)`);
  const seen = [];
  await waitUntil(async () => {
    const answer = await health().catch((error) => ({ status: `no answer (${error.name})` }));
    seen.push(answer.status);
    return answer.status === 503;
  }, '/healthz answers 503', 20_000).catch((error) => {
    throw new Error(`${error.message}; answers: ${[...new Set(seen)].join(', ')}\n--- server output ---\n${server.logs()}`);
  });
});
