"""Signs COUNT readers up, then logs them all in at once, CONCURRENCY at a time.

Each log-in is `POST /api/tokens`, which checks the password with Argon2id; sign-ups hash one.
Logins and sign-ups are limited per client address, so each reader comes from an address of
its own in `X-Forwarded-For` (the server runs with `--behind-proxy`).
Usage: logins.py BASE_URL COUNT CONCURRENCY
"""

import http.client
import json
import sys
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

base, count, concurrency = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
host = urllib.parse.urlsplit(base).netloc
password = "a long password 123"


def post(path, i):
    connection = http.client.HTTPConnection(host, timeout=120)
    body = json.dumps({"username": f"burst{i:03d}", "password": password})
    headers = {"Content-Type": "application/json", "X-Forwarded-For": f"10.2.{i // 200}.{i % 200 + 1}"}
    connection.request("POST", path, body=body, headers=headers)
    status = connection.getresponse().status
    connection.close()
    if status != 201:
        sys.exit(f"logins.py: POST {path} for burst{i:03d} answered {status}, not 201")


with ThreadPoolExecutor(concurrency) as pool:
    list(pool.map(lambda i: post("/api/users", i), range(count)))
with ThreadPoolExecutor(concurrency) as pool:
    list(pool.map(lambda i: post("/api/tokens", i), range(count)))
