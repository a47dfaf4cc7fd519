"""People: signing in and out (password, TOTP, keyboard only), registering an organization, and a
forgotten password reset through the mail."""

import os
import tempfile
import time

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from harness import (ADMIN_EMAIL, ADMIN_PASSWORD, BASE, HOSTILE_NAMES, NGO_EMAIL, NGO_PASSWORD, SCRIPT_PAYLOAD,
                     BrowserTest, admin_totp_secret,
                     fresh_totp, totp, wait_for_mail)


class SignIn(BrowserTest):
    def test_wrong_then_right_password(self):
        self.go("/sign-in", "sign-in")
        form = self.form_for("/sign-in")
        self.assert_form_conventions(form)
        self.type_into("email", NGO_EMAIL, form)
        self.type_into("password", NGO_PASSWORD + "-wrong", form)
        self.submit(self.submit_button(form))
        self.assertEqual(self.path_only(), "/sign-in", "a wrong password left /sign-in")
        self.loaded("sign-in-error", status=None)
        summary = self.el("div.error-summary")
        self.assertEqual(summary.get_attribute("role"), "alert")
        self.assertTrue(self.els("a[href*='#']", summary), "the error summary links to no field")
        self.assertEqual(self.value("email"), NGO_EMAIL, "the email typed was lost")
        form = self.form_for("/sign-in")
        self.type_into("password", NGO_PASSWORD, form)
        self.submit(self.submit_button(form))
        self.assertEqual(self.path_only(), "/account", f"the right password did not land on /account ({self.describe()})")
        self.loaded("account")

    def test_unknown_email_reads_like_a_wrong_password(self):
        self.go("/sign-in", "sign-in")
        form = self.form_for("/sign-in")
        self.type_into("email", "nobody-" + str(int(time.time())) + "@demo.asar.kz", form)
        self.type_into("password", NGO_PASSWORD, form)
        self.submit(self.submit_button(form))
        self.assertEqual(self.path_only(), "/sign-in")
        unknown = self.el("div.error-summary").text
        # The wrong-password answer for a real account, in the same language.
        form = self.form_for("/sign-in")
        self.type_into("email", NGO_EMAIL, form)
        self.type_into("password", NGO_PASSWORD + "-wrong", form)
        self.submit(self.submit_button(form))
        self.assertEqual(self.el("div.error-summary").text, unknown,
                         "an unknown email and a wrong password get different answers")

    def test_sign_out(self):
        self.sign_in(NGO_EMAIL, NGO_PASSWORD)
        form = self.form_for("/sign-out")
        self.assertEqual((form.get_attribute("method") or "").lower(), "post", "sign-out is not a POST form")
        self.assert_form_conventions(form)
        self.submit(self.submit_button(form))
        self.assertNotEqual(self.path_only(), "/account", "still on /account after signing out")
        self.d.get(BASE + "/account")
        self.assertEqual(self.path_only(), "/sign-in", "/account is still open after signing out")

    def test_account_needs_sign_in(self):
        self.d.get(BASE + "/account")
        self.assertEqual(self.path_only(), "/sign-in", "/account without a session does not lead to /sign-in")

    def test_two_factor(self):
        secret = admin_totp_secret()
        self.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD, expect=None)
        self.assertEqual(self.path_only(), "/sign-in/code", f"an admin with two-factor was not asked for a code ({self.describe()})")
        self.loaded("sign-in-code")
        form = self.form_for("/sign-in/code")
        self.assert_form_conventions(form)
        self.field("code", form)
        # The page of the pending sign-in in every language (the switch keeps it).
        for lang in ("ru", "en", "kk"):
            self.switch_language(lang)
            self.assertEqual(self.path_only(), "/sign-in/code", f"switching to {lang} lost the pending sign-in")
            self.loaded("sign-in-code")
        self.assertTrue(secret, "no TOTP secret for the demo admin (set ASAR_DEMO_TOTP_SECRET)")
        wrong = "000000" if totp(secret) != "000000" else "111111"
        form = self.form_for("/sign-in/code")
        self.type_into("code", wrong, form)
        self.submit(self.submit_button(form))
        self.assertEqual(self.path_only(), "/sign-in/code", "a wrong code left /sign-in/code")
        self.loaded("sign-in-code-error", status=None)
        self.assert_error_summary(["code"])
        form = self.form_for("/sign-in/code")
        self.type_into("code", fresh_totp(secret), form)
        self.submit(self.submit_button(form))
        self.assertEqual(self.path_only(), "/account", f"the right code did not land on /account ({self.describe()})")
        self.loaded("account-admin")
        # The verification queue shows what organizations typed about themselves as text.
        self.go("/admin/verification", "admin-verification")
        self.assert_nothing_injected()
        text = self.d.execute_script("return document.querySelector('main').innerText")
        for name in HOSTILE_NAMES:
            self.assertIn(name.replace("\u202e", "").split()[0], text, "a registered organization is missing from the queue")
            self.assertIn(SCRIPT_PAYLOAD, text, "the queue does not show the markup typed into a name as text")
        # What the admin weighs: what each BIN says, and the documents given (Register's certificate).
        readings = [dd.text for dd in self.els("main dl.facts dd:first-of-type")]
        self.assertTrue(readings and all(" — " in r for r in readings), f"the queue does not say what each BIN records: {readings}")
        self.assertIn("Куәлік.pdf", [a.text for a in self.els("main a[download]")], "the registered organization's certificate is not linked")
        # The organization's documents page, from the queue: the admin sees every paper and may remove one.
        certificate = next(a for a in self.els("main a[download]") if a.text == "Куәлік.pdf")
        documents_path = certificate.get_attribute("pathname").rsplit("/", 1)[0]
        self.follow(self.el(f"main a[href='{documents_path}']"))
        self.loaded("admin-documents")
        self.assertIn("Куәлік.pdf", self.el("main table").text)
        self.assertTrue(self.els(f"form[action^='{documents_path}/'][action$='/remove']"), "the admin cannot remove a paper")
        self.follow(self.el("main a[href='/admin/verification']"))
        # People and their roles: every demo person, the admin's own row without a suspend button.
        self.follow(self.el("a[href='/account']"))
        self.follow(self.el("a[href='/admin/people']"))
        for lang in ("kk", "ru", "en"):
            self.switch_language(lang)
            self.loaded("admin-people")
        self.assertIn("ngo.owner@demo.asar.kz", self.el("main").text)
        self.assertTrue(self.els("button[value=disable]"), "no one can be suspended")
        # Every API token, with the organization it acts for.
        self.follow(self.el("a[href='/account']"))
        self.follow(self.el("a[href='/admin/tokens']"))
        for lang in ("kk", "ru", "en"):
            self.switch_language(lang)
            self.loaded("admin-tokens")
        self.assertEqual(self.el("h1").text, "API tokens")

    def test_keyboard_only(self):
        """Tab to the skip link, the email, the password; Enter signs in. No clicks."""
        self.go("/sign-in", "sign-in")
        self.d.execute_script("document.activeElement && document.activeElement.blur(); window.focus()")
        keys = ActionChains(self.d)
        keys.send_keys(Keys.TAB).perform()
        active = self.d.switch_to.active_element
        self.assertIn("skip-link", active.get_attribute("class") or "", "the first Tab does not reach the skip link")

        def tab_to(name, limit=40):
            for _ in range(limit):
                active = self.d.switch_to.active_element
                if active.get_attribute("name") == name:
                    return active
                ActionChains(self.d).send_keys(Keys.TAB).perform()
            self.fail(f"Tab never reaches the field {name!r}")

        field = tab_to("email")
        focus = self.d.execute_script(
            "const s = getComputedStyle(arguments[0]);"
            "return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none'", field)
        self.assertTrue(focus, "the focused email field shows no visible focus (outline or box-shadow)")
        ActionChains(self.d).send_keys(NGO_EMAIL).perform()
        tab_to("password")
        ActionChains(self.d).send_keys(NGO_PASSWORD).send_keys(Keys.ENTER).perform()
        for _ in range(300):
            if self.path_only() != "/sign-in":
                break
            time.sleep(0.1)
        self.assertEqual(self.path_only(), "/account", f"keyboard sign-in did not land on /account ({self.describe()})")


