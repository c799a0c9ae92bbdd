#!/usr/bin/env python3
"""A quick check of the wechatpy peer against the WeChat sandbox (standard library only).

    python3 check_peer.py PEER_URL SANDBOX_URL DB_PATH

Walks both logins the way the benchmark harness and Tests/LoginServerTests/Helpers/Flows.swift do, checks the
rows the peer wrote, that a replayed or foreign callback is refused, and (with a fresh sandbox user whose identity
this script binds to a new user in the database) that a bound identity, and its unionid sibling, land on /account.
Use a scratch DB_PATH or the peer's benchmark one: the script only touches its own fresh sandbox user.
"""
import http.cookiejar
import json
import re
import sqlite3
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

PEER, SANDBOX, DB = sys.argv[1].rstrip("/"), sys.argv[2].rstrip("/"), sys.argv[3]
OFFICIAL, WEBSITE = "wx5a1c9e0b3d7f2468", "wx8e2f4a6c0b1d3e5f"
DESKTOP_UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36"
WECHAT_UA = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 "
             "MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN")
passed = failed = 0


def check(condition, what):
    global passed, failed
    print(("ok   " if condition else "FAIL ") + what)
    passed, failed = passed + bool(condition), failed + (not condition)
    return condition


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None


class Browser:
    def __init__(self, user_agent, headers=None):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)
        self.headers = {"User-Agent": user_agent, **(headers or {})}

    def request(self, url, form=None, method=None, json_body=None):
        data = urllib.parse.urlencode(form).encode() if form else None
        headers = dict(self.headers)
        if json_body is not None:
            data, headers["Content-Type"] = json.dumps(json_body).encode(), "application/json"
        req = urllib.request.Request(url.split("#")[0], data=data, headers=headers, method=method)
        try:
            with self.opener.open(req, timeout=40) as r:
                return r.status, r.headers, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read().decode()


def query(url, name):
    return urllib.parse.parse_qs(urllib.parse.urlsplit(url.split("#")[0]).query).get(name, [None])[0]


def start_pc_login(browser):
    status, headers, _ = browser.request(f"{PEER}/login?return_to=%2Faccount")
    url = headers.get("Location", "")
    check(status == 302 and url.startswith(f"{SANDBOX}/connect/qrconnect?appid={WEBSITE}&")
          and "scope=snsapi_login" in url and url.endswith("#wechat_redirect")
          and query(url, "redirect_uri") == f"{PEER}/auth/wechat/callback", f"PC /login -> 302 {url[:90]}…")
    status, _, page = browser.request(url)
    uuid_match = re.search(r"/connect/qrcode/([^\"']+)", page)
    check(status == 200 and uuid_match, "QR page shows a /connect/qrcode/<uuid>")
    return uuid_match.group(1), query(url, "state")


def pc_login(user):
    """A whole PC login as sandbox user `user`; returns (browser, state, callback answer)."""
    browser = Browser(DESKTOP_UA)
    qr, state = start_pc_login(browser)
    phone = Browser(WECHAT_UA, {"X-Sandbox-User": user})
    scan = phone.request(f"{SANDBOX}/connect/confirm?uuid={qr}")[0]
    confirm = phone.request(f"{SANDBOX}/connect/confirm", form={"uuid": qr, "action": "allow"})[0]
    check(scan == 200 and confirm < 400, f"phone of {user} scanned and allowed")
    code = None
    for last in ("408", "404", "404", "404"):
        body = browser.request(f"{SANDBOX}/connect/l/qrconnect?uuid={qr}&last={last}")[2]
        found = re.search(r"wx_code='([^']*)'", body)
        if "wx_errcode=405" in body and found:
            code = found.group(1)
            break
    check(code, "long-poll answered 405 with a wx_code")
    answer = browser.request(f"{PEER}/auth/wechat/callback?code={code}&state={state}")
    return browser, state, code, answer


def wechat_login(user):
    browser = Browser(WECHAT_UA, {"X-Sandbox-User": user, "X-Sandbox-Consent": "allow"})
    status, headers, _ = browser.request(f"{PEER}/login?return_to=%2Faccount")
    url = headers.get("Location", "")
    check(status == 302 and url.startswith(f"{SANDBOX}/connect/oauth2/authorize?appid={OFFICIAL}&")
          and "scope=snsapi_userinfo" in url and url.endswith("#wechat_redirect"), f"WeChat /login -> 302 {url[:90]}…")
    status, headers, _ = browser.request(url)
    callback = headers.get("Location", "")
    check(status == 302 and callback.startswith(f"{PEER}/auth/wechat/callback?"), "sandbox authorize -> 302 callback")
    return browser, query(callback, "state"), browser.request(callback)


def session_of(browser):
    return next((c.value for c in browser.jar if c.name == "wl_session"), None)


