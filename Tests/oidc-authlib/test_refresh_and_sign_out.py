"""After the sign-in, seen through authlib: refreshing with its own `refresh_token()` (rotation, and reuse detection
ending the whole family: RFC 6749 §6, RFC 9700 §4.14), revoking with its `revoke_token()` (RFC 7009), an admin's
revocation of a person's tokens, and RP-initiated logout at the end_session_endpoint (RP-Initiated Logout 1.0)."""
import urllib.parse

import pytest
import requests
from authlib.integrations.requests_client import OAuthError
from authlib.oidc.core.util import create_half_hash

from browser import Browser
from conftest import ADMIN_TOKEN, REDIRECT_URI, authorization_url, register, session_for, verify_id_token

SCOPE = "openid profile offline_access"
BYE = "http://127.0.0.1:9/bye"  # nobody listens: the browser stops at the redirect


def signed_in(provider, site, user, phone, public=False):
    """A client registered for refresh tokens and a post-logout URI, and a person signed in through it: authlib's
    session holding the token response, the ID token's claims, and the browser."""
    client = register(provider, public=public, scope=SCOPE, grant_types=("authorization_code", "refresh_token"),
                      post_logout_redirect_uris=(BYE,))
    oauth = session_for(provider, client, SCOPE)
    url, state, verifier, nonce = authorization_url(provider, oauth)
    browser = Browser(site, user, phone)
    answer = browser.authorize(url, REDIRECT_URI)
    assert isinstance(answer, dict) and "code" in answer and answer["state"] == state, answer
    token = oauth.fetch_token(provider["token_endpoint"], code=answer["code"], code_verifier=verifier)
    assert token.get("refresh_token"), "offline_access granted, so a refresh token comes with the code's tokens"
    claims = verify_id_token(provider, client, token, nonce)
    return client, oauth, token, claims, browser


def at_hash_matches(claims, access_token):
    """Core §3.1.3.8: the left half of the SHA-256 of the access token, base64url (RS256)."""
    return claims.get("at_hash") == create_half_hash(access_token, "RS256").decode()


def userinfo(provider, access_token):
    return requests.get(provider["userinfo_endpoint"], timeout=10,
                        headers={"Authorization": "Bearer " + access_token})


def assert_dead(provider, access_token):
    """RFC 6750 §3.1: 401 with the Bearer challenge naming invalid_token, and the error in the JSON body."""
    answer = userinfo(provider, access_token)
    assert answer.status_code == 401, answer.text
    assert 'error="invalid_token"' in answer.headers["WWW-Authenticate"]
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")
    assert answer.json()["error"] == "invalid_token"


def refused(call):
    with pytest.raises(OAuthError) as caught:
        call()
    return caught.value.error


@pytest.mark.parametrize("public", [False, True], ids=["confidential", "public"])
def test_authlib_refreshes_and_the_refreshed_id_token_keeps_the_sign_in(provider, site, public):
    client, oauth, first, first_claims, _ = signed_in(provider, site, "u3", "13800138003", public=public)
    assert at_hash_matches(first_claims, first["access_token"])

    second = oauth.refresh_token(provider["token_endpoint"], refresh_token=first["refresh_token"])
    assert second["refresh_token"] != first["refresh_token"] and second["access_token"] != first["access_token"]
    assert oauth.token["refresh_token"] == second["refresh_token"], "authlib keeps the rotated token"
    claims = verify_id_token(provider, client, second, nonce=None)
    assert claims["sub"] == first_claims["sub"] and claims["auth_time"] == first_claims["auth_time"]
    assert claims["aud"] == client["client_id"] and at_hash_matches(claims, second["access_token"])
    info = oauth.get(provider["userinfo_endpoint"])
    assert info.status_code == 200 and info.json()["sub"] == first_claims["sub"]

    # The used refresh token is refused the way RFC 6749 §5.2 says, and the newer one still works after that.
    third = oauth.refresh_token(provider["token_endpoint"], refresh_token=second["refresh_token"])
    assert third["refresh_token"] not in (first["refresh_token"], second["refresh_token"])


