"""The pages of a call's participants (issue 14): an NGO applies (a draft, an unanswered question
named beside its field, then submitted and read back with a withdraw button), a business pledges
(refused over its budget beside the amount, then pledged and withdrawn) and a reviewer scores an
application blind, reads everyone's scores anonymized once all are in, and declares a conflict
on another, and makes a personal API token that reads their assignments until they revoke it.
The demo data has no calls: setUpModule writes an open one and one in review with SQL."""

import json

from selenium.webdriver.support.select import Select

from harness import LANGUAGES, NGO_EMAIL, NGO_PASSWORD, SEEDED, BrowserTest, http, sql
from test_workspace import BUSINESS_EMAIL

OPEN_TITLE = "Warm homes: a social order for elderly people"
REVIEW_TITLE = "Safe yards: grants for district initiatives"
CALL = {}


def _one(statement):
    rows = sql(statement)
    assert rows, f"no row from: {statement}"
    return rows[0]


def _criteria(call):
    sql(f"""INSERT INTO call_criteria (call_id, position, name_kk, name_ru, name_en, guidance_kk, guidance_ru, guidance_en, weight, scale_max) VALUES
        ('{call}', 1, 'Қажеттілік', 'Потребность', 'Need', 'Мәселе қаншалықты өзекті?', 'Насколько остра проблема?', 'How pressing is the need?', 2, 5),
        ('{call}', 2, 'Жоспар', 'План', 'Plan', 'Жоспар нақты ма?', 'Насколько реалистичен план?', 'Is the plan realistic?', 1, 10)""")
    sql(f"""INSERT INTO call_questions (call_id, position, text_kk, text_ru, text_en, max_length) VALUES
        ('{call}', 1, 'Жоба кімге көмектеседі?', 'Кому поможет проект?', 'Whom does the project help?', 2000),
        ('{call}', 2, 'Нәтижені қалай өлшейсіз?', 'Как вы измерите результат?', 'How will you measure the result?', 1000)""")


