"""The public portal, as a reader without an account sees it."""

import csv
import io
import json
import re
import urllib.parse

from selenium.common.exceptions import ElementClickInterceptedException

from harness import (BASE, LANGUAGE_LABELS, LANGUAGES, ORGANIZATION_ID, PROJECT_ID, REGION,
                     UNTRANSLATED_PROJECT_ID, BrowserTest, http)


class Home(BrowserTest):
    def test_home_has_figures_and_a_search_box(self):
        self.go("/", "home")
        self.assertEqual(self.lang(), "kk", "a reader whose browser asks for Kazakh first gets Kazakh")
        main = self.el("main#main")
        skip = self.el("a.skip-link")
        self.assertEqual(skip.get_attribute("href").rsplit("#", 1)[-1], "main", "the skip link goes to #main")
        self.assertRegex(main.text, r"\d", "the home page shows no figures")
        form = self.el("form[action='/search']")
        self.el("input[name=q]", form)
        self.assertEqual((form.get_attribute("method") or "get").lower(), "get", "the search form is a GET form")
        self.assert_form_conventions(form)

    def test_search_box_leads_to_results(self):
        self.go("/", "home")
        form = self.el("form[action='/search']")
        box = self.el("input[name=q]", form)
        box.send_keys("қоғамдық қоры")
        self.submit(self.submit_button(form))
        self.assertEqual(self.path_only(), "/search")
        self.assertEqual(self.query().get("q"), ["қоғамдық қоры"], "the search keeps its words in the URL")
        self.loaded("search")
        # A browser sends the space as "+": the page must read it back as a space.
        self.assertEqual(self.value("q"), "қоғамдық қоры", "the search box does not show what was typed")
        self.assertGreater(len(self.els("ol.results li a")), 0, "searching 'қоғамдық қоры' finds nothing")


