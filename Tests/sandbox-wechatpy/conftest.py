"""Starts `wechat-login sandbox` on a free loopback port for the wechatpy-driven tests (issue 16)."""
import os
import socket
import subprocess
import tempfile
import time

import pytest
import requests


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def sandbox_url():
    binary = os.environ.get("WECHAT_LOGIN_BIN")
    if not binary:
        pytest.fail("WECHAT_LOGIN_BIN must name the built wechat-login (scripts/sandbox-wechatpy-test sets it)")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = tempfile.TemporaryFile()
    process = subprocess.Popen([binary, "sandbox", "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(150):
            try:
                if requests.get(url + "/sandbox/api/apps", timeout=1).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if process.poll() is not None:
                break
            time.sleep(0.2)
        else:
            pass
        if process.poll() is not None or requests.get(url + "/sandbox/api/apps", timeout=2).status_code != 200:
            log.seek(0)
            pytest.fail("wechat-login sandbox did not start:\n" + log.read().decode(errors="replace")[-4000:])
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def sandbox(sandbox_url):
    """A freshly seeded world for each test."""
    assert requests.post(sandbox_url + "/sandbox/api/reset", timeout=5).status_code == 200
    return sandbox_url
