"""Workspaces (issue 13): an akimat's reviewer works through the review queue in the browser,
and a decision taken from a page opened before a colleague's is refused and explained."""

import time
import urllib.parse

from selenium.webdriver.support.select import Select

from harness import BASE, LANGUAGES, NGO_EMAIL, NGO_PASSWORD, SEEDED, BrowserTest, fresh_totp, http, json_of, new_driver, sql

AKIMAT_EMAIL = "akimat.member@demo.asar.kz"
# The same akimat's second reviewer.
COLLEAGUE_EMAIL = "akimat.reviewer@demo.asar.kz"
BUSINESS_EMAIL = "business.owner@demo.asar.kz"
# The demo akimat member's jurisdiction.
ZHAMBYL = "310000000"


class WorkspaceTest(BrowserTest):
    def in_every_language(self, page):
        """Captures the page in kk, ru and en, and stays in English for the assertions."""
        for lang in LANGUAGES:
            self.switch_language(lang)
            self.loaded(page)
        self.switch_language("en")


def sign_in_akimat_member(test, email=AKIMAT_EMAIL):
    password, key = SEEDED.get(email, (None, None))
    test.assertTrue(key, f"no TOTP key for the demo akimat member {email} in the seed's table of people")
    test.sign_in(email, password, expect="/sign-in/code")
    form = test.form_for("/sign-in/code")
    test.type_into("code", fresh_totp(key), form)
    test.submit(test.submit_button(form))
    test.assertEqual(test.path_only(), "/account", f"the akimat member did not land on /account ({test.describe()})")


