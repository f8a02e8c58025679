"""How long the first view of the page takes right after a write, ROUNDS times over.

Each round the writer posts a note (signed in by cookie, with the CSRF header, as the page's
script does) and at once fetches the page with their cookie; then posts another and the page
is fetched by an anonymous reader. Every GET is timed from sending to the last byte.
Prints JSON: median and 99th percentile in ms for each kind of reader.
Usage: first_view.py BASE_URL SLUG READERS.json ROUNDS
"""

import http.client
import json
import math
import sys
import time
import urllib.parse

base, slug, readers, rounds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
host = urllib.parse.urlsplit(base).netloc
writer = json.load(open(readers))["readers"][0]
cookie = f"gloss_session={writer['session']}; gloss_csrf={writer['csrf']}"
page = f"/articles/{slug}"
quotes = ["Pay attention to the dates", "Let me back up and explain.", "Ushakov gave Putin this advice."]
# The writer's browser keeps one connection; the anonymous reader has another.
writers_connection = http.client.HTTPConnection(host, timeout=10)
readers_connection = http.client.HTTPConnection(host, timeout=10)


def call(connection, method, path, headers, body=None):
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    return response.status, response.read()


def post(k):
    body = json.dumps({
        "motivation": "commenting", "bodyValue": f"Then the page at once, {k}.",
        "target": {"source": page, "selector": {"type": "TextQuoteSelector", "exact": quotes[k % len(quotes)]}},
    })
    status, _ = call(writers_connection, "POST", "/annotations/", {
        "Content-Type": "application/ld+json", "Cookie": cookie, "X-CSRF-Token": writer["csrf"]}, body)
    if status != 201:
        sys.exit(f"first_view.py: POST /annotations/ answered {status}")


def view(connection, headers):
    started = time.perf_counter()
    status, body = call(connection, "GET", page, {"Accept-Encoding": "gzip", **headers})
    took = time.perf_counter() - started
    if status != 200 or not body:
        sys.exit(f"first_view.py: GET {page} answered {status}")
    return took * 1000


times = {"writer": [], "anonymous": []}
deadline = time.monotonic() + 120
for k in range(rounds):
    if time.monotonic() > deadline:
        break
    post(2 * k)
    times["writer"].append(view(writers_connection, {"Cookie": cookie}))
    post(2 * k + 1)
    times["anonymous"].append(view(readers_connection, {}))


def percentile(samples, q):
    samples = sorted(samples)
    return round(samples[min(len(samples), math.ceil(q * len(samples))) - 1], 1)


print(json.dumps({
    who: {"views": len(t), "median_ms": percentile(t, 0.5), "p99_ms": percentile(t, 0.99)}
    for who, t in times.items()
}))
