"""A client that registers `id_token_signed_response_alg: ES256` (Dynamic Client Registration §2) gets ES256 ID
tokens that authlib verifies against the EC key at the discovered jwks_uri; an algorithm the provider does not sign
with is refused at registration with RFC 7591's error."""
import base64
import json

import requests

from browser import Browser
from conftest import ADMIN_TOKEN, REDIRECT_URI, authorization_url, session_for, verify_id_token


def register_with_alg(provider, alg):
    body = {"client_name": "authlib ES256 app", "redirect_uris": [REDIRECT_URI], "scope": "openid profile",
            "id_token_signed_response_alg": alg}
    return requests.post(provider["registration_endpoint"], json=body, timeout=10,
                         headers={"Authorization": "Bearer " + ADMIN_TOKEN})


def header(token):
    part = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def test_an_es256_client_gets_an_es256_id_token_that_verifies(provider, site):
    assert provider["id_token_signing_alg_values_supported"] == ["RS256", "ES256"]
    answer = register_with_alg(provider, "ES256")
    assert answer.status_code == 201, answer.text
    client = answer.json()
    assert client["id_token_signed_response_alg"] == "ES256"

    oauth = session_for(provider, client, "openid profile")
    url, state, verifier, nonce = authorization_url(provider, oauth)
    redirect = Browser(site, "u3", "13800138003").authorize(url, REDIRECT_URI)
    assert isinstance(redirect, dict) and redirect.get("state") == state and "code" in redirect, redirect
    token = oauth.fetch_token(provider["token_endpoint"], code=redirect["code"], code_verifier=verifier)

    id_header = header(token["id_token"])
    assert id_header["alg"] == "ES256"
    keys = requests.get(provider["jwks_uri"], timeout=10).json()["keys"]
    signing_key = next(key for key in keys if key["kid"] == id_header["kid"])
    assert signing_key["kty"] == "EC" and signing_key["crv"] == "P-256" and signing_key["alg"] == "ES256"
    claims = verify_id_token(provider, client, token, nonce)  # signature, iss, aud, nonce, at_hash
    assert claims["aud"] == client["client_id"]
    assert header(token["access_token"])["alg"] == "RS256"  # access tokens stay RS256


def test_an_algorithm_the_provider_does_not_sign_with_is_refused(provider):
    for alg in ("none", "HS256", "RS512"):
        answer = register_with_alg(provider, alg)
        assert answer.status_code == 400, answer.text
        assert answer.json()["error"] == "invalid_client_metadata"