class Journey(WorkspaceTest):
    """Three people, each in a browser of their own: an NGO publishes a project, a business finds
    it among its recommendations, keeps it on its shortlist and proposes; the NGO and the akimat
    consent, the akimat approves, the NGO starts the work and reports with its indicator's value,
    and the business and the public page show the progress. Then the akimat runs a round with
    the business as its named sponsor and accepts it, and the NGO and the business consent."""

    def act_as(self, browser):
        self.d = browser

    def open_row(self, list_path, title, page):
        """Opens the partnership of TITLE from a list of partnerships."""
        self.go(list_path, page)
        rows = [row for row in self.els("table tbody tr") if title in row.text]
        self.assertTrue(rows, f"{title!r} is not in {list_path}")
        self.follow(self.el("th[scope=row] a", rows[0]))

    def move(self, action, page):
        form = self.el("section[aria-labelledby=moves-heading] form")
        self.submit(self.el(f"button[value={action}]", form))
        self.loaded(page)
        self.el("div.notice[role=status]")

    def test_three_people_take_a_project_from_publication_to_its_first_report(self):
        title = f"Drip irrigation for Zhambyl smallholders {int(time.time())}"
        report = "First 45 hectares under drip irrigation in Baizak district"
        ngo = self.d
        business = new_driver()
        akimat = new_driver()
        try:
            # The business signs in; what it backs is on its public profile.
            self.act_as(business)
            self.sign_in(BUSINESS_EMAIL, SEEDED.get(BUSINESS_EMAIL, ("Biz-Owner-Pass1", None))[0])
            profile = self.el("main a[href^='/organizations/']").get_attribute("pathname")
            focus = json_of(http("GET", "/v1" + profile))["focus_areas"][0]

            # The NGO writes a project in the akimat's region on that area, and publishes it.
            self.act_as(ngo)
            self.sign_in(NGO_EMAIL, NGO_PASSWORD)
            self.go("/workspace/projects/new", "project-form")
            self.switch_language("en")
            form = self.form_for("/workspace/projects/new")
            self.type_into("title", title, form)
            Select(self.el("#region", form)).select_by_value(ZHAMBYL)
            Select(self.el("#focus", form)).select_by_value(focus)
            self.type_into("funding_needed_kzt", "3 000 000", form)
            self.type_into("duration_months", "12", form)
            self.submit(self.submit_button(form))
            self.assertEqual(self.path_only(), "/workspace/projects")
            row = [r for r in self.els("table tbody tr") if title in r.text]
            self.assertTrue(row, "the new project is not among the NGO's projects")
            self.submit(self.el("form[action$='/publish'] button", row[0]))
            self.el("div.notice[role=status]")

            # The business narrows its recommendations to the akimat's region and the area it backs,
            # finds the project there, keeps it on its shortlist and proposes from the shortlist.
            self.act_as(business)
            self.go("/workspace/recommendations", "recommendations")
            self.switch_language("en")
            filters = self.form_for("/workspace/recommendations")
            self.assert_form_conventions(filters)
            self.type_into("max_gap", "a few million", filters)
            self.submit(self.submit_button(filters))
            self.loaded("recommendations-filter-error", status=400)
            self.assert_error_summary(["max_gap"])
            filters = self.form_for("/workspace/recommendations")
            self.type_into("max_gap", "", filters)
            Select(self.el("#region", filters)).select_by_value(ZHAMBYL)
            Select(self.el("#focus", filters)).select_by_value(focus)
            self.submit(self.submit_button(filters))
            self.loaded("recommendations-filtered")
            found = [item for item in self.els("ol.results > li") if title in item.text]
            self.assertTrue(found, f"the new project is not among the business's recommendations for Zhambyl ({self.describe()})")
            self.submit(self.el("form[action^='/workspace/shortlist/'] button", found[0]))
            self.loaded("recommendations-saved")
            self.assertEqual(self.query().get("region"), [ZHAMBYL], "saving lost the filters")
            found = [item for item in self.els("ol.results > li") if title in item.text]
            self.assertIn("On your shortlist", found[0].text)
            self.follow(self.el("a[href='/workspace/shortlist']"))
            self.in_every_language("shortlist")
            row = [item for item in self.els("ol.results > li") if title in item.text]
            self.assertTrue(row, "the saved project is not on the shortlist")
            self.follow(self.el("a[href^='/workspace/propose?']", row[0]))
            self.assertEqual(self.path_only(), "/workspace/propose")
            self.switch_language("en")
            form = self.form_for("/workspace/propose")
            akimats = json_of(http("GET", f"/v1/organizations?kind=government_body&region={ZHAMBYL}&limit=100"))["items"]
            akimat_id = [o["id"] for o in akimats if o.get("jurisdiction") == ZHAMBYL and o.get("level") == "region"][0]
            Select(self.el("#government_body_id", form)).select_by_value(akimat_id)
            self.type_into("pledge_kzt", "1 000 000", form)
            self.type_into("indicator_1_name", "Hectares under drip irrigation", form)
            self.type_into("indicator_1_unit", "ha", form)
            self.type_into("indicator_1_baseline", "0", form)
            self.type_into("indicator_1_target", "120", form)
            self.submit(self.submit_button(form))
            self.assertTrue(self.path_only().startswith("/workspace/partnerships/"), f"proposing did not land on the partnership ({self.describe()})")
            partnership = self.path_only()

            # The NGO consents.
            self.act_as(ngo)
            self.open_row("/workspace/partnerships", title, "partnerships")
            self.assertEqual(self.path_only(), partnership)
            self.move("consent", "partnership-done")

            # The akimat consents as the government partner, then approves from its review queue.
            self.act_as(akimat)
            sign_in_akimat_member(self)
            self.switch_language("en")
            self.open_row("/workspace/partnerships", title, "partnerships-akimat")
            self.move("consent", "partnership-akimat-done")
            self.go("/workspace/reviews", "reviews")
            rows = [r for r in self.els("table tbody tr") if title in r.text]
            self.assertTrue(rows, "the partnership the three consented to is not in the akimat's review queue")
            self.follow(self.el("th[scope=row] a", rows[0]))
            review = self.path_only()
            self.submit(self.el("button[value=approve]", self.form_for(review)))
            self.loaded("reviews-done")
            self.el("div.notice[role=status]")

            # The NGO starts the work and files its first report with the indicator's value.
            self.act_as(ngo)
            self.go(partnership, "partnership")
            self.move("activate", "partnership-done")
            form = self.form_for(partnership + "/reports")
            self.type_into("amount_disbursed_kzt", "400 000", form)
            self.type_into("beneficiaries_reached", "18", form)
            self.type_into("text", report, form)
            self.type_into("value_1", "45", form)
            self.submit(self.submit_button(form))
            self.assertEqual(self.path_only(), partnership)
            self.loaded("partnership-reported")

            # The business sees what its money did; so does anyone, on the project's public page.
            self.act_as(business)
            self.go(partnership, "partnership-business")
            self.switch_language("en")
            self.assertIn(report, self.el("main").text, "the business does not see the NGO's report")
            framework = self.el("div[aria-labelledby='framework-caption'] table").text
            self.assertIn("45", framework, "the business does not see the indicator's value")
            project = self.el("dl.facts a[href^='/projects/']").get_attribute("pathname")
            self.go(project, "project-progress")
            public = self.el("main").text
            self.assertIn(report, public, "the public project page does not show the report")
            self.assertIn("Hectares under drip irrigation", public, "the public project page does not show the indicator")

            # A second project of the NGO's, then a round: the akimat funds the area with the business
            # that signed its memorandum (named by BIN though it works elsewhere), accepts after
            # checking, and the NGO and the business each consent to the proposal it made them.
            second = f"Tree nursery for Taraz schools {int(time.time())}"
            self.act_as(ngo)
            self.go("/workspace/projects/new", "project-form")
            form = self.form_for("/workspace/projects/new")
            self.type_into("title", second, form)
            Select(self.el("#region", form)).select_by_value(ZHAMBYL)
            Select(self.el("#focus", form)).select_by_value(focus)
            self.type_into("funding_needed_kzt", "2 000 000", form)
            self.type_into("duration_months", "6", form)
            self.submit(self.submit_button(form))
            row = [r for r in self.els("table tbody tr") if second in r.text]
            self.assertTrue(row, "the second project is not among the NGO's projects")
            self.submit(self.el("form[action$='/publish'] button", row[0]))
            self.el("div.notice[role=status]")

            self.act_as(akimat)
            self.go("/workspace/rounds/new", "round-form")
            form = self.form_for("/workspace/rounds")
            Select(self.el("#focus", form)).select_by_value(focus)
            bin_ = json_of(http("GET", "/v1" + profile))["bin"]
            self.type_into("sponsor_bins", bin_, form)
            self.submit(self.submit_button(form))
            self.assertTrue(self.path_only().startswith("/workspace/rounds/"), f"the round did not run ({self.describe()})")
            round_path = self.path_only()
            self.loaded("round-named-sponsors")
            placements = [r for r in self.els("table tbody tr") if second in r.text]
            self.assertTrue(placements, f"the round placed nothing on {second!r} ({self.el('main').text[:600]})")
            self.follow(self.el(f"a[href='{round_path}/accept']"))
            self.submit(self.submit_button(self.form_for(round_path + "/accept")))
            self.assertEqual(self.path_only(), round_path)

            for person, page in ((ngo, "partnerships"), (business, "partnerships-business")):
                self.act_as(person)
                self.open_row("/workspace/partnerships", second, page)
                self.move("consent", "partnership-done")
            self.assertIn("Under review", self.el("main").text, "after both consented the proposal is not under review")
        finally:
            self.d = ngo
            for browser in (business, akimat):
                browser.quit()