def test_a_reused_refresh_token_is_refused_and_ends_the_whole_family(provider, site):
    client, oauth, first, _, _ = signed_in(provider, site, "u3", "13800138003")
    second = oauth.refresh_token(provider["token_endpoint"], refresh_token=first["refresh_token"])
    assert userinfo(provider, second["access_token"]).status_code == 200

    thief = session_for(provider, client, SCOPE)
    assert refused(lambda: thief.refresh_token(provider["token_endpoint"], refresh_token=first["refresh_token"])) \
        == "invalid_grant"
    # Reuse detection: the newest refresh token and its access token stop too, and so does the first access token.
    assert refused(lambda: oauth.refresh_token(provider["token_endpoint"], refresh_token=second["refresh_token"])) \
        == "invalid_grant"
    assert_dead(provider, second["access_token"])
    assert_dead(provider, first["access_token"])


@pytest.mark.parametrize("public", [False, True], ids=["confidential", "public"])
def test_authlib_revokes_a_refresh_token_and_its_family_stops(provider, site, public):
    _, oauth, first, _, _ = signed_in(provider, site, "u3", "13800138003", public=public)
    answer = oauth.revoke_token(provider["revocation_endpoint"], token=first["refresh_token"],
                                token_type_hint="refresh_token")
    assert answer.status_code == 200, answer.text
    assert answer.headers.get("Cache-Control") == "no-store"
    assert refused(lambda: oauth.refresh_token(provider["token_endpoint"], refresh_token=first["refresh_token"])) \
        == "invalid_grant"
    assert_dead(provider, first["access_token"])


def test_authlib_revokes_an_access_token_and_an_unknown_token_is_answered_200(provider, site):
    _, oauth, first, _, _ = signed_in(provider, site, "u3", "13800138003")
    answer = oauth.revoke_token(provider["revocation_endpoint"], token=first["access_token"],
                                token_type_hint="access_token")
    assert answer.status_code == 200, answer.text
    assert_dead(provider, first["access_token"])
    # RFC 7009 §2.2: an invalid token is no error; the answer tells nothing.
    unknown = oauth.revoke_token(provider["revocation_endpoint"], token="not-a-token-we-issued")
    assert unknown.status_code == 200, unknown.text
    # The refresh token was not revoked with the access token: it still refreshes.
    assert oauth.refresh_token(provider["token_endpoint"], refresh_token=first["refresh_token"])["access_token"]


def test_an_admin_revocation_ends_refreshing(provider, site):
    _, oauth, first, claims, _ = signed_in(provider, site, "u3", "13800138003")
    answer = requests.post(f"{provider['issuer']}/api/admin/users/{claims['sub']}/revoke-tokens", timeout=10,
                           headers={"Authorization": "Bearer " + ADMIN_TOKEN})
    assert answer.status_code in (200, 204), answer.text
    assert refused(lambda: oauth.refresh_token(provider["token_endpoint"], refresh_token=first["refresh_token"])) \
        == "invalid_grant"
    assert_dead(provider, first["access_token"])


def test_rp_initiated_logout_returns_with_state_and_ends_the_session(provider, site):
    client, oauth, first, _, browser = signed_in(provider, site, "u3", "13800138003")
    logout = provider["end_session_endpoint"] + "?" + urllib.parse.urlencode(
        {"id_token_hint": first["id_token"], "post_logout_redirect_uri": BYE, "state": "bye-state"})
    answer = browser.request("GET", logout)
    assert answer.status_code in (302, 303), answer.text[:300]
    location = urllib.parse.urlsplit(answer.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == BYE
    assert urllib.parse.parse_qs(location.query) == {"state": ["bye-state"]}

    # The session here ended: prompt=none cannot sign the browser in silently any more.
    url, state, _, _ = authorization_url(provider, session_for(provider, client, SCOPE), prompt="none")
    silent = browser.authorize(url, REDIRECT_URI)
    assert isinstance(silent, dict) and silent.get("error") == "login_required", silent
    assert silent["state"] == state and silent["iss"] == provider["issuer"] and "code" not in silent


def test_an_unregistered_post_logout_redirect_uri_gets_an_error_page(provider, site):
    client, _, first, _, browser = signed_in(provider, site, "u3", "13800138003")
    logout = provider["end_session_endpoint"] + "?" + urllib.parse.urlencode(
        {"id_token_hint": first["id_token"], "post_logout_redirect_uri": "https://attacker.example/bye",
         "state": "s"})
    answer = browser.request("GET", logout)
    assert answer.status_code == 400 and "Location" not in answer.headers
    assert answer.headers["Content-Type"].startswith("text/html")
    # Nothing was done: the person is still signed in here, so prompt=none still answers with a code.
    url, _, _, _ = authorization_url(provider, session_for(provider, client, SCOPE), prompt="none")
    silent = browser.authorize(url, REDIRECT_URI)
    assert isinstance(silent, dict) and "code" in silent, silent
