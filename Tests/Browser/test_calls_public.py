"""Calls for proposals as the public reads them (issue 14), and a government body planning its next
call: the list with its filters kept in the URL and its CSV, an open call's terms and co-funders
with no scores shown, an awarded call's winners, funders, cut-off, counts and the reviewers'
scores only in aggregate (no reviewer's name anywhere), and the planning page with its tables
and downloads, refused to an NGO. The demo data has no calls: setUpModule writes an awarded one
and an open one in the demo akimat's region with SQL, as the award would leave them."""

import csv
import io
import urllib.parse

from selenium.webdriver.support.select import Select

from harness import BASE, LANGUAGES, NGO_EMAIL, NGO_PASSWORD, BrowserTest, http, sql
from test_workspace import AKIMAT_EMAIL, sign_in_akimat_member

AWARDED_TITLE = "Inclusive city: small grants for NGOs"
OPEN_TITLE = "Clean rivers: community grants"
CALL = {}


def _one(statement):
    rows = sql(statement)
    assert rows, f"no row from: {statement}"
    return rows[0]


def server_now():
    """The service's time as SQL: other modules move its clock forward (the test hook), and a call's
    phase is judged on that clock, not the database's."""
    reply = http("POST", "/test/clock?advance_days=0")
    stamp = reply.headers.get("X-ASAR-Now") if reply.status == 204 else None
    return f"'{stamp}'::timestamptz" if stamp else "now()"