class Reviews(WorkspaceTest):
    def sign_in_reviewer(self):
        sign_in_akimat_member(self)

    def test_return_with_comments_and_a_stale_page_cannot_approve(self):
        self.sign_in_reviewer()
        self.follow(self.el("nav.site-nav a[href='/workspace/reviews']"))
        self.assertEqual(self.path_only(), "/workspace/reviews")
        self.in_every_language("reviews")
        rows = self.els("table tbody tr")
        self.assertTrue(rows, "the demo akimat has nothing to review")
        link = self.el("th[scope=row] a", rows[0])
        path = link.get_attribute("pathname")
        self.follow(link)
        self.in_every_language("review")
        form = self.form_for(path)
        self.assert_form_conventions(form)
        for section in ("fit-heading", "budget-heading", "history-heading", "decision-heading"):
            self.el(f"#{section}")

        # Returning without a comment: the message beside the field and in the summary.
        self.submit(self.el("button[value=return]", form))
        self.assertEqual(self.path_only(), path)
        self.loaded("review-error", status=422)
        self.assert_error_summary(["comment"])

        # A colleague, in a browser of her own, returns it with comments first…
        mine = self.d
        self.d = new_driver()
        try:
            sign_in_akimat_member(self, COLLEAGUE_EMAIL)
            self.d.get(BASE + path)
            comment = "Please lower the pledge to what the sponsor has left"
            self.type_into("comment", comment, self.form_for(path))
            self.submit(self.el("button[value=return]", self.form_for(path)))
            self.assertEqual(self.path_only(), "/workspace/reviews")
            self.loaded("reviews-done")
            self.el("div.notice[role=status]")
            self.assertFalse(self.els(f"a[href='{path}']"), "a returned partnership is still in the queue")
        finally:
            self.d.quit()
            self.d = mine

        # …and the page opened before cannot approve it: refused, explained, the comment shown.
        self.submit(self.el("button[value=approve]", self.form_for(path)))
        self.loaded("review-stale", status=409)
        self.assertEqual(self.el("div.problem").get_attribute("role"), "alert")
        self.assertIn(comment, self.el("ol.timeline").text, "the history does not show the colleague's comment")
        self.assertFalse(self.els("button[value=approve]"), "a partnership no longer under review still offers a decision")

        # The same reviewer runs a funding round in its jurisdiction and accepts it after checking.
        self.go("/workspace/reviews", "reviews-again")
        self.switch_language("en")
        self.follow(self.el("a[href='/workspace/rounds/new']"))
        self.in_every_language("round-form")
        form = self.form_for("/workspace/rounds")
        self.set_value("consent_deadline", "2020-01-01", form)
        self.submit(self.submit_button(form))
        self.loaded("round-form-error", status=422)
        self.assert_error_summary(["consent_deadline"])
        form = self.form_for("/workspace/rounds")
        self.set_value("consent_deadline", "2099-12-31", form)
        self.submit(self.submit_button(form))
        self.assertTrue(self.path_only().startswith("/workspace/rounds/"), f"running a round did not land on it ({self.describe()})")
        round_path = self.path_only()
        self.el("#placements-heading")
        # The demo's budgets leave nobody with reason to object, so two blocking pairs are written
        # into the round (two placements with their sponsors swapped) to see how the page lists them.
        round_id = round_path.rsplit("/", 1)[-1]
        placed = sql(f"SELECT project_id, sponsor_id FROM round_placements WHERE round_id = '{round_id}' ORDER BY score DESC")
        first, second = placed[0], next(p for p in placed if p[1] != placed[0][1])
        sql(f"""INSERT INTO round_blocking_pairs VALUES
                ('{round_id}', '{first[0]}', '{second[1]}', 0.91, true, false),
                ('{round_id}', '{second[0]}', '{first[1]}', 0.64, false, true);
                UPDATE funding_rounds SET blocking_pairs = 3 WHERE id = '{round_id}'""")
        self.d.get(BASE + round_path)
        self.in_every_language("round")
        rows = self.els("[aria-labelledby=blocking-heading] tbody tr")
        self.assertEqual(len(rows), 2, "the round's blocking pairs are not listed")
        self.assertIn("It has budget left.", rows[0].text)
        self.assertIn("The 2 best-fitting of 3 are listed.", self.el("main").text)
        self.follow(self.el(f"a[href='{round_path}/accept']"))
        self.in_every_language("round-accept")
        self.submit(self.submit_button(self.form_for(round_path + "/accept")))
        self.assertEqual(self.path_only(), round_path)
        self.loaded("round-accepted")
        self.el("div.notice[role=status]")
        self.assertFalse(self.els(f"a[href='{round_path}/accept']"), "an accepted round still offers accepting")


