"""Two `wechat-login serve` processes on one PostgreSQL database serve one provider (issue 13): a code issued by
one is redeemed at the other, and a key rotated with `wechat-login rotate-signing-keys` on the shared database is
published by both. Real-looking credentials against a standalone `wechat-login sandbox`, as in
scripts/multi-instance-test: sandbox mode is SQLite-only. One-time codes for binding reach a webhook served here.

The database is OIDC_AUTHLIB_PG_URL (scripts/oidc-authlib-test starts a throwaway PostgreSQL server for it)."""
import base64
import http.server
import json
import os
import subprocess
import tempfile
import threading
import time

import pytest
import requests
from authlib.integrations.requests_client import OAuth2Session

from browser import Browser
from conftest import (ADMIN_TOKEN, REDIRECT_URI, authorization_url, binary, free_port, register, stop,
                      verify_id_token, wait_for_health)

OA_APPID = "wx5a1c9e0b3d7f2468"  # the sandbox's seeded official account and its secret
OA_SECRET = "3f6c2a9e8b1d4f7a0c5e9b2d6a8f1c3e"
TOKEN_KEY = "k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="


class CodeWebhook(http.server.BaseHTTPRequestHandler):
    """CODE_WEBHOOK_URL: keeps the last one-time code sent to each destination."""
    codes = {}

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        CodeWebhook.codes[body["destination"]] = body["code"]
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def phone_code(phone):
    for _ in range(50):
        for destination, code in CodeWebhook.codes.items():
            if destination.endswith(phone):
                return code
        time.sleep(0.1)
    raise AssertionError(f"no one-time code reached the webhook for {phone}: {CodeWebhook.codes}")


@pytest.fixture(scope="module")
def instances():
    """The sandbox, the webhook, and instances A and B behind one PUBLIC_URL (A's address stands for the load
    balancer's: the browser is sent there, the app's back end talks to either)."""
    database = os.environ.get("OIDC_AUTHLIB_PG_URL")
    if not database:
        pytest.fail("OIDC_AUTHLIB_PG_URL must name an empty PostgreSQL database (scripts/oidc-authlib-test sets it)")
    processes, logs = [], []
    webhook = http.server.ThreadingHTTPServer(("127.0.0.1", 0), CodeWebhook)
    threading.Thread(target=webhook.serve_forever, daemon=True).start()

    def start(args, env=None):
        log = tempfile.TemporaryFile()
        logs.append(log)
        processes.append(subprocess.Popen([binary()] + args, env=env, stdout=log, stderr=subprocess.STDOUT))
        return processes[-1], log

    try:
        sandbox_port = free_port()
        sandbox = f"http://127.0.0.1:{sandbox_port}"
        process, log = start(["sandbox", "--port", str(sandbox_port)])
        for _ in range(150):
            try:
                if requests.get(sandbox + "/sandbox/api/apps", timeout=1).status_code == 200:
                    break
            except requests.ConnectionError:
                time.sleep(0.2)
        ports = [free_port(), free_port()]
        public_url = f"http://127.0.0.1:{ports[0]}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("WECHAT_")}
        env.update({"WECHAT_OA_APPID": OA_APPID, "WECHAT_OA_SECRET": OA_SECRET, "WECHAT_API_BASE_URL": sandbox,
                    "DATABASE_URL": database, "TOKEN_ENCRYPTION_KEY": TOKEN_KEY, "PUBLIC_URL": public_url,
                    "ADMIN_API_TOKEN": ADMIN_TOKEN, "RATE_LIMITS": "off", "LOG_LEVEL": "notice",
                    "CODE_WEBHOOK_URL": f"http://127.0.0.1:{webhook.server_address[1]}/codes"})
        urls = []
        for port in ports:
            process, log = start(["serve", "--port", str(port), "--sandbox-port", str(free_port())], env)
            urls.append(f"http://127.0.0.1:{port}")
            wait_for_health(urls[-1], process, log)
        patched = requests.patch(f"{sandbox}/sandbox/api/apps/{OA_APPID}", json={"webAuthDomain": public_url[7:]},
                                 timeout=10)
        assert patched.status_code == 200, patched.text

        def restart_a():
            stop(processes[1])
            processes[1], log = start(["serve", "--port", str(ports[0]), "--sandbox-port", str(free_port())], env)
            wait_for_health(urls[0], processes[1], log)

        yield {"urls": urls, "env": env, "restart_a": restart_a}
    finally:
        for process in reversed(processes):
            stop(process)
        for log in logs:
            log.close()
        webhook.shutdown()
        webhook.server_close()