def setUpModule():
    """An open call in the demo NGO's region, eligibility relaxed so the demo NGO may apply; and
    a call in review whose two applications (of other NGOs) are assigned to the demo NGO's owner
    and an invited expert who cannot sign in."""
    ngo, person = _one(f"""SELECT m.organization_id, p.id FROM people p JOIN memberships m ON m.person_id = p.id
        WHERE p.email = '{NGO_EMAIL}' ORDER BY m.role = 'owner' DESC LIMIT 1""")
    CALL["person"] = person
    CALL["ngo"] = ngo
    region = _one(f"""SELECT left(r, 2) || '0000000' FROM projects p CROSS JOIN LATERAL unnest(p.regions) AS r
        WHERE p.organization_id = '{ngo}' AND p.status IN ('draft', 'open') ORDER BY p.id LIMIT 1""")[0]
    body = _one("SELECT id FROM organizations WHERE kind = 'government_body' AND active ORDER BY id LIMIT 1")[0]
    existing = sql(f"SELECT id FROM calls WHERE title_en = '{OPEN_TITLE}'")
    if existing:
        CALL["open"] = existing[0][0]
        CALL["review"] = _one(f"SELECT id FROM calls WHERE title_en = '{REVIEW_TITLE}'")[0]
        CALL["applications"] = [r[0] for r in sql(f"SELECT id FROM call_applications WHERE call_id = '{CALL['review']}' ORDER BY created_at, id")]
        return
    focus = _one(f"SELECT coalesce(array_agg(DISTINCT f ORDER BY f), '{{}}') FROM projects p CROSS JOIN LATERAL unnest(p.focus_areas) AS f "
                 f"WHERE p.organization_id = '{ngo}'")[0]
    opened = _one(f"""INSERT INTO calls (government_body_id, title_kk, title_ru, title_en, description_en, focus_areas, territory,
            state_budget_kzt, min_grant_kzt, max_grant_kzt, partial_funding, verified_only, territory_only, min_years_active, no_overdue_reports,
            pass_mark, opens_at, closes_at, reviews_due_at, results_at, state, published_at)
        VALUES ('{body}', 'Жылы үй: қарттарға әлеуметтік тапсырыс', 'Тёплый дом: социальный заказ для пожилых', '{OPEN_TITLE}',
            'Home care for elderly people living alone.', '{focus}'::text[], '{region}', 20000000, 500000, 5000000, false, false, false, 0, false,
            60, now() - interval '3 days', now() + interval '25 days', now() + interval '40 days', now() + interval '50 days', 'published', now() - interval '4 days')
        RETURNING id""")[0]
    CALL["open"] = opened
    _criteria(opened)
    review = _one(f"""INSERT INTO calls (government_body_id, title_kk, title_ru, title_en, focus_areas, territory, state_budget_kzt,
            min_grant_kzt, max_grant_kzt, pass_mark, opens_at, closes_at, reviews_due_at, results_at, state, published_at)
        VALUES ('{body}', 'Қауіпсіз аула: аудандық бастамаларға гранттар', 'Безопасный двор: гранты районным инициативам', '{REVIEW_TITLE}',
            '{{}}', NULL, 10000000, 500000, 3000000, 50, now() - interval '40 days', now() - interval '5 days', now() + interval '10 days',
            now() + interval '20 days', 'published', now() - interval '41 days')
        RETURNING id""")[0]
    CALL["review"] = review
    _criteria(review)
    projects = sql(f"""SELECT DISTINCT ON (p.organization_id) p.id, p.organization_id FROM projects p
        JOIN organizations o ON o.id = p.organization_id AND o.active
        WHERE p.status = 'open' AND p.organization_id <> '{ngo}' ORDER BY p.organization_id, p.id LIMIT 2""")
    assert len(projects) == 2, "the demo data has fewer than two other NGOs with open projects"
    expert = _one("""INSERT INTO people (email, display_name, password_hash, disabled)
        VALUES ('dana.expert@participants.example.kz', 'Dana Expertqyzy', '!', true) RETURNING id""")[0]
    CALL["expert"] = expert
    for reviewer in (person, expert):
        sql(f"INSERT INTO call_reviewers (call_id, person_id) VALUES ('{review}', '{reviewer}')")
    applications = []
    for project, owner in projects:
        application = _one(f"""INSERT INTO call_applications (call_id, ngo_id, project_id, amount_kzt, state, created_at, updated_at, submitted_at,
                indicators, reporting_period_days)
            VALUES ('{review}', '{owner}', '{project}', 2500000, 'submitted', now() - interval '20 days', now() - interval '20 days',
                now() - interval '20 days',
                '[{{"name": "Yards lit at night", "unit": "yards", "baseline": 2, "target": 14}}, {{"name": "Residents taking part", "unit": "people", "baseline": 0, "target": 300}}]',
                90)
            RETURNING id""")[0]
        sql(f"""INSERT INTO call_answers (application_id, position, answer) VALUES
            ('{application}', 1, 'Families of the district''s five-storey blocks, about 1,200 people.'),
            ('{application}', 2, 'Counting lit yards each quarter, and a residents'' survey.')""")
        for reviewer in (person, expert):
            sql(f"INSERT INTO call_assignments (application_id, person_id, automatic) VALUES ('{application}', '{reviewer}', true)")
        applications.append(application)
    CALL["applications"] = applications


class ParticipantTest(BrowserTest):
    def in_every_language(self, page):
        """Captures the page in kk, ru and en (axe-core clean in each), and stays in English."""
        for lang in LANGUAGES:
            self.switch_language(lang)
            self.loaded(page)
            self.assert_accessible(page, lang)
        self.switch_language("en")