class Partnerships(WorkspaceTest):
    def test_the_ngo_files_a_milestone_report_that_the_public_page_shows(self):
        self.sign_in(NGO_EMAIL, NGO_PASSWORD)
        self.follow(self.el("nav.site-nav a[href='/workspace/partnerships']"))
        self.assertEqual(self.path_only(), "/workspace/partnerships")
        self.in_every_language("partnerships")
        active = [row for row in self.els("table tbody tr") if "Your milestone reports" in row.text]
        self.assertTrue(active, "the demo NGO has no active partnership waiting for its reports")
        link = self.el("th[scope=row] a", active[0])
        path = link.get_attribute("pathname")
        self.follow(link)
        self.in_every_language("partnership")
        form = self.form_for(path + "/reports")
        self.assert_form_conventions(form)

        # Wrong numbers: said beside each field and in the summary; the text typed stays.
        self.type_into("amount_disbursed_kzt", "a lot", form)
        self.type_into("beneficiaries_reached", "", form)
        self.type_into("text", "Third workshop held in Talgar", form)
        self.submit(self.submit_button(form))
        self.loaded("partnership-error", status=422)
        self.assert_error_summary(["amount_disbursed_kzt", "beneficiaries_reached"])
        self.assertEqual(self.value("text"), "Third workshop held in Talgar", "the report's text was lost")

        form = self.form_for(path + "/reports")
        self.type_into("amount_disbursed_kzt", "150 000", form)
        self.type_into("beneficiaries_reached", "35", form)
        self.submit(self.submit_button(form))
        self.assertEqual(self.path_only(), path)
        self.loaded("partnership-done")
        self.el("div.notice[role=status]")
        project = self.el("dl.facts a[href^='/projects/']").get_attribute("pathname")

        # Everyone sees the report on the project's public page.
        self.d.execute_cdp_cmd("Network.clearBrowserCookies", {})
        self.go(project, "project")
        self.assertIn("Third workshop held in Talgar", self.el("main").text, "the public project page does not show the report")


class Dashboard(WorkspaceTest):
    def test_anyone_reads_the_dashboard_for_the_country_and_a_region(self):
        self.go("/dashboard", "dashboard")
        self.in_every_language("dashboard")
        self.assertTrue(self.els("dl.figures div"), "no headline figures")
        self.assertTrue(self.els("a[href^='/dashboard.csv']"), "no table downloads as CSV")
        form = self.form_for("/dashboard")
        self.assert_form_conventions(form)
        Select = __import__("selenium.webdriver.support.select", fromlist=["Select"]).Select
        Select(self.el("#region", form)).select_by_value("550000000")
        self.submit(self.submit_button(form))
        self.loaded("dashboard-region")
        self.assertIn("By district", self.el("main").text)


