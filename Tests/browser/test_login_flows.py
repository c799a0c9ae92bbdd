"""Both logins in real headless Chromium against `wechat-login serve`.

PC: a person signs in with WeChat's QR code, in real headless Chromium, against `wechat-login serve`.

The PC browser opens the site and follows it to the sandbox's QR page. The "phone" is a second browser with
WeChat's user agent: it reads the QR code from the image with an independent decoder (zbarimg), as a camera
would, picks the sandbox user 张三, and allows the login. The PC page's long-poll then takes the PC browser back
to the site, which asks to bind a phone number; the code comes from the development outbox. The flow ends on the
account page, which is screenshotted.
"""
import glob
import json
import os
import subprocess
import tempfile
import time
import urllib.request

import pytest

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

SITE = os.environ["WECHAT_LOGIN_SITE"]
SANDBOX = os.environ["WECHAT_LOGIN_SANDBOX"]
ARTIFACTS = os.environ.get("WECHAT_LOGIN_ARTIFACTS", tempfile.gettempdir())
WECHAT_UA = ("Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 "
             "Chrome/116.0 Mobile Safari/537.36 MicroMessenger/8.0.47.2560 NetType/WIFI Language/zh_CN")


def chrome(user_agent=None, size="1280,900"):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                 f"--window-size={size}", "--lang=zh-CN"):
        options.add_argument(flag)
    if user_agent:
        options.add_argument(f"--user-agent={user_agent}")
    service = webdriver.ChromeService(executable_path="/usr/bin/chromedriver")
    return webdriver.Chrome(options=options, service=service)


def decode_qr(png_url):
    with urllib.request.urlopen(png_url, timeout=10) as response:
        png = response.read()
    with tempfile.NamedTemporaryFile(suffix=".png") as image:
        image.write(png)
        image.flush()
        return subprocess.run(["zbarimg", "--raw", "-q", image.name], check=True, capture_output=True,
                              text=True).stdout.strip()


def latest_code(contact):
    with urllib.request.urlopen(f"{SITE}/dev/outbox.json?destination={contact}", timeout=10) as response:
        entries = json.load(response)
    return entries[0]["code"]


def bind_and_sign_in(driver, contact):
    """On /bind: ask for a code to `contact`, read it from the development outbox, and submit it."""
    wait = WebDriverWait(driver, 20)
    wait.until(EC.url_to_be(SITE + "/bind"))
    driver.find_element(By.ID, "contact").send_keys(contact)
    driver.find_element(By.CSS_SELECTOR, "form[action='/bind/code'] button").click()
    wait.until(EC.url_contains("/bind/verify"))
    driver.find_element(By.ID, "code").send_keys(latest_code(contact))
    driver.find_element(By.CSS_SELECTOR, "form[action='/bind/verify'] button").click()
    wait.until(EC.url_to_be(SITE + "/account"))
    return driver.find_element(By.TAG_NAME, "body").text


def test_pc_qr_login_from_home_page_to_account_page():
    pc = chrome()
    phone = chrome(user_agent=WECHAT_UA, size="390,844")
    try:
        wait = WebDriverWait(pc, 20)
        pc.get(SITE + "/")
        pc.find_element(By.LINK_TEXT, "微信扫码登录").click()
        wait.until(EC.url_contains("/connect/qrconnect"))
        assert pc.current_url.startswith(SANDBOX)
        image = wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "img.qrcode")))
        pc.save_screenshot(os.path.join(ARTIFACTS, "1-qr-page.png"))

        confirm_url = decode_qr(image.get_attribute("src"))
        assert confirm_url.startswith(SANDBOX + "/connect/confirm?uuid=")

        phone.get(confirm_url)
        if "/sandbox/whoami" in phone.current_url:
            phone.find_element(By.CSS_SELECTOR, "button[value='u1']").click()
        allow = WebDriverWait(phone, 10).until(
            EC.element_to_be_clickable((By.CSS_SELECTOR, "button[value='allow']")))
        phone.save_screenshot(os.path.join(ARTIFACTS, "2-phone-confirm.png"))
        allow.click()

        body = bind_and_sign_in(pc, "13800138000")
        assert "我的账号" in body
        assert "张三" in body
        assert "13800138000" in body
        pc.save_screenshot(os.path.join(ARTIFACTS, "3-account.png"))
        cookies = {cookie["name"]: cookie for cookie in pc.get_cookies()}
        assert cookies["wl_session"]["httpOnly"]
    finally:
        pc.quit()
        phone.quit()


