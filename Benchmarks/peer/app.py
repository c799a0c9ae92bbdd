"""The benchmark peer: "Sign in with WeChat" on wechatpy + Flask, served by gunicorn (see README.md).

It serves the login server's two login routes, `/login` and `/auth/wechat/callback`, doing the same database work
per login as the Swift server, against the WeChat sandbox.
"""
import base64
import copy
import hashlib
import json
import os
import secrets
import sqlite3
import string
import time
import uuid

import requests
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import Flask, redirect, request
from wechatpy.exceptions import WeChatOAuthException
from wechatpy.oauth import WeChatOAuth

SANDBOX = os.environ.get("WECHAT_SANDBOX_URL", "http://127.0.0.1:18081").rstrip("/")
PUBLIC_URL = os.environ.get("PEER_PUBLIC_URL", "http://127.0.0.1:8080").rstrip("/")
DB_PATH = os.environ.get("PEER_DB", "peer.sqlite")
STATE_LIFETIME, SESSION_LIFETIME, REFRESH_LIFETIME = 10 * 60, 7 * 24 * 3600, 30 * 24 * 3600
BINDING_COOKIE, SESSION_COOKIE = "wl_login", "wl_session"
ALPHABET = string.ascii_letters + string.digits

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (id TEXT PRIMARY KEY, phone TEXT UNIQUE, email TEXT UNIQUE, created_at REAL);
CREATE TABLE IF NOT EXISTS wechat_identities (
  id TEXT PRIMARY KEY, app_id TEXT NOT NULL, openid TEXT NOT NULL, unionid TEXT,
  user_id TEXT REFERENCES users(id) ON DELETE SET NULL, nickname TEXT, avatar_url TEXT, scopes TEXT NOT NULL,
  access_token_sealed TEXT, access_token_expires_at REAL, refresh_token_sealed TEXT, refresh_token_expires_at REAL,
  last_login_at REAL, created_at REAL, UNIQUE (app_id, openid));
CREATE INDEX IF NOT EXISTS wechat_identities_unionid ON wechat_identities (unionid);
CREATE TABLE IF NOT EXISTS oauth_states (
  state TEXT PRIMARY KEY, browser_binding_hash TEXT NOT NULL, app_id TEXT NOT NULL, flow TEXT NOT NULL,
  return_to TEXT NOT NULL, created_at REAL NOT NULL, claimed_at REAL, completed_at REAL, identity_id TEXT);
