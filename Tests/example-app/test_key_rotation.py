"""A key rotation does not break the example app: scripts/example-app-test restarted the provider, which in sandbox
mode signs with new keys (the old kids are in EXAMPLE_OLD_KIDS), while the example app kept running with the keys it
read at start. Its next sign-in meets an unknown `kid`, reads the JWKS again, and signs the person in."""
import json
import os
import urllib.request

from selenium.webdriver.common.by import By

from chromium import APP, SITE, WECHAT_UA, chrome, sign_in_at_the_provider


def test_a_token_signed_with_a_new_key_signs_the_person_in():
    with urllib.request.urlopen(SITE + "/oauth/jwks", timeout=10) as response:
        published = {key["kid"] for key in json.load(response)["keys"]}
    old = set(os.environ["EXAMPLE_OLD_KIDS"].split(","))
    assert published - old, "the provider publishes no new key: nothing to test"

    pc = chrome()
    phone = chrome(user_agent=WECHAT_UA, size="390,844")
    try:
        pc.get(APP + "/")
        sign_in_at_the_provider(pc, phone, "u1", "13800138000")
        assert "你好，张三" in pc.find_element(By.TAG_NAME, "body").text and pc.find_element(By.ID, "sub").text
    finally:
        pc.quit()
        phone.quit()