sandbox = Browser(DESKTOP_UA)
sandbox.request(f"{SANDBOX}/sandbox/api/apps/{OFFICIAL}", method="PATCH", json_body={"webAuthDomain": "127.0.0.1"})
sandbox.request(f"{SANDBOX}/sandbox/api/apps/{WEBSITE}", method="PATCH", json_body={"callbackDomain": "127.0.0.1"})
db = sqlite3.connect(DB, isolation_level=None)
db.execute("PRAGMA busy_timeout = 5000")
check(db.execute("PRAGMA journal_mode").fetchone()[0] == "wal", "database is in WAL mode")

# PC QR flow as u1.
browser, state, code, (status, headers, _) = pc_login("u1")
check(status == 302 and headers.get("Location") == "/bind", f"PC callback -> 302 /bind (got {status} {headers.get('Location')})")
row = db.execute("SELECT flow, return_to, claimed_at, completed_at, identity_id FROM oauth_states WHERE state = ?",
                 (state,)).fetchone()
check(row and row[0] == "website" and row[1] == "/account" and row[2] and row[3] and row[4], f"state completed: {row}")
ident = db.execute("SELECT app_id, openid, unionid, nickname, avatar_url, scopes, access_token_sealed, "
                   "refresh_token_sealed, access_token_expires_at, last_login_at, user_id FROM wechat_identities "
                   "WHERE id = ?", (row[4],)).fetchone()
check(ident and ident[0] == WEBSITE and ident[1].startswith("o") and ident[2] and ident[3] and ident[4]
      and ident[5] == "snsapi_login" and ident[6].startswith("v1.") and ident[7].startswith("v1.")
      and ident[10] is None, f"identity upserted with profile and sealed tokens: {ident[:6]}")
sess = db.execute("SELECT data FROM sessions WHERE id = ?", (session_of(browser),)).fetchone()
check(sess and json.loads(sess[0]).get("pending") == row[4], f"session row holds the pending identity: {sess}")
status = browser.request(f"{PEER}/auth/wechat/callback?code={code}&state={state}")[0]
check(status in (400, 403), f"replayed callback refused ({status})")

# A callback from a browser that did not start the login.
browser2 = Browser(DESKTOP_UA)
_, state2 = start_pc_login(browser2)
check(Browser(DESKTOP_UA).request(f"{PEER}/auth/wechat/callback?code=x&state={state2}")[0] in (400, 403),
      "callback without the login cookie refused")
stranger = Browser(DESKTOP_UA)
stranger.request(f"{PEER}/login")
check(stranger.request(f"{PEER}/auth/wechat/callback?code=x&state={state2}")[0] == 403,
      "callback with another browser's cookie refused")
check(browser2.request(f"{PEER}/auth/wechat/callback?code=x&state=nosuchstate")[0] == 403, "unknown state refused")
status, _, body = browser2.request(f"{PEER}/auth/wechat/callback?code=bogus&state={state2}")
claimed = db.execute("SELECT claimed_at FROM oauth_states WHERE state = ?", (state2,)).fetchone()[0]
check(status == 502 and claimed is None, f"WeChat's refusal of a bad code answered {status}, claim given back")

# In-WeChat flow as u2.
browser, state, (status, headers, _) = wechat_login("u2")
check(status == 302 and headers.get("Location") == "/bind", f"WeChat callback -> 302 /bind (got {status} {headers.get('Location')})")
row = db.execute("SELECT i.app_id, i.scopes, i.nickname, s.completed_at FROM oauth_states s JOIN wechat_identities i "
                 "ON i.id = s.identity_id WHERE s.state = ?", (state,)).fetchone()
check(row and row[0] == OFFICIAL and row[1] == "snsapi_userinfo" and row[2] and row[3], f"identity and state: {row}")
check(db.execute("SELECT 1 FROM sessions WHERE id = ?", (session_of(browser),)).fetchone(), "session row written")

# A bound identity signs in to return_to; its unionid sibling in the other app joins the same user.
user = "peercheck" + uuid.uuid4().hex[:8]
sandbox.request(f"{SANDBOX}/sandbox/api/users", json_body={"id": user, "nickname": "检查"})
browser, state, _, (status, headers, _) = pc_login(user)
check(headers.get("Location") == "/bind", f"new user {user}: PC login -> /bind")
user_id = str(uuid.uuid4())
db.execute("INSERT INTO users (id, email, created_at) VALUES (?, ?, ?)", (user_id, f"{user}@example.com", time.time()))
db.execute("UPDATE wechat_identities SET user_id = ? WHERE id = (SELECT identity_id FROM oauth_states WHERE state = ?)",
           (user_id, state))
browser, _, _, (status, headers, _) = pc_login(user)
check(status == 302 and headers.get("Location") == "/account", "bound identity: PC login -> 302 /account")
sess = db.execute("SELECT data FROM sessions WHERE id = ?", (session_of(browser),)).fetchone()
check(sess and json.loads(sess[0]).get("uid") == user_id, "session row holds the signed-in user")
_, _, (status, headers, _) = wechat_login(user)
check(status == 302 and headers.get("Location") == "/account", "unionid sibling: WeChat login -> 302 /account")

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
