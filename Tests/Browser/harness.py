"""Shared pieces of the browser tests: one headless chromium for the whole run, page visits that
capture screenshots and run axe-core once per page and language, the demo people, TOTP codes,
the mail the SMTP sink kept, and plain HTTP requests for headers and cookies.

deploy/browser sets the environment:
  ASAR_BROWSER_URL          the service, e.g. http://127.0.0.1:40123
  ASAR_BROWSER_SCREENSHOTS  where <lang>-<page>-<width>.png go
  ASAR_BROWSER_MAILDIR      the SMTP sink's Maildir
  ASAR_BROWSER_PROJECT, ASAR_BROWSER_ORGANIZATION, ASAR_BROWSER_REGION
                            a project with partnerships, its NGO and its region (from the database)
  ASAR_BROWSER_UNTRANSLATED_PROJECT
                            a project whose title has no English text
  ASAR_BROWSER_SEED_LOG     what `asar seed --demo` printed (the demo people may be listed there)
The demo people the tests sign in as; each setting wins over the table of demo people that
`asar seed --demo` prints (email, role, organization, password, TOTP key), which wins over the
defaults:
  ASAR_DEMO_ADMIN_EMAIL     default admin@demo.asar.kz (a platform admin: has two-factor)
  ASAR_DEMO_NGO_EMAIL       default ngo.owner@demo.asar.kz (an NGO owner without two-factor)
  ASAR_DEMO_ADMIN_PASSWORD, ASAR_DEMO_NGO_PASSWORD, or ASAR_DEMO_PASSWORD for both
                            default demo-password-2026
  ASAR_DEMO_TOTP_SECRET     the admin's TOTP key, base32 as an authenticator app takes it
"""

import base64
import email
import email.policy
import hashlib
import hmac
import json
import mailbox
import math
import os
import re
import secrets
import struct
import subprocess
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

BASE = os.environ.get("ASAR_BROWSER_URL", "http://127.0.0.1:8080").rstrip("/")
SCREENSHOTS = os.environ.get("ASAR_BROWSER_SCREENSHOTS", os.path.join(os.getcwd(), "screenshots"))
MAILDIR = os.environ.get("ASAR_BROWSER_MAILDIR", "")
PROJECT_ID = os.environ.get("ASAR_BROWSER_PROJECT", "")
ORGANIZATION_ID = os.environ.get("ASAR_BROWSER_ORGANIZATION", "")
REGION = os.environ.get("ASAR_BROWSER_REGION", "") or "550000000"
UNTRANSLATED_PROJECT_ID = os.environ.get("ASAR_BROWSER_UNTRANSLATED_PROJECT", "")
SEED_LOG = os.environ.get("ASAR_BROWSER_SEED_LOG", "")



def _seeded_people():
    """email -> (password, TOTP key or None) from the table of demo people `asar seed --demo` prints
    (columns email, role, organization, password, TOTP key; separated by two or more spaces)."""
    people = {}
    if SEED_LOG and os.path.exists(SEED_LOG):
        for line in open(SEED_LOG, encoding="utf-8", errors="replace").read().splitlines():
            cells = re.split(r"\s{2,}", line.strip())
            if len(cells) >= 5 and "@" in cells[0] and " " not in cells[0]:
                key = cells[-1] if re.fullmatch(r"[A-Z2-7]{16,}=*", cells[-1]) else None
                people[cells[0].lower()] = (cells[-2], key)
    return people


SEEDED = _seeded_people()
ADMIN_EMAIL = os.environ.get("ASAR_DEMO_ADMIN_EMAIL", "admin@demo.asar.kz")
NGO_EMAIL = os.environ.get("ASAR_DEMO_NGO_EMAIL", "ngo.owner@demo.asar.kz")
ADMIN_PASSWORD = (os.environ.get("ASAR_DEMO_ADMIN_PASSWORD") or os.environ.get("ASAR_DEMO_PASSWORD")
                  or SEEDED.get(ADMIN_EMAIL.lower(), ("demo-password-2026",))[0])