def test_in_wechat_login_with_consent_then_binding_by_email():
    """Inside WeChat (its user agent): the site sends the person to WeChat's authorize page; the sandbox asks which
    WeChat user this is and for consent to share the profile; back on the site, an email is bound."""
    phone = chrome(user_agent=WECHAT_UA, size="390,844")
    try:
        wait = WebDriverWait(phone, 20)
        phone.get(SITE + "/")
        phone.find_element(By.LINK_TEXT, "微信授权登录").click()
        wait.until(EC.url_contains(SANDBOX))
        if "/sandbox/whoami" in phone.current_url:
            phone.find_element(By.CSS_SELECTOR, "button[value='u2']").click()
        allow = wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, "button[value='allow']")))
        phone.save_screenshot(os.path.join(ARTIFACTS, "4-consent.png"))
        allow.click()

        body = bind_and_sign_in(phone, "lisi@example.com")
        assert "李四" in body
        assert "lisi@example.com" in body
        assert "公众号" in body
        phone.save_screenshot(os.path.join(ARTIFACTS, "5-account-in-wechat.png"))
    finally:
        phone.quit()


def test_follow_login_with_the_official_accounts_qr_code():
    """Follow-to-sign-in: the PC page shows the official account's QR code (our page, the image fetched by the
    server). The phone decodes it, lands on the sandbox's scan page, presses Follow (or Open chat), and the PC page's
    status poll takes it on to binding and the account page."""
    pc = chrome()
    phone = chrome(user_agent=WECHAT_UA, size="390,844")
    try:
        wait = WebDriverWait(pc, 20)
        pc.get(SITE + "/")
        pc.find_element(By.LINK_TEXT, "关注公众号扫码登录").click()
        wait.until(EC.url_contains("mode=follow"))
        image = wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#follow-qr img")))
        wait.until(lambda driver: driver.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0",
                                                        image))
        assert "关注" in pc.find_element(By.TAG_NAME, "body").text
        pc.save_screenshot(os.path.join(ARTIFACTS, "10-follow-qr-page.png"))

        # The image as the page got it (the server's proxy answers only this browser), decoded as a camera would.
        png = pc.execute_async_script("""
            const done = arguments[arguments.length - 1];
            fetch(arguments[0], {credentials: "same-origin"}).then(r => r.arrayBuffer()).then(buffer => {
              let text = ""; new Uint8Array(buffer).forEach(c => text += String.fromCharCode(c)); done(btoa(text));
            });
        """, image.get_attribute("src"))
        with tempfile.NamedTemporaryFile(suffix=".png") as file:
            file.write(__import__("base64").b64decode(png))
            file.flush()
            scan_url = subprocess.run(["zbarimg", "--raw", "-q", file.name], check=True, capture_output=True,
                                      text=True).stdout.strip()
        assert scan_url.startswith(SANDBOX), scan_url

        phone.get(scan_url)
        if "/sandbox/whoami" in phone.current_url:
            phone.find_element(By.CSS_SELECTOR, "button[value='u3']").click()
        accept = WebDriverWait(phone, 10).until(EC.element_to_be_clickable((By.ID, "accept")))
        phone.save_screenshot(os.path.join(ARTIFACTS, "11-phone-follow.png"))
        accept.click()

        body = bind_and_sign_in(pc, "13700137000")
        assert "我的账号" in body
        assert "13700137000" in body
        pc.save_screenshot(os.path.join(ARTIFACTS, "12-follow-account.png"))
    finally:
        pc.quit()
        phone.quit()


