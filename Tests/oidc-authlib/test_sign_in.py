"""authlib, unmodified, signs sandbox WeChat users in through the provider: the PC QR flow and the in-WeChat flow,
each with a first-time binding, the ID token verified against the JWKS, userinfo by scope, and single sign-on."""
from browser import Browser
from conftest import authorization_url, register, session_for, verify_id_token

SANDBOX_PATHS = ("/connect/oauth2/authorize", "/connect/qrconnect", "/auth/wechat/callback")


def sign_in(provider, client, browser, scope="openid profile phone wechat", **extra):
    """The whole code flow as an app runs it: authlib's request, the browser's trip, authlib's token request."""
    oauth = session_for(provider, client, scope)
    url, state, verifier, nonce = authorization_url(provider, oauth, **extra)
    answer = browser.authorize(url, client["redirect_uris"][0])
    assert isinstance(answer, dict), f"the provider answered a page: {answer.status_code} {answer.text[:300]}"
    assert answer.get("state") == state and answer.get("iss") == provider["issuer"], answer
    assert "code" in answer, answer
    responses = []
    oauth.hooks["response"].append(lambda response, *args, **kwargs: responses.append(response))
    token = oauth.fetch_token(provider["token_endpoint"], code=answer["code"], code_verifier=verifier)
    assert responses[-1].headers.get("Cache-Control") == "no-store"
    assert token["token_type"].lower() == "bearer" and token["expires_in"] > 0
    claims = verify_id_token(provider, client, token, nonce)
    return oauth, token, claims


def test_pc_qr_sign_in_with_first_time_binding(provider, site):
    client = register(provider)
    browser = Browser(site, "u1", "13800138001")
    oauth, token, claims = sign_in(provider, client, browser)
    assert "/connect/qrconnect" in browser.visited and "/bind" in browser.visited
    assert claims["aud"] == client["client_id"] and claims["azp"] == client["client_id"]
    assert claims["amr"] == ["wechat"] and claims["auth_time"] <= claims["iat"]
    assert set(token["scope"].split()) == {"openid", "profile", "phone", "wechat"}

    info = oauth.get(provider["userinfo_endpoint"])
    assert info.status_code == 200
    info = info.json()
    assert info["sub"] == claims["sub"]
    assert info["phone_number"] == "+8613800138001" and info["phone_number_verified"] is True
    assert info["name"] == "张三"
    assert any(identity["openid"] for identity in info["wechat_identities"])
    assert "email" not in info  # the scope did not ask for it


def test_in_wechat_sign_in_with_first_time_binding_for_a_public_client(provider, site):
    client = register(provider, public=True)
    assert client["token_endpoint_auth_method"] == "none"
    browser = Browser(site, "u2", "13800138002", in_wechat=True)
    oauth, token, claims = sign_in(provider, client, browser, scope="openid profile")
    assert "/connect/oauth2/authorize" in browser.visited and "/connect/qrconnect" not in browser.visited
    assert "/bind" in browser.visited
    assert claims["aud"] == client["client_id"]

    info = oauth.get(provider["userinfo_endpoint"]).json()
    assert info["sub"] == claims["sub"] and info["name"] == "李四"
    # Claims by scope: no phone or WeChat identities without their scopes.
    assert "phone_number" not in info and "wechat_identities" not in info


def test_a_second_app_signs_the_same_browser_in_without_wechat(provider, site):
    shop, back_office = register(provider), register(provider, public=True)
    browser = Browser(site, "u3", "13800138003")
    _, _, first = sign_in(provider, shop, browser)
    seen = len(browser.visited)
    _, _, second = sign_in(provider, back_office, browser, scope="openid")
    assert not any(path in browser.visited[seen:] for path in SANDBOX_PATHS + ("/login", "/bind"))
    assert second["sub"] == first["sub"] and second["aud"] == back_office["client_id"]


def test_prompt_login_goes_through_wechat_again(provider, site):
    client = register(provider)
    browser = Browser(site, "u3", "13800138003")
    _, _, first = sign_in(provider, client, browser)
    seen = len(browser.visited)
    browser.scan_in_next_second = True
    _, _, fresh = sign_in(provider, client, browser, prompt="login")
    assert "/connect/qrconnect" in browser.visited[seen:]
    assert fresh["auth_time"] > first["auth_time"]