def discover(url):
    return requests.get(url + "/.well-known/openid-configuration", timeout=10).json()


def code_from_a(instances, client, browser):
    a = discover(instances["urls"][0])
    oauth = OAuth2Session(client["client_id"], client["client_secret"], scope="openid profile phone",
                          redirect_uri=REDIRECT_URI, code_challenge_method="S256")
    url, state, verifier, nonce = authorization_url(a, oauth)
    answer = browser.authorize(url, REDIRECT_URI)
    assert isinstance(answer, dict) and "code" in answer and answer["state"] == state, answer
    return oauth, answer["code"], verifier, nonce


def test_a_code_issued_by_one_instance_is_redeemed_at_the_other(instances):
    a_url, b_url = instances["urls"]
    a, b = discover(a_url), discover(b_url)
    assert a["issuer"] == b["issuer"] == a_url
    client = register(a)
    browser = Browser(a_url, "u1", "13800138011", in_wechat=True, outbox=phone_code)
    oauth, code, verifier, nonce = code_from_a(instances, client, browser)
    assert "/bind" in browser.visited

    token = oauth.fetch_token(b_url + "/oauth/token", code=code, code_verifier=verifier)
    verify_id_token(b, client, token, nonce)  # against B's JWKS
    assert oauth.get(b_url + "/oauth/userinfo").json()["phone_number"] == "+8613800138011"
    assert oauth.get(a_url + "/oauth/userinfo").status_code == 200
    # Single use across instances: A refuses the code B redeemed.
    again = requests.post(a_url + "/oauth/token", auth=(client["client_id"], client["client_secret"]),
                          data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI,
                                "code_verifier": verifier}, timeout=10)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"


def test_a_key_rotated_on_the_shared_database_is_published_by_both(instances):
    a_url, b_url = instances["urls"]
    kids = lambda url: [key["kid"] for key in requests.get(url + "/oauth/jwks", timeout=10).json()["keys"]]
    before = kids(a_url)
    assert set(kids(b_url)) == set(before)

    rotated = subprocess.run([binary(), "rotate-signing-keys"], env=instances["env"], capture_output=True,
                             timeout=120)
    assert rotated.returncode == 0, rotated.stdout + rotated.stderr
    # A restarts (as in a rolling deploy) and signs with the new key at once; B is left running.
    instances["restart_a"]()
    assert set(kids(a_url)) > set(before)
    client = register(discover(a_url))
    browser = Browser(a_url, "u1", "13800138011", in_wechat=True, outbox=phone_code)
    oauth, code, verifier, nonce = code_from_a(instances, client, browser)
    token = oauth.fetch_token(a_url + "/oauth/token", code=code, code_verifier=verifier)
    verify_id_token(discover(a_url), client, token, nonce)
    header = token["id_token"].split(".")[0]
    new_kid = json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))["kid"]
    assert new_kid not in before

    # B meets a token signed with a key it has not seen: it reloads the shared key table (at most every 5 s) and
    # accepts it; from then on its JWKS publishes the new key beside the old one.
    deadline = time.time() + 10
    while oauth.get(b_url + "/oauth/userinfo").status_code != 200:
        assert time.time() < deadline, "B never accepted a token signed with the rotated key"
        time.sleep(0.5)
    published = kids(b_url)
    assert new_kid in published and set(before) <= set(published)
    verify_id_token(discover(b_url), client, token, nonce)
