"""axe-core on every page in kk, ru and en: no serious or critical violation. Pages the other tests
already visited in a language are not visited again (their results are kept); this test visits the
rest, then judges them all. Runs last (run.py orders it so)."""

import os

from selenium.webdriver.common.by import By

from harness import (AXE_RESULTS, AXE_VERSION, BASE, BROKEN_ASSETS, CONSOLE_ERRORS, TEMPLATE_LEAKS, LANGUAGES, NGO_EMAIL, ORGANIZATION_ID, OVERFLOW, NGO_PASSWORD,
                     PROJECT_ID, REGION, SCREENSHOTS, VISITED, BrowserTest, axe_report, capture, say,
                     write_axe_results)

PUBLIC = [("home", "/"), ("search", "/search?q=a"), ("organizations", "/organizations"), ("projects", "/projects"),
          ("regions", "/regions?measure=open_need"), ("region", f"/regions/{REGION}"), ("open-data", "/open-data"),
          ("sign-in", "/sign-in"), ("register", "/register"), ("password-forgot", "/password/forgot")]
if ORGANIZATION_ID:
    PUBLIC.append(("organization", f"/organizations/{ORGANIZATION_ID}"))
if PROJECT_ID:
    PUBLIC.append(("project", f"/projects/{PROJECT_ID}"))


class Accessibility(BrowserTest):
    def test_every_page_in_every_language(self):
        missing = []
        for lang in LANGUAGES:
            self.set_language(lang)
            for page, path in PUBLIC:
                if (lang, page) in VISITED:
                    continue
                self.d.get(BASE + path)
                if self.status() != 200 or self.lang() != lang:
                    missing.append(f"{lang}-{page} {path}: status {self.status()}, lang {self.lang()!r}")
                    continue
                capture(self, page)
            # A form with errors, in this language.
            if (lang, "register-errors") not in VISITED and (lang, "register") in VISITED:
                try:
                    self.d.get(BASE + "/register")
                    form = self.form_for("/register")
                    self.type_into("bin", "1", form)
                    self.d.execute_script("arguments[0].noValidate = true", form)
                    self.submit(self.submit_button(form))
                    self.loaded("register-errors", status=None)
                except AssertionError as error:
                    missing.append(f"{lang}-register-errors: {str(error).splitlines()[0]}")
        # Signed-in pages in every language: the account, the password form, and that form with errors.
        self.d.execute_cdp_cmd("Network.clearBrowserCookies", {})
        try:
            self.sign_in(NGO_EMAIL, NGO_PASSWORD)
            for lang in LANGUAGES:
                self.switch_language(lang)
                if (lang, "account") not in VISITED:
                    self.loaded("account", status=None)
                self.go("/account/password", "change-password")
                form = self.form_for("/account/password")
                self.type_into("password", "short", form)
                self.submit(self.submit_button(form))
                self.loaded("change-password-errors", status=422)
                self.assert_error_summary(["current_password", "password_confirmation"])
                # Setting up a second factor: one key through a reload and a wrong code (one wrong
                # code in all, so the NGO's sign-ins are not throttled).
                self.go("/account/two-factor", "two-factor-setup")
                key = self.d.find_element(By.CSS_SELECTOR, "dl.facts code").text
                if lang == LANGUAGES[0]:
                    form = self.form_for("/account/two-factor")
                    self.type_into("code", "000000", form)
                    self.submit(self.submit_button(form))
                    self.loaded("two-factor-wrong-code", status=401)
                    self.assertEqual(self.d.find_element(By.CSS_SELECTOR, "dl.facts code").text, key, "another key after a wrong code")
                self.d.get(BASE + "/account")
        except AssertionError as error:
            missing.append(f"signed-in pages: {str(error).splitlines()[0]}")

        failing = {key: v for key, v in sorted(AXE_RESULTS.items()) if v}
        say(f"\naxe-core {''.join(AXE_VERSION)}: {len(AXE_RESULTS)} pages checked ({', '.join(sorted({p for _, p in AXE_RESULTS}))}),"
            f" {len(failing)} with serious or critical violations")
        if failing:
            say(axe_report(failing))
            write_axe_results(os.path.join(SCREENSHOTS, "axe-violations.json"))
            say(f"  (every violation in full: {os.path.join(SCREENSHOTS, 'axe-violations.json')})")
        problems = []
        if failing:
            problems.append(f"{len(failing)} pages with serious or critical axe-core violations (listed above)")
        if missing:
            problems.append("pages that could not be checked in their language:\n  " + "\n  ".join(missing))
        self.assertFalse(problems, "\n".join(problems))

    def test_no_page_overflows_sideways_on_a_phone(self):
        """At 375 px the page itself does not scroll sideways (tables scroll inside their box)."""
        wide = [f"{lang}-{page} ({VISITED.get((lang, page))}): {width} px" for (lang, page), width in sorted(OVERFLOW.items())]
        self.assertTrue(VISITED, "no page was visited")
        self.assertFalse(wide, "pages wider than 375 px:\n  " + "\n  ".join(wide))

    def test_no_page_shows_what_a_template_leaked(self):
        """No text or attribute reads "nil", "Optional(...)" or "{{...}}": a value missing from a page's context."""
        self.assertTrue(VISITED, "no page was visited")
        leaks = [f"{lang}-{page} ({VISITED.get((lang, page))}): {texts[:3]}" for (lang, page), texts in sorted(TEMPLATE_LEAKS.items())]
        self.assertFalse(leaks, "pages showing template leaks:\n  " + "\n  ".join(leaks))

    def test_pages_load_their_assets_without_errors(self):
        """Every stylesheet, script and image a visited page asks for loads; no script error."""
        self.assertTrue(VISITED, "no page was visited")
        broken = sorted({f"{asset} (on {page})" for (_, page), assets in BROKEN_ASSETS.items() for asset in assets})
        errors = sorted({f"{page}: {message}" for (_, page), messages in CONSOLE_ERRORS.items() for message in messages})
        problems = []
        if broken:
            problems.append("assets that did not load:\n  " + "\n  ".join(broken[:20]))
        if errors:
            problems.append("console errors:\n  " + "\n  ".join(errors[:20]))
        self.assertFalse(problems, "\n".join(problems))
