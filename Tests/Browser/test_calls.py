"""A call for proposals from start to award (issue 14), each person in a browser of their own: an
akimat member drafts a call (errors beside the fields first) and publishes it, the demo business
co-funds it, three demo NGOs' owners apply with one of their projects each, the akimat adds reviewers, is refused an
assignment with a conflict of interest, assigns two reviewers to every application, both score,
the akimat computes the allocation, checks it and publishes the results; the winners'
partnerships appear in the NGO's and the business's workspaces and in the 360Giving export.
The service's clock is moved past the closing and results dates through the test hook."""

import datetime
import json
import time

from selenium.webdriver.support.select import Select

from harness import BrowserTest, NGO_EMAIL, NGO_PASSWORD, SEEDED, http, new_driver, sql
from test_workspace import AKIMAT_EMAIL, BUSINESS_EMAIL, COLLEAGUE_EMAIL, sign_in_akimat_member

# The owners of the demo's second and third NGOs (with open projects): applicants beside the first.
OTHER_NGO_EMAILS = ("ngo2.owner@demo.asar.kz", "ngo3.owner@demo.asar.kz")


def server_now(advance_days=0):
    """The service's clock after moving it ADVANCE_DAYS forward (the hook says what time it is)."""
    reply = http("POST", f"/test/clock?advance_days={advance_days}")
    assert reply.status == 204, "the service was not started with ASAR_TEST_HOOKS=1"
    stamp = reply.headers.get("X-ASAR-Now")
    assert stamp, "the clock hook did not say what time it is"
    return datetime.datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def day(moment, offset):
    """YYYY-MM-DD in Kazakhstan's time, OFFSET days from MOMENT."""
    return (moment + datetime.timedelta(days=offset)).astimezone(datetime.timezone(datetime.timedelta(hours=5))).strftime("%Y-%m-%d")


