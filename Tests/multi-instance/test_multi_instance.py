"""Three login-server processes on one PostgreSQL database and one standalone sandbox.

Checks, with the real executables:
  0. the three instances, started at the same moment on a fresh database, all come up; one migrates it;
  1. concurrent sends through all three instances cause exactly one cgi-bin/token fetch;
  2. after the sandbox's clock passes the token's expiry, concurrent sends cause exactly one more fetch;
  3. thousands of queued messages drain with each one reaching the person exactly once, although one instance is
     SIGKILLed mid-drain (its claimed messages are taken over when their lease ends and re-sent with the same
     client_msg_id, which WeChat drops);
  4. `wechat-login push` sends one message through the same queue.

Run by scripts/multi-instance-test, which starts PostgreSQL and sets WECHAT_LOGIN_BIN, PG_URL and LOG_DIR.
"""
import concurrent.futures
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

BIN = os.environ["WECHAT_LOGIN_BIN"]
PG_URL = os.environ["PG_URL"]
LOG_DIR = os.environ["LOG_DIR"]
MESSAGES = int(os.environ.get("MULTI_INSTANCE_MESSAGES", "3000"))
OA_APPID = "wx5a1c9e0b3d7f2468"
OA_SECRET = "3f6c2a9e8b1d4f7a0c5e9b2d6a8f1c3e"
TEMPLATE = "ngqIpbwh8bUfcSsECmogfXcV14J0tQlEpBO27izEYtY"
ADMIN = "multi-instance-admin-token-0123456789"
# With real credentials /metrics is closed (404) unless METRICS_TOKEN is set.
METRICS = "multi-instance-metrics-token-0123456789"
TOKEN_KEY = "k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="

processes = []


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(method, url, body=None, token=None, timeout=30):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    if body is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def wait_until(what, condition, seconds=120):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if condition():
                return
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.2)
    raise AssertionError("timed out waiting for: " + what)


def start(name, args, env):
    log = open(os.path.join(LOG_DIR, name + ".log"), "w")
    process = subprocess.Popen([BIN] + args, env=env, stdout=log, stderr=subprocess.STDOUT)
    processes.append(process)
    return process


def server_env(port, sandbox):
    env = dict(os.environ)
    env.update({
        "WECHAT_OA_APPID": OA_APPID, "WECHAT_OA_SECRET": OA_SECRET,
        "WECHAT_API_BASE_URL": sandbox, "DATABASE_URL": PG_URL, "TOKEN_ENCRYPTION_KEY": TOKEN_KEY,
        "PUBLIC_URL": "http://127.0.0.1:%d" % port, "ADMIN_API_TOKEN": ADMIN, "METRICS_TOKEN": METRICS,
        "CODE_WEBHOOK_URL": "http://127.0.0.1:9/unused",
        "WECHAT_SERVER_TOKEN": "sandboxtoken", "WECHAT_ENCODING_AES_KEY": "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
        "WECHAT_MESSAGE_MODE": "safe",
        "MESSAGE_CLAIM_LEASE_SECONDS": "5", "MESSAGE_POLL_INTERVAL_MS": "100", "LOG_LEVEL": "notice",
        # Thousands of admin requests from one loopback address are the test's load, not an attack.
        "RATE_LIMITS": "off",
    })
    return env


def counter(sandbox, path):
    _, counters = http("GET", sandbox + "/sandbox/api/counters")
    return counters.get(path, 0)


def statuses(server):
    """Counts of messages by status, from one instance's /metrics (read from the shared database)."""
    request = urllib.request.Request(server + "/metrics", headers={"Authorization": "Bearer " + METRICS})
    with urllib.request.urlopen(request, timeout=30) as response:
        text = response.read().decode()
    counts = {}
    for line in text.splitlines():
        if line.startswith('wechat_login_template_queue_messages{status="'):
            name = line.split('"')[1]
            counts[name] = int(float(line.split()[-1]))
    return counts


def enqueue_all(servers, items):
    def post(item):
        index, body = item
        status, answer = http("POST", servers[index % len(servers)] + "/api/template-messages", body, ADMIN)
        assert status == 202, (status, answer)
        return answer["id"]
    with concurrent.futures.ThreadPoolExecutor(max_workers=24) as pool:
        return list(pool.map(post, enumerate(items)))


def message(openid, order):
    return {"openid": openid, "template_id": TEMPLATE,
            "data": {"first": {"value": "订单更新"}, "keyword1": {"value": order}, "keyword2": {"value": "已发货"}}}


