"""Login servers with real-looking credentials on PostgreSQL against a standalone `wechat-login sandbox` (sandbox
mode is SQLite-only), as in scripts/multi-instance-test; one-time codes for binding reach a webhook served here."""
import http.server
import json
import os
import subprocess
import tempfile
import threading
import time

import requests

OA_APPID, OA_SECRET = "wx5a1c9e0b3d7f2468", "3f6c2a9e8b1d4f7a0c5e9b2d6a8f1c3e"  # the sandbox's seeded apps
WEB_APPID, WEB_SECRET = "wx8e2f4a6c0b1d3e5f", "9b7d5f3a1c8e6b4d2f0a9c7e5b3d1f8a"
TOKEN_KEY = "k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="


class CodeWebhook(http.server.BaseHTTPRequestHandler):
    """CODE_WEBHOOK_URL: keeps the last one-time code sent to each destination."""
    codes = {}

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        CodeWebhook.codes[body["destination"]] = body["code"]
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def phone_code(phone):
    """The last code the webhook received for a phone number (destinations are E.164)."""
    for _ in range(50):
        for destination, code in list(CodeWebhook.codes.items()):
            if destination.endswith(phone):
                return code
        time.sleep(0.1)
    raise AssertionError(f"no one-time code reached the webhook for {phone}")


class World:
    """A standalone sandbox, the code webhook, and the login servers started in it; `close` stops them all."""

    def __init__(self, binary, database, public_port, admin_token, free_port, wait_for_health, stop):
        self.binary, self.free_port, self.wait_for_health, self.stop = binary, free_port, wait_for_health, stop
        self.processes, self.logs = {}, []
        self.webhook = http.server.ThreadingHTTPServer(("127.0.0.1", 0), CodeWebhook)
        threading.Thread(target=self.webhook.serve_forever, daemon=True).start()
        sandbox_port = free_port()
        self.sandbox = f"http://127.0.0.1:{sandbox_port}"
        self._start("sandbox", ["sandbox", "--port", str(sandbox_port)], None)
        for _ in range(150):
            try:
                if requests.get(self.sandbox + "/sandbox/api/apps", timeout=1).status_code == 200:
                    break
            except requests.ConnectionError:
                time.sleep(0.2)
        # PUBLIC_URL stands for the load balancer's address; WeChat sends the browser back there.
        self.public_url = f"http://127.0.0.1:{public_port}"
        for appid, field in ((OA_APPID, "webAuthDomain"), (WEB_APPID, "callbackDomain")):
            answer = requests.patch(f"{self.sandbox}/sandbox/api/apps/{appid}", json={field: self.public_url[7:]},
                                    timeout=10)
            assert answer.status_code == 200, answer.text
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("WECHAT_")}
        self.env.update({
            "WECHAT_OA_APPID": OA_APPID, "WECHAT_OA_SECRET": OA_SECRET, "WECHAT_WEB_APPID": WEB_APPID,
            "WECHAT_WEB_SECRET": WEB_SECRET, "WECHAT_API_BASE_URL": self.sandbox, "DATABASE_URL": database,
            "TOKEN_ENCRYPTION_KEY": TOKEN_KEY, "PUBLIC_URL": self.public_url, "ADMIN_API_TOKEN": admin_token,
            "RATE_LIMITS": "off", "LOG_LEVEL": "notice",
            "CODE_WEBHOOK_URL": f"http://127.0.0.1:{self.webhook.server_address[1]}/codes"})

    def _start(self, name, args, env):
        log = tempfile.TemporaryFile()
        self.logs.append(log)
        self.processes[name] = subprocess.Popen([self.binary] + args, env=env, stdout=log, stderr=subprocess.STDOUT)
        return self.processes[name], log

    def serve(self, name, port):
        """Starts (or restarts) the login server `name` on `port` and waits until it is healthy."""
        if name in self.processes:
            self.stop(self.processes[name])
        process, log = self._start(name, ["serve", "--port", str(port), "--sandbox-port", str(self.free_port())],
                                   self.env)
        url = f"http://127.0.0.1:{port}"
        self.wait_for_health(url, process, log)
        return url

    def close(self):
        for process in reversed(list(self.processes.values())):
            self.stop(process)
        for log in self.logs:
            log.close()
        self.webhook.shutdown()
        self.webhook.server_close()