def setUpModule():
    """An awarded call (three applications, two reviewers each, two funded, one below the pass
    mark; the state and a co-funder paying) and an open one (a pledge, one application) of the
    demo akimat member's body, in its jurisdiction. Kept when already there."""
    NOW = server_now()  # noqa: N806 (read by the f-strings below)
    body, territory = _one(f"""SELECT o.id, o.jurisdiction FROM memberships m JOIN people p ON p.id = m.person_id
        JOIN organizations o ON o.id = m.organization_id WHERE p.email = '{AKIMAT_EMAIL}' ORDER BY o.id LIMIT 1""")
    CALL["territory"] = territory
    existing = sql(f"SELECT id FROM calls WHERE title_en = '{AWARDED_TITLE}'")
    if existing:
        CALL["awarded"] = existing[0][0]
        CALL["open"] = _one(f"SELECT id FROM calls WHERE title_en = '{OPEN_TITLE}'")[0]
        CALL["reviewers"] = [r[0] for r in sql(f"""SELECT DISTINCT p.display_name FROM call_reviewers r JOIN people p ON p.id = r.person_id
            WHERE r.call_id = '{CALL['awarded']}'""")]
        CALL["winners"] = [r[0] for r in sql(f"""SELECT DISTINCT a.project_id FROM call_grants g JOIN call_applications a ON a.id = g.application_id
            WHERE g.call_id = '{CALL['awarded']}'""")]
        return
    projects = sql(f"""SELECT DISTINCT ON (p.organization_id) p.id, p.organization_id, p.focus_areas[1] FROM projects p
        JOIN organizations o ON o.id = p.organization_id AND o.active
        WHERE p.status = 'open' AND p.region_scope @> ARRAY['{territory}'] AND cardinality(p.focus_areas) > 0
        ORDER BY p.organization_id, p.id LIMIT 3""")
    assert len(projects) == 3, f"the demo data has fewer than three NGOs with open projects in {territory}"
    focus = sorted({p[2] for p in projects})
    business = _one("""SELECT id FROM organizations WHERE kind = 'business' AND active
        AND coalesce(annual_csr_budget_kzt, 0) - business_commitments_kzt(id, NULL, NULL) >= 5000000 ORDER BY id LIMIT 1""")[0]
    # Two invited experts with names no page should ever show (their accounts cannot sign in).
    reviewers = [_one(f"""INSERT INTO people (email, display_name, password_hash, disabled)
        VALUES ('{email}', '{name}', '!', true) RETURNING id, display_name""")
        for email, name in (("zhanar.expert@calls.example.kz", "Zhanar Expertqyzy"), ("timur.expert@calls.example.kz", "Timur Expertuly"))]
    CALL["reviewers"] = [r[1] for r in reviewers]
    focus_sql = "ARRAY[" + ", ".join(f"'{f}'" for f in focus) + "]::text[]"
    awarded = _one(f"""INSERT INTO calls (government_body_id, title_kk, title_ru, title_en, description_kk, description_ru, description_en,
            focus_areas, territory, state_budget_kzt, min_grant_kzt, max_grant_kzt, partial_funding, verified_only, territory_only,
            min_years_active, no_overdue_reports, pass_mark, reviewers_per_application, opens_at, closes_at, reviews_due_at, results_at,
            state, published_at, awarded_at)
        VALUES ('{body}', 'Инклюзивті қала: ҮЕҰ-ға шағын гранттар', 'Инклюзивный город: малые гранты для НКО', '{AWARDED_TITLE}',
            'Қала мүмкіндігі шектеулі жандарға қолжетімді болсын.', 'Город, доступный людям с инвалидностью.',
            'A city open to people with disabilities.', {focus_sql}, '{territory}', 3000000, 1000000, 3000000, false, true, true, 1, true,
            60, 2, {NOW} - interval '90 days', {NOW} - interval '60 days', {NOW} - interval '40 days', {NOW} - interval '30 days',
            'awarded', {NOW} - interval '91 days', {NOW} - interval '29 days')
        RETURNING id""")[0]
    CALL["awarded"] = awarded
    sql(f"""INSERT INTO call_criteria (call_id, position, name_kk, name_ru, name_en, guidance_kk, guidance_ru, guidance_en, weight, scale_max) VALUES
        ('{awarded}', 1, 'Қажеттілік', 'Потребность', 'Need', 'Мәселе қаншалықты өзекті?', 'Насколько остра проблема?', 'How pressing is the need?', 2, 5),
        ('{awarded}', 2, 'Жоспар', 'План', 'Plan', NULL, NULL, NULL, 1, 10)""")
    sql(f"""INSERT INTO call_questions (call_id, position, text_kk, text_ru, text_en) VALUES
        ('{awarded}', 1, 'Жоба кімге көмектеседі?', 'Кому поможет проект?', 'Whom does the project help?')""")
    pledge = _one(f"""INSERT INTO call_pledges (call_id, business_id, amount_kzt, earmark_focus_areas, created_at, settled_at)
        VALUES ('{awarded}', '{business}', 3000000, ARRAY['{projects[1][2]}'], {NOW} - interval '80 days', {NOW} - interval '29 days') RETURNING id""")[0]
    # Need (of 5, weight 2) and Plan (of 10, weight 1): 88.3, 75.0 and 31.7 in the end.
    scores = [([5, 9], [4, 8]), ([4, 7], [4, 6]), ([2, 3], [1, 4])]
    asked = [2000000, 3000000, 1500000]
    applications = []
    for (project, ngo, _), amount in zip(projects, asked):
        applications.append(_one(f"""INSERT INTO call_applications (call_id, ngo_id, project_id, amount_kzt, state, created_at, updated_at, submitted_at)
            VALUES ('{awarded}', '{ngo}', '{project}', {amount}, 'submitted', {NOW} - interval '70 days', {NOW} - interval '70 days', {NOW} - interval '70 days')
            RETURNING id""")[0])
        sql(f"INSERT INTO call_answers (application_id, position, answer) VALUES ('{applications[-1]}', 1, 'Children and their families.')")
    for person, _ in reviewers:
        sql(f"INSERT INTO call_reviewers (call_id, person_id) VALUES ('{awarded}', '{person}')")
    totals = []
    for application, given in zip(applications, scores):
        mine = []
        for (person, _), (need, plan) in zip(reviewers, given):
            total = (2 * need / 5 + plan / 10) / 3 * 100
            mine.append(total)
            sql(f"INSERT INTO call_assignments (application_id, person_id, automatic) VALUES ('{application}', '{person}', true)")
            sql(f"""INSERT INTO call_reviews (application_id, person_id, scores, total, comment)
                VALUES ('{application}', '{person}', ARRAY[{need}, {plan}]::smallint[], {total}, 'A private remark')""")
        totals.append(sum(mine) / len(mine))
    sql(f"""INSERT INTO call_allocations (call_id, objective, upper_bound, split_bound, is_exact, cut_off)
        VALUES ('{awarded}', {totals[0] * 2 + totals[1] * 3}, {totals[0] * 2 + totals[1] * 3}, {totals[0] * 2 + totals[1] * 3}, true, {totals[1]})""")
    sql(f"""INSERT INTO call_grants (call_id, application_id, pledge_id, funder_id, amount_kzt, score) VALUES
        ('{awarded}', '{applications[0]}', NULL, '{body}', 2000000, {totals[0]}),
        ('{awarded}', '{applications[1]}', NULL, '{body}', 1000000, {totals[1]}),
        ('{awarded}', '{applications[1]}', '{pledge}', '{business}', 2000000, {totals[1]})""")
    sql(f"""INSERT INTO call_unfunded (call_id, application_id, reason, score) VALUES ('{awarded}', '{applications[2]}', 'below_pass_mark', {totals[2]})""")
    CALL["winners"] = [projects[0][0], projects[1][0]]

    opened = _one(f"""INSERT INTO calls (government_body_id, title_kk, title_ru, title_en, focus_areas, territory, state_budget_kzt,
            min_grant_kzt, max_grant_kzt, pass_mark, opens_at, closes_at, reviews_due_at, results_at, state, published_at)
        VALUES ('{body}', 'Таза өзендер: қауымдастық гранттары', 'Чистые реки: гранты сообществам', '{OPEN_TITLE}', '{{}}', '{territory}',
            5000000, 500000, 2000000, 50, {NOW} - interval '5 days', {NOW} + interval '20 days', {NOW} + interval '30 days', {NOW} + interval '40 days',
            'published', {NOW} - interval '6 days')
        RETURNING id""")[0]
    CALL["open"] = opened
    sql(f"""INSERT INTO call_criteria (call_id, position, name_kk, name_ru, name_en, weight, scale_max) VALUES
        ('{opened}', 1, 'Әсер', 'Влияние', 'Impact', 1, 5)""")
    sql(f"INSERT INTO call_pledges (call_id, business_id, amount_kzt) VALUES ('{opened}', '{business}', 1000000)")
    sql(f"""INSERT INTO call_applications (call_id, ngo_id, project_id, amount_kzt, state, submitted_at)
        VALUES ('{opened}', '{projects[2][1]}', '{projects[2][0]}', 1000000, 'submitted', {NOW})""")