class Apply(ParticipantTest):
    def test_an_ngo_saves_a_draft_is_told_what_is_missing_submits_and_changes_it(self):
        self.sign_in(NGO_EMAIL, NGO_PASSWORD)
        path = f"/workspace/calls/{CALL['open']}/apply"
        self.go(path, "call-apply")
        self.in_every_language("call-apply")
        text = self.main_text()
        self.assertIn("How pressing is the need?", text, "the rubric's guidance is not shown")
        form = self.form_for(path)
        self.assert_form_conventions(form)
        project = Select(self.el("#project_id", form)).first_selected_option.get_attribute("value")
        self.type_into("amount_kzt", "1 500 000", form)
        self.type_into("answer_1", "Elderly people living alone in the district.", form)
        self.type_into("indicator_1_name", "Homes visited weekly", form)
        self.type_into("indicator_1_unit", "homes", form)
        self.type_into("indicator_1_baseline", "0", form)
        self.type_into("indicator_1_target", "60", form)
        self.submit(self.el("button[value=save]", form))
        self.loaded("call-apply-draft")
        self.assertIn("Your draft is saved", self.main_text())
        self.assertEqual(self.value("answer_1"), "Elderly people living alone in the district.")
        # Submitting with the second question unanswered: named beside it, nothing lost.
        self.submit(self.el(f"form[action='{path}'] button[value=submit]"))
        self.loaded("call-apply-errors", status=422)
        self.assert_accessible("call-apply-errors")
        self.assert_error_summary(["answer_2"])
        self.assertEqual(self.value("indicator_1_name"), "Homes visited weekly")
        self.type_into("answer_2", "A weekly visit log and a survey twice a year.")
        self.submit(self.el(f"form[action='{path}'] button[value=submit]"))
        self.loaded("call-apply-submitted")
        self.assert_accessible("call-apply-submitted")
        text = self.main_text()
        self.assertIn("Your application is submitted", text)
        self.assertIn("A weekly visit log and a survey twice a year.", text)
        self.assertTrue(self.els("button[value=withdraw]"), "a submitted application has no withdraw button")
        self.assertFalse(self.els("textarea[name=answer_1]"), "a submitted application is still a form")
        state = _one(f"SELECT state FROM call_applications WHERE call_id = '{CALL['open']}' AND project_id = '{project}'")[0]
        self.assertEqual(state, "submitted")
        # Until applications close it may be changed, and stays submitted.
        self.el("a[href*='edit=1']").click()
        self.loaded("call-apply-change")
        self.assertEqual(self.value("answer_2"), "A weekly visit log and a survey twice a year.")
        self.type_into("answer_2", "A weekly visit log, a survey twice a year and a photo report.")
        self.submit(self.el(f"form[action='{path}'] button[value=save]"))
        self.loaded("call-apply-changed")
        self.assertIn("the application stays submitted", self.main_text())
        self.assertIn("and a photo report.", self.main_text())
        state = _one(f"SELECT state FROM call_applications WHERE call_id = '{CALL['open']}' AND project_id = '{project}'")[0]
        self.assertEqual(state, "submitted")


class Pledge(ParticipantTest):
    def test_a_business_is_refused_over_budget_beside_the_amount_then_pledges_and_withdraws(self):
        self.sign_in(BUSINESS_EMAIL, SEEDED.get(BUSINESS_EMAIL, ("Biz-Owner-Pass1", None))[0])
        path = f"/workspace/calls/{CALL['open']}/pledge"
        self.go(path, "call-pledge")
        self.in_every_language("call-pledge")
        form = self.form_for(path)
        self.assert_form_conventions(form)
        self.type_into("amount_kzt", "900 000 000 000", form)
        self.submit(self.submit_button(form))
        self.loaded("call-pledge-errors", status=422)
        self.assert_accessible("call-pledge-errors")
        self.assert_error_summary(["amount_kzt"])
        self.assertIn("more than is left of your budget", self.el("#amount_kzt-error").text)
        form = self.form_for(path)
        self.type_into("amount_kzt", "1 000 000", form)
        boxes = self.els("input[type=checkbox][name^=focus_]", form)
        if boxes:
            boxes[0].click()
        self.submit(self.submit_button(form))
        self.loaded("call-pledge-check")
        self.assert_accessible("call-pledge-check")
        self.assertIn("Nothing is pledged yet", self.main_text())
        self.assert_form_conventions(self.form_for(path))
        self.submit(self.el("button[value=confirm]"))
        self.loaded("call-pledge-done")
        self.assert_accessible("call-pledge-done")
        self.assertIn("Your pledge is recorded", self.main_text())
        withdraw = self.els("form[action^='/workspace/pledges/'] button")
        self.assertTrue(withdraw, "the pledge has no withdraw button")
        self.submit(withdraw[0])
        self.loaded("call-pledge-withdrawn")
        self.assertIn("Withdrawn.", self.main_text())