class Inbox(WorkspaceTest):
    def test_the_ngo_reads_its_news_and_chooses_a_daily_digest(self):
        self.sign_in(NGO_EMAIL, NGO_PASSWORD)
        inbox = self.el("nav.site-nav a[href='/inbox']")
        self.assertRegex(inbox.text, r"\d", "the header does not count the demo NGO's unread news")
        self.follow(inbox)
        self.in_every_language("inbox")
        unread = self.els("ol.inbox li.unread a")
        self.assertTrue(unread, "the demo NGO's inbox has no unread news")
        count = len(unread)
        self.follow(unread[0])
        self.assertTrue(self.path_only().startswith("/workspace/"), f"a notification did not open its partnership ({self.describe()})")
        self.go("/inbox", "inbox-after-reading")
        self.switch_language("en")
        self.assertEqual(len(self.els("ol.inbox li.unread a")), count - 1, "opening a notification did not mark it read")

        form = self.form_for("/inbox/email")
        self.el("#email_notifications_daily", form).click()
        self.submit(self.submit_button(form))
        self.assertEqual(self.path_only(), "/inbox")
        self.loaded("inbox-email-saved")
        self.el("div.notice[role=status]")
        self.assertTrue(self.el("#email_notifications_daily").is_selected(), "the daily digest was not kept")


class Webhooks(WorkspaceTest):
    def test_the_ngo_owner_adds_a_webhook_and_sees_its_secret_once(self):
        self.sign_in(NGO_EMAIL, NGO_PASSWORD)
        self.follow(self.el("a[href$='/webhooks']"))
        path = self.path_only()
        self.in_every_language("webhooks")
        form = self.form_for(path)
        self.assert_form_conventions(form)
        self.type_into("url", "gopher://example.kz/hook", form)
        self.submit(self.submit_button(form))
        self.loaded("webhooks-error", status=422)
        self.assert_error_summary(["url"])
        form = self.form_for(path)
        self.type_into("url", "http://127.0.0.1:9/asar", form)
        self.submit(self.submit_button(form))
        self.loaded("webhooks-added")
        self.assertIn("whsec_", self.el("div.notice[role=status]").text, "the secret is not shown")
        self.go(path, "webhooks-list")
        self.assertNotIn("whsec_", self.el("main").text, "the secret is shown twice")
        self.assertFalse(self.els("div.notice[role=status]"), "the page announces a secret it does not show")

        # A report on one of the NGO's active partnerships is an event: its delivery and every
        # attempt (nothing listens on port 9) get a page of their own.
        self.go("/workspace/partnerships", "partnerships")
        active = [row for row in self.els("table tbody tr") if "Your milestone reports" in row.text]
        self.assertTrue(active, "the demo NGO has no active partnership to report on")
        link = self.el("th[scope=row] a", active[0])
        partnership = link.get_attribute("pathname")
        self.follow(link)
        form = self.form_for(partnership + "/reports")
        self.type_into("amount_disbursed_kzt", "0", form)
        self.type_into("beneficiaries_reached", "1", form)
        self.type_into("text", "Checking the webhook", form)
        self.submit(self.submit_button(form))
        self.loaded("partnership-done")
        self.go(path, "webhooks-delivered")
        attempts = self.els("a[href*='/webhooks/deliveries/']")
        self.assertTrue(attempts, "the report queued no delivery for the webhook")
        self.follow(attempts[0])
        self.in_every_language("webhook-delivery")
        self.assertIn("partnership.report", self.el("h1").text)


class Tokens(WorkspaceTest):
    def test_the_ngo_owner_issues_a_read_only_token_for_an_integration(self):
        self.sign_in(NGO_EMAIL, NGO_PASSWORD)
        self.follow(self.el("a[href^='/organizations/'][href$='/tokens']"))
        path = self.path_only()
        organization = path.split("/")[2]
        self.in_every_language("tokens")
        form = self.form_for(path)
        self.assert_form_conventions(form)
        self.assertTrue(self.el("#role-member", form).is_selected(), "a new token does not act as a member unless told otherwise")
        self.submit(self.submit_button(form))
        self.loaded("tokens-error", status=422)
        self.assert_error_summary(["label"])
        form = self.form_for(path)
        self.type_into("label", "Accounting, read only", form)
        self.el("#role-viewer", form).click()
        self.submit(self.submit_button(form))
        self.loaded("tokens-issued")
        token = self.el("div.notice[role=status] code").text.strip()
        self.assertTrue(token.startswith("asar_"), "the new token is not shown")
        rows = [row for row in self.els("table tbody tr") if "Accounting, read only" in row.text]
        self.assertTrue(rows and "Viewer" in rows[0].text, "the tokens table does not show the new token in its role")
        # Through the API the token reads the organization's inbox and changes nothing.
        bearer = {"Authorization": f"Bearer {token}"}
        self.assertEqual(http("GET", f"/v1/organizations/{organization}/inbox", headers=bearer).status, 200)
        refused = http("POST", f"/v1/organizations/{organization}/inbox/read", headers=bearer)
        self.assertEqual(refused.status, 403, "a viewer's token marked the organization's news read")