class CallPagesTest(BrowserTest):
    def in_every_language(self, page):
        """Captures the page in kk, ru and en (axe-core clean in each), and stays in English."""
        for lang in LANGUAGES:
            self.switch_language(lang)
            self.loaded(page)
            self.assert_accessible(page, lang)
        self.switch_language("en")



class CallList(CallPagesTest):
    def test_the_list_filters_by_phase_and_place_in_the_url_with_its_csv(self):
        self.go("/calls", "calls")
        self.in_every_language("calls")
        nav = [a.get_attribute("href") for a in self.els("nav.site-nav a")]
        self.assertIn(BASE + "/calls", nav, "the header does not link the calls")
        listed = {a.text: a.get_attribute("href") for a in self.els("ol.results li > a")}
        self.assertIn(AWARDED_TITLE, listed, "the awarded call is not listed")
        self.assertIn(OPEN_TITLE, listed, "the open call is not listed")
        before = self.path()
        form = self.form_for("/calls")
        for name in ("phase", "region", "district"):
            self.field(name, form)
        self.assert_form_conventions(form)
        Select(self.el("#phase", form)).select_by_value("awarded")
        Select(self.el("#region", form)).select_by_value(CALL["territory"])
        self.submit(self.submit_button(form))
        self.loaded("calls-filtered")
        self.assertEqual(self.query().get("phase"), ["awarded"], f"the URL lost the phase: {self.path()}")
        self.assertEqual(self.query().get("region"), [CALL["territory"]])
        titles = [a.text for a in self.els("ol.results li > a")]
        self.assertIn(AWARDED_TITLE, titles)
        self.assertNotIn(OPEN_TITLE, titles, "the open call is listed among the awarded ones")
        self.assertEqual(Select(self.el("#phase")).first_selected_option.get_attribute("value"), "awarded")
        link = self.el("a[data-format=csv]").get_attribute("href")
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)
        self.assertEqual((query.get("phase"), query.get("region")), (["awarded"], [CALL["territory"]]), f"the CSV link {link} lost the filters")
        reply = http("GET", link[len(BASE):])
        self.assertEqual(reply.status, 200)
        rows = list(csv.DictReader(io.StringIO(reply.text)))
        self.assertIn(CALL["awarded"], [r["id"] for r in rows], "the CSV lacks the awarded call")
        self.assertTrue(all(r["phase"] == "awarded" for r in rows), "the CSV keeps calls of other phases")
        self.d.back()
        self.assertEqual(self.path(), before, "back does not return to every call")
        # A stage that does not exist: the message beside the field.
        self.go("/calls?phase=someday", "calls-errors", status=400)
        self.assert_error_summary(["phase"])
        self.assert_accessible("calls-errors", self.lang())


