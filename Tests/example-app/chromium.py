"""Headless Chromium for the example app's tests: the PC browser, the "phone" that scans the provider's QR code
(decoded from the image with zbarimg, as a camera would), and the provider's first-time binding."""
import json
import os
import subprocess
import tempfile
import urllib.request

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

APP = os.environ["EXAMPLE_APP"]
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
    return webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path="/usr/bin/chromedriver"))


def decode_qr(png_url):
    with urllib.request.urlopen(png_url, timeout=10) as response:
        png = response.read()
    with tempfile.NamedTemporaryFile(suffix=".png") as image:
        image.write(png)
        image.flush()
        return subprocess.run(["zbarimg", "--raw", "-q", image.name], check=True, capture_output=True,
                              text=True).stdout.strip()


def scan_with_phone(pc, phone, user):
    """The PC shows WeChat's QR page; the phone decodes the QR code, picks `user` and allows."""
    wait = WebDriverWait(pc, 20)
    wait.until(EC.url_contains("/connect/qrconnect"))
    assert pc.current_url.startswith(SANDBOX)
    image = wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "img.qrcode")))
    confirm_url = decode_qr(image.get_attribute("src"))
    assert confirm_url.startswith(SANDBOX + "/connect/confirm?uuid=")
    phone.get(confirm_url)
    if "/sandbox/whoami" in phone.current_url:
        phone.find_element(By.CSS_SELECTOR, f"button[value='{user}']").click()
    WebDriverWait(phone, 10).until(EC.element_to_be_clickable((By.CSS_SELECTOR, "button[value='allow']"))).click()


def bind(pc, contact):
    """The provider's first-time binding: a code to `contact`, read from the development outbox."""
    wait = WebDriverWait(pc, 20)
    wait.until(EC.url_to_be(SITE + "/bind"))
    pc.find_element(By.ID, "contact").send_keys(contact)
    pc.find_element(By.CSS_SELECTOR, "form[action='/bind/code'] button").click()
    wait.until(EC.url_contains("/bind/verify"))
    with urllib.request.urlopen(f"{SITE}/dev/outbox.json?destination={contact}", timeout=10) as response:
        code = json.load(response)[0]["code"]
    pc.find_element(By.ID, "code").send_keys(code)
    pc.find_element(By.CSS_SELECTOR, "form[action='/bind/verify'] button").click()


def sign_in_at_the_provider(pc, phone, user, contact):
    """From the app's sign-in button to the app's home page: the QR code, and the binding when the provider asks."""
    pc.find_element(By.ID, "sign-in").click()
    scan_with_phone(pc, phone, user)
    WebDriverWait(pc, 20).until(lambda driver: driver.current_url in (APP + "/", SITE + "/bind"))
    if pc.current_url == SITE + "/bind":
        bind(pc, contact)
    WebDriverWait(pc, 20).until(EC.url_to_be(APP + "/"))