class Search(BrowserTest):
    def filter_form(self, action):
        forms = self.els(f"main form[action='{action}']") or self.els("main form[method=get], main form:not([method])")
        self.assertTrue(forms, f"no filter form on {self.path()}")
        return forms[0]

    def check_downloads(self, filters):
        """The CSV and JSON links carry the same filters and give the same data."""
        for fmt in ("csv", "json"):
            link = self.el(f"a[data-format={fmt}]")
            href = link.get_attribute("href")
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(href).query)
            for key, value in filters.items():
                self.assertEqual(query.get(key), [value], f"the {fmt} link {href} lost the filter {key}={value}")
            reply = http("GET", href[len(BASE):] if href.startswith(BASE) else href)
            self.assertEqual(reply.status, 200, f"{href} answered {reply.status}")
            if fmt == "csv":
                self.assertIn("csv", reply.headers.get("Content-Type", ""), f"{href} is not text/csv")
                rows = list(csv.reader(io.StringIO(reply.text.lstrip("\ufeff"))))
                self.assertTrue(rows and len(rows[0]) > 1, f"{href} has no header row")
            else:
                self.assertIn("json", reply.headers.get("Content-Type", ""), f"{href} is not JSON")
                json.loads(reply.text)

    def test_organizations_filters_stay_in_the_url_and_back_works(self):
        self.go("/organizations", "organizations")
        before = self.path()
        unfiltered = len(self.els("ol.results li a"))
        self.assertGreater(unfiltered, 0, "no organizations listed (ol.results li a)")
        form = self.filter_form("/organizations")
        for name in ("q", "kind", "region", "district", "focus"):
            self.field(name, form)
        self.assert_form_conventions(form)
        kind = "ngo"
        self.d.execute_script("arguments[0].value = arguments[1]", self.field("kind", form), kind)
        region = self.choose_first("region", form)
        self.assertTrue(region, "the region filter offers no region")
        self.submit(self.submit_button(form))
        self.loaded("organizations-filtered")
        query = self.query()
        self.assertEqual(query.get("kind"), [kind], f"the URL lost kind: {self.path()}")
        self.assertEqual(query.get("region"), [region], f"the URL lost region: {self.path()}")
        filtered = self.path()
        self.assertEqual(self.value("kind"), kind, "the kind filter does not show what was chosen")
        self.assertEqual(self.value("region"), region, "the region filter does not show what was chosen")
        results = self.els("ol.results li a")
        self.assertGreater(len(results), 0, f"no NGO in region {region}")
        for link in self.els("a[rel=next], a[rel=prev]"):
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(link.get_attribute("href")).query)
            self.assertEqual((query.get("kind"), query.get("region")), ([kind], [region]),
                             f"the page link {link.get_attribute('href')} loses the filters")
        self.d.back()
        self.assertEqual(self.path(), before, "the back button does not return to the unfiltered list")
        self.assertEqual(len(self.els("ol.results li a")), unfiltered, "going back does not show the unfiltered list")
        self.d.forward()
        self.assertEqual(self.path(), filtered, "forward does not return to the filtered list")
        self.assertEqual(self.value("kind"), kind)
        # A shared link opens the same results.
        self.d.get(BASE + filtered)
        self.assertEqual(len(self.els("ol.results li a")), len(results), "the same URL gives other results")
        self.check_downloads({"kind": kind, "region": region})

    def test_projects_filters(self):
        self.go("/projects", "projects")
        form = self.filter_form("/projects")
        for name in ("q", "region", "district", "focus", "status", "min_need", "max_need"):
            self.field(name, form)
        self.assert_form_conventions(form)
        self.d.execute_script("arguments[0].value = 'open'", self.field("status", form))
        self.type_into("min_need", "1000", form)
        self.submit(self.submit_button(form))
        self.loaded("projects-filtered")
        query = self.query()
        self.assertEqual(query.get("status"), ["open"], f"the URL lost status: {self.path()}")
        self.assertEqual(query.get("min_need"), ["1000"], f"the URL lost min_need: {self.path()}")
        self.assertEqual(self.value("min_need"), "1000", "the min_need filter lost what was typed")
        self.assertGreater(len(self.els("ol.results li a")), 0, "no open project needs 1000 ₸ or more")
        self.d.back()
        self.assertEqual(self.path_only(), "/projects")
        self.assertNotIn("status", self.query(), "the back button does not return to the unfiltered list")
        self.d.forward()
        self.assertEqual(self.query().get("status"), ["open"], "forward does not return to the filtered list")
        self.check_downloads({"status": "open", "min_need": "1000"})

    def test_search_finds_an_organization_and_opens_its_profile(self):
        self.go("/organizations", "organizations")
        first = self.el("ol.results li a")
        name = first.text.strip()
        self.assertTrue(name, "a result link has no text")
        word = max(re.findall(r"\w+", name), key=len)
        self.go("/search?" + urllib.parse.urlencode({"q": word}), "search")
        links = [a for a in self.els("ol.results li a") if "/organizations/" in (a.get_attribute("href") or "")]
        self.assertTrue(links, f"searching {word!r} (from {name!r}) finds no organization")
        self.follow(links[0])
        self.assertRegex(self.path_only(), r"^/organizations/[0-9a-f-]{36}$")
        self.loaded("organization")


class Profiles(BrowserTest):
    def test_organization_profile(self):
        self.assertTrue(ORGANIZATION_ID, "no organization chosen from the database")
        self.go(f"/organizations/{ORGANIZATION_ID}", "organization")
        main = self.el("main#main")
        self.el("h1", main)
        self.assertRegex(main.text, r"\b\d{12}\b", "the profile shows no BIN")
        projects = [a for a in self.els("main a") if re.search(r"/projects/[0-9a-f-]{36}$", a.get_attribute("href") or "")]
        self.assertTrue(projects, "the NGO's profile links to none of its projects")
        chosen = [a for a in projects if a.get_attribute("href").endswith(f"/projects/{PROJECT_ID}")]
        target = (chosen or projects)[0]
        href = target.get_attribute("href")
        self.follow(target)
        self.assertEqual(BASE + self.path_only(), href)
        self.el("main h1")

    def test_project_page_has_progress_and_timeline(self):
        self.assertTrue(PROJECT_ID, "no project chosen from the database")
        self.go(f"/projects/{PROJECT_ID}", "project")
        self.el("main h1")
        progress = self.el(".progress")
        self.assertTrue(progress.is_displayed(), "the progress bar is not shown")
        said = self.d.execute_script(
            "const p = arguments[0]; return [p.innerText, p.parentElement ? p.parentElement.innerText : '',"
            " p.getAttribute('aria-label') || '', p.getAttribute('aria-valuetext') || ''].join(' ')", progress)
        self.assertRegex(said, r"\d", "no figure in words at the progress bar (not only in colour)")
        timeline = self.el("ol.timeline")
        self.assertGreater(len(self.els("li", timeline)), 0, "the timeline of a project with partnerships is empty")
        owner = [a for a in self.els("main a") if f"/organizations/{ORGANIZATION_ID}" in (a.get_attribute("href") or "")]
        self.assertTrue(owner, "the project page does not link to its NGO")

    def test_unknown_organization_is_a_page_not_json(self):
        self.go("/organizations/00000000-0000-4000-8000-000000000000", "not-found", status=404)
        self.el("main#main")


