"""PostgreSQL restarted under two Gloss instances, timed: what writers and live readers meet.

Starts a throwaway PostgreSQL server (PG_BIN: its programs; as the postgres user when run as
root), two instances of GLOSS on it, a live reader on each and one writer posting through both
in turn every 20 ms. After two seconds the server is stopped (fast shutdown), AWAY seconds
later started again, and the writer goes on for three more seconds. Prints JSON: how long the
server was away, the writes answered and refused (and any other answer, which should not
happen), the longest a write waited for its answer, the time from the server accepting
connections to the first write answered 201, how long each live reader took to hear of a write
after it, whether any reader heard a revision twice or out of order or missed the last one, and
how many acknowledged writes are missing.
Usage: outage.py GLOSS PG_BIN ESSAY_SLUG AWAY_SECONDS
"""

import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

gloss, pg_bin, slug, away = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(port, method, path, body=None, token=None, timeout=15):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    connection.request(method, path, body=json.dumps(body) if body else None, headers=headers)
    response = connection.getresponse()
    return response.status, response.read()


def wait_until(check, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.05)
    raise SystemExit("gave up waiting")


work = tempfile.mkdtemp()
os.chmod(work, 0o777)
data, pg_port = os.path.join(work, "data"), free_port()
subprocess.run(as_postgres + [f"{pg_bin}/initdb", "-D", data, "-U", "postgres", "-A", "trust",
                              "-E", "UTF8", "--no-sync"], check=True, capture_output=True)
pg_options = f"-k {work} -p {pg_port} -c listen_addresses=127.0.0.1 -c fsync=off"
pg_ctl = as_postgres + [f"{pg_bin}/pg_ctl", "-D", data, "-l", os.path.join(work, "log")]
subprocess.run(pg_ctl + ["-w", "start", "-o", pg_options], check=True, capture_output=True)
url = f"postgres://postgres@127.0.0.1:{pg_port}/postgres"
ports, servers = [free_port(), free_port()], []
try:
    for port in ports:
        servers.append(subprocess.Popen(
            [gloss, "serve", "--addr", f"127.0.0.1:{port}", "--database-url", url,
             "--write-limit", "0", "--threads", "1"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        wait_until(lambda: call(port, "GET", "/healthz")[0] == 200, 60)
    credentials = {"username": "writer", "password": "a long password 123"}
    call(ports[0], "POST", "/api/users", credentials)
    token = json.loads(call(ports[0], "POST", "/api/tokens", credentials)[1])["token"]

    heard = [[] for _ in ports]

    def listen(i):
        connection = http.client.HTTPConnection("127.0.0.1", ports[i], timeout=60)
        connection.request("GET", f"/articles/{slug}/live")
        stream = connection.getresponse()
        for line in stream:
            if line.startswith(b"id: "):
                heard[i].append((time.monotonic(), int(line[4:])))

    for i in range(len(ports)):
        threading.Thread(target=listen, args=(i,), daemon=True).start()

    writes, stop = [], threading.Event()

    def write():
        n = 0
        while not stop.is_set():
            note = {"motivation": "commenting", "bodyValue": f"Note {n}.",
                    "target": {"source": f"/articles/{slug}",
                               "selector": {"type": "TextQuoteSelector", "exact": "Why not?"}}}
            sent = time.monotonic()
            try:
                status, body = call(ports[n % 2], "POST", "/annotations/", note, token)
            except OSError as err:
                status, body = str(err), b""
            done = time.monotonic()
            ident = json.loads(body)["id"].rsplit("/", 1)[1] if status == 201 else None
            writes.append({"sent": sent, "took": done - sent, "status": status, "id": ident})
            n += 1
            time.sleep(0.02)

    writer = threading.Thread(target=write)
    writer.start()
    time.sleep(2)
    stopped = time.monotonic()
    subprocess.run(pg_ctl + ["-m", "fast", "-w", "stop"], check=True, capture_output=True)
    time.sleep(away)
    subprocess.run(pg_ctl + ["-w", "start", "-o", pg_options], check=True, capture_output=True)
    ready = time.monotonic()
    time.sleep(3)
    stop.set()
    writer.join()

    refused = [w for w in writes if w["status"] == 503]
    others = [w for w in writes if w["status"] not in (201, 503)]
    back = next(w for w in writes if w["sent"] >= ready and w["status"] == 201)
    acknowledged = [w["id"] for w in writes if w["status"] == 201]
    lost = sum(1 for ident in acknowledged
               if call(ports[0], "GET", f"/annotations/{ident}")[0] != 200)
    last = max(rev for got in heard for _, rev in got)
    readers = []
    for got in heard:
        revisions = [rev for _, rev in got]
        caught_up = next((t for t, rev in got if t >= ready), None)
        readers.append({
            "heard_after_ready_ms": round((caught_up - ready) * 1000, 1) if caught_up else None,
            "twice": len(revisions) - len(set(revisions)),
            "reached_last_revision": bool(revisions) and revisions[-1] == last,
            "in_order": revisions == sorted(revisions),
        })
    print(json.dumps({
        "away_s": round(ready - stopped, 2),
        "writes": len(writes),
        "answered_201": len(acknowledged),
        "refused_503": len(refused),
        "other_answers": [w["status"] for w in others],
        "longest_wait_ms": round(max(w["took"] for w in writes) * 1000, 1),
        "first_write_after_ready_ms": round((back["sent"] + back["took"] - ready) * 1000, 1),
        "acknowledged_lost": lost,
        "live_readers": readers,
    }, indent=2))
finally:
    for server in servers:
        server.terminate()
        server.wait()
    subprocess.run(pg_ctl + ["-m", "immediate", "stop"], capture_output=True)
    subprocess.run(["rm", "-rf", work])
