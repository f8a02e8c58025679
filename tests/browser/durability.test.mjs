// Durability: every annotation the server acknowledged with 201 is still there after the
// process is killed (SIGKILL, no chance to flush or shut down) in the middle of a stream of
// concurrent writes, and the server restarts on the same SQLite file.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { READING_PATH, startServer } from './support.mjs';

// 8 writers in flight at once, spread over 4 accounts so that none comes near the limit of
// 120 writes a minute per account (150 acknowledgements ≈ 38 per account).
const ACCOUNTS = 4;
const WRITERS = 8;
const KILL_AFTER = 150;
const PASSWORD = 'a long password for durability';

// Passages that occur in the essay (a quote not in it would be refused with 422).
const QUOTES = [
  'Let me back up and explain.',
  'Instead, he became emotional and angry.',
  'Whatever the reason',
  'The Ukrainians have already said',
  'Witkoff has no previous diplomatic experience',
  'Ukrainian children',
];

let work;
let server;
before(() => {
  work = mkdtempSync(path.join(tmpdir(), 'gloss-durability-'));
});
after(async () => {
  await server?.stop();
  rmSync(work, { recursive: true, force: true });
});

async function json(res) {
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

async function account(base, username) {
  const post = (p, body) => fetch(new URL(p, base), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const created = await post('/api/users', { username, password: PASSWORD });
  assert.equal(created.status, 201, `POST /api/users ${username}: ${created.status} ${JSON.stringify(await json(created))}`);
  const issued = await post('/api/tokens', { username, password: PASSWORD });
  assert.equal(issued.status, 201, `POST /api/tokens ${username}: ${issued.status}`);
  return { username, token: (await issued.json()).token };
}

/** The n-th annotation of the stream: a distinct body, tags and visibility. */
function draft(n, writer) {
  const text = `Durable note #${n} from writer ${writer}: *Markdown*, “quotes”, emoji 🧪 and ü.`;
  const tags = [`stream-${n}`, `writer-${writer}`];
  return {
    '@context': 'http://www.w3.org/ns/anno.jsonld',
    type: 'Annotation',
    motivation: 'commenting',
    body: [
      { type: 'TextualBody', value: text, format: 'text/markdown' },
      ...tags.map((value) => ({ type: 'TextualBody', value, purpose: 'tagging' })),
    ],
    target: {
      source: READING_PATH,
      selector: { type: 'TextQuoteSelector', exact: QUOTES[n % QUOTES.length] },
    },
    visibility: n % 3 === 0 ? 'private' : 'public',
  };
}

/** What of an annotation must survive: its words, tags, visibility, motivation and passage. */
function essence(a) {
  const bodies = [].concat(a.body ?? []);
  const quote = [].concat(a.target?.selector ?? []).find((s) => s.type === 'TextQuoteSelector');
  return {
    text: bodies.find((b) => b.purpose !== 'tagging')?.value,
    tags: bodies.filter((b) => b.purpose === 'tagging').map((b) => b.value).sort(),
    visibility: a.visibility ?? 'public',
    motivation: a.motivation,
    exact: quote?.exact,
  };
}

test('SIGKILL in the middle of concurrent writes loses no acknowledged annotation', { timeout: 180_000 }, async () => {
  const databaseUrl = `sqlite://${path.join(work, 'gloss.db')}?mode=rwc`;
  server = await startServer({ databaseUrl });
  const first = server;
  const accounts = [];
  for (let i = 0; i < ACCOUNTS; i++) accounts.push(await account(first.baseUrl, `durable${i}`));

  const acknowledged = []; // { id, account, sent }
  const refused = []; // any answer other than 201 before the kill
  let next = 0;
  let inFlight = 0;
  let inFlightAtKill = -1;
  let killed = false;

  async function writer(w) {
    const who = accounts[w % ACCOUNTS];
    while (!killed) {
      const n = next++;
      const sent = draft(n, w);
      inFlight++;
      let res;
      try {
        res = await fetch(first.url('/annotations/'), {
          method: 'POST',
          headers: {
            Authorization: `Bearer ${who.token}`,
            'Content-Type': 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"',
          },
          body: JSON.stringify(sent),
          signal: AbortSignal.timeout(15_000),
        });
      } catch (error) {
        // The connection died: expected once the server is killed, a failure before.
        if (!killed) refused.push(`#${n}: ${error.cause?.code ?? error.message}`);
        return;
      } finally {
        inFlight--;
      }
      let answer;
      try {
        answer = await json(res);
      } catch (error) {
        // The body was cut off by the kill: not an acknowledgement.
        if (!killed) refused.push(`#${n}: body lost (${error.cause?.code ?? error.message})`);
        return;
      }
      if (res.status !== 201) {
        if (!killed) refused.push(`#${n}: ${res.status} ${JSON.stringify(answer).slice(0, 200)}`);
        return;
      }
      const id = String(answer.id).split('/').pop();
      acknowledged.push({ id, account: who, sent });
      if (acknowledged.length >= KILL_AFTER && inFlight > 0 && !killed) { // kill with writes in flight
        killed = true;
        inFlightAtKill = inFlight;
        first.process.kill('SIGKILL');
      }
    }
  }

  await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
  assert.deepEqual(refused, [], 'before the kill, every write was acknowledged with 201');
  assert.ok(killed, `the stream reached ${KILL_AFTER} acknowledgements (got ${acknowledged.length})`);
  const { signal } = await first.exit;
  assert.equal(signal, 'SIGKILL', 'the server died of SIGKILL');
  assert.ok(inFlightAtKill > 0, `writes were in flight when the server was killed (${inFlightAtKill} in flight, ${acknowledged.length} acknowledged)`);
  assert.equal(new Set(acknowledged.map((a) => a.id)).size, acknowledged.length, 'every acknowledgement has its own id');

  server = await startServer({ databaseUrl });
  const lost = [];
  const changed = [];
  const queue = [...acknowledged];
  await Promise.all(Array.from({ length: 8 }, async () => {
    for (let a = queue.shift(); a; a = queue.shift()) {
      const res = await fetch(server.url(`/annotations/${encodeURIComponent(a.id)}`), {
        headers: { Authorization: `Bearer ${a.account.token}`, Accept: 'application/ld+json' },
      });
      if (res.status !== 200) {
        lost.push(`${a.id} (${a.sent.body[0].value.slice(0, 20)}…): ${res.status}`);
        continue;
      }
      const got = await res.json();
      try {
        assert.deepEqual(essence(got), essence(a.sent));
        assert.equal(got.creator?.nickname, a.account.username);
      } catch (error) {
        changed.push(`${a.id}: ${error.message.split('\n').slice(0, 6).join(' ')}`);
      }
    }
  }));
  assert.deepEqual(lost, [], `${lost.length} of ${acknowledged.length} acknowledged annotations are gone after SIGKILL and restart`);
  assert.deepEqual(changed, [], 'every acknowledged annotation reads back as it was sent');

  // The restarted server also lists them: each account's own collection counts at least what it was acknowledged.
  for (const who of accounts) {
    const mine = acknowledged.filter((a) => a.account === who).length;
    const res = await fetch(server.url(`/annotations/?user=${who.username}`), {
      headers: { Authorization: `Bearer ${who.token}`, Accept: 'application/ld+json' },
    });
    assert.equal(res.status, 200);
    const collection = await res.json();
    assert.ok(collection.total >= mine, `${who.username}: the collection lists ${collection.total}, at least the ${mine} acknowledged`);
  }
});