class Terms(WorkspaceTest):
    def test_the_ngo_changes_a_proposals_pledge_and_framework(self):
        # The NGO proposes to a sponsor recommended for one of its projects, as the pledge comes.
        self.sign_in(NGO_EMAIL, NGO_PASSWORD)
        self.go("/workspace/projects", "workspace-projects")
        self.switch_language("en")
        projects = [a for a in self.els("table tbody td a")
                    if a.get_attribute("pathname").startswith("/workspace/projects/") and not a.get_attribute("pathname").endswith("/edit")]
        self.assertTrue(projects, "the demo NGO has no open project")
        self.follow(projects[0])
        self.follow(self.el("ol[aria-labelledby=sponsors-heading] a.button[href^='/workspace/propose?']"))
        self.submit(self.submit_button(self.form_for("/workspace/propose")))
        path = self.path_only()
        self.assertTrue(path.startswith("/workspace/partnerships/"), f"proposing did not open the partnership ({self.describe()})")
        self.el("section[aria-labelledby=terms-heading] summary").click()
        form = self.form_for(path + "/terms")
        self.assert_form_conventions(form)
        self.type_into("pledge_kzt", "a lot", form)
        self.type_into("indicator_1_name", "Families supported", form)
        self.type_into("indicator_1_unit", "families", form)
        self.type_into("indicator_1_baseline", "0", form)
        self.type_into("indicator_1_target", "25", form)
        self.submit(self.submit_button(form))
        self.loaded("partnership-terms-error", status=422)
        self.assert_error_summary(["pledge_kzt"])
        self.assertEqual(self.field("indicator_1_name").get_attribute("value"), "Families supported", "the indicator typed was lost")
        form = self.form_for(path + "/terms")
        self.type_into("pledge_kzt", "1 000 000", form)
        self.submit(self.submit_button(form))
        self.loaded("partnership-terms-saved")
        self.assertIn("new terms are saved", self.el("div.notice[role=status]").text)
        self.assertIn("Families supported", self.el("main").text)


class Profile(WorkspaceTest):
    def test_the_ngo_owner_edits_its_profile_and_sees_its_people(self):
        self.sign_in(NGO_EMAIL, NGO_PASSWORD)
        self.follow(self.el("a[href$='/profile']"))
        path = self.path_only()
        self.in_every_language("profile")
        form = self.form_for(path)
        self.assert_form_conventions(form)
        self.type_into("website", "not a website", form)
        self.type_into("founded_year", "1800", form)
        self.submit(self.submit_button(form))
        self.loaded("profile-errors", status=422)
        self.assert_error_summary(["website", "founded_year"])
        self.assertEqual(self.field("website").get_attribute("value"), "not a website", "what was typed was lost")
        form = self.form_for(path)
        self.type_into("website", "https://example.kz", form)
        self.type_into("founded_year", "2009", form)
        self.type_into("staff_count", "14", form)
        self.submit(self.submit_button(form))
        self.loaded("profile-saved")
        self.el("div.notice[role=status]")
        self.assertEqual(self.field("staff_count").get_attribute("value"), "14")
        # Its people and their roles, as an owner sees them.
        self.go(path.replace("/profile", "/members"), "members")
        self.in_every_language("members")
        self.assertIn(NGO_EMAIL, self.el("main").text)


