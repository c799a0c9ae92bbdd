"""Signs a person in on a `wechat-login serve` in sandbox mode and prints what the fuzzer needs, as JSON.

The person logs in as the sandbox user u1 inside WeChat (consent given), binds a phone number with the code from
the development outbox (first time only), then signs in again on a PC with WeChat's QR code, so the account has two
identities (one of them can be unlinked), and ends signed in. Printed: the session cookie's value, the session's CSRF token (once
`GET /api/me` returns `csrfToken`; absent before), the user's id, and one identity's id.

Usage: python3 sign_in.py SITE_URL
"""
import http.client
import json
import re
import sys
import urllib.parse

WECHAT_UA = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Mobile Safari/537.36 MicroMessenger/8.0.47"
DESKTOP_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120 Safari/537.36"
PHONE = "13800138000"


class Client:
    """One browser: keeps the site's cookies (the session and the login's browser binding), never follows redirects."""

    def __init__(self, site):
        self.site = site
        self.cookies = {}

    def request(self, method, url, body=None, headers=None):
        parts = urllib.parse.urlsplit(url if "://" in url else self.site + url)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        headers = {"User-Agent": WECHAT_UA, **(headers or {})}
        same_site = f"{parts.scheme}://{parts.netloc}" == self.site
        if self.cookies and same_site:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if body is not None:
            body = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        if same_site:
            for name, value in response.getheaders():
                match = re.match(r"([^=;\s]+)=([^;]*)", value) if name.lower() == "set-cookie" else None
                if match:
                    self.cookies[match.group(1)] = match.group(2)
        connection.close()
        return response.status, response.getheader("Location"), text


def expect(condition, what):
    if not condition:
        sys.exit(f"sign-in failed: {what}")


def bind(browser):
    """A first login: prove the phone number with the code from the development outbox."""
    status, _, page = browser.request("GET", "/bind")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)
    expect(status == 200 and csrf, f"/bind answered {status} without a form")
    status, verify, _ = browser.request("POST", "/bind/code", {"contact": PHONE, "csrf": csrf.group(1)})
    expect(status in (302, 303) and verify and "challenge=" in verify, f"/bind/code answered {status}")
    challenge = urllib.parse.parse_qs(urllib.parse.urlsplit(verify).query)["challenge"][0]
    status, _, outbox = browser.request("GET", f"/dev/outbox.json?destination={PHONE}")
    expect(status == 200, f"/dev/outbox.json answered {status}")
    code = json.loads(outbox)[0]["code"]
    status, location, _ = browser.request("POST", "/bind/verify",
                                          {"challenge": challenge, "code": code, "csrf": csrf.group(1)})
    expect(status in (302, 303) and location == "/account", f"/bind/verify answered {status} {location}")


def pc_login(browser):
    """`/login` on a PC → WeChat's QR page → u1's phone scans and allows → the long-poll yields the code → callback."""
    desktop = {"User-Agent": DESKTOP_UA}
    status, qr_page, _ = browser.request("GET", "/login?return_to=%2Faccount", headers=desktop)
    expect(status in (302, 303) and qr_page and "/connect/qrconnect?" in qr_page, f"/login on a PC answered {status}")
    qr_page = qr_page.split("#")[0]
    sandbox = "{0.scheme}://{0.netloc}".format(urllib.parse.urlsplit(qr_page))
    status, _, page = browser.request("GET", qr_page, headers=desktop)
    uuid = re.search(r"/connect/qrcode/([^\"'?]+)", page)
    expect(status == 200 and uuid, f"the QR page answered {status} without a QR code")
    phone = {"X-Sandbox-User": "u1"}
    status, _, _ = browser.request("GET", f"{sandbox}/connect/confirm?uuid={uuid.group(1)}", headers=phone)
    expect(status == 200, f"the scan answered {status}")
    status, _, _ = browser.request("POST", f"{sandbox}/connect/confirm", {"uuid": uuid.group(1), "action": "allow"},
                                   headers=phone)
    expect(status < 400, f"the confirmation answered {status}")
    code = None
    for last in ("408", "404"):
        _, _, poll = browser.request("GET", f"{sandbox}/connect/l/qrconnect?uuid={uuid.group(1)}&last={last}",
                                     headers=desktop)
        found = re.search(r"wx_code='([^']*)'", poll) if "wx_errcode=405" in poll else None
        code = code or (found and found.group(1))
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(qr_page).query)
    expect(code and "redirect_uri" in query and "state" in query, "the long-poll never gave a code")
    callback = f"{query['redirect_uri'][0]}?code={code}&state={query['state'][0]}"
    status, location, _ = browser.request("GET", callback, headers=desktop)
    expect(status in (302, 303) and location and location.split("?")[0] in ("/bind", "/account"),
           f"the PC callback answered {status} {location}")
    if location.startswith("/bind"):
        bind(browser)


def main():
    site = sys.argv[1].rstrip("/")
    browser = Client(site)
    status, authorize, _ = browser.request("GET", "/login?return_to=%2Faccount")
    expect(status in (302, 303) and authorize and "/connect/oauth2/authorize?" in authorize,
           f"/login answered {status} {authorize}")
    status, back, _ = browser.request("GET", authorize.split("#")[0],
                                      headers={"X-Sandbox-User": "u1", "X-Sandbox-Consent": "allow"})
    expect(status in (302, 303) and back, f"the sandbox's authorize answered {status}")
    status, location, _ = browser.request("GET", back)
    expect(status in (302, 303) and location and location.split("?")[0] in ("/bind", "/account"),
           f"the callback answered {status} {location}")
    if location.startswith("/bind"):
        bind(browser)
    pc_login(browser)
    status, _, me = browser.request("GET", "/api/me")
    expect(status == 200, f"/api/me answered {status} once signed in")
    me = json.loads(me)
    print(json.dumps({
        "cookie": browser.cookies.get("wl_session"), "csrfToken": me.get("csrfToken"), "userID": me["user"]["id"],
        "identityID": me["identities"][0]["id"],
    }))


if __name__ == "__main__":
    main()
