"""A person's browser, driven with plain HTTP: follows the provider's redirects through `/login`, the sandbox's
WeChat pages (in-WeChat authorize or the PC QR page and a phone that scans it) and `/bind`, and stops at the client's
redirect URI, which nobody listens on: the authorization response is read from the `Location`."""
import re
import time
import urllib.parse

import requests

# How one-time codes are read, by site: the development outbox unless a site is listed (a real-looking deployment
# sends them to CODE_WEBHOOK_URL).
OUTBOXES = {}
WECHAT_UA = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Mobile Safari/537.36 MicroMessenger/8.0.47"
DESKTOP_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120 Safari/537.36"


class Browser:
    """One browser of one person (`user`, a sandbox user id) with one phone number for a first-time binding.

    Cookies are kept per site (scheme, host and port): the server and the sandbox share 127.0.0.1."""

    def __init__(self, site, user, phone, in_wechat=False, outbox=None):
        self.site = site.rstrip("/")
        self.user = user
        self.phone = phone
        self.user_agent = WECHAT_UA if in_wechat else DESKTOP_UA
        self.jars = {}
        self.visited = []  # the paths seen on the way, so a test can tell that binding happened
        # A person takes seconds to scan a QR code; the provider compares a fresh sign-in with the request in whole
        # seconds, so a test of prompt=login or max_age scans in the next second, as a person would.
        self.scan_in_next_second = False
        # How to read a one-time code sent to a phone: the development outbox by default (sandbox mode).
        self.outbox = outbox or OUTBOXES.get(self.site, self._dev_outbox)

    def request(self, method, url, data=None, headers=None):
        url = url if "://" in url else self.site + url
        parts = urllib.parse.urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        jar = self.jars.setdefault(origin, requests.Session())
        response = jar.request(method, url.split("#")[0], data=data, allow_redirects=False, timeout=30,
                               headers={"User-Agent": self.user_agent, **(headers or {})})
        self.visited.append(parts.path)
        return response

    def authorize(self, authorization_url, redirect_uri):
        """Opens the client's authorization URL and follows until the provider sends the browser to `redirect_uri`.
        Returns the query of that redirect as a dict (code or error, state, iss), or the last response when the
        provider answered with a page instead (status, text)."""
        response = self.request("GET", authorization_url)
        for _ in range(20):
            if response.status_code not in (302, 303):
                return response
            location = urllib.parse.urljoin(response.url, response.headers["Location"])
            if location.split("?")[0] == redirect_uri:
                return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))
            path = urllib.parse.urlsplit(location).path
            if path.endswith("/connect/oauth2/authorize"):
                response = self.request("GET", location,
                                        headers={"X-Sandbox-User": self.user, "X-Sandbox-Consent": "allow"})
            elif path.endswith("/connect/qrconnect"):
                response = self._scan(location)
            elif path == "/bind" and location.startswith(self.site):
                response = self._bind()
            else:
                response = self.request("GET", location)
        raise AssertionError("too many redirects: " + " → ".join(self.visited))

    def _scan(self, qr_page):
        """WeChat's QR page on the PC; the user's phone scans it and allows; the page's long-poll yields the code
        and the page navigates to the callback."""
        page = self.request("GET", qr_page)
        uuid = re.search(r"/connect/qrcode/([^\"'?]+)", page.text)
        assert page.status_code == 200 and uuid, f"the QR page answered {page.status_code} without a QR code"
        sandbox = "{0.scheme}://{0.netloc}".format(urllib.parse.urlsplit(qr_page))
        phone = {"X-Sandbox-User": self.user}
        if self.scan_in_next_second:
            time.sleep(1.05 - time.time() % 1)
        assert self.request("GET", f"{sandbox}/connect/confirm?uuid={uuid.group(1)}", headers=phone).status_code == 200
        confirmed = self.request("POST", f"{sandbox}/connect/confirm", {"uuid": uuid.group(1), "action": "allow"},
                                 headers=phone)
        assert confirmed.status_code < 400, f"the confirmation answered {confirmed.status_code}"
        code = None
        for last in ("408", "404"):
            poll = self.request("GET", f"{sandbox}/connect/l/qrconnect?uuid={uuid.group(1)}&last={last}").text
            found = re.search(r"wx_code='([^']*)'", poll) if "wx_errcode=405" in poll else None
            code = code or (found and found.group(1))
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(qr_page.split("#")[0]).query)
        assert code, "the long-poll never gave a code"
        return self.request("GET", query["redirect_uri"][0] + "?" + urllib.parse.urlencode(
            {"code": code, "state": query["state"][0]}))

    def _bind(self):
        """A first sign-in: prove the phone number with the one-time code sent to it."""
        page = self.request("GET", "/bind")
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert page.status_code == 200 and csrf, f"/bind answered {page.status_code} without a form"
        sent = self.request("POST", "/bind/code", {"contact": self.phone, "csrf": csrf.group(1)})
        assert sent.status_code in (302, 303) and "challenge=" in sent.headers.get("Location", ""), \
            f"/bind/code answered {sent.status_code}"
        challenge = urllib.parse.parse_qs(urllib.parse.urlsplit(sent.headers["Location"]).query)["challenge"][0]
        return self.request("POST", "/bind/verify",
                            {"challenge": challenge, "code": self.outbox(self.phone), "csrf": csrf.group(1)})

    def _dev_outbox(self, phone):
        answer = self.request("GET", f"/dev/outbox.json?destination={phone}")
        assert answer.status_code == 200, f"/dev/outbox.json answered {answer.status_code}"
        return answer.json()[0]["code"]