class Register(BrowserTest):
    def test_errors_are_summarised_beside_fields_and_nothing_is_lost(self):
        self.go("/register", "register")
        form = self.form_for("/register")
        self.assert_form_conventions(form)
        for name in ("organization_name", "bin", "kind", "email", "display_name", "password"):
            self.field(name, form)
        typed = {"bin": "123456789012", "email": "coordinator@example.kz", "display_name": "Айгүл Сәрсенова"}
        for name, text in typed.items():
            self.type_into(name, text, form)
        self.type_into("organization_name", "", form)
        self.type_into("password", "", form)
        self.submit(self.submit_button(form))
        self.assertEqual(self.path_only(), "/register", "a form with errors left /register")
        self.loaded("register-errors", status=None)
        self.assert_error_summary(["organization_name", "bin", "password"])
        for name, text in typed.items():
            self.assertEqual(self.value(name), text, f"what was typed into {name} was lost")
        for name in ("bin", "organization_name", "password"):
            described = self.field(name).get_attribute("aria-describedby") or ""
            self.assertIn(f"{name}-error", described.split(), f"the field {name} is not described by its message")
        self.assert_form_conventions(self.form_for("/register"))

    def test_register_then_reset_the_forgotten_password(self):
        address = f"coordinator-{int(time.time() * 1000)}@example.kz"
        self.go("/register", "register")
        form = self.form_for("/register")
        self.fill_registration(form, "Қамқор қоры " + address.split("@")[0], "Dana Test", address, "first-password-2026")
        self.submit(self.submit_button(form))
        self.assertFalse(self.els("div.error-summary"), f"registration refused: {self.describe()}")
        self.assertNotEqual(self.path_only(), "/register", "registration stayed on /register")
        self.loaded("registered", status=None)
        # The new owner gives the papers the admins verify it by: a web page is refused beside
        # the field, a PDF is kept (the admin's queue in SignIn.test_two_factor links it).
        self.d.get(BASE + "/account")
        link = self.el("a[href$='/documents']")
        documents_path = link.get_attribute("href").replace(BASE, "")
        self.follow(link)
        self.loaded("documents")
        folder = tempfile.mkdtemp(prefix="asar-documents-")
        page, certificate = os.path.join(folder, "page.html"), os.path.join(folder, "Куәлік.pdf")
        with open(page, "w") as out:
            out.write("<html><script>alert(1)</script></html>")
        with open(certificate, "wb") as out:
            out.write(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
        form = self.form_for(documents_path)
        self.assert_form_conventions(form)
        self.field("file", form).send_keys(page)
        self.submit(self.submit_button(form))
        self.loaded("documents-error", status=None)
        self.assert_error_summary(["file"])
        form = self.form_for(documents_path)
        Select(self.field("kind", form)).select_by_value("registration_certificate")
        self.field("file", form).send_keys(certificate)
        self.submit(self.submit_button(form))
        self.assertFalse(self.els("div.error-summary"), f"the certificate was refused: {self.describe()}")
        self.loaded("documents-uploaded")
        self.assertIn("Куәлік.pdf", self.el("main table").text)
        # Forgotten password: the mail brings a link to the public URL.
        self.d.execute_cdp_cmd("Network.clearBrowserCookies", {})
        self.go("/password/forgot", "password-forgot")
        form = self.form_for("/password/forgot")
        self.assert_form_conventions(form)
        self.type_into("email", address, form)
        self.submit(self.submit_button(form))
        self.loaded("password-forgot-sent", status=None)
        found = wait_for_mail(address, r"(https?://[^\s\"<>]+)/password/reset\?token=([A-Za-z0-9_\-.~%]+)")
        self.assertTrue(found, f"no mail with a /password/reset?token= link reached the sink for {address}")
        self.assertEqual(found.group(1), BASE, "the reset link does not start with ASAR_PUBLIC_URL")
        self.d.get(found.group(0))
        self.loaded("password-reset")
        form = self.form_for("/password/reset")
        self.assert_form_conventions(form)
        # Mismatched first: errors, then the real thing.
        self.type_into("password", "second-password-2026", form)
        self.type_into("password_confirmation", "something-else-2026", form)
        self.submit(self.submit_button(form))
        self.loaded("password-reset-errors", status=None)
        self.assertTrue(self.els("div.error-summary"), "mismatched passwords were accepted")
        form = self.form_for("/password/reset")
        self.type_into("password", "second-password-2026", form)
        self.type_into("password_confirmation", "second-password-2026", form)
        self.submit(self.submit_button(form))
        self.assertFalse(self.els("div.error-summary"), f"the reset was refused: {self.describe()}")
        self.d.execute_cdp_cmd("Network.clearBrowserCookies", {})
        self.sign_in(address, "second-password-2026")
        # The link works once.
        self.d.execute_cdp_cmd("Network.clearBrowserCookies", {})
        self.d.get(found.group(0))
        form = self.els("form[action='/password/reset']")
        if form:
            self.type_into("password", "third-password-2026", form[0])
            self.type_into("password_confirmation", "third-password-2026", form[0])
            self.submit(self.submit_button(form[0]))
            self.assertTrue(self.els("div.error-summary"), "a used reset link worked a second time")