# The stand-in business page: another site (localhost, not 127.0.0.1) that frames the follow-login's embed page with
# the snippet DEPLOYMENT §1.4.2 documents. Served from a thread for the one test that needs it.
SHOP_PORT = int(os.environ.get("WECHAT_LOGIN_SHOP_PORT", "0"))
SHOP_PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>示例商城</title></head>
<body style="font-family:sans-serif;background:#fafafa"><h1>示例商城 · 登录</h1>
<div style="display:flex;gap:2rem"><div><p>欢迎回来！扫码关注公众号即可登录。</p></div>
<div id="wechat-follow-login"></div></div>
<script>
function wechatFollowLogin(o) {
  var f = document.createElement("iframe");
  f.src = o.server + "/login/follow/embed?return_to=" + encodeURIComponent(o.returnTo || "/") +
    (o.lang ? "&lang=" + encodeURIComponent(o.lang) : "");
  f.width = o.width || "300"; f.height = o.height || "420"; f.title = o.title || "WeChat"; f.style.border = "0";
  f.setAttribute("sandbox", "allow-scripts allow-same-origin allow-forms allow-top-navigation");
  document.getElementById(o.id).appendChild(f);
}
wechatFollowLogin({id: "wechat-follow-login", server: "%(site)s", returnTo: "/account"});
</script></body></html>"""


@pytest.fixture
def shop():
    import http.server
    import threading
    page = (SHOP_PAGE % {"site": SITE}).encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", SHOP_PORT), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://localhost:{SHOP_PORT}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.skipif(not SHOP_PORT, reason="needs WECHAT_LOGIN_SHOP_PORT (scripts/browser-test)")
def test_follow_login_embedded_in_a_business_page_signs_the_top_window_in(shop):
    """The embeddable follow-login inside another site's page: the frame shows the official account's QR code (its
    image fetched with the page's binding, no cookie), the phone scans and follows, and the frame sends the top
    window to our finish request, which signs it in first-party and lands on the account page (or binding first)."""
    pc = chrome()
    phone = chrome(user_agent=WECHAT_UA, size="390,844")
    try:
        wait = WebDriverWait(pc, 20)
        pc.get(shop)
        frame = wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#wechat-follow-login iframe")))
        pc.switch_to.frame(frame)
        image = wait.until(EC.presence_of_element_located((By.ID, "follow-img")))
        wait.until(lambda driver: driver.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0",
                                                        image))
        assert "关注" in pc.find_element(By.TAG_NAME, "body").text
        # The image as the frame got it (its binding in the header), decoded as a camera would.
        png = pc.execute_async_script("""
            const done = arguments[arguments.length - 1];
            const binding = document.querySelector("input[name=binding]").value;
            fetch(arguments[0], {headers: {"X-Follow-Binding": binding}}).then(r => r.arrayBuffer()).then(buffer => {
              let text = ""; new Uint8Array(buffer).forEach(c => text += String.fromCharCode(c)); done(btoa(text));
            });
        """, "/login/follow/qr?scene=" + pc.find_element(By.CSS_SELECTOR, "input[name=scene]").get_attribute("value"))
        pc.switch_to.default_content()
        pc.save_screenshot(os.path.join(ARTIFACTS, "13-follow-embed-in-shop.png"))
        with tempfile.NamedTemporaryFile(suffix=".png") as file:
            file.write(__import__("base64").b64decode(png))
            file.flush()
            scan_url = subprocess.run(["zbarimg", "--raw", "-q", file.name], check=True, capture_output=True,
                                      text=True).stdout.strip()
        assert scan_url.startswith(SANDBOX), scan_url

        phone.get(scan_url)
        if "/sandbox/whoami" in phone.current_url:
            phone.find_element(By.CSS_SELECTOR, "button[value='u2']").click()
        WebDriverWait(phone, 10).until(EC.element_to_be_clickable((By.ID, "accept"))).click()

        # The top window leaves the business's page for ours: the account page, or binding first.
        wait.until(lambda driver: driver.current_url.startswith(SITE))
        if driver_path(pc) == "/bind":
            body = bind_and_sign_in(pc, "13600136000")
        else:
            wait.until(EC.url_to_be(SITE + "/account"))
            body = pc.find_element(By.TAG_NAME, "body").text
        assert "我的账号" in body
        pc.save_screenshot(os.path.join(ARTIFACTS, "14-follow-embed-account.png"))
    finally:
        pc.quit()
        phone.quit()


def driver_path(driver):
    WebDriverWait(driver, 20).until(lambda d: d.current_url.split("?")[0] in (SITE + "/bind", SITE + "/account"))
    return driver.current_url[len(SITE):].split("?")[0]


def qr_sign_in(pc, phone, user):
    """The PC QR login from the home page as sandbox user `user`, up to the site's next page."""
    wait = WebDriverWait(pc, 20)
    pc.get(SITE + "/")
    pc.find_element(By.CSS_SELECTOR, "a[href^='/login']").click()
    wait.until(EC.url_contains("/connect/qrconnect"))
    image = wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "img.qrcode")))
    phone.get(decode_qr(image.get_attribute("src")))
    if "/sandbox/whoami" in phone.current_url:
        phone.find_element(By.CSS_SELECTOR, f"button[value='{user}']").click()
    WebDriverWait(phone, 10).until(EC.element_to_be_clickable((By.CSS_SELECTOR, "button[value='allow']"))).click()


