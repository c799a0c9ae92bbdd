"""The example business app (Examples/BusinessApp) signs a person in through the provider, in real headless Chromium.

A person opens the example app and clicks sign in; the provider runs the PC QR sign-in (the "phone", a second
browser with WeChat's user agent, decodes the QR code with zbarimg and allows) and a first-time binding (the code
from the development outbox); the example app verifies the ID token against the provider's JWKS, calls userinfo and
shows the person's name and `sub`. Signing out ends both sessions: the example app shows signed out, and a new
sign-in goes through WeChat again. Then the example app's error pages, with plain HTTP.
"""
import http.cookiejar
import os
import re
import urllib.error
import urllib.parse
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from chromium import APP, ARTIFACTS, SITE, WECHAT_UA, bind, chrome, scan_with_phone


def test_sign_in_through_the_provider_then_sign_out_of_both():
    pc = chrome()
    phone = chrome(user_agent=WECHAT_UA, size="390,844")
    try:
        wait = WebDriverWait(pc, 20)
        pc.get(APP + "/")
        pc.find_element(By.ID, "sign-in").click()
        scan_with_phone(pc, phone, "u1")
        bind(pc, "13800138000")

        wait.until(EC.url_to_be(APP + "/"))
        body = pc.find_element(By.TAG_NAME, "body").text
        assert "你好，张三" in body and "Hello, 张三" in body
        sub = pc.find_element(By.ID, "sub").text
        assert re.fullmatch(r"[0-9a-f-]{36}", sub), sub
        assert "+8613800138000" in body  # the phone scope's claim, from userinfo
        pc.save_screenshot(os.path.join(ARTIFACTS, "example-app-signed-in.png"))
        cookie = pc.get_cookie("business_app_session")
        assert cookie and cookie["httpOnly"]

        # Sign-out ends the app's session, then the provider's (RP-initiated logout), and comes back.
        pc.find_element(By.ID, "sign-out").click()
        wait.until(EC.url_to_be(APP + "/signed-out"))
        assert "你已退出登录" in pc.find_element(By.TAG_NAME, "body").text
        pc.get(APP + "/")
        assert pc.find_elements(By.ID, "sign-in") and not pc.find_elements(By.ID, "sub")

        # The provider's session is gone too: signing in again goes through WeChat's QR page, and the same person
        # (already bound) comes back with the same sub.
        pc.find_element(By.ID, "sign-in").click()
        scan_with_phone(pc, phone, "u1")
        wait.until(EC.url_to_be(APP + "/"))
        assert pc.find_element(By.ID, "sub").text == sub
    finally:
        pc.quit()
        phone.quit()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def browser():
    """A cookie-keeping HTTP client that does not follow redirects."""
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect)


def get(opener, url):
    """(status, Location or body text) of a GET."""
    try:
        with opener.open(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location") or error.read().decode()


def started_sign_in():
    """A browser that clicked sign in: its cookie jar and the state the app sent to the provider."""
    opener = browser()
    status, location = get(opener, APP + "/signin")
    assert status in (302, 303), status
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))
    assert location.startswith(SITE + "/oauth/authorize?")
    assert query["code_challenge_method"] == "S256" and query["nonce"] and query["redirect_uri"] == APP + "/callback"
    return opener, query["state"]


def callback(opener, **params):
    return get(opener, APP + "/callback?" + urllib.parse.urlencode(params))


def test_error_answers_show_a_page_and_never_sign_in():
    opener, state = started_sign_in()
    status, page = callback(opener, error="access_denied", state=state, iss=SITE)
    assert status == 403 and "你在微信登录页拒绝了授权" in page and "You declined" in page

    # The pending sign-in was spent: the same state again is a stale link.
    status, page = callback(opener, code="x", state=state, iss=SITE)
    assert status == 400 and "登录链接已失效" in page

    opener, state = started_sign_in()
    status, page = callback(opener, code="x", state="forged", iss=SITE)
    assert status == 400 and "登录链接已失效" in page

    opener, state = started_sign_in()  # RFC 9207: an answer from another issuer is a mix-up
    status, page = callback(opener, code="x", state=state, iss="https://evil.example")
    assert status == 400 and "登录失败" in page

    opener, state = started_sign_in()  # a code the provider never issued
    status, page = callback(opener, code="not-a-code", state=state, iss=SITE)
    assert status == 502 and "无法确认你的身份" in page

    assert "请先登录" in get(opener, APP + "/")[1]
