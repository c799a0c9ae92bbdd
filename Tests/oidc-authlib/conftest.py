"""Starts `wechat-login serve` in sandbox mode on free loopback ports for the authlib-driven provider tests."""
import os
import secrets
import socket
import subprocess
import tempfile
import time
import warnings

import pytest
import requests
from authlib.integrations.requests_client import OAuth2Session
from authlib.oidc.core import CodeIDToken

from browser import OUTBOXES
from world import World, phone_code

# authlib.jose verifies the ID token (CodeIDToken checks nonce and at_hash with it); authlib announces its move to
# joserfc on import, which is not this suite's concern.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from authlib.jose import JsonWebKey, jwt

ADMIN_TOKEN = "oidc-authlib-admin-" + secrets.token_hex(16)
REDIRECT_URI = "http://127.0.0.1:9/callback"  # nobody listens: the browser stops at the redirect


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_health(url, process, log):
    for _ in range(300):
        try:
            if requests.get(url + "/healthz", timeout=1).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        if process.poll() is not None:
            break
        time.sleep(0.2)
    log.seek(0)
    pytest.fail(f"wechat-login serve did not start at {url}:\n" + log.read().decode(errors="replace")[-4000:])


def stop(process):
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def binary():
    path = os.environ.get("WECHAT_LOGIN_BIN")
    if not path:
        pytest.fail("WECHAT_LOGIN_BIN must name the built wechat-login (scripts/oidc-authlib-test sets it)")
    return path


def postgres_url(variable):
    url = os.environ.get(variable)
    if not url:
        pytest.fail(f"{variable} must name an empty PostgreSQL database (scripts/oidc-authlib-test sets it)")
    return url


def standalone_world(database, public_port):
    return World(binary(), database, public_port, ADMIN_TOKEN, free_port, wait_for_health, stop)


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def site(request):
    """The login server: in sandbox mode (SQLite in a temporary directory, the embedded sandbox on loopback), and
    with real-looking credentials on PostgreSQL (OIDC_AUTHLIB_PG_URL) against a standalone sandbox."""
    if request.param == "postgres":
        port = free_port()
        world = standalone_world(postgres_url("OIDC_AUTHLIB_PG_URL"), port)
        try:
            url = world.serve("server", port)
            OUTBOXES[url] = phone_code
            yield url
        finally:
            world.close()
        return
    work = tempfile.TemporaryDirectory()
    port, sandbox_port = free_port(), free_port()
    while sandbox_port == port:
        sandbox_port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("WECHAT_") and k not in (
        "CODE_WEBHOOK_URL", "METRICS_TOKEN", "PUBLIC_URL", "TOKEN_ENCRYPTION_KEY", "DATABASE_URL")}
    env.update({"DATABASE_URL": f"sqlite:{work.name}/oidc.sqlite", "WECHAT_SANDBOX": "on", "RATE_LIMITS": "off",
                "ADMIN_API_TOKEN": ADMIN_TOKEN, "LOG_LEVEL": "notice"})
    log = tempfile.TemporaryFile()
    process = subprocess.Popen([binary(), "serve", "--port", str(port), "--sandbox-port", str(sandbox_port)],
                               cwd=work.name, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(url, process, log)
        yield url
    finally:
        stop(process)
        log.close()
        work.cleanup()


@pytest.fixture(scope="session")
def provider(site):
    """The provider's metadata from discovery: every URL below comes from here, as a client library's would."""
    answer = requests.get(site + "/.well-known/openid-configuration", timeout=10)
    assert answer.status_code == 200
    return answer.json()


def register(provider, public=False, scope="openid profile phone wechat", redirect_uris=(REDIRECT_URI,),
             grant_types=("authorization_code",), post_logout_redirect_uris=()):
    """RFC 7591 registration with the admin bearer as the initial access token."""
    body = {"client_name": "authlib test app", "redirect_uris": list(redirect_uris), "scope": scope,
            "grant_types": list(grant_types), "token_endpoint_auth_method": "none" if public
            else "client_secret_basic", "post_logout_redirect_uris": list(post_logout_redirect_uris)}
    answer = requests.post(provider["registration_endpoint"], json=body, timeout=10,
                           headers={"Authorization": "Bearer " + ADMIN_TOKEN})
    assert answer.status_code == 201, answer.text
    client = answer.json()
    assert ("client_secret" in client) != public
    return client


def session_for(provider, client, scope="openid profile phone wechat"):
    """authlib's OAuth2 client for a registered client, with PKCE (S256) as every client here uses it."""
    return OAuth2Session(client["client_id"], client.get("client_secret"), scope=scope,
                         redirect_uri=client["redirect_uris"][0], code_challenge_method="S256",
                         token_endpoint_auth_method=client["token_endpoint_auth_method"])


def authorization_url(provider, oauth, **extra):
    """authlib builds the authorization request: state, nonce and the S256 challenge of a fresh verifier."""
    verifier = secrets.token_urlsafe(48)
    nonce = secrets.token_urlsafe(16)
    url, state = oauth.create_authorization_url(provider["authorization_endpoint"], code_verifier=verifier,
                                                nonce=nonce, **extra)
    return url, state, verifier, nonce


def verify_id_token(provider, client, token, nonce):
    """Verifies the ID token with authlib against the keys at the discovered jwks_uri: signature, iss, aud, azp,
    exp, iat, nonce (when the request sent one; a refreshed ID token has none) and at_hash (Core §3.1.3.7)."""
    keys = JsonWebKey.import_key_set(requests.get(provider["jwks_uri"], timeout=10).json())
    claims = jwt.decode(token["id_token"], keys, claims_cls=CodeIDToken,
                        claims_options={"iss": {"essential": True, "value": provider["issuer"]}},
                        claims_params={"nonce": nonce, "client_id": client["client_id"],
                                       "access_token": token["access_token"]})
    claims.validate(leeway=5)
    return claims