class Monitoring(WorkspaceTest):
    def test_an_overdue_partnership_gets_its_report_with_indicator_values_and_a_framework_change(self):
        # A year on (the service's clock, moved through its test hook): every active partnership's
        # report is late.
        self.assertEqual(http("POST", "/test/clock?advance_days=400").status, 204, "the service was not started with ASAR_TEST_HOOKS=1")
        self.sign_in(NGO_EMAIL, NGO_PASSWORD)
        self.go("/workspace/partnerships", "partnerships-overdue")
        self.switch_language("en")
        late = [row for row in self.els("table tbody tr") if "Report overdue" in row.text]
        self.assertTrue(late, "no active partnership of the demo NGO shows its report as overdue")
        link = self.el("th[scope=row] a", late[0])
        path = link.get_attribute("pathname")
        self.follow(link)
        self.loaded("partnership-overdue")
        self.assertIn("Report overdue", self.el("dl.facts").text)
        self.el("#framework-heading")
        form = self.form_for(path + "/reports")

        # The indicator's value: a word is refused beside the field; a number is recorded.
        self.type_into("amount_disbursed_kzt", "0", form)
        self.type_into("beneficiaries_reached", "12", form)
        self.type_into("text", "Spring term: twelve more families", form)
        self.type_into("value_1", "many", form)
        self.submit(self.submit_button(form))
        self.loaded("partnership-value-error", status=422)
        self.assert_error_summary(["value_1"])
        form = self.form_for(path + "/reports")
        self.type_into("value_1", "9999", form)
        self.submit(self.submit_button(form))
        self.assertEqual(self.path_only(), path)
        self.loaded("partnership-reported")
        table = self.el("div[aria-labelledby='framework-caption'] table")
        self.assertIn("9 999", table.text.replace("\u202f", " "), "the framework table does not show the reported value")

        # Changing the framework after approval waits for the government body.
        self.el("section[aria-labelledby=change-heading] summary").click()
        change = self.form_for(path + "/framework")
        self.assert_form_conventions(change)
        self.type_into("indicator_1_name", "Families supported", change)
        self.type_into("indicator_1_unit", "families", change)
        self.type_into("indicator_1_baseline", "0", change)
        self.type_into("indicator_1_target", "40", change)
        self.type_into("reason", "The akimat counts families, not people", change)
        self.submit(self.submit_button(change))
        self.loaded("partnership-framework-sent")
        self.assertIn("waits for the government body", self.el("#framework-heading").find_element("xpath", "..").text)


class Budget(WorkspaceTest):
    def test_a_business_changes_its_declared_budget_with_errors_beside_the_field(self):
        password = SEEDED.get(BUSINESS_EMAIL, ("Biz-Owner-Pass1", None))[0]
        self.sign_in(BUSINESS_EMAIL, password)
        self.follow(self.el("nav.site-nav a[href='/workspace/budget']"))
        self.assertEqual(self.path_only(), "/workspace/budget")
        self.in_every_language("budget")
        form = self.form_for("/workspace/budget")
        self.assert_form_conventions(form)
        self.type_into("annual_csr_budget_kzt", "about a million", form)
        self.submit(self.submit_button(form))
        self.loaded("budget-error", status=422)
        self.assert_error_summary(["annual_csr_budget_kzt"])
        self.assertEqual(self.value("annual_csr_budget_kzt"), "about a million", "what was typed was lost")
        form = self.form_for("/workspace/budget")
        self.type_into("annual_csr_budget_kzt", "250 000 000", form)
        self.submit(self.submit_button(form))
        self.assertEqual(self.path_only(), "/workspace/budget")
        self.loaded("budget-done")
        self.el("div.notice[role=status]")
        self.assertEqual(self.value("annual_csr_budget_kzt"), "250000000")