def main():
    sandbox_port = free_port()
    sandbox = "http://127.0.0.1:%d" % sandbox_port
    start("sandbox", ["sandbox", "--port", str(sandbox_port)], dict(os.environ))
    wait_until("the sandbox", lambda: http("GET", sandbox + "/sandbox/api/apps")[0] == 200)
    _, u1 = http("GET", sandbox + "/sandbox/api/users/u1")
    openid = u1["openids"][OA_APPID]

    ports = [free_port() for _ in range(3)]
    servers = ["http://127.0.0.1:%d" % port for port in ports]
    # 0. All three start at the same moment on the fresh database: they queue on the migration lock, the first
    #    migrates, the others find the schema up to date, and all three serve.
    instances = [start("server-%d" % (index + 1), ["serve", "--port", str(port), "--sandbox-port", str(free_port())],
                       server_env(port, sandbox))
                 for index, port in enumerate(ports)]
    for index in range(len(ports)):
        try:
            wait_until("instance %d" % (index + 1), lambda: http("GET", servers[index] + "/healthz")[0] == 200)
        except AssertionError:
            with open(os.path.join(LOG_DIR, "server-%d.log" % (index + 1))) as log:
                print(log.read()[-4000:], file=sys.stderr)
            raise
    migrated = []
    for index in range(len(ports)):
        with open(os.path.join(LOG_DIR, "server-%d.log" % (index + 1))) as log:
            if any("applied " in line and "migration(s)" in line for line in log):
                migrated.append(index + 1)
    assert len(migrated) == 1, "expected exactly one instance to migrate the fresh database, saw %s" % migrated
    check = subprocess.run([BIN, "migrate", "--check"], env=server_env(ports[0], sandbox), capture_output=True,
                           text=True, timeout=60)
    assert check.returncode == 0 and check.stdout.strip() == "up to date", (check.returncode, check.stdout, check.stderr)
    print("three instances started at the same moment on a fresh database: all serve, instance %d migrated it"
          % migrated[0])
    status, _ = http("PATCH", sandbox + "/sandbox/api/apps/" + OA_APPID, {"serverURL": servers[0] + "/wechat/events"})
    assert status == 200

    # 1. Concurrent sends from all three instances: one token fetch.
    warm = enqueue_all(servers, [message(openid, "W-%03d" % i) for i in range(90)])
    wait_until("the first sends", lambda: statuses(servers[0]).get("queued", 0) + statuses(servers[0]).get("sending", 0) == 0)
    fetches = counter(sandbox, "/cgi-bin/token")
    assert fetches == 1, "expected one cgi-bin/token fetch across three instances, saw %d" % fetches
    print("three instances, %d concurrent sends: %d cgi-bin/token fetch" % (len(warm), fetches))

    # 2. The token expires at WeChat: concurrent sends cause exactly one more fetch.
    http("POST", sandbox + "/sandbox/api/clock/advance", {"seconds": 7201})
    refreshed = enqueue_all(servers, [message(openid, "R-%03d" % i) for i in range(90)])
    wait_until("the sends after expiry", lambda: statuses(servers[0]).get("queued", 0) + statuses(servers[0]).get("sending", 0) == 0)
    fetches = counter(sandbox, "/cgi-bin/token")
    assert fetches == 2, "expected exactly one refetch after expiry, saw %d fetches in all" % fetches
    print("after expiry, %d concurrent sends: one refetch (%d fetches in all)" % (len(refreshed), fetches))

    # 3. Thousands of messages; instance 3 is killed mid-drain.
    sends_before = counter(sandbox, "/cgi-bin/message/template/send")
    orders = ["M-%05d" % i for i in range(MESSAGES)]
    started = time.time()
    ids = enqueue_all(servers[:2], [message(openid, order) for order in orders])
    assert len(set(ids)) == MESSAGES
    wait_until("a third of the drain", lambda: counter(sandbox, "/cgi-bin/message/template/send") - sends_before >= MESSAGES // 3)
    instances[2].send_signal(signal.SIGKILL)
    instances[2].wait()
    killed_at = counter(sandbox, "/cgi-bin/message/template/send") - sends_before
    print("SIGKILLed instance 3 after %d of %d sends" % (killed_at, MESSAGES))

    def drained():
        counts = statuses(servers[0])
        return sum(counts.get(s, 0) for s in ("queued", "sending")) == 0
    wait_until("the drain", drained, seconds=600)
    elapsed = time.time() - started
    counts = statuses(servers[0])
    assert counts.get("failed", 0) == 0 and counts.get("blocked", 0) == 0, counts
    _, inbox = http("GET", sandbox + "/sandbox/api/users/u1/messages")
    texts = [m["text"] for m in inbox]
    for order in orders:
        hits = sum(1 for t in texts if ("订单号：%s\n" % order) in t)
        assert hits == 1, "%s reached the person %d times" % (order, hits)
    expected_total = len(warm) + len(refreshed) + MESSAGES
    assert len(inbox) == expected_total, "inbox holds %d messages, expected %d" % (len(inbox), expected_total)
    resent = counter(sandbox, "/cgi-bin/message/template/send") - sends_before - MESSAGES
    print("%d messages drained in %.1f s by two survivors; each delivered once (%d re-sends dropped as duplicates)"
          % (MESSAGES, elapsed, max(resent, 0)))
    assert counter(sandbox, "/cgi-bin/token") == 2, "the drain fetched no new token"

    # 4. The command line.
    env = server_env(ports[0], sandbox)
    output = subprocess.run([BIN, "push", "--openid", openid, "--template", TEMPLATE, "--data", "first=命令行",
                             "--data", "keyword1=CLI-1"], env=env, capture_output=True, text=True, timeout=120)
    assert output.returncode == 0, output.stdout + output.stderr
    assert ": sent, WeChat msgid" in output.stdout, output.stdout
    refused = subprocess.run([BIN, "push", "--openid", openid, "--template", "no-such-template", "--data", "first=x"],
                             env=env, capture_output=True, text=True, timeout=120)
    assert refused.returncode != 0 and "40037" in refused.stdout, refused.stdout + refused.stderr
    print("wechat-login push: sent one, and reported 40037 for an unknown template")
    print("multi-instance test passed")


if __name__ == "__main__":
    try:
        main()
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
