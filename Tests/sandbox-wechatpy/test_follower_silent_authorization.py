"""Issue 16 through wechatpy's OAuth client, unmodified but for its base URLs.

Seeds 000/001 (特殊场景下的静默授权): a follower entering the account's authorization page from its chat or custom
menu is silent even with snsapi_userinfo; an ordinary link still asks, and so does every non-follower.
Seed 001 (请在微信客户端中打开): with the strict switch on, a desktop browser gets WeChat's page and no code.
"""
import html
import re
from urllib.parse import parse_qs, urlsplit

import requests
from wechatpy.oauth import WeChatOAuth

OFFICIAL_ACCOUNT = "wx5a1c9e0b3d7f2468"
SECRET = "3f6c2a9e8b1d4f7a0c5e9b2d6a8f1c3e"
CALLBACK = "http://localhost:9000/wechat/callback"  # the default world's web-auth domain is localhost
WECHAT_UA = ("Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 "
             "Chrome/116.0 Mobile Safari/537.36 MicroMessenger/8.0.47.2560(0x28002F37) NetType/WIFI Language/zh_CN")
DESKTOP_UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"


def oauth_client(sandbox, state="s16"):
    client = WeChatOAuth(OFFICIAL_ACCOUNT, SECRET, CALLBACK, scope="snsapi_userinfo", state=state)
    client.API_BASE_URL = sandbox + "/"
    client.OAUTH_BASE_URL = sandbox + "/connect/"
    return client


def control(sandbox, method, path, json=None):
    response = requests.request(method, f"{sandbox}/sandbox/api/{path}", json=json, timeout=10)
    assert response.status_code < 300, response.text
    return response.json()


def new_user(sandbox, user_id, nickname, follows):
    control(sandbox, "POST", "users", {"id": user_id, "nickname": nickname})
    if follows:
        control(sandbox, "POST", f"users/{user_id}/follow", {"appid": OFFICIAL_ACCOUNT})


def phone(user_agent=WECHAT_UA):
    session = requests.Session()
    session.headers["User-Agent"] = user_agent
    return session


def get(session, url, **kwargs):
    return session.get(url, allow_redirects=False, timeout=10, **kwargs)


def callback_query(response):
    assert response.status_code == 302, response.text[:500]
    location = response.headers["Location"]
    assert location.startswith(CALLBACK + "?"), location
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query, keep_blank_values=True).items()}


def is_consent_page(response):
    return response.status_code == 200 and 'id="consent"' in response.text and "Location" not in response.headers


def open_from_menu(sandbox, session, user_id):
    """The follower taps the account's menu button in the phone's chat view; returns the authorize response."""
    chat = get(session, f"{sandbox}/sandbox/phone/{user_id}/chat/{OFFICIAL_ACCOUNT}")
    assert chat.status_code == 200
    match = re.search(r'<nav id="menu"><a class="btn no" href="([^"]+)">登录</a>', chat.text)
    assert match, chat.text
    opened = get(session, sandbox + html.unescape(match.group(1)))
    assert opened.status_code == 302 and opened.headers["Location"].startswith("/connect/oauth2/authorize?")
    return get(session, sandbox + opened.headers["Location"])


def test_follower_from_the_menu_gets_a_profile_code_without_consent(sandbox):
    new_user(sandbox, "f16", "关注者", follows=True)
    oauth = oauth_client(sandbox)
    assert oauth.authorize_url.endswith("#wechat_redirect")
    control(sandbox, "PATCH", f"apps/{OFFICIAL_ACCOUNT}", {"menu": [{"name": "登录", "url": oauth.authorize_url}]})

    query = callback_query(open_from_menu(sandbox, phone(), "f16"))
    assert query["state"] == "s16"
    token = oauth.fetch_access_token(query["code"])
    assert token["scope"] == "snsapi_userinfo"
    profile = oauth.get_user_info()
    assert profile["nickname"] == "关注者"
    assert profile["openid"] == token["openid"]


def test_follower_from_the_chat_by_header_is_silent_too(sandbox):
    new_user(sandbox, "f17", "会话用户", follows=True)
    oauth = oauth_client(sandbox)
    response = get(phone(), oauth.authorize_url, headers={"X-Sandbox-User": "f17", "X-Sandbox-Entry": "chat"})
    oauth.fetch_access_token(callback_query(response)["code"])
    assert oauth.get_user_info()["nickname"] == "会话用户"


def test_the_same_follower_from_an_ordinary_link_still_sees_consent(sandbox):
    new_user(sandbox, "f18", "关注者", follows=True)
    oauth = oauth_client(sandbox)
    control(sandbox, "PATCH", f"apps/{OFFICIAL_ACCOUNT}", {"menu": [{"name": "登录", "url": oauth.authorize_url}]})
    session = phone()
    callback_query(open_from_menu(sandbox, session, "f18"))
    # A shared link opened in WeChat: no entry from the account.
    assert is_consent_page(get(phone(), oauth.authorize_url, headers={"X-Sandbox-User": "f18"}))
    assert is_consent_page(get(phone(), oauth.authorize_url, headers={"X-Sandbox-User": "f18", "X-Sandbox-Entry": "link"}))


def test_a_non_follower_always_sees_consent(sandbox):
    new_user(sandbox, "n16", "路人", follows=False)
    oauth = oauth_client(sandbox)
    control(sandbox, "PATCH", f"apps/{OFFICIAL_ACCOUNT}", {"menu": [{"name": "登录", "url": oauth.authorize_url}]})
    session = phone()
    opened = get(session, f"{sandbox}/sandbox/phone/n16/open",
                 params={"appid": OFFICIAL_ACCOUNT, "from": "menu", "url": oauth.authorize_url})
    assert opened.status_code == 302
    assert is_consent_page(get(session, sandbox + opened.headers["Location"]))
    for entry in ("menu", "chat", "link"):
        assert is_consent_page(get(phone(), oauth.authorize_url, headers={"X-Sandbox-User": "n16", "X-Sandbox-Entry": entry}))
    # After consenting, the profile reads as usual.
    allowed = get(phone(), oauth.authorize_url, headers={"X-Sandbox-User": "n16", "X-Sandbox-Consent": "allow"})
    oauth.fetch_access_token(callback_query(allowed)["code"])
    assert oauth.get_user_info()["nickname"] == "路人"


def test_strict_switch_refuses_a_desktop_browser_and_off_shows_the_picker(sandbox):
    oauth = oauth_client(sandbox)
    desktop = phone(DESKTOP_UA)
    picker = get(desktop, oauth.authorize_url)
    assert picker.status_code == 302 and picker.headers["Location"].startswith("/sandbox/whoami?return=")

    control(sandbox, "PATCH", f"apps/{OFFICIAL_ACCOUNT}", {"requiresWeChatBrowser": True})
    refused = get(desktop, oauth.authorize_url)
    assert refused.status_code == 200 and "Location" not in refused.headers
    assert '<h4 class="weui_msg_title">请在微信客户端打开链接</h4>' in refused.text
    assert "code=" not in refused.text
    inside = get(phone(), oauth.authorize_url, headers={"X-Sandbox-User": "u1", "X-Sandbox-Consent": "allow"})
    assert callback_query(inside)["code"]
