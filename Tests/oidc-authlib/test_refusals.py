"""The negative cases fail the way the standards say, seen through authlib: a reused code (RFC 6749 §4.1.2), a
wrong redirect URI, a wrong or missing PKCE verifier (RFC 7636 §4.6), an unregistered redirect URI or unknown
client at the authorization endpoint (an error page, never a redirect: RFC 6749 §4.1.2.1), prompt=none without a
session (Core §3.1.2.6), and a revoked client."""
import urllib.parse

import pytest
import requests
from authlib.integrations.requests_client import OAuthError

from browser import Browser
from conftest import ADMIN_TOKEN, REDIRECT_URI, authorization_url, register, session_for

OTHER_REDIRECT_URI = "http://127.0.0.1:9/other-callback"


def code_for(provider, client, browser, redirect_uri=REDIRECT_URI, **extra):
    """Runs the authorization request to its code; returns authlib's session, the code and the PKCE verifier."""
    oauth = session_for(provider, client)
    oauth.redirect_uri = redirect_uri
    url, state, verifier, _ = authorization_url(provider, oauth, **extra)
    answer = browser.authorize(url, redirect_uri)
    assert isinstance(answer, dict) and "code" in answer and answer["state"] == state, answer
    return oauth, answer["code"], verifier


def refused(call):
    with pytest.raises(OAuthError) as caught:
        call()
    return caught.value.error


def test_a_reused_code_is_refused_and_revokes_what_it_issued(provider, site):
    client = register(provider)
    oauth, code, verifier = code_for(provider, client, Browser(site, "u3", "13800138003"))
    token = oauth.fetch_token(provider["token_endpoint"], code=code, code_verifier=verifier)
    assert oauth.get(provider["userinfo_endpoint"]).status_code == 200

    again = session_for(provider, client)
    assert refused(lambda: again.fetch_token(provider["token_endpoint"], code=code, code_verifier=verifier)) \
        == "invalid_grant"
    answer = requests.get(provider["userinfo_endpoint"], timeout=10,
                          headers={"Authorization": "Bearer " + token["access_token"]})
    assert answer.status_code == 401 and 'error="invalid_token"' in answer.headers["WWW-Authenticate"]


def test_a_code_redeemed_with_another_redirect_uri_is_refused(provider, site):
    client = register(provider, redirect_uris=(REDIRECT_URI, OTHER_REDIRECT_URI))
    _, code, verifier = code_for(provider, client, Browser(site, "u3", "13800138003"))
    other = session_for(provider, client)
    other.redirect_uri = OTHER_REDIRECT_URI
    assert refused(lambda: other.fetch_token(provider["token_endpoint"], code=code, code_verifier=verifier)) \
        == "invalid_grant"


@pytest.mark.parametrize("public", [False, True], ids=["confidential", "public"])
def test_a_wrong_or_missing_pkce_verifier_is_refused(provider, site, public):
    client = register(provider, public=public)
    browser = Browser(site, "u3", "13800138003")
    oauth, code, verifier = code_for(provider, client, browser)
    assert refused(lambda: oauth.fetch_token(provider["token_endpoint"], code=code,
                                             code_verifier=verifier[:-1] + ("A" if verifier[-1] != "A" else "B"))) \
        == "invalid_grant"
    # The code was spent by the failed attempt: the right verifier cannot redeem it afterwards.
    assert refused(lambda: oauth.fetch_token(provider["token_endpoint"], code=code, code_verifier=verifier)) \
        == "invalid_grant"

    oauth, code, _ = code_for(provider, client, browser)
    assert refused(lambda: oauth.fetch_token(provider["token_endpoint"], code=code)) == "invalid_grant"