NGO_PASSWORD = (os.environ.get("ASAR_DEMO_NGO_PASSWORD") or os.environ.get("ASAR_DEMO_PASSWORD")
                or SEEDED.get(NGO_EMAIL.lower(), ("demo-password-2026",))[0])

LANGUAGES = ("kk", "ru", "en")
LANGUAGE_LABELS = {"kk": "Қазақша", "ru": "Русский", "en": "English"}
WIDTHS = (1280, 375)
# axe-core impacts that fail the stage.
BLOCKING_IMPACTS = ("serious", "critical")

# Hostile text for the escaping checks: markup, an attribute break-out, bidi controls.
SCRIPT_PAYLOAD = "<script>alert(1)</script>"
IMG_PAYLOAD = '"><img src=x onerror=alert(1)>'
RTL_PAYLOAD = "\u202eevil\u202c \u200fmark\u200e"


# ---------------------------------------------------------------------------------------------
# Results gathered across tests (reported by the accessibility and security tests and run.py)

# (lang, page) -> list of blocking axe violations (dicts from axe-core)
AXE_RESULTS = {}
# (lang, page) -> console messages about the Content-Security-Policy
CSP_MESSAGES = {}
# (lang, page) -> document width at 375 px when it overflows sideways
OVERFLOW = {}
# (lang, page) -> path, for the report
VISITED = {}
# (lang, page) -> other console errors (scripts that throw, assets that fail to load)
CONSOLE_ERRORS = {}
# (lang, page) -> ["status url"] of stylesheets, scripts and images that did not load
BROKEN_ASSETS = {}
# (lang, page) -> texts a template leaked: text or an attribute reading "nil", "Optional(...)" or "{{...}}"
TEMPLATE_LEAKS = {}
# organization names with markup that registered (the admin's verification queue must show them as text)
HOSTILE_NAMES = []
# time spent on screenshots and axe-core
CAPTURE_SECONDS = [0.0]
# of which axe-core
AXE_SECONDS = [0.0]


def say(text=""):
    print(text, flush=True)


# ---------------------------------------------------------------------------------------------
# The browser

_driver = None


def new_driver():
    """A chromium of its own: another person's browser, with its own cookies."""
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("ASAR_BROWSER_CHROMIUM", "/usr/bin/chromium")
    for argument in ("--headless=new", "--disable-dev-shm-usage", "--window-size=1280,900",
                     "--disable-gpu", "--no-first-run", "--disable-extensions", "--lang=kk",
                     "--disable-background-networking", "--disable-component-update"):
        options.add_argument(argument)
    if os.geteuid() == 0:
        options.add_argument("--no-sandbox")
    # A reader in Kazakhstan: Kazakh first.
    options.add_experimental_option("prefs", {"intl.accept_languages": "kk,ru;q=0.8,en;q=0.6"})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(os.environ.get("ASAR_BROWSER_CHROMEDRIVER", "/usr/bin/chromedriver"))
    browser = webdriver.Chrome(options=options, service=service)
    browser.set_page_load_timeout(30)
    browser.set_script_timeout(30)
    browser.implicitly_wait(0)
    return browser


def driver():
    """The one chromium of the run, started on first use."""
    global _driver
    if _driver is None:
        _driver = new_driver()
    return _driver


def quit_driver():
    global _driver
    if _driver is not None:
        try:
            _driver.quit()
        finally:
            _driver = None


# ---------------------------------------------------------------------------------------------
# Plain HTTP (headers, cookies, CSRF), no redirects followed


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


class Reply:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # http.client.HTTPMessage: get(), get_all()
        self.body = body

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def set_cookies(self):
        """name -> (value, {attribute lower-cased: value}) for every Set-Cookie."""
        cookies = {}
        for line in self.headers.get_all("Set-Cookie") or []:
            parts = [p.strip() for p in line.split(";")]
            name, _, value = parts[0].partition("=")
            attributes = {}
            for part in parts[1:]:
                key, _, val = part.partition("=")
                attributes[key.strip().lower()] = val.strip()
            cookies[name.strip()] = (value, attributes, line)
        return cookies


