"""One writer posting annotations at a steady RATE per second for SECONDS, as one account.

Posts are due at fixed times (start + k / RATE); a few connections take turns, so one slow
answer does not hold the next post back, but the writer never runs ahead of the schedule.
Prints what it achieved as JSON: posts answered 201, the rate, and latency.
Usage: writer.py BASE_URL SLUG TOKEN RATE SECONDS
"""

import http.client
import json
import math
import sys
import threading
import time
import urllib.parse

base, slug, token = sys.argv[1], sys.argv[2], sys.argv[3]
rate, seconds = float(sys.argv[4]), float(sys.argv[5])
host = urllib.parse.urlsplit(base).netloc
total = int(rate * seconds)
quotes = ["Pay attention to the dates", "Let me back up and explain.", "Why not?",
          "Ushakov gave Putin this advice.", "Putin followed it.", "He is not promoting peace."]
lock = threading.Lock()
state = {"next": 0, "ok": 0, "failed": 0, "latencies": [], "late": 0.0, "last": 0.0}
start = time.perf_counter() + 0.1


def worker():
    connection = http.client.HTTPConnection(host, timeout=10)
    while True:
        with lock:
            k = state["next"]
            state["next"] += 1
        if k >= total:
            return
        due = start + k / rate
        time.sleep(max(0.0, due - time.perf_counter()))
        body = json.dumps({
            "motivation": "commenting", "bodyValue": f"Written during the read bench, {k}.",
            "target": {"source": f"/articles/{slug}",
                       "selector": {"type": "TextQuoteSelector", "exact": quotes[k % len(quotes)]}},
        })
        sent = time.perf_counter()
        try:
            connection.request("POST", "/annotations/", body=body, headers={
                "Content-Type": "application/ld+json", "Authorization": f"Bearer {token}"})
            response = connection.getresponse()
            response.read()
            ok = response.status == 201
        except (OSError, http.client.HTTPException):
            connection.close()
            connection = http.client.HTTPConnection(host, timeout=10)
            ok = False
        done = time.perf_counter()
        with lock:
            state["ok" if ok else "failed"] += 1
            state["latencies"].append(done - sent)
            state["late"] = max(state["late"], sent - due)
            state["last"] = max(state["last"], done)


threads = [threading.Thread(target=worker) for _ in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
latencies = sorted(state["latencies"]) or [0.0]


def percentile(q):
    return round(latencies[min(len(latencies), math.ceil(q * len(latencies))) - 1] * 1000, 1)


elapsed = max(state["last"] - start, 1e-9)
print(json.dumps({
    "posted": state["ok"], "failed": state["failed"], "seconds": round(elapsed, 2),
    "rate": round(state["ok"] / elapsed, 1),
    "p50_ms": percentile(0.5),
    "p99_ms": percentile(0.99),
    "most_late_ms": round(state["late"] * 1000, 1),
}))