class Regions(BrowserTest):
    def svg_href(self, link):
        return self.d.execute_script(
            "return arguments[0].getAttribute('href') || arguments[0].getAttribute('xlink:href')", link)

    def test_map_by_every_measure_and_a_region(self):
        for measure in ("open_need", "funding_placed", "active_partnerships", "ngos"):
            self.go(f"/regions?measure={measure}", "regions" if measure == "open_need" else f"regions-{measure}")
            links = self.els("main svg a")
            self.assertGreaterEqual(len(links), 14, f"the map by {measure} has {len(links)} region links")
            for link in links:
                title = self.els("title", link)
                self.assertTrue(title and title[0].get_attribute("textContent").strip(),
                                f"a region on the map by {measure} has no <title>")
                self.assertRegex(self.svg_href(link) or "", r"/regions/\d{9}\b")
            rows = self.els("main table tbody tr")
            self.assertEqual(len(rows), len(links), f"the table under the map by {measure} has {len(rows)} rows "
                                                    f"for {len(links)} regions")
            self.assertTrue(self.els("main table caption"), "the table has no caption")
        pickers = self.els("[name=measure]") + self.els("main a[href*='measure=']")
        self.assertTrue(pickers, "the reader cannot pick the measure")
        # Open a region from the map.
        target = [a for a in self.els("main svg a") if (self.svg_href(a) or "").endswith(f"/regions/{REGION}")]
        self.assertTrue(target, f"region {REGION} is not on the map")
        self.d.execute_script("arguments[0].scrollIntoView({block: 'center'})", target[0])
        try:
            self.follow(target[0])
        except ElementClickInterceptedException:
            # Another shape lies over this one where the click lands: follow the link as a reader would.
            self.d.get(BASE + self.svg_href(target[0]) if self.svg_href(target[0]).startswith("/") else self.svg_href(target[0]))
        self.assertEqual(self.path_only(), f"/regions/{REGION}")
        self.loaded("region")
        self.el("main h1")
        districts = self.els("main svg a")
        self.assertGreater(len(districts), 0, "the region page has no district map")
        self.assertTrue(self.els("main table"), "the region page has no table")

    def test_unknown_region_is_not_found(self):
        self.go("/regions/999999999", "region-not-found", status=404)


class OpenData(BrowserTest):
    def test_open_data_links_download(self):
        self.go("/open-data", "open-data")
        hrefs = [a.get_attribute("href") for a in self.els("main a")]
        for path in ("/open-data/partnerships-360giving.json", "/open-data/partnerships.csv",
                     "/open-data/organizations.csv", "/open-data/projects.csv"):
            self.assertIn(BASE + path, hrefs, f"/open-data does not link to {path}")
            reply = http("GET", path)
            self.assertEqual(reply.status, 200, f"{path} answered {reply.status}")
            if path.endswith(".json"):
                package = json.loads(reply.text)
                self.assertIsInstance(package.get("grants"), list, "the 360Giving package has no grants list")
                self.assertGreater(len(package["grants"]), 0, "the 360Giving package has no grant")
                for grant in package["grants"][:20]:
                    text = json.dumps(grant)
                    self.assertRegex(text, r"KZ-BIN-\d{12}", "a grant names no organization as KZ-BIN-…")
            else:
                self.assertIn("csv", reply.headers.get("Content-Type", ""), f"{path} is not CSV")
                rows = list(csv.reader(io.StringIO(reply.text.lstrip("\ufeff"))))
                self.assertGreater(len(rows), 1, f"{path} has no rows")
                header = ",".join(rows[0]).lower()
                self.assertNotRegex(header, r"contact|phone|e-?mail", f"{path} publishes contacts: {rows[0]}")