class Review(ParticipantTest):
    def test_a_reviewer_scores_blind_then_reads_every_score_anonymized_and_declares_a_conflict(self):
        self.sign_in(NGO_EMAIL, NGO_PASSWORD)
        self.go("/workspace/assignments", "call-assignments")
        self.in_every_language("call-assignments")
        self.assertIn("To score", self.main_text())
        first, second = CALL["applications"]
        path = f"/workspace/assignments/{first}"
        self.go(path, "call-assignment")
        self.in_every_language("call-assignment")
        self.assertIn("Yards lit at night", self.main_text())
        form = self.el(f"form[action='{path}'] button[value=score]").find_element("xpath", "./ancestor::form")
        self.assert_form_conventions(form)
        Select(self.el("#score_1", form)).select_by_value("4")
        Select(self.el("#score_2", form)).select_by_value("7")
        self.type_into("comment", "A clear plan; the budget for lamps is thin.", form)
        self.submit(self.el("button[value=score]", form))
        self.loaded("call-assignment-scored")
        self.assert_accessible("call-assignment-scored")
        text = self.main_text()
        self.assertIn("You may change your scores until every reviewer has scored.", text)
        self.assertNotIn("Reviewer 2", text, "another reviewer's scores show before all are in")
        # The expert scores: everyone's scores show, reviewers by number only.
        sql(f"""INSERT INTO call_reviews (application_id, person_id, scores, total, comment)
            VALUES ('{first}', '{CALL['expert']}', ARRAY[3, 6]::smallint[], {(2 * 3 / 5 + 6 / 10) / 3 * 100}, 'Needs a maintenance plan.')""")
        self.go(path, "call-assignment-complete")
        self.assert_accessible("call-assignment-complete")
        text = self.main_text()
        self.assertIn("Reviewer 1 (you)", text)
        self.assertIn("Reviewer 2", text)
        self.assertIn("Needs a maintenance plan.", text)
        self.assertNotIn("Dana", text, "a reviewer is named to another")
        # A conflict of interest on the other application takes it off the list.
        other = f"/workspace/assignments/{second}"
        self.go(other, "call-assignment-other")
        form = self.el("button[value=conflict]").find_element("xpath", "./ancestor::form")
        self.type_into("reason", "I volunteered with this NGO last spring.", form)
        self.submit(self.el("button[value=conflict]", form))
        self.loaded("call-assignments-conflict")
        self.assert_accessible("call-assignments-conflict")
        self.assertIn("no longer assigned to you", self.main_text())
        self.assertFalse(self.els(f"a[href='{other}']"), "the conflicted application is still listed")

    def test_a_reviewer_makes_a_personal_token_that_reads_their_assignments_through_the_api(self):
        self.sign_in(NGO_EMAIL, NGO_PASSWORD)
        self.go("/workspace/assignments", "call-assignments-tokens-link")
        self.el("a[href='/account/tokens']").click()
        self.loaded("personal-tokens")
        self.in_every_language("personal-tokens")
        form = self.form_for("/account/tokens")
        self.assert_form_conventions(form)
        self.submit(self.submit_button(form))
        self.loaded("personal-tokens-error", status=422)
        self.assertTrue(self.el("#label-error").text, "no message beside the empty label")
        form = self.form_for("/account/tokens")
        self.type_into("label", "Review tool", form)
        self.submit(self.submit_button(form))
        self.loaded("personal-tokens-issued")
        token = self.el("code.wrap").text
        self.assertTrue(token.startswith("asar_"))
        reply = http("GET", "/v1/reviewer/assignments", headers={"Authorization": f"Bearer {token}"})
        self.assertEqual(reply.status, 200)
        listed = {item["application_id"] for item in json.loads(reply.body)["items"]}
        self.assertTrue(set(CALL["applications"]) & listed, "the reviewer's assignments are not listed through the API")
        self.assertEqual(http("GET", f"/v1/organizations/{CALL['ngo']}/inbox", headers={"Authorization": f"Bearer {token}"}).status, 403,
                         "a personal token acts for the person's organization")
        self.submit(self.el("form[action$='/revoke'] button"))
        self.loaded("personal-tokens-revoked")
        self.assertIn("Revoked", self.main_text())
        self.assertEqual(http("GET", "/v1/reviewer/assignments", headers={"Authorization": f"Bearer {token}"}).status, 401)