CREATE TABLE IF NOT EXISTS sessions (id TEXT PRIMARY KEY, data TEXT NOT NULL, expires_at REAL NOT NULL);
"""


def connect():
    conn = sqlite3.connect(DB_PATH, isolation_level=None)  # autocommit; transactions are explicit
    conn.execute("PRAGMA busy_timeout = 5000")
    conn.execute("PRAGMA journal_mode = WAL")
    return conn


def init_db():
    conn = connect()
    conn.executescript(SCHEMA)
    conn.close()


init_db()  # run-peer.sh imports this module once before gunicorn starts, so workers find the schema and WAL set
_db = None


def db():
    global _db  # one connection per worker process, opened after the fork
    if _db is None:
        _db = connect()
    return _db


# Tokens are sealed at rest with AES-256-GCM, a random 12-byte nonce and the identity as associated data: this
# mirrors the Swift server's TokenCipher (`v1.<key id>.<base64(nonce | ciphertext | tag)>`).
CIPHER = AESGCM(base64.b64decode(os.environ["PEER_TOKEN_KEY"]) if "PEER_TOKEN_KEY" in os.environ
                else AESGCM.generate_key(bit_length=256))


def seal(value, context):
    nonce = os.urandom(12)
    return "v1.k1." + base64.b64encode(nonce + CIPHER.encrypt(nonce, value.encode(), context.encode())).decode()


class SandboxOAuth(WeChatOAuth):
    API_BASE_URL = SANDBOX + "/"
    OAUTH_BASE_URL = SANDBOX + "/connect/"


CALLBACK = PUBLIC_URL + "/auth/wechat/callback"
# One client per app per worker; each request works on a shallow copy (its own state/token attributes) that shares
# the client's requests.Session, so WeChat calls reuse kept-alive connections as the Swift server's pool does.
CLIENTS = {
    "officialAccount": SandboxOAuth(os.environ.get("OFFICIAL_APPID", "wx5a1c9e0b3d7f2468"),
                                    os.environ.get("OFFICIAL_SECRET", "3f6c2a9e8b1d4f7a0c5e9b2d6a8f1c3e"),
                                    CALLBACK, scope="snsapi_userinfo"),
    "website": SandboxOAuth(os.environ.get("WEBSITE_APPID", "wx8e2f4a6c0b1d3e5f"),
                            os.environ.get("WEBSITE_SECRET", "9b7d5f3a1c8e6b4d2f0a9c7e5b3d1f8a"),
                            CALLBACK, scope="snsapi_login"),
}

app = Flask(__name__)


def random_token(length=32):
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def sha256(value):
    return hashlib.sha256(value.encode()).hexdigest()


def safe_return_to(raw):
    """A same-site relative path, else "/" (the Swift server's ReturnTo rules)."""
    if not raw or len(raw.encode()) > 1024 or raw[0] != "/" or raw[1:2] in ("/", "\\"):
        return "/"
    if any(c == "\\" or ord(c) < 0x21 or ord(c) == 0x7F for c in raw):
        return "/"
    return raw


def release(state, claimed_at):
    db().execute("UPDATE oauth_states SET claimed_at = NULL WHERE state = ? AND claimed_at = ? "
                 "AND completed_at IS NULL", (state, claimed_at))


@app.get("/login")
def login():
    return_to = safe_return_to(request.args.get("return_to"))
    flow = "officialAccount" if "MicroMessenger" in request.headers.get("User-Agent", "") else "website"
    binding = request.cookies.get(BINDING_COOKIE, "")
    if len(binding) != 32 or not binding.isascii() or not binding.isalnum():
        binding = random_token()
    state = random_token()
    client = copy.copy(CLIENTS[flow])
    client.state = state
    db().execute("INSERT INTO oauth_states (state, browser_binding_hash, app_id, flow, return_to, created_at) "
                 "VALUES (?, ?, ?, ?, ?, ?)", (state, sha256(binding), client.app_id, flow, return_to, time.time()))
    response = redirect(client.authorize_url if flow == "officialAccount" else client.qrconnect_url)
    response.set_cookie(BINDING_COOKIE, binding, max_age=STATE_LIFETIME * 3, httponly=True, samesite="Lax")
    return response


@app.get("/auth/wechat/callback")
def callback():
    state, code = request.args.get("state", ""), request.args.get("code", "")
    binding = request.cookies.get(BINDING_COOKIE)
    if not state or not binding:
        return "invalid login state", 400
    now = time.time()
    # One conditional UPDATE claims the state: unused, started by this browser, younger than its lifetime.
    row = db().execute(
        "UPDATE oauth_states SET claimed_at = ? WHERE state = ? AND browser_binding_hash = ? AND claimed_at IS NULL "
        "AND completed_at IS NULL AND created_at > ? RETURNING flow, return_to",
        (now, state, sha256(binding), now - STATE_LIFETIME)).fetchone()
    if row is None:
        return "invalid, used or expired login state", 403
    flow, return_to = row
    client = copy.copy(CLIENTS[flow])
    try:
        if not code or len(code) > 512:
            raise WeChatOAuthException(None, "consent declined")
        token = client.fetch_access_token(code)
        if token.get("is_snapshotuser") == 1:
            raise WeChatOAuthException(None, "snapshot user")
        scopes = sorted(token.get("scope", "").split(","))
        profile = (client.get_user_info(token["openid"], token["access_token"])
                   if "snsapi_userinfo" in scopes or "snsapi_login" in scopes else {})
    except (WeChatOAuthException, requests.RequestException, ValueError, KeyError) as error:
        release(state, now)  # give the claim back, as the Swift server does, and write nothing
        return f"WeChat refused the login: {getattr(error, 'errmsg', type(error).__name__)}", 502

    openid, unionid = token["openid"], token.get("unionid") or profile.get("unionid")
    context = f"{client.app_id}:{openid}"
    conn = db()
    conn.execute("BEGIN IMMEDIATE")
    try:
        # A new identity joins the user of another identity with the same unionid (the Swift server does the same).
        sibling = unionid and conn.execute(
            "SELECT user_id FROM wechat_identities WHERE unionid = ? AND user_id IS NOT NULL LIMIT 1",
            (unionid,)).fetchone()
        identity_id, user_id = conn.execute(
            "INSERT INTO wechat_identities (id, app_id, openid, unionid, user_id, nickname, avatar_url, scopes, "
            "access_token_sealed, access_token_expires_at, refresh_token_sealed, refresh_token_expires_at, "
            "last_login_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (app_id, openid) DO UPDATE SET unionid = coalesce(excluded.unionid, unionid), "
            "user_id = coalesce(user_id, excluded.user_id), nickname = coalesce(excluded.nickname, nickname), "
            "avatar_url = coalesce(excluded.avatar_url, avatar_url), scopes = excluded.scopes, "
            "access_token_sealed = excluded.access_token_sealed, "
            "access_token_expires_at = excluded.access_token_expires_at, "
            "refresh_token_sealed = excluded.refresh_token_sealed, "
            "refresh_token_expires_at = excluded.refresh_token_expires_at, last_login_at = excluded.last_login_at "
            "RETURNING id, user_id",
            (str(uuid.uuid4()), client.app_id, openid, unionid, sibling[0] if sibling else None,
             profile.get("nickname") or None, profile.get("headimgurl") or None, ",".join(scopes),
             seal(token["access_token"], context + ":access"), now + token["expires_in"],
             seal(token["refresh_token"], context + ":refresh"), now + REFRESH_LIFETIME, now, now)).fetchone()
        conn.execute("UPDATE oauth_states SET completed_at = ?, identity_id = ? WHERE state = ? AND claimed_at = ?",
                     (now, identity_id, state, now))
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        release(state, now)
        raise

    # A server-side session under a fresh id: the signed-in user, or the identity still to be bound.
    session_id = secrets.token_urlsafe(32)
    data = {"uid": user_id, "at": now} if user_id else {"pending": identity_id, "return": return_to}
    conn.execute("INSERT INTO sessions (id, data, expires_at) VALUES (?, ?, ?)",
                 (session_id, json.dumps(data), now + SESSION_LIFETIME))
    response = redirect(return_to if user_id else "/bind")
    response.set_cookie(SESSION_COOKIE, session_id, max_age=SESSION_LIFETIME, httponly=True, samesite="Lax")
    return response