class CallJourney(BrowserTest):
    def act_as(self, browser):
        self.d = browser

    def fill(self, values, form):
        for name, value in values.items():
            if self.field(name, form).get_attribute("type") == "date":
                # A date input takes keys in the browser's locale; its value is always YYYY-MM-DD.
                self.set_value(name, value, form)
            else:
                self.type_into(name, value, form)

    def test_an_akimat_runs_a_call_from_draft_to_award(self):
        stamp = int(time.time())
        title = f"Inclusive yards {stamp}"
        akimat = self.d
        colleague = new_driver()
        business = new_driver()
        ngo = new_driver()
        try:
            for browser in (akimat, colleague, business, ngo):
                self.act_as(browser)
                self.set_language("en")
            self.act_as(akimat)
            now = server_now()
            sign_in_akimat_member(self)
            self.go("/workspace/calls", "calls-akimat")
            self.go("/workspace/calls/new", "call-new")
            form = self.form_for("/workspace/calls/new")
            self.assert_form_conventions(form)
            terms = {
                "title_ru": title, "title_en": title, "state_budget": "6000000", "min_grant": "500000", "max_grant": "5000000",
                "questions": "Who will the project help?\nHow will you measure it?", "criterion_name_1": "Need",
                "criterion_guidance_1": "How well the application shows the need in the yard's district.", "criterion_weight_1": "2",
                "criterion_scale_1": "5", "criterion_name_2": "Feasibility", "criterion_weight_2": "1", "criterion_scale_2": "5",
                "pass_mark": "40", "reviewers": "2", "spread": "50", "min_years": "0",
                "opens": day(now, 0), "closes": day(now, 1), "reviews_due": day(now, 20), "results": day(now, 30),
            }
            # Eligibility kept open so the demo's NGOs may apply wherever their projects lie.
            for flag in ("verified_only", "territory_only", "no_overdue"):
                box = self.field(flag, form)
                if box.is_selected():
                    box.click()
            # First without a title and with applications closing before the opening: both named beside their fields.
            self.fill(dict(terms, title_ru="", title_en="", closes=day(now, -3)), form)
            self.submit(self.submit_button(form))
            self.loaded("call-new-errors", status=422)
            self.el("#title_ru-error")
            self.el("#closes-error")
            self.assertEqual(self.field("criterion_name_1").get_attribute("value"), "Need", "what was typed is kept")
            form = self.form_for("/workspace/calls/new")
            self.fill(terms, form)
            self.submit(self.submit_button(form))
            self.loaded("call-draft")
            call_path = self.path_only()
            call_id = call_path.rsplit("/", 1)[1]
            self.submit(self.el("#publish button"))
            self.loaded("call-published")
            self.assertIn("No business has pledged yet.", self.d.page_source)

            # The business co-funds it.
            self.act_as(business)
            self.sign_in(BUSINESS_EMAIL, SEEDED.get(BUSINESS_EMAIL, ("Biz-Owner-Pass1", None))[0])
            self.go("/workspace/calls", "calls-business")
            self.go(f"/workspace/calls/{call_id}/pledge", "call-pledge")
            form = self.form_for(f"/workspace/calls/{call_id}/pledge")
            self.type_into("amount_kzt", "3000000", form)
            self.submit(self.submit_button(form))
            # Nothing is pledged until the business confirms on the check page.
            self.loaded("call-pledge-check")
            self.submit(self.el("button[value=confirm]"))
            self.loaded("call-pledged")
            self.assertTrue(sql(f"SELECT 1 FROM call_pledges WHERE call_id = '{call_id}' AND amount_kzt = 3000000 AND withdrawn_at IS NULL"),
                            "the pledge was not made")

            # The NGO applies with one of its projects, answering both questions.
            self.act_as(ngo)
            self.sign_in(NGO_EMAIL, NGO_PASSWORD)
            self.go("/workspace/calls", "calls-ngo")
            self.go(f"/workspace/calls/{call_id}/apply", "call-apply")
            form = self.form_for(f"/workspace/calls/{call_id}/apply")
            Select(self.field("project_id", form)).select_by_index(0)
            self.type_into("amount_kzt", "4000000", form)
            self.type_into("answer_1", "Children with disabilities in three yards.", form)
            self.type_into("answer_2", "Visits counted every month.", form)
            self.submit(self.el("button[value=submit]", form))
            self.loaded("call-applied")
            ngo_id = sql(f"SELECT m.organization_id FROM memberships m JOIN people p ON p.id = m.person_id WHERE p.email = '{NGO_EMAIL}' LIMIT 1")[0][0]
            self.assertTrue(sql(f"SELECT 1 FROM call_applications WHERE call_id = '{call_id}' AND ngo_id = '{ngo_id}' AND state = 'submitted'"),
                            "the NGO's application was not submitted")
            # Two more NGOs' owners apply from browsers of their own, each with an open project of theirs.
            for email, page in ((OTHER_NGO_EMAILS[0], "call-apply-second-ngo"), (OTHER_NGO_EMAILS[1], "call-apply-third-ngo")):
                other = new_driver()
                try:
                    self.act_as(other)
                    self.set_language("en")
                    self.sign_in(email, SEEDED[email][0])
                    self.go(f"/workspace/calls/{call_id}/apply", page)
                    form = self.form_for(f"/workspace/calls/{call_id}/apply")
                    Select(self.field("project_id", form)).select_by_index(0)
                    self.type_into("amount_kzt", "3000000", form)
                    self.type_into("answer_1", "Older people living alone in the district.", form)
                    self.type_into("answer_2", "Visits and calls logged weekly.", form)
                    self.submit(self.el("button[value=submit]", form))
                    self.loaded("call-applied")
                finally:
                    other.quit()
                    self.act_as(ngo)

            # Applications close. The akimat adds its two reviewers and the NGO's owner.
            server_now(2)
            self.act_as(akimat)
            for email in (AKIMAT_EMAIL, COLLEAGUE_EMAIL, NGO_EMAIL):
                self.go(call_path, "call-run")
                form = self.form_for(f"/workspace/calls/{call_id}/reviewers")
                self.type_into("email", email, form)
                self.submit(self.submit_button(form))
                self.loaded("call-reviewer-added")
            applications = [row[0] for row in sql(f"SELECT id FROM call_applications WHERE call_id = '{call_id}' AND state = 'submitted' ORDER BY submitted_at")]
            self.assertEqual(len(applications), 3)
            own = sql(f"SELECT id FROM call_applications WHERE call_id = '{call_id}' AND ngo_id = '{ngo_id}'")[0][0]
            people = dict(sql(f"SELECT email, id FROM people WHERE email IN ('{AKIMAT_EMAIL}', '{COLLEAGUE_EMAIL}', '{NGO_EMAIL}')"))

            def assign(application, email, page, status=200):
                form = self.form_for(f"/workspace/calls/{call_id}/assignments")
                Select(self.field("application", form)).select_by_value(application)
                Select(self.field("reviewer", form)).select_by_value(people[email])
                self.submit(self.submit_button(form))
                self.loaded(page, status=status)

            # The NGO's owner on the NGO's own application: refused, the rule named.
            self.go(call_path, "call-run")
            assign(own, NGO_EMAIL, "call-assign-conflict", status=422)
            error = self.el("#reviewer-error").text
            self.assertIn("conflict of interest", error)
            self.assertIn("applicant", error)
            for application in applications:
                for email in (AKIMAT_EMAIL, COLLEAGUE_EMAIL):
                    assign(application, email, "call-assigned")

            # Both reviewers score every application; blind until both are in.
            for browser, email, points in ((akimat, AKIMAT_EMAIL, ("4", "3")), (colleague, COLLEAGUE_EMAIL, ("5", "4"))):
                self.act_as(browser)
                if browser is colleague:
                    sign_in_akimat_member(self, COLLEAGUE_EMAIL)
                self.go("/workspace/assignments", "call-assignments")
                for application in applications:
                    self.go(f"/workspace/assignments/{application}", "call-assignment")
                    form = self.form_for(f"/workspace/assignments/{application}")
                    Select(self.field("score_1", form)).select_by_value(points[0])
                    Select(self.field("score_2", form)).select_by_value(points[1])
                    self.submit(self.el("button[value=score]", form))
                    self.loaded("call-scored")

            # The results date comes: the akimat computes the allocation, checks it and publishes.
            server_now(30)
            self.act_as(akimat)
            self.go(call_path, "call-run-reviewed")
            self.submit(self.el("#allocate button"))
            self.loaded("call-results-check")
            self.assertIn("This cannot be undone", self.d.page_source)
            self.submit(self.el("#publish button"))
            self.loaded("call-awarded")
            self.assertEqual(self.path_only(), f"/calls/{call_id}")
            awards = sql(f"SELECT id, ngo_id FROM partnerships WHERE call_id = '{call_id}' AND state = 'approved'")
            self.assertTrue(awards, "no application became a partnership")
            self.assertIn(ngo_id, [a[1] for a in awards], "6M of state money and 3M pledged fund the NGO's 4M ask")

            # The winners' partnerships in the workspaces, and in the open data.
            self.act_as(ngo)
            self.go("/workspace/partnerships", "partnerships-ngo-award")
            ngo_award = [a[0] for a in awards if a[1] == ngo_id][0]
            self.assertIn(f"/workspace/partnerships/{ngo_award}", self.d.page_source)
            self.go(f"/workspace/partnerships/{ngo_award}", "partnership-award")
            self.assertIn(title, self.d.page_source, "the partnership names its call")
            self.act_as(business)
            self.go("/workspace/partnerships", "partnerships-business-award")
            shared = [a[0] for a in awards if sql(f"SELECT 1 FROM partnership_funders WHERE partnership_id = '{a[0]}' AND role = 'business'")]
            self.assertTrue(shared, "the co-funder pays a share of no award")
            self.assertIn(f"/workspace/partnerships/{shared[0]}", self.d.page_source)
            export = json.loads(http("GET", "/open-data/partnerships-360giving.json").body)
            grants = [g for g in export["grants"] if g.get("grantProgramme", [{}])[0].get("code") == f"ASAR-CALL-{call_id}"]
            self.assertEqual(len(grants), len(awards))
            self.assertTrue(all(g["fromOpenCall"] == "Yes" and len(g["fundingOrganization"]) >= 1 for g in grants))
        finally:
            for browser in (colleague, business, ngo):
                browser.quit()
            self.d = akimat
