"""Signs COUNT readers up and logs each in the way a browser does; writes their cookies.

Each reader signs up with `POST /api/users`, opens `/login` (which sets the CSRF cookie and
puts the same token in the form), then posts the form with that cookie, and keeps the
`gloss_session` and `gloss_csrf` cookies the answer sets. The first also gets an API token.
Logins and sign-ups are limited per client address, so each reader comes from an address of
its own in `X-Forwarded-For` (the server runs with `--behind-proxy`).
Usage: signin.py BASE_URL SLUG COUNT OUT.json
"""

import http.client
import json
import re
import sys
import urllib.parse
from http.cookies import SimpleCookie

base, slug, count, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
host = urllib.parse.urlsplit(base).netloc
password = "a long password 123"


def request(method, path, headers, body=None):
    connection = http.client.HTTPConnection(host, timeout=30)
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    data = response.read()
    cookies = SimpleCookie()
    for value in response.headers.get_all("Set-Cookie") or []:
        cookies.load(value)
    connection.close()
    return response.status, data, {k: m.value for k, m in cookies.items()}


def expect(status, wanted, what):
    if status != wanted:
        sys.exit(f"signin.py: {what} answered {status}, not {wanted}")


readers = []
token = None
for i in range(count):
    username = f"reader{i:03d}"
    address = {"X-Forwarded-For": f"10.1.{i // 200}.{i % 200 + 1}"}
    credentials = json.dumps({"username": username, "password": password})
    status, _, _ = request("POST", "/api/users", {**address, "Content-Type": "application/json"}, credentials)
    expect(status, 201, f"POST /api/users for {username}")
    status, page, cookies = request("GET", f"/login?next=/articles/{slug}", address)
    expect(status, 200, "GET /login")
    csrf = re.search(rb'name="csrf" value="([0-9a-f]+)"', page).group(1).decode()
    if cookies.get("gloss_csrf") != csrf:
        sys.exit("signin.py: the login form's CSRF token is not the cookie's")
    form = urllib.parse.urlencode({"username": username, "password": password, "csrf": csrf, "next": f"/articles/{slug}"})
    status, _, cookies = request(
        "POST",
        "/login",
        {**address, "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"gloss_csrf={csrf}"},
        form,
    )
    expect(status, 303, f"POST /login for {username}")
    readers.append({"username": username, "session": cookies["gloss_session"], "csrf": cookies["gloss_csrf"]})
    if token is None:
        status, body, _ = request("POST", "/api/tokens", {**address, "Content-Type": "application/json"}, credentials)
        expect(status, 201, "POST /api/tokens")
        token = json.loads(body)["token"]

json.dump({"readers": readers, "token": token}, open(out, "w"))