# The account page's three actions — change the email, download my data, delete the account (注销) — in each of the
# page's languages: Chinese (the default) and English (chosen with the page's language switch).
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_account_page_changes_email_downloads_data_and_deletes_the_account(lang):
    english = lang == "en"
    user, number, email = ("u3", "13800138033", "wangwu@example.com") if english else ("u1", "13800138011", "zhangsan@example.com")
    downloads = tempfile.mkdtemp()
    pc = chrome()
    pc.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads})
    phone = chrome(user_agent=WECHAT_UA, size="390,844")
    try:
        wait = WebDriverWait(pc, 20)
        qr_sign_in(pc, phone, user)
        # A WeChat user an earlier test bound signs straight in; a new one binds a phone first.
        wait.until(lambda driver: driver.current_url.startswith((SITE + "/bind", SITE + "/account")))
        if pc.current_url.startswith(SITE + "/bind"):
            bind_and_sign_in(pc, number)
        if english:
            pc.find_element(By.CSS_SELECTOR, "nav a.lang").click()
            wait.until(EC.url_contains("lang=en"))
            assert "My account" in pc.find_element(By.TAG_NAME, "h1").text
        pc.save_screenshot(os.path.join(ARTIFACTS, f"6-{lang}-account-actions.png"))

        # Change the email: the code goes to the new address (the development outbox stands in for it).
        pc.find_element(By.ID, "contact").send_keys(email)
        pc.find_element(By.CSS_SELECTOR, "form[action='/account/contact/code'] button").click()
        wait.until(EC.url_contains("/account/contact/verify"))
        pc.find_element(By.ID, "code").send_keys(latest_code(email))
        pc.save_screenshot(os.path.join(ARTIFACTS, f"7-{lang}-contact-code.png"))
        pc.find_element(By.CSS_SELECTOR, "form[action='/account/contact/verify'] button").click()
        wait.until(EC.url_contains("notice=contact_changed"))
        body = pc.find_element(By.TAG_NAME, "body").text
        assert email in body
        assert ("old address was notified" if english else "原地址已收到通知") in body

        # Download my data: a JSON file with the new email.
        pc.find_element(By.CSS_SELECTOR, "form[action='/account/export'] button").click()
        deadline = time.time() + 20
        files = []
        while time.time() < deadline:
            files = glob.glob(os.path.join(downloads, "wechat-login-export-*.json"))
            if files:
                break
            time.sleep(0.2)
        assert files, "the export was downloaded"
        with open(files[0], encoding="utf-8") as exported:
            document = json.load(exported)
        assert document["format"] == "wechat-login.export/1"
        assert document["user"]["email"] == email and document["user"]["phone"]

        # Delete the account: the link, the page, the typed confirmation.
        pc.find_element(By.PARTIAL_LINK_TEXT, "Delete my account" if english else "注销账号").click()
        wait.until(EC.url_contains("/account/delete"))
        pc.find_element(By.ID, "confirmation").send_keys("DELETE" if english else "注销")
        pc.save_screenshot(os.path.join(ARTIFACTS, f"8-{lang}-delete.png"))
        pc.find_element(By.CSS_SELECTOR, "form[action='/account/delete'] button").click()
        # The delete page has an h1 too: wait for the next page's, not for any h1 (that one goes stale).
        deleted_title = "Account deleted" if english else "账号已注销"
        wait.until(EC.text_to_be_present_in_element((By.TAG_NAME, "h1"), deleted_title))
        assert pc.find_element(By.TAG_NAME, "h1").text == deleted_title
        pc.save_screenshot(os.path.join(ARTIFACTS, f"9-{lang}-deleted.png"))
        pc.get(SITE + "/api/me")
        assert '"error":true' in pc.find_element(By.TAG_NAME, "body").text.replace(" ", "")
    finally:
        pc.quit()
        phone.quit()