def test_a_public_client_cannot_ask_without_pkce(provider, site):
    client = register(provider, public=True)
    oauth = session_for(provider, client)
    url, state = oauth.create_authorization_url(provider["authorization_endpoint"], nonce="n")  # no code_verifier
    answer = Browser(site, "u3", "13800138003").authorize(url, REDIRECT_URI)
    assert isinstance(answer, dict) and answer.get("error") == "invalid_request", answer
    assert answer["state"] == state and answer["iss"] == provider["issuer"] and "code" not in answer


@pytest.mark.parametrize("what", ["unregistered redirect URI", "unknown client"])
def test_the_authorization_endpoint_shows_a_page_instead_of_redirecting(provider, site, what):
    client = register(provider)
    oauth = session_for(provider, client)
    if what == "unknown client":
        oauth.client_id = "not-a-registered-client"
    else:
        oauth.redirect_uri = "https://attacker.example/callback"
    url, _, _, _ = authorization_url(provider, oauth)
    answer = Browser(site, "u3", "13800138003").authorize(url, oauth.redirect_uri)
    assert not isinstance(answer, dict), f"redirected to the client: {answer}"
    assert answer.status_code == 400 and "Location" not in answer.headers
    assert answer.headers["Content-Type"].startswith("text/html")


def test_prompt_none_without_a_session_answers_login_required_at_once(provider, site):
    client = register(provider)
    oauth = session_for(provider, client)
    url, state, _, _ = authorization_url(provider, oauth, prompt="none")
    browser = Browser(site, "u3", "13800138003")
    answer = browser.authorize(url, REDIRECT_URI)
    assert isinstance(answer, dict), answer
    assert answer == {"error": "login_required", "error_description": answer.get("error_description"),
                      "state": state, "iss": provider["issuer"]}
    assert browser.visited == ["/oauth/authorize"]  # no page, no trip to /login or WeChat


def test_an_unsupported_scope_request_without_openid_is_refused(provider, site):
    client = register(provider)
    oauth = session_for(provider, client, scope="profile")
    url, state, _, _ = authorization_url(provider, oauth)
    answer = Browser(site, "u3", "13800138003").authorize(url, REDIRECT_URI)
    assert isinstance(answer, dict) and answer.get("error") == "invalid_scope" and answer["state"] == state, answer


def test_a_revoked_client_is_refused_everywhere(provider, site):
    client = register(provider)
    browser = Browser(site, "u3", "13800138003")
    oauth, code, verifier = code_for(provider, client, browser)
    oauth.fetch_token(provider["token_endpoint"], code=code, code_verifier=verifier)
    assert oauth.get(provider["userinfo_endpoint"]).status_code == 200
    _, pending_code, pending_verifier = code_for(provider, client, browser)

    revoked = requests.delete(f"{provider['issuer']}/api/admin/oidc-clients/{urllib.parse.quote(client['client_id'])}",
                              headers={"Authorization": "Bearer " + ADMIN_TOKEN}, timeout=10)
    assert revoked.status_code in (200, 204), revoked.text

    # Its tokens stop working, its unredeemed code cannot be redeemed, and its authorization requests get a page.
    assert oauth.get(provider["userinfo_endpoint"]).status_code == 401
    token_answer = requests.post(provider["token_endpoint"], auth=(client["client_id"], client["client_secret"]),
                                 data={"grant_type": "authorization_code", "code": pending_code,
                                       "redirect_uri": REDIRECT_URI, "code_verifier": pending_verifier}, timeout=10)
    assert token_answer.status_code == 401 and token_answer.json()["error"] == "invalid_client"
    assert token_answer.headers.get("WWW-Authenticate", "").startswith("Basic")
    again = session_for(provider, client)
    assert refused(lambda: again.fetch_token(provider["token_endpoint"], code=pending_code,
                                             code_verifier=pending_verifier)) == "invalid_client"
    url, _, _, _ = authorization_url(provider, session_for(provider, client))
    page = browser.authorize(url, REDIRECT_URI)
    assert not isinstance(page, dict) and page.status_code == 400 and "Location" not in page.headers
