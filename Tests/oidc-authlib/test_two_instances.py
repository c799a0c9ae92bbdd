"""Two `wechat-login serve` processes on one PostgreSQL database serve one provider (issue 13): a code issued by
one is redeemed at the other, and a key rotated with `wechat-login rotate-signing-keys` on the shared database is
published by both. Real-looking credentials against a standalone `wechat-login sandbox`, as in
scripts/multi-instance-test (world.py): sandbox mode is SQLite-only."""
import base64
import json
import subprocess
import time

import pytest
import requests
from authlib.integrations.requests_client import OAuth2Session

from browser import Browser
from conftest import (REDIRECT_URI, authorization_url, binary, free_port, postgres_url, register,
                      standalone_world, verify_id_token)
from world import phone_code


@pytest.fixture(scope="module")
def instances():
    """Instances A and B behind one PUBLIC_URL (A's address stands for the load balancer's: the browser is sent
    there, the app's back end talks to either), on the database OIDC_AUTHLIB_PG_PAIR_URL."""
    ports = [free_port(), free_port()]
    world = standalone_world(postgres_url("OIDC_AUTHLIB_PG_PAIR_URL"), ports[0])
    try:
        urls = [world.serve("a", ports[0]), world.serve("b", ports[1])]
        yield {"urls": urls, "env": world.env, "restart_a": lambda: world.serve("a", ports[0])}
    finally:
        world.close()


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
