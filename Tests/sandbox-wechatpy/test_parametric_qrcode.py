"""Issue 15 through wechatpy, unmodified but for its base URLs: `client.qrcode.create`, `client.qrcode.get_url`
(wechatpy builds it on mp.weixin.qq.com: the test points that host at the sandbox, as the API host), the image
decodes to the code's url; a developer server built on wechatpy's parser and crypto receives the scan events and a
chat message in safe mode and answers a passive reply that reaches the simulated phone."""
import shutil
import subprocess
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from wechatpy import WeChatClient, create_reply, parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import WeChatClientException

OFFICIAL_ACCOUNT = "wx5a1c9e0b3d7f2468"
SECRET = "3f6c2a9e8b1d4f7a0c5e9b2d6a8f1c3e"
TOKEN = "sandboxtoken"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"


def control(sandbox, method, path, json=None):
    response = requests.request(method, f"{sandbox}/sandbox/api/{path}", json=json, timeout=10)
    assert response.status_code < 300, response.text
    return response.json()


def client(sandbox):
    """wechatpy's client on the sandbox's API host. Its token fetch has the host built in, so the token comes
    from the sandbox's cgi-bin/token and is handed to the client (a constructor argument)."""
    token = requests.get(f"{sandbox}/cgi-bin/token", params={
        "grant_type": "client_credential", "appid": OFFICIAL_ACCOUNT, "secret": SECRET}, timeout=10).json()
    wechat = WeChatClient(OFFICIAL_ACCOUNT, SECRET, access_token=token["access_token"])
    wechat.API_BASE_URL = sandbox + "/cgi-bin/"
    return wechat


def on_sandbox(sandbox, url):
    """The sandbox serves every WeChat host on its one port: mp.weixin.qq.com becomes the sandbox's base URL."""
    assert url.startswith("https://mp.weixin.qq.com/"), url
    return sandbox + url[len("https://mp.weixin.qq.com"):]


def zbar(png):
    zbarimg = shutil.which("zbarimg")
    assert zbarimg, "zbarimg (Debian zbar-tools) is missing: scripts/install-test-dependencies installs it"
    with tempfile.NamedTemporaryFile(suffix=".png") as file:
        file.write(png)
        file.flush()
        result = subprocess.run([zbarimg, "--raw", "-q", file.name], capture_output=True, text=True, check=False)
    assert result.returncode == 0, "zbarimg found no QR code"
    return result.stdout.rstrip("\n")


def test_create_and_get_url_give_a_decodable_image(sandbox):
    wechat = client(sandbox)
    created = wechat.qrcode.create({
        "expire_seconds": 1800, "action_name": "QR_SCENE", "action_info": {"scene": {"scene_id": 123}}})
    assert created["expire_seconds"] == 1800 and created["url"].startswith(sandbox + "/sandbox/q/")
    image = requests.get(on_sandbox(sandbox, wechat.qrcode.get_url(created)), timeout=10)
    assert image.status_code == 200 and image.headers["Content-Type"] == "image/png"
    assert zbar(image.content) == created["url"]

    permanent = wechat.qrcode.create({
        "action_name": "QR_LIMIT_STR_SCENE", "action_info": {"scene": {"scene_str": "scan_qrcode_from_scene"}}})
    assert "expire_seconds" not in permanent and permanent["ticket"] != created["ticket"]
    with pytest.raises(WeChatClientException) as refused:
        wechat.qrcode.create({"action_name": "QR_LIMIT_SCENE", "action_info": {"scene": {"scene_id": 0}}})
    assert refused.value.errcode == 40053

    control(sandbox, "POST", f"qrcodes/{created['ticket']}/expire")
    assert requests.get(on_sandbox(sandbox, wechat.qrcode.get_url(created["ticket"])), timeout=10).status_code == 404


class DeveloperServer:
    """A business's message server written with wechatpy: decrypts, parses, answers text with a passive reply."""

    def __init__(self):
        self.crypto = WeChatCrypto(TOKEN, AES_KEY, OFFICIAL_ACCOUNT)
        self.messages = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                xml = server.crypto.decrypt_message(body, query["msg_signature"], query["timestamp"], query["nonce"])
                message = parse_message(xml)
                server.messages.append(message)
                answer = b"success"
                if message.type == "text":
                    reply = create_reply("收到：" + message.content, message).render()
                    answer = server.crypto.encrypt_message(reply, query["nonce"], query["timestamp"]).encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/wechat"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def test_scans_and_a_chat_message_reach_a_wechatpy_server_and_its_reply_reaches_the_phone(sandbox):
    server = DeveloperServer()
    try:
        control(sandbox, "PATCH", f"apps/{OFFICIAL_ACCOUNT}", {"serverURL": server.url, "encryptionMode": "safe"})
        control(sandbox, "POST", "users", {"id": "q15", "nickname": "扫码者"})
        ticket = client(sandbox).qrcode.create({
            "action_name": "QR_STR_SCENE", "action_info": {"scene": {"scene_str": "login:abc"}}})["ticket"]

        assert control(sandbox, "POST", f"qrcodes/{ticket}/scan", {"user": "q15"})["result"] == "subscribed"
        assert control(sandbox, "POST", f"qrcodes/{ticket}/scan", {"user": "q15"})["result"] == "scanned"
        sent = control(sandbox, "POST", f"users/q15/chat/{OFFICIAL_ACCOUNT}", {"text": "你好"})
        assert sent["delivery"] == "acknowledged"
        assert sent["reply"] == {"msgType": "text", "content": "收到：你好"}

        for _ in range(100):
            if len(server.messages) >= 3:
                break
            threading.Event().wait(0.05)
        order = {"subscribe_scan": 0, "scan": 1}
        subscribe, scan, text = sorted(server.messages, key=lambda m: order.get(getattr(m, "event", ""), 2))
        assert subscribe.event == "subscribe_scan" and subscribe.scene_id == "login:abc" and subscribe.ticket == ticket
        assert scan.event == "scan" and scan.scene_id == "login:abc" and scan.ticket == ticket
        assert text.type == "text" and text.content == "你好" and text.source == subscribe.source
        chat = control(sandbox, "GET", f"users/q15/chat/{OFFICIAL_ACCOUNT}")
        assert [(line["from"], line["text"]) for line in chat] == [("user", "你好"), ("account", "收到：你好")]
    finally:
        server.close()