class Proposing(WorkspaceTest):
    def test_a_business_proposes_from_its_recommendations(self):
        password = SEEDED.get(BUSINESS_EMAIL, ("Biz-Owner-Pass1", None))[0]
        self.sign_in(BUSINESS_EMAIL, password)
        self.follow(self.el("nav.site-nav a[href='/workspace/recommendations']"))
        self.in_every_language("recommendations")
        propose = self.els("ol.results a.button")
        self.assertTrue(propose, "the demo business has no recommended project")
        self.follow(propose[0])
        self.assertEqual(self.path_only(), "/workspace/propose")
        self.in_every_language("propose")
        form = self.form_for("/workspace/propose")
        self.assert_form_conventions(form)
        self.assertTrue(self.value("pledge_kzt", form), "the pledge is not prefilled")

        self.type_into("pledge_kzt", "", form)
        self.submit(self.submit_button(form))
        self.loaded("propose-error", status=422)
        self.assert_error_summary(["pledge_kzt"])

        form = self.form_for("/workspace/propose")
        self.type_into("pledge_kzt", "500 000", form)
        self.submit(self.submit_button(form))
        self.assertTrue(self.path_only().startswith("/workspace/partnerships/"), f"proposing did not land on the partnership ({self.describe()})")
        self.loaded("partnership-proposed")
        self.el("div.notice[role=status]")

    def test_the_ngo_writes_a_draft_and_publishes_it(self):
        self.sign_in(NGO_EMAIL, NGO_PASSWORD)
        self.go("/workspace/projects", "workspace-projects")
        self.follow(self.el("a.button[href='/workspace/projects/new']"))
        self.in_every_language("project-form")
        form = self.form_for("/workspace/projects/new")
        self.assert_form_conventions(form)
        self.type_into("title", "Chess club for village schools", form)
        self.type_into("duration_months", "", form)
        self.submit(self.submit_button(form))
        self.loaded("project-form-error", status=422)
        self.assert_error_summary(["region", "focus", "funding_needed_kzt", "duration_months"])
        self.assertEqual(self.value("title"), "Chess club for village schools", "the title typed was lost")

        form = self.form_for("/workspace/projects/new")
        self.choose_first("region", form)
        self.choose_first("focus", form)
        self.type_into("funding_needed_kzt", "2 400 000", form)
        self.type_into("duration_months", "9", form)
        self.submit(self.submit_button(form))
        self.assertEqual(self.path_only(), "/workspace/projects")
        self.loaded("workspace-projects-created")
        row = [r for r in self.els("table tbody tr") if "Chess club for village schools" in r.text]
        self.assertTrue(row, "the new draft is not in the list")
        self.submit(self.el("form[action$='/publish'] button", row[0]))
        self.assertEqual(self.path_only(), "/workspace/projects")
        self.el("div.notice[role=status]")
        row = [r for r in self.els("table tbody tr") if "Chess club for village schools" in r.text]
        self.assertFalse(self.els("form[action$='/publish']", row[0]), "the published project still offers to publish")

        # Editing: the Kazakh and Russian titles, a second focus area.
        self.follow(self.el("a[href$='/edit']", row[0]))
        self.in_every_language("project-edit")
        edit = self.form_for(self.path_only())
        self.assert_form_conventions(edit)
        self.type_into("title_kk", "Ауыл мектептеріне шахмат үйірмесі", edit)
        self.type_into("title_ru", "Шахматный кружок для сельских школ", edit)
        unticked = [box for box in self.els("input[type=checkbox][name^=focus_]", edit) if not box.is_selected()]
        unticked[0].click()
        self.submit(self.submit_button(edit))
        self.assertEqual(self.path_only(), "/workspace/projects")
        self.loaded("workspace-projects-edited")
        self.el("div.notice[role=status]")
        self.switch_language("ru")
        self.assertIn("Шахматный кружок для сельских школ", self.el("main").text, "the Russian title is not shown in Russian")
        self.switch_language("en")

    def test_the_ngo_sees_its_projects_and_the_partners_recommended_for_one(self):
        self.sign_in(NGO_EMAIL, NGO_PASSWORD)
        self.follow(self.el("nav.site-nav a[href='/workspace/projects']"))
        self.in_every_language("workspace-projects")
        partners = [a for a in self.els("table tbody td a") if a.get_attribute("pathname").startswith("/workspace/projects/")]
        self.assertTrue(partners, "the demo NGO has no open project")
        self.follow(partners[0])
        self.in_every_language("workspace-project")
        self.assertTrue(self.els("ol.results a.button[href^='/workspace/propose?']"), "no partners recommended for the NGO's open project")
        self.assertTrue(self.els("ol[aria-labelledby=sponsors-heading] > li"), "no sponsor recommended on its own")
        self.assertTrue(self.els("ol[aria-labelledby=bodies-heading] > li"), "no government partner recommended on its own")


class SettingAside(WorkspaceTest):
    def test_a_business_sets_a_project_aside_and_brings_it_back(self):
        self.sign_in(BUSINESS_EMAIL, SEEDED.get(BUSINESS_EMAIL, ("Biz-Owner-Pass1", None))[0])
        self.go("/workspace/recommendations", "recommendations")
        self.switch_language("en")
        items = self.els("ol.results > li")
        self.assertTrue(items, "the demo business has no recommended project")
        project = items[0].get_attribute("id")
        title = self.el("a", items[0]).text
        self.submit(self.el("form[action$='/dismiss'] button", items[0]))
        self.loaded("recommendations-dismissed")
        self.el("div.notice[role=status]")
        self.assertFalse(self.els(f"li#{project}"), "a project set aside is still recommended")
        # Undone at once, then set aside again.
        self.submit(self.el("form.undo button"))
        self.loaded("recommendations-dismissed")
        again = self.els(f"li#{project}")
        self.assertTrue(again, "undoing did not bring the project back")
        self.submit(self.el("form[action$='/dismiss'] button", again[0]))
        self.assertFalse(self.els(f"li#{project}"), "a project set aside is still recommended")

        self.follow(self.el("a[href='/workspace/shortlist']"))
        self.loaded("shortlist-set-aside")
        aside = [item for item in self.els("ul.set-aside li") if title in item.text]
        self.assertTrue(aside, "the project set aside is not listed on the shortlist page")
        self.submit(self.el("form[action$='/restore'] button", aside[0]))
        self.loaded("shortlist-set-aside")
        self.assertFalse([item for item in self.els("ul.set-aside li") if title in item.text], "the project is still set aside")
        self.go("/workspace/recommendations", "recommendations")
        self.assertTrue(self.els(f"li#{project}"), "a project brought back is not recommended again")