class Language(BrowserTest):
    def check_switch(self):
        nav = self.el("nav.language-switch")
        rect = self.d.execute_script("const r = arguments[0].getBoundingClientRect(); return [r.left, r.right, r.top]", nav)
        self.assertGreater(rect[1], 1280 * 0.6, f"the language switch is not on the right ({rect})")
        self.assertLess(rect[2], 200, f"the language switch is not at the top ({rect})")
        here = self.path()
        for code in LANGUAGES:
            link = self.el(f"a[hreflang={code}]", nav)
            self.assertEqual(link.text.strip(), LANGUAGE_LABELS[code])
            href = urllib.parse.urlsplit(link.get_attribute("href"))
            self.assertEqual(href.path, f"/language/{code}")
            self.assertEqual(urllib.parse.parse_qs(href.query).get("next"), [here],
                             f"the {code} link does not come back to {here}")
        return here

    def test_switch_keeps_the_page_and_its_query(self):
        self.go("/organizations?q=%D0%B0&kind=ngo", "organizations-query")
        for code in ("ru", "en", "kk"):
            here = self.check_switch()
            self.switch_language(code)
            self.assertEqual(self.path(), here, f"switching to {code} left the page")
            self.assertEqual(self.lang(), code, f"switching to {code} gave <html lang={self.lang()}>")
            self.assertEqual((self.d.get_cookie("lang") or {}).get("value"), code, "no lang cookie")
            self.assertEqual(self.value("kind"), "ngo", "the filters were lost in the switch")
            self.loaded("organizations-query")
        # The cookie holds across pages.
        self.d.get(BASE + "/language/ru?next=/")
        self.assertEqual(self.path(), "/")
        self.d.get(BASE + f"/projects/{PROJECT_ID}")
        self.assertEqual(self.lang(), "ru", "the chosen language did not hold on the next page")
        self.check_switch()

    def test_text_in_another_language_is_marked(self):
        """A title with no English text, shown on an English page in Kazakh or Russian, carries that lang."""
        self.assertTrue(UNTRANSLATED_PROJECT_ID, "the demo data has no project without an English title")
        self.set_language("en")
        self.go(f"/projects/{UNTRANSLATED_PROJECT_ID}", "project-untranslated")
        self.assertEqual(self.lang(), "en")
        marked = self.d.execute_script(
            "const h = document.querySelector('main h1'); if (!h) return null;"
            "const inner = h.querySelector('[lang]'); return (inner || h.closest('[lang]')).getAttribute('lang')")
        self.assertIn(marked, ("kk", "ru"), f"the title shown instead of an English one is marked lang={marked!r}")

    def test_switch_refuses_to_leave_the_site(self):
        for target in ("https://evil.example/", "//evil.example/"):
            reply = http("GET", "/language/en?next=" + urllib.parse.quote(target, safe=""))
            location = reply.headers.get("Location", "")
            self.assertIn(reply.status, (302, 303, 307), f"/language/en answered {reply.status}")
            self.assertNotIn("evil.example", location, f"the language switch redirects off the site: {location}")

    def test_default_from_accept_language(self):
        cases = {None: "kk", "kk": "kk", "ru-RU,ru;q=0.9,en;q=0.8": "ru", "en-GB,en;q=0.9": "en",
                 "de-DE,de;q=0.9": "kk", "de,ru;q=0.5": "ru"}
        for header, expected in cases.items():
            reply = http("GET", "/", headers={"Accept-Language": header} if header else {})
            self.assertEqual(reply.status, 200)
            found = re.search(r"<html[^>]*\blang=\"?([a-z]{2})", reply.text)
            self.assertEqual(found and found.group(1), expected, f"Accept-Language {header!r}")
        reply = http("GET", "/", headers={"Accept-Language": "ru"}, cookies={"lang": "en"})
        found = re.search(r"<html[^>]*\blang=\"?([a-z]{2})", reply.text)
        self.assertEqual(found and found.group(1), "en", "the lang cookie does not win over Accept-Language")