def http(method, path, data=None, headers=None, cookies=None):
    """One request; redirects are returned, not followed. data: dict (form-encoded) or bytes."""
    body = None
    sent = dict(headers or {})
    if isinstance(data, dict):
        body = urllib.parse.urlencode(data).encode()
        sent.setdefault("Content-Type", "application/x-www-form-urlencoded")
    elif data is not None:
        body = data
    if cookies:
        sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    request = urllib.request.Request(BASE + path, data=body, method=method, headers=sent)
    try:
        with _opener.open(request, timeout=20) as response:
            return Reply(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return Reply(error.code, error.headers, error.read() if error.fp else b"")


def hidden_value(html, name):
    """The value of <input name=NAME> in HTML text (attributes in any order)."""
    for tag in re.findall(r"<input\b[^>]*>", html, flags=re.I):
        if re.search(r'\bname\s*=\s*["\']?%s["\'\s/>]' % re.escape(name), tag, flags=re.I):
            found = re.search(r'\bvalue\s*=\s*"([^"]*)"', tag) or re.search(r"\bvalue\s*=\s*'([^']*)'", tag)
            return found.group(1).replace("&amp;", "&") if found else ""
    return None


# ---------------------------------------------------------------------------------------------
# TOTP (RFC 6238: SHA-1, 30 s, 6 digits) and the demo people


def totp(secret, at=None, step=30, digits=6):
    key = base64.b32decode(secret.replace(" ", "").upper() + "=" * (-len(secret.replace(" ", "")) % 8))
    counter = int((time.time() if at is None else at) // step)
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    code = (struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF) % (10 ** digits)
    return str(code).zfill(digits)


_LAST_TOTP_WINDOW = {}


def fresh_totp(secret, margin=4):
    """A code with at least `margin` seconds of its 30-second window left, and from a window no
    earlier sign-in of the run used: the service takes each code once."""
    while True:
        left = 30 - time.time() % 30
        window = int(time.time() // 30)
        if left < margin or window <= _LAST_TOTP_WINDOW.get(secret, -1):
            time.sleep(left + 0.2)
            continue
        _LAST_TOTP_WINDOW[secret] = window
        return totp(secret)


def admin_totp_secret():
    """The admin's TOTP key (base32): ASAR_DEMO_TOTP_SECRET, else the seed's table of demo people,
    else an otpauth:// URI for the admin in the seed's output."""
    secret = os.environ.get("ASAR_DEMO_TOTP_SECRET", "").strip()
    if secret:
        return secret
    if SEEDED.get(ADMIN_EMAIL.lower(), (None, None))[1]:
        return SEEDED[ADMIN_EMAIL.lower()][1]
    if SEED_LOG and os.path.exists(SEED_LOG):
        text = open(SEED_LOG, encoding="utf-8", errors="replace").read()
        for uri in re.findall(r"otpauth://totp/[^\s\"'<>]+", text):
            if ADMIN_EMAIL in urllib.parse.unquote(uri):
                found = urllib.parse.parse_qs(urllib.parse.urlsplit(uri).query).get("secret")
                if found:
                    return found[0]
    return None


def valid_bin():
    """A random 12-digit BIN with a right check digit (Sources/Domain/BIN.swift)."""
    while True:
        digits = [2, 6, 0, 1, 4, 0] + [secrets.randbelow(10) for _ in range(5)]
        first = sum(d * w for d, w in zip(digits, range(1, 12))) % 11
        if first == 10:
            first = sum(d * w for d, w in zip(digits, [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2])) % 11
            if first == 10:
                continue
        return "".join(map(str, digits)) + str(first)


# ---------------------------------------------------------------------------------------------
# Mail kept by the SMTP sink


def _plain_text(message):
    parts = []
    for part in message.walk():
        if part.get_content_maintype() == "text":
            payload = part.get_payload(decode=True) or b""
            parts.append(payload.decode(part.get_content_charset() or "utf-8", "replace"))
    return "\n".join(parts)


def wait_for_mail(to, pattern, timeout=30):
    """The first match of `pattern` in a mail to `to`, waiting for the outbox to deliver it."""
    deadline = time.monotonic() + timeout
    seen = 0
    while time.monotonic() < deadline:
        if MAILDIR and os.path.isdir(os.path.join(MAILDIR, "new")):
            box = mailbox.Maildir(MAILDIR, factory=None, create=False)
            for key in box.keys():
                message = email.message_from_bytes(box.get_bytes(key), policy=email.policy.default)
                seen += 1
                if to.lower() not in str(message.get("To", "")).lower():
                    continue
                found = re.search(pattern, _plain_text(message))
                if found:
                    return found
        time.sleep(0.5)
    return None


# ---------------------------------------------------------------------------------------------
# Tests


class BrowserTest(unittest.TestCase):
    """A test that drives the shared browser. Each one starts signed out, with no cookies."""

    maxDiff = 4000

    def setUp(self):
        self.d = driver()
        self.d.execute_cdp_cmd("Network.clearBrowserCookies", {})

    # --- where we are

    def path(self):
        """The current path and query."""
        parts = urllib.parse.urlsplit(self.d.current_url)
        return parts.path + ("?" + parts.query if parts.query else "")

    def path_only(self):
        return urllib.parse.urlsplit(self.d.current_url).path

    def query(self):
        return urllib.parse.parse_qs(urllib.parse.urlsplit(self.d.current_url).query)

    def status(self):
        try:
            return self.d.execute_script(
                "const n = performance.getEntriesByType('navigation')[0]; return n ? n.responseStatus : null")
        except WebDriverException:
            return None

    def lang(self):
        return self.d.execute_script("return document.documentElement.getAttribute('lang')")

    def el(self, css, within=None):
        found = (within or self.d).find_elements(By.CSS_SELECTOR, css)
        self.assertTrue(found, f"no element `{css}` on {self.path()} ({self.describe()})")
        return found[0]

    def els(self, css, within=None):
        return (within or self.d).find_elements(By.CSS_SELECTOR, css)

    def describe(self):
        """A short description of the page, for failure messages."""
        title = self.d.title
        body = self.d.execute_script("return document.body ? document.body.innerText.slice(0, 160) : ''")
        return f"status {self.status()}, title {title!r}, text {body!r}"

    # --- moving

    def go(self, path, page, status=200):
        """Opens PATH, checks its status and <html lang>, and captures it as PAGE."""
        drain_console(self.d)
        self.d.get(BASE + path)
        self.loaded(page, status)

    def loaded(self, page, status=200):
        """Checks and captures the page the browser is on now (after a click or submit)."""
        got = self.status()
        if status is not None:
            self.assertEqual(got, status, f"{self.path()} answered {got}, not {status} ({self.describe()})")
        self.assertIn(self.lang(), LANGUAGES, f"{self.path()}: <html lang> is {self.lang()!r}")
        capture(self, page)

    def assert_accessible(self, page, lang="en"):
        """PAGE, as captured in LANG, has no axe-core violation and fits a 375 px phone."""
        violations = AXE_RESULTS.get((lang, page)) or []
        self.assertFalse(violations, f"{lang}-{page}: axe-core finds {[(v.get('id'), v.get('impact')) for v in violations]}")
        self.assertNotIn((lang, page), OVERFLOW, f"{lang}-{page} is wider than a 375 px phone")

    def main_text(self):
        return self.el("main").text

    def submit(self, button):
        """Clicks a submit button and waits for the next page."""
        old = self.d.find_element(By.TAG_NAME, "html")
        button.click()
        WebDriverWait(self.d, 30).until(lambda d: _stale(old) and d.execute_script("return document.readyState") == "complete")

    def follow(self, link):
        self.submit(link)

    def switch_language(self, code):
        """Follows the language switch to CODE and waits for the page."""
        link = self.el(f"nav.language-switch a[hreflang={code}]")
        self.follow(link)

    def set_language(self, code):
        """Picks a language the way a reader does, through /language/{code}, landing on /."""
        self.d.get(BASE + f"/language/{code}?next=/")

    # --- forms

    def field(self, name, within=None):
        return self.el(f"[name='{name}']", within)

    def type_into(self, name, text, within=None):
        element = self.field(name, within)
        element.clear()
        if text:
            element.send_keys(text)
        return element

    def set_value(self, name, text, within=None):
        """Sets a field's value directly (for text send_keys cannot type, such as bidi controls)."""
        element = self.field(name, within)
        self.d.execute_script("arguments[0].value = arguments[1]", element, text)
        return element

    def choose_first(self, name, within=None):
        """Selects the first non-empty option of a <select>; returns its value."""
        element = self.field(name, within)
        return self.d.execute_script(
            "const s = arguments[0]; const o = [...s.options].find(o => o.value !== '');"
            "if (!o) return null; s.value = o.value; return o.value;", element)

    def fill_registration(self, form, organization, person, address, password):
        """Fills the registration form for a new NGO: the named fields, then every other visible
        field with something plausible (an NGO's legal form, the first region, ...)."""
        self.set_value("organization_name", organization, form)
        self.type_into("bin", valid_bin(), form)
        self.d.execute_script("arguments[0].value = 'ngo'", self.field("kind", form))
        self.d.execute_script(
            "const s = arguments[0].querySelector('select[name=legal_form]');"
            "if (s && [...s.options].some(o => o.value === 'public_foundation')) s.value = 'public_foundation';", form)
        self.type_into("email", address, form)
        self.set_value("display_name", person, form)
        for field in self.els("input[type=password]", form):
            field.clear()
            field.send_keys(password)
        self.d.execute_script(
            "for (const e of arguments[0].querySelectorAll('input, select, textarea')) {"
            "  if (['hidden', 'submit', 'button'].includes(e.type)) continue;"
            "  if (e.tagName === 'SELECT') { if (!e.value) { const o = [...e.options].find(o => o.value); if (o) e.value = o.value; } }"
            "  else if (e.type === 'checkbox') { if (e.required) e.checked = true; }"
            "  else if (e.type === 'radio') { if (!arguments[0].querySelector('input[name=\"' + e.name + '\"]:checked')) e.checked = true; }"
            "  else if (!e.value) { e.value = e.type === 'number' ? '2010' : e.type === 'email' ? 'x@example.kz'"
            "    : e.type === 'url' ? 'https://example.kz' : e.type === 'tel' ? '+77010000000' : 'Test'; }"
            "}", form)

    def value(self, name, within=None):
        return self.field(name, within).get_attribute("value")

    def form_for(self, action):
        return self.el(f"form[action='{action}']")

    def submit_button(self, form):
        return self.el("button[type=submit]", form)

    def assert_form_conventions(self, form):
        """Every field has id = name and a <label for>; a POST form carries a csrf token; its
        buttons are submit buttons that say something."""
        where = f"form[action={form.get_attribute('action')!r}] on {self.path()}"
        fields = self.d.execute_script(
            "return [...arguments[0].querySelectorAll('input, select, textarea')]"
            ".filter(e => !['hidden', 'submit', 'button', 'reset', 'image'].includes(e.type))"
            ".map(e => [e.name, e.id, e.id ? document.querySelectorAll('label[for=\"' + CSS.escape(e.id) + '\"]').length : 0,"
            " e.type === 'radio'])", form)
        for name, ident, labels, radio in fields:
            if radio:
                # One name, several choices: each choice's id is the name and its value.
                self.assertTrue(ident.startswith(name + "-") or ident.startswith(name + "_"), f"{where}: choice of {name!r} has id {ident!r}")
            else:
                self.assertEqual(ident, name, f"{where}: field {name!r} has id {ident!r}")
            self.assertTrue(labels > 0, f"{where}: field {name!r} has no <label for={ident!r}>")
        if (form.get_attribute("method") or "get").lower() == "post":
            csrf = self.els("input[type=hidden][name=csrf]", form)
            self.assertTrue(csrf and csrf[0].get_attribute("value"), f"{where}: no hidden csrf input with a value")
        buttons = self.els("button, input[type=submit]", form)
        self.assertTrue(buttons, f"{where}: no button")
        for button in buttons:
            self.assertEqual(button.tag_name, "button", f"{where}: a submit is an <input>, not a <button>")
            self.assertEqual(button.get_attribute("type"), "submit", f"{where}: a button is not type=submit")
            self.assertTrue(button.text.strip(), f"{where}: a button says nothing")

    def assert_error_summary(self, fields):
        """An error summary (role=alert) links to each of FIELDS, and each has #field-error."""
        summary = self.el("div.error-summary")
        self.assertEqual(summary.get_attribute("role"), "alert", "the error summary has no role=alert")
        targets = [a.get_attribute("href").rsplit("#", 1)[-1] for a in self.els("a[href*='#']", summary)]
        for name in fields:
            self.assertIn(name, targets, f"the error summary has no link to #{name} (links: {targets})")
            self.assertTrue(self.els(f"[id='{name}']"), f"the summary links to #{name}, which is not on the page")
            self.assertTrue(self.els(f"[id='{name}-error']"), f"no message #{name}-error beside the field")

    def assert_no_alert(self):
        try:
            alert = self.d.switch_to.alert
            text = alert.text
            alert.dismiss()
            self.fail(f"a JavaScript alert opened on {self.path()}: {text!r}")
        except NoAlertPresentException:
            pass

    def assert_nothing_injected(self):
        """No element the payloads would make: an <img src=x>, a script that calls alert, an
        element with an onerror attribute."""
        self.assert_no_alert()
        found = self.d.execute_script(
            "return [document.querySelectorAll('img[src=\"x\"], [onerror]').length,"
            " [...document.scripts].filter(s => s.text.includes('alert(1)')).length]")
        self.assertEqual(found, [0, 0], f"injected markup on {self.path()} (img/onerror, scripts)")

    # --- signing in through the pages

    def sign_in(self, address, password, expect="/account"):
        self.go("/sign-in", "sign-in")
        form = self.form_for("/sign-in")
        self.type_into("email", address, form)
        self.type_into("password", password, form)
        self.submit(self.submit_button(form))
        if expect:
            self.assertEqual(self.path_only(), expect, f"signing in as {address} did not land on {expect} ({self.describe()})")


def _stale(element):
    try:
        element.is_enabled()
        return False
    except WebDriverException:
        return True


# ---------------------------------------------------------------------------------------------
# Capturing a page: screenshots, axe-core, CSP console messages, sideways overflow


_last_key = [None]


def drain_console(d, key=None):
    """Files the browser console's messages since the last call under KEY (default: the page
    captured last). "Failed to load resource" lines are left to the resource timing check."""
    key = key or _last_key[0] or ("xx", "unknown")
    _last_key[0] = key
    try:
        log = d.get_log("browser")
    except WebDriverException:
        log = []
    for entry in log:
        message = entry.get("message", "")
        if "Content Security Policy" in message:
            CSP_MESSAGES.setdefault(key, []).append(message)
        elif entry.get("level") == "SEVERE" and "Failed to load resource" not in message:
            CONSOLE_ERRORS.setdefault(key, []).append(message)


def capture(test, page):
    """Screenshots at each width and an axe-core run, once per (language, page)."""
    d = test.d
    lang = test.lang() or "xx"
    # Console messages since the last capture belong to this page.
    key = (lang, page)
    drain_console(d, key)
    broken = d.execute_script(
        "return performance.getEntriesByType('resource')"
        ".filter(r => ['link', 'script', 'img', 'css'].includes(r.initiatorType) && r.responseStatus >= 400)"
        ".map(r => r.responseStatus + ' ' + r.name)")
    if broken:
        BROKEN_ASSETS.setdefault(key, []).extend(b for b in broken if b not in BROKEN_ASSETS.get(key, []))
    # A value missing from a template's context renders as Swift prints it, or not at all.
    leaks = d.execute_script("""
        const leaked = v => v === 'nil' || v.includes('Optional(') || v.includes('{{') || v.includes('}}');
        const found = [];
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const parent = node.parentElement;
            if (parent && (parent.tagName === 'SCRIPT' || parent.tagName === 'STYLE')) continue;
            const text = node.textContent.trim();
            if (leaked(text)) found.push(text.slice(0, 80));
        }
        for (const element of document.querySelectorAll('body *')) {
            for (const attribute of element.attributes) {
                if (leaked(attribute.value.trim())) found.push(`${element.tagName.toLowerCase()}[${attribute.name}]=${attribute.value.slice(0, 80)}`);
            }
        }
        return found;""")
    if leaks:
        TEMPLATE_LEAKS.setdefault(key, []).extend(t for t in leaks if t not in TEMPLATE_LEAKS.get(key, []))
    if key in VISITED:
        return
    started = time.monotonic()
    VISITED[key] = test.path()
    os.makedirs(SCREENSHOTS, exist_ok=True)
    try:
        for width in WIDTHS:
            d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                              {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600})
            metrics = d.execute_cdp_cmd("Page.getLayoutMetrics", {})
            size = metrics.get("cssContentSize") or metrics["contentSize"]
            height = max(1, min(math.ceil(size["height"]), 20000))
            if width < 600:
                scroll = d.execute_script("return document.documentElement.scrollWidth")
                if scroll > width + 1:
                    OVERFLOW[key] = scroll
            shot = d.execute_cdp_cmd("Page.captureScreenshot", {
                "format": "png", "optimizeForSpeed": True, "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}})
            with open(os.path.join(SCREENSHOTS, f"{lang}-{page}-{width}.png"), "wb") as out:
                out.write(base64.b64decode(shot["data"]))
    finally:
        d.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    axe_started = time.monotonic()
    AXE_RESULTS[key] = run_axe(d)
    AXE_SECONDS[0] += time.monotonic() - axe_started
    CAPTURE_SECONDS[0] += time.monotonic() - started


_axe_source = None
AXE_VERSION = []


def run_axe(d):
    """Blocking (serious, critical) axe-core violations on the current page."""
    global _axe_source
    if _axe_source is None:
        from axe_selenium_python.axe import _DEFAULT_SCRIPT
        with open(_DEFAULT_SCRIPT, encoding="utf-8") as script:
            _axe_source = script.read()
    d.execute_script(_axe_source)
    if not AXE_VERSION:
        AXE_VERSION.append(d.execute_script("return axe.version"))
    results = d.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations), e => done({error: String(e)}));")
    if isinstance(results, dict) and "error" in results:
        return [{"id": "axe-error", "impact": "critical", "help": results["error"], "nodes": []}]
    return [v for v in results if v.get("impact") in BLOCKING_IMPACTS]


def axe_report(failing):
    """Blocking violations grouped by rule: which pages (in which languages) and which elements."""
    rules = {}
    for (lang, page), violations in sorted(failing.items()):
        for v in violations:
            rule = rules.setdefault(v.get("id"), {"impact": v.get("impact"), "help": v.get("help"), "pages": {}, "targets": []})
            rule["pages"].setdefault(page, []).append(lang)
            for node in v.get("nodes", []):
                target = " ".join(node.get("target", []))
                if target not in rule["targets"]:
                    rule["targets"].append(target)
    lines = []
    for name, rule in sorted(rules.items(), key=lambda item: (item[1]["impact"] != "critical", item[0])):
        lines.append(f"  [{rule['impact']}] {name}: {rule['help']}")
        lines.append("      pages: " + ", ".join(f"{page} ({' '.join(langs)})" for page, langs in rule["pages"].items()))
        more = len(rule["targets"]) - 8
        lines.append("      elements: " + ", ".join(rule["targets"][:8]) + (f" (+{more} more)" if more > 0 else ""))
    return "\n".join(lines)


def write_axe_results(path):
    """Every page's blocking violations as JSON (the full axe-core records), for a closer look."""
    with open(path, "w", encoding="utf-8") as out:
        json.dump({f"{lang}-{page}": {"path": VISITED.get((lang, page)), "violations": v}
                   for (lang, page), v in sorted(AXE_RESULTS.items())}, out, ensure_ascii=False, indent=1)


def json_of(reply):
    return json.loads(reply.body.decode("utf-8"))


def sql(statement):
    """Runs one statement on the service's database (deploy/browser exports its PG* variables)
    and returns the rows as lists of text: for states the demo data never reaches."""
    out = subprocess.run(["psql", "-X", "-q", "-tA", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-c", statement],
                         check=True, capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.splitlines() if line]