class AwardedCall(CallPagesTest):
    def test_the_results_show_winners_funders_and_only_aggregate_scores(self):
        path = f"/calls/{CALL['awarded']}"
        self.go(path, "call-awarded")
        self.in_every_language("call-awarded")
        text = self.main_text()
        self.assertIn("Results published", text)
        self.assertIn("How pressing is the need?", text, "the rubric's guidance is not shown")
        winners = self.els("section[aria-labelledby=results-heading] table")[0]
        rows = self.els("tbody tr", winners)
        self.assertEqual(len(rows), 2, "two projects were funded")
        self.assertIn("state budget", rows[0].text)
        self.assertIn("co-funder", winners.text, "the co-funder's share is not shown")
        for project in CALL["winners"]:
            links = self.els(f"a[href='/projects/{project}']", winners)
            self.assertTrue(links, f"no link to the funded project {project}")
            self.assertEqual(http("GET", f"/projects/{project}").status, 200, f"the funded project {project} has no public page")
        figures = {dt.text: dd.text for dt, dd in zip(self.els("section[aria-labelledby=results-heading] dl.figures dt"),
                                                      self.els("section[aria-labelledby=results-heading] dl.figures dd"))}
        self.assertEqual((figures.get("Applications received"), figures.get("Eligible"), figures.get("Funded")), ("3", "3", "2"))
        self.assertEqual(figures.get("Cut-off score"), "75.0 points of 100")
        scores = self.els("section[aria-labelledby=results-heading] table")[1]
        self.assertEqual([r.find_element("css selector", "th").text for r in self.els("tbody tr", scores)], ["Need", "Plan"])
        self.assertIn("SD 1.4; lowest 1, highest 5", scores.text)
        self.assertEqual(len(self.els("figure.bar-chart svg rect.bar-placed")), 2, "no bar per criterion")
        # No reviewer, no remark, no score of the application that was not funded.
        page = self.d.page_source
        for hidden in CALL["reviewers"] + ["A private remark", "31.7"]:
            self.assertNotIn(hidden, page, f"the public page shows {hidden!r}")


class OpenCall(CallPagesTest):
    def test_an_open_call_shows_its_terms_and_pledges_and_no_score(self):
        self.go(f"/calls/{CALL['open']}", "call-open")
        self.in_every_language("call-open")
        text = self.main_text()
        self.assertIn("Open for applications", text)
        self.assertIn("The results appear here once the government body publishes them", text)
        self.assertIn("Any funded application", text, "the co-funder's pledge without earmarks")
        self.assertFalse(self.els("section[aria-labelledby=results-heading] table"), "an open call shows results")
        self.assertEqual(http("GET", "/calls/00000000-0000-0000-0000-000000000000").status, 404)


class Planning(CallPagesTest):
    def test_the_akimat_plans_from_its_regions_needs_and_an_ngo_is_refused(self):
        sign_in_akimat_member(self)
        self.go("/workspace/planning", "planning")
        self.in_every_language("planning")
        text = self.main_text()
        for heading in ("Open needs by focus area", "Open needs by district", "Past calls: demand against money"):
            self.assertIn(heading, text)
        demand = self.el("table caption", self.els("div.table-wrap")[-1])
        self.assertIn("Past calls", demand.text, "the awarded call's demand table is missing")
        cookies = {c["name"]: c["value"] for c in self.d.get_cookies()}
        links = [a.get_attribute("href") for a in self.els("a[data-format=csv]")]
        self.assertEqual(len(links), 3, "each table has its CSV")
        for link in links:
            reply = http("GET", link[len(BASE):], cookies=cookies)
            self.assertEqual(reply.status, 200, f"{link} answered {reply.status}")
            self.assertTrue(reply.text.splitlines()[0].count(",") >= 5, f"{link} has no header")
        form = self.form_for("/workspace/planning")
        self.assert_form_conventions(form)
        districts = [o.get_attribute("value") for o in Select(self.el("#territory", form)).options if o.get_attribute("value") != CALL["territory"]]
        self.assertTrue(districts, "no district to choose")
        Select(self.el("#territory", form)).select_by_value(districts[0])
        self.submit(self.submit_button(form))
        self.loaded("planning-district")
        self.assertEqual(self.query().get("territory"), [districts[0]])
        self.assertIn("A district has no smaller units here", self.main_text())
        # An NGO's person is refused.
        self.d.execute_cdp_cmd("Network.clearBrowserCookies", {})
        self.sign_in(NGO_EMAIL, NGO_PASSWORD)
        self.go("/workspace/planning", "planning-refused", status=403)
