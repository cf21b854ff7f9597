#!/usr/bin/env python3
"""The web UI in a real browser: headless Chromium (Debian's) driven by Playwright, against a running
`localtriage serve` with the real router, encoder and llama-server. Run by scripts/browser-test.sh, which starts
the server on the demo data and sets:

  LT_URL         the server's root, e.g. http://127.0.0.1:18766
  LT_AGENT_KEY   an API key with the agent role
  LT_LEAD_KEY    an API key with the lead role
  LT_ADMIN_KEY   an API key with the admin role (the home has two router versions to promote and roll back)
  LT_ARTIFACTS   where screenshots go (default test-artifacts/browser)
  LT_CHROMIUM    the Chromium binary (default: Debian's /usr/lib/chromium/chromium)

Each check is a function; every one runs (later ones sign in again when they need to), prints one line, and the
script exits 1 when any failed. The last check fails on any console error, uncaught page error, failed request,
unexpected HTTP error status or content-security-policy violation seen on any page during the run.
"""
import json
import os
import re
import sys
import time
import traceback
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

from playwright.sync_api import sync_playwright

BASE = os.environ["LT_URL"].rstrip("/")
AGENT_KEY = os.environ["LT_AGENT_KEY"]
LEAD_KEY = os.environ["LT_LEAD_KEY"]
ADMIN_KEY = os.environ["LT_ADMIN_KEY"]
KEYS = {"agent": AGENT_KEY, "lead": LEAD_KEY, "admin": ADMIN_KEY}
ARTIFACTS = Path(os.environ.get("LT_ARTIFACTS", "test-artifacts/browser"))
CHROMIUM = os.environ.get("LT_CHROMIUM", "/usr/lib/chromium/chromium")
DRAFT_TIMEOUT_MS = 120_000  # first-token deadline (20 s) + generation on 2 busy cores + the fallback

# Responses with an error status that a check provokes on purpose: (method, path, status).
EXPECTED_ERRORS = {("POST", "/ui/login", 401), ("GET", "/ui/analytics", 403), ("GET", "/ui/models", 403)}

class CheckFailed(AssertionError):
    pass


def check(condition, message):
    if not condition:
        raise CheckFailed(message)


def wait_for(page, expression, what, timeout_ms=20_000, arg=None):
    """Polls a JS function until it returns a truthy value. (page.wait_for_function compiles its predicate with
    eval, which the UI's content security policy rightly refuses; page.evaluate goes through the DevTools protocol.)"""
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        value = page.evaluate(expression, arg)
        if value:
            return value
        if time.monotonic() > deadline:
            raise CheckFailed(f"timed out after {timeout_ms / 1000:.0f} s waiting for {what}")
        page.wait_for_timeout(50)


def api(path, key):
    """GET a JSON API route with a Bearer key (plain urllib: what a script would do)."""
    request = urllib.request.Request(BASE + path, headers={"Authorization": f"Bearer {key}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def api_post(path, key, body):
    """POST JSON to an API route with a Bearer key."""
    request = urllib.request.Request(BASE + path, data=json.dumps(body).encode(), method="POST",
                                     headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def champion():
    """The router version that answers, as the API says."""
    return next(m["version"] for m in api("/v1/models", AGENT_KEY)["models"] if m["kind"] == "router" and m["active"])


def parse_sse(body):
    """The `event:`/`data:` blocks of a server-sent-event body, as (event, decoded data) pairs."""
    events = []
    for block in body.split("\n\n"):
        name = re.search(r"^event: (.*)$", block, re.M)
        data = re.search(r"^data: (.*)$", block, re.M)
        if name and data:
            events.append((name.group(1), json.loads(data.group(1))))
    return events


class Run:
    """The browser, one context per role, and everything the pages reported."""

    def __init__(self, playwright):
        self.browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                  args=["--no-sandbox", "--disable-gpu"])
        self.console_errors = []   # (page url, text, url of the resource or script it is about)
        self.page_errors = []      # (page url, message)
        self.csp_violations = []   # (page url, directive, blocked uri)
        self.failed_requests = []  # (url, failure)
        self.error_responses = []  # (method, url, status)
        self.pages_seen = set()
        self.contexts = {}

    def page(self, role):
        """The one page of `role`'s browser context (own cookies), made on first use."""
        if role not in self.contexts:
            context = self.browser.new_context(viewport={"width": 1280, "height": 900})
            context.set_default_timeout(20_000)
            # CSP violations, reported from inside the page (init scripts and bindings are not subject to the CSP).
            context.expose_binding("__ltCspViolation", lambda source, v: self.csp_violations.append(
                (source["page"].url, v["directive"], v["blocked"])))
            context.add_init_script("""document.addEventListener('securitypolicyviolation', e =>
                window.__ltCspViolation({directive: e.violatedDirective, blocked: e.blockedURI}));""")
            page = context.new_page()
            page.on("console", lambda m, p=page: m.type == "error" and self.console_errors.append(
                (p.url, m.text, (m.location or {}).get("url", ""))))
            page.on("pageerror", lambda e, p=page: self.page_errors.append((p.url, str(e))))
            page.on("requestfailed", lambda r: self.failed_requests.append((r.url, r.failure)))
            page.on("response", self._response)
            page.on("framenavigated", lambda f: f.parent_frame is None and self.pages_seen.add(urlparse(f.url).path))
            self.contexts[role] = (context, page)
        return self.contexts[role][1]

    def _response(self, response):
        if response.status >= 400:
            self.error_responses.append((response.request.method, response.url, response.status))

    def close(self):
        self.browser.close()


def shot(page, name, full_page=True, max_height=2400):
    """A PNG of the page (the whole page up to `max_height` px, or the viewport), named in the summary line."""
    path = ARTIFACTS / f"{name}.png"
    height = page.evaluate("() => document.documentElement.scrollHeight")
    clip = {"x": 0, "y": 0, "width": 1280, "height": max_height} if full_page and height > max_height else None
    page.screenshot(path=str(path), full_page=full_page, clip=clip)
    return path.name


def sign_in(page, key):
    page.goto(f"{BASE}/ui/login")
    page.fill("input[name=key]", key)
    with page.expect_navigation():
        page.click("form[action='/ui/login'] button")
    check(urlparse(page.url).path == "/ui/inbox", f"signing in should land on /ui/inbox, landed on {page.url}")


def ensure_signed_in(run, role):
    page = run.page(role)
    response = page.goto(f"{BASE}/ui/inbox")
    if urlparse(page.url).path != "/ui/inbox" or response.status != 200:
        sign_in(page, KEYS[role])
    return page


# ---------------------------------------------------------------------------------------------------- checks

def check_sign_in(run):
    page = run.page("agent")
    response = page.goto(f"{BASE}/ui/inbox")
    check(urlparse(page.url).path == "/ui/login",
          f"an anonymous visit to /ui/inbox should be sent to /ui/login, ended on {page.url}")
    check(response.status == 200, f"the sign-in page should answer 200, got {response.status}")
    check("default-src 'self'" in (response.headers.get("content-security-policy") or ""),
          f"the sign-in page should carry the strict CSP, headers: {response.headers}")
    check(page.locator("p.error").count() == 0, "the sign-in page should show no error before a try")

    page.fill("input[name=key]", "lt_unknown_0000000000000000")
    with page.expect_navigation() as navigation:
        page.click("form[action='/ui/login'] button")
    check(navigation.value.status == 401, f"an unknown key should get 401, got {navigation.value.status}")
    error = page.locator("p.error")
    check(error.count() == 1 and "unknown or revoked" in error.inner_text(),
          f"an unknown key should show 'That key is unknown or revoked.', page says: {page.inner_text('main')!r}")
    check(all(c["name"] != "lt_session" for c in page.context.cookies()),
          "an unknown key must not set the lt_session cookie")
    names = [shot(page, "01-sign-in-unknown-key")]

    sign_in(page, AGENT_KEY)
    cookie = next((c for c in page.context.cookies() if c["name"] == "lt_session"), None)
    check(cookie is not None and cookie["httpOnly"] and cookie["sameSite"] == "Strict",
          f"signing in should set an HttpOnly, SameSite=Strict lt_session cookie, got {cookie}")
    check(cookie is not None and AGENT_KEY not in cookie["value"], "the session cookie must not hold the API key")
    check(page.evaluate("() => document.cookie") == "", "the session cookie must not be readable from script")
    # The session cookie alone does not reach the API: without the page's CSRF token a call is refused.
    forged = page.request.post(f"{BASE}/v1/tickets", data='{"body": "forged"}', headers={"Content-Type": "application/json"})
    check(forged.status == 403, f"an API call with the session cookie but no CSRF token should get 403, got {forged.status}")
    check(page.locator("nav button", has_text="Sign out").count() == 1, "a signed-in page should offer Sign out")
    names.append(shot(page, "02-signed-in-inbox", full_page=False))
    return f"unknown key → 401 with the error; agent key → /ui/inbox with an HttpOnly cookie ({', '.join(names)})"


def check_inbox(run):
    page = ensure_signed_in(run, "agent")
    rows = page.locator("#inbox tbody tr")
    check(rows.count() > 0, "the inbox should list tickets")
    page_size = 50  # the inbox's page; the API lists the same order (newest first)
    listed = api(f"/v1/tickets?limit={page_size}", AGENT_KEY)["items"]
    check(rows.count() == len(listed), f"the inbox's first page shows {rows.count()} rows, the API lists {len(listed)} tickets")
    more = len(api(f"/v1/tickets?limit=1&offset={page_size}", AGENT_KEY)["items"]) > 0
    check(page.locator(".pager a[rel=next]").count() == (1 if more else 0),
          f"the pager should offer 'more' exactly when the API has a ticket past the first {page_size}")
    headers = page.locator("#inbox thead th").all_inner_texts()
    check(headers[:4] == ["Ticket", "Subject", "Predicted queue", "Confidence"], f"unexpected inbox columns {headers}")

    cells = page.eval_on_selector_all("#inbox tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.innerText.trim()))")
    routed = 0
    for cells_of_row, item in zip(cells, listed):
        ticket, prediction = item["ticket"], item.get("prediction")
        check(cells_of_row[0] == ticket["externalID"],
              f"row order differs from the API: {cells_of_row[0]} vs {ticket['externalID']}")
        check(prediction is not None, f"{ticket['externalID']} has no prediction although triage --stored ran")
        routed += 1
        expected_queue = prediction.get("queue") or prediction.get("category") or ""
        if prediction["abstained"]:
            check(cells_of_row[2].startswith("needs human"),
                  f"{ticket['externalID']}: abstained prediction should read 'needs human', got {cells_of_row[2]!r}")
        else:
            check(cells_of_row[2] == expected_queue,
                  f"{ticket['externalID']}: predicted queue {cells_of_row[2]!r}, the API says {expected_queue!r}")
        match = re.fullmatch(r"(\d{1,3})%", cells_of_row[3])
        check(match is not None, f"{ticket['externalID']}: confidence cell {cells_of_row[3]!r} is not a percentage")
        check(abs(int(match.group(1)) - prediction["confidence"] * 100) <= 1,
              f"{ticket['externalID']}: confidence {cells_of_row[3]} vs API {prediction['confidence']:.3f}")
    name = shot(page, "03-inbox", max_height=1400)  # the first 40-odd rows: the full table is 7,000 px tall
    return f"{rows.count()} tickets, {routed} with queue and confidence matching /v1/tickets ({name})"


def first_ticket_id():
    return api("/v1/tickets?limit=1", AGENT_KEY)["items"][0]["ticket"]["externalID"]


def check_ticket_page(run):
    page = ensure_signed_in(run, "agent")
    ticket_id = page.locator("#inbox tbody tr a").first.inner_text()
    with page.expect_navigation():
        page.locator("#inbox tbody tr a").first.click()
    check(urlparse(page.url).path == f"/ui/tickets/{ticket_id}", f"clicking {ticket_id} opened {page.url}")
    detail = api(f"/v1/tickets/{ticket_id}", AGENT_KEY)
    check(detail["ticket"]["body"].strip()[:60] in page.inner_text("blockquote"),
          "the ticket page should quote the ticket's body")
    heading = page.locator("h2", has_text="Knowledge that matches")
    check(heading.count() == 1, "the ticket page should have a 'Knowledge that matches' section")
    sources = page.locator("h2:has-text('Knowledge that matches') + ol > li")
    check(sources.count() >= 1, "'Knowledge that matches' should list at least one source")
    titles = sources.locator("strong").all_inner_texts()
    check(all(t.strip() for t in titles), f"every matching source should have a title, got {titles}")
    check(page.locator("#draft").is_visible() and page.locator("#draft-output").is_hidden(),
          "the draft button should show and the draft area stay hidden before drafting")
    name = shot(page, "04-ticket")
    return f"{ticket_id}: {sources.count()} matching sources ({'; '.join(titles)}) ({name})"


def check_draft_flow(run):
    page = ensure_signed_in(run, "agent")
    ticket_id = first_ticket_id()
    page.goto(f"{BASE}/ui/tickets/{ticket_id}")
    drafts_before = len(api(f"/v1/tickets/{ticket_id}", AGENT_KEY)["drafts"])

    # Watch #status and #final from inside the page: what #status said before the draft rendered, and when.
    page.evaluate("""() => {
        const o = window.__lt = {statuses: [], finalAt: null, statusAtFinal: null};
        const s = document.getElementById('status'), f = document.getElementById('final');
        new MutationObserver(() => {
            if (s.textContent && o.statuses[o.statuses.length - 1] !== s.textContent) o.statuses.push(s.textContent);
        }).observe(s, {childList: true, characterData: true, subtree: true});
        new MutationObserver(() => {
            if (o.finalAt === null && f.childNodes.length) { o.finalAt = performance.now(); o.statusAtFinal = o.statuses.slice(); }
        }).observe(f, {childList: true, subtree: true});
    }""")
    started = time.monotonic()
    with page.expect_response(lambda r: "/v1/drafts" in r.url and r.request.method == "POST") as draft_response:
        page.click("#draft")
    response = draft_response.value
    check(response.status == 200 and response.headers.get("content-type", "").startswith("text/event-stream"),
          f"POST /v1/drafts?stream=true should answer 200 text/event-stream, got {response.status} {response.headers}")
    check(page.locator("#draft").is_disabled(), "the draft button should be disabled while drafting")

    names = []
    if page.evaluate("() => document.getElementById('final').childNodes.length") == 0:
        names.append(shot(page, "05-draft-in-progress"))
    wait_for(page, "() => document.getElementById('final').childNodes.length > 0", "the final draft", DRAFT_TIMEOUT_MS)
    wait_for(page, "() => !document.getElementById('draft').disabled", "the end of the stream", DRAFT_TIMEOUT_MS)
    seconds = time.monotonic() - started

    events = parse_sse(response.text())
    kinds = [name for name, _ in events]
    stages = [data["stage"] for name, data in events if name == "status"]
    drafts = [data for name, data in events if name == "draft"]
    errors = [data for name, data in events if name == "error"]
    check(not errors, f"the draft stream reported an error: {errors}")
    check(set(kinds) <= {"status", "draft"}, f"only status events and the verified draft may be sent, got {kinds}")
    check(len(drafts) == 1 and kinds[-1] == "draft", f"the stream should end with exactly one draft event, got {kinds}")
    order = ["matching_answers", "retrieving", "composing", "model_writing", "verifying"]  # matching only with approved answers
    check(stages and stages[-1] == "verifying" and all(s in order for s in stages)
          and [order.index(s) for s in stages] == sorted(order.index(s) for s in stages),
          f"the status events should follow the pipeline's order and end with verifying, got {stages}")
    draft = drafts[0]
    observed = page.evaluate("() => window.__lt")
    check(observed["statusAtFinal"], f"#status said nothing before the draft rendered: {observed}")
    check(page.inner_text("#status") == "", "#status should clear once the draft renders")

    final_text = page.inner_text("#final")
    labels = {"answer": "Approved answer", "composed": "Composed from the knowledge base", "llm": "Written by"}
    check(draft["kind"] in labels, f"unexpected draft kind {draft['kind']!r}")
    check(labels[draft["kind"]] in final_text, f"a {draft['kind']} draft should say '{labels[draft['kind']]}', #final says {final_text!r}")
    for sentence in draft["verification"]["sentences"]:
        check(sentence["text"] in final_text, f"#final is missing the sentence {sentence['text']!r}")
    unsupported = sum(1 for s in draft["verification"]["sentences"] if s.get("supported") is False)
    check(page.locator("#final span.unsupported").count() == unsupported,
          f"{unsupported} unsupported sentences, {page.locator('#final span.unsupported').count()} highlighted")
    for withheld in draft.get("withheld") or []:
        check(withheld["text"] in final_text, f"the withheld sentence {withheld['text']!r} should be shown as not stated")

    source_items = page.locator("#sources > li")
    check(source_items.count() == len(draft["sources"]) > 0,
          f"#sources lists {source_items.count()} passages, the draft has {len(draft['sources'])}")
    for source in draft["sources"]:
        item = page.locator(f"#sources > li#source-{source['number']}")
        check(item.count() == 1 and source["title"] in item.inner_text(),
              f"#source-{source['number']} should show {source['title']!r}")

    cites = page.locator("#final a.cite")
    hrefs = cites.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    expected_citations = sum(len(s["citations"]) for s in draft["verification"]["sentences"])
    check(len(hrefs) == expected_citations > 0,
          f"#final has {len(hrefs)} citation links, the draft cites {expected_citations} times")
    for href in hrefs:
        check(re.fullmatch(r"#source-\d+", href or "") is not None, f"citation link {href!r} is not #source-N")
        check(page.evaluate("id => !!document.getElementById(id)", href[1:]),
              f"citation {href} points at no element: its source is missing from the page")
    names.append(shot(page, "06-draft-final"))

    target = hrefs[-1]
    cites.last.click()  # the last citation: the one whose source sits lowest, so following it must scroll
    wait_for(page, "h => location.hash === h", f"the address to end in {target}", arg=target)
    check(page.evaluate("() => document.querySelector(':target') && document.querySelector(':target').id") == target[1:],
          f"after clicking {target} the :target element should be {target[1:]}")
    box = page.evaluate("""id => { const r = document.getElementById(id).getBoundingClientRect();
                                   return {top: r.top, bottom: r.bottom, height: innerHeight}; }""", target[1:])
    check(box["bottom"] > 0 and box["top"] < box["height"], f"{target} should be scrolled into view, box {box}")
    names.append(shot(page, "07-draft-citation-followed", full_page=False))  # the viewport: where the link led

    check(page.locator("#feedback").is_visible(), "the feedback controls should show under a finished draft")
    uncited = re.sub(r"\s*\[\d+(?:\s*,\s*\d+)*\]", "", draft["text"])
    check(page.input_value("#edited") == uncited, "the edit box should start with the draft's text without its citation marks")
    edited = uncited + "\nEdited in the browser test: please also check your spam folder."
    page.fill("#edited", edited)
    page.click("#save-edit")
    wait_for(page, "() => document.getElementById('feedback-status').textContent.length > 0", "#feedback-status")
    status = page.inner_text("#feedback-status")
    check(status == "Recorded: edited", f"#feedback-status should say 'Recorded: edited', says {status!r}")
    names.append(shot(page, "08-draft-edited"))

    detail = api(f"/v1/tickets/{ticket_id}", LEAD_KEY)
    stored = [d for d in detail["drafts"] if d["id"] == draft["id"]]
    check(len(detail["drafts"]) == drafts_before + 1 and stored,
          f"GET /v1/tickets/{ticket_id} should list the new draft {draft['id']}, lists {[d['id'] for d in detail['drafts']]}")
    check(stored[0]["kind"] == draft["kind"] and stored[0]["text"] == draft["text"],
          f"the stored draft differs from the streamed one: {stored[0]}")
    analytics = api("/v1/analytics", LEAD_KEY)
    verdicts = {v["key"]: v["count"] for v in analytics["draftVerdicts"]}
    check(verdicts.get("edited", 0) >= 1, f"/v1/analytics draftVerdicts should count the edit, has {verdicts}")
    check(analytics["meanEditDistance"] is not None and analytics["meanEditDistance"] > 0,
          f"an edited draft should give a positive mean edit distance, got {analytics['meanEditDistance']}")
    return (f"{ticket_id}: {draft['kind']} draft in {seconds:.1f} s after {len(stages)} status events ({observed['statusAtFinal'][-1]!r} last), "
            f"{len(hrefs)} citations resolve, edit recorded (verdicts {verdicts}) ({', '.join(names)})")


def check_analytics(run):
    page = ensure_signed_in(run, "agent")
    response = page.goto(f"{BASE}/ui/analytics")
    check(response.status == 403, f"an agent opening /ui/analytics should get 403, got {response.status}")
    check("need the lead role" in page.inner_text("main"),
          f"the 403 page should say analytics need the lead role, says {page.inner_text('main')!r}")
    check(page.locator("svg.bars").count() == 0, "an agent must not see the charts")
    names = [shot(page, "09-analytics-agent-forbidden")]

    with page.expect_navigation():
        page.click("nav button:has-text('Sign out')")
    check(urlparse(page.url).path == "/ui/login", f"signing out should land on /ui/login, landed on {page.url}")
    check(all(c["name"] != "lt_session" for c in page.context.cookies()), "signing out should clear the lt_session cookie")
    page.goto(f"{BASE}/ui/inbox")
    check(urlparse(page.url).path == "/ui/login", f"after signing out /ui/inbox should send to sign-in, at {page.url}")

    sign_in(page, LEAD_KEY)
    response = page.goto(f"{BASE}/ui/analytics")
    check(response.status == 200, f"a lead opening /ui/analytics should get 200, got {response.status}")
    charts = page.locator("svg.bars")
    check(charts.count() >= 4, f"analytics should draw at least 4 SVG bar charts (svg.bars), drew {charts.count()}")
    for i in range(charts.count()):
        check(charts.nth(i).bounding_box()["width"] > 100, f"chart {i + 1} is not laid out")
    expected = api("/v1/analytics", LEAD_KEY)
    drawn = page.evaluate("""() => [...document.querySelectorAll('svg.bars')].map(svg => ({
        rects: [...svg.querySelectorAll('rect')].filter(r => r.width.baseVal.value > 0 && r.height.baseVal.value > 0).length,
        labels: [...svg.querySelectorAll('text')].map(t => t.textContent),
        stray: [...svg.childNodes].filter(n => n.nodeType === 3 && n.textContent.trim()).map(n => n.textContent.slice(0, 60))}))""")
    category_chart = page.locator("section:has(h2:has-text('By category')) svg.bars").evaluate(
        "svg => [...svg.querySelectorAll('text')].map(t => t.textContent)")
    wanted = [label for entry in expected["ticketsByCategory"] for label in (entry["key"][:28], str(entry["count"]))]
    check(all(chart["rects"] >= 1 and not chart["stray"] for chart in drawn),
          f"every chart should draw bars and nothing else: bars per chart {[c['rects'] for c in drawn]}, "
          f"stray text {[c['stray'][:1] for c in drawn]}")
    check(all(label in category_chart for label in wanted),
          f"the category chart's labels {category_chart[:6]} should be /v1/analytics's {wanted[:6]}")
    drafts = page.inner_text("section:has(h2:has-text('Drafts')) p")
    noun = "draft" if expected["drafts"] == 1 else "drafts"
    check(drafts.startswith(f"{expected['drafts']} {noun}; mean edit distance"),
          f"the drafts line {drafts!r} disagrees with /v1/analytics ({expected['drafts']} drafts)")
    path_rows = page.eval_on_selector_all("#draft-paths tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.innerText.trim()))")
    check([int(r[1]) for r in path_rows] == [p["usage"]["drafts"] for p in expected["draftPaths"]],
          f"the draft-path table {path_rows} disagrees with /v1/analytics's draftPaths {expected['draftPaths']}")
    names.append(shot(page, "10-analytics-lead"))
    return (f"agent → 403 'needs the lead role'; signed out; lead sees {charts.count()} svg.bars charts whose bars and "
            f"labels match /v1/analytics ({', '.join(names)})")


def check_models(run):
    agent = run.page("agent")
    sign_in(agent, AGENT_KEY)  # the analytics check left a lead signed in on this context
    check(agent.locator("nav a", has_text="Models").count() == 0, "agents should get no Models link")
    response = agent.goto(f"{BASE}/ui/models")
    check(response.status == 403, f"an agent opening /ui/models should get 403, got {response.status}")

    page = ensure_signed_in(run, "admin")
    page.click("nav a:has-text('Models')")
    check(urlparse(page.url).path == "/ui/models", f"the Models link led to {page.url}")
    first = champion()
    rows = page.locator("#versions tbody tr")
    versions = rows.evaluate_all("rows => rows.map(r => r.dataset.version)")
    check(len(versions) == 2 and first in versions, f"the Models page should list the 2 trained versions, lists {versions}")
    check(page.inner_text("#champion") == first, f"the page's champion {page.inner_text('#champion')!r}, the API's {first!r}")
    other = next(v for v in versions if v != first)

    with page.expect_navigation():
        page.locator(f"#versions tr[data-version='{other}'] button", has_text="Make challenger").click()
    check(page.inner_text("#challenger") == other and "Challenger: none → " + other in page.inner_text("#message"),
          f"after 'Make challenger' the page should name {other} challenger, says {page.inner_text('#message')!r}")
    ticket = first_ticket_id()
    api_post("/v1/triage", AGENT_KEY, {"ticketID": ticket})  # a live triage: the challenger scores it in the shadow
    page.reload()
    shadow = page.inner_text("#shadow")
    check("scored 1 live ticket " in shadow + " " and "agreement" in shadow,
          f"the shadow evaluation should count the live triage of {ticket}: {shadow!r}")
    names = [shot(page, "11-models-challenger")]

    page.fill("#force-promote input[name=version]", other)
    page.check("#force-promote input[name=force]")
    page.fill("#force-promote input[name=reason]", "browser test: forced promotion")
    with page.expect_navigation():
        page.click("#force-promote button")
    message = page.inner_text("#message")
    check(f"{other} is the champion (forced)" in message, f"the forced promotion should be confirmed, says {message!r}")
    check(champion() == other and page.inner_text("#champion") == other,
          f"after the promotion the API should answer with {other}, answers with {champion()}")
    names.append(shot(page, "12-models-promoted"))

    page.fill("#rollback input[name=reason]", "browser test: roll back")
    with page.expect_navigation():
        page.click("#rollback button")
    check(f"Rolled back: {other} → {first}" in page.inner_text("#message") and champion() == first,
          f"the rollback should restore {first}: page says {page.inner_text('#message')!r}, API {champion()}")
    history = page.locator("#history tbody tr").all_inner_texts()
    check(any("rollback" in h and "browser test: roll back" in h for h in history),
          f"the history should show the rollback with its reason: {history[:3]}")
    names.append(shot(page, "13-models-rolled-back"))
    return (f"agent → 403; admin named {other} challenger (shadow counted a live triage), force-promoted it "
            f"(the API answered with it), rolled back to {first} ({', '.join(names)})")


def check_console_and_csp(run):
    # Positive control first: an inline script must be refused and reported, or "no violations" proves nothing.
    page = ensure_signed_in(run, "lead")
    before = len(run.csp_violations)
    page.evaluate("() => { const s = document.createElement('script'); s.textContent = 'window.__inline = 1';"
                  " document.body.appendChild(s); }")
    deadline = time.monotonic() + 5
    while len(run.csp_violations) == before and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    page.wait_for_timeout(200)  # Chrome also logs the refusal as a console error: let it arrive
    check(page.evaluate("() => window.__inline") is None, "the CSP should have blocked an inline script")
    check(len(run.csp_violations) == before + 1 and run.csp_violations[-1][1].startswith("script-src"),
          f"the probe's inline script should be reported as one script-src violation: {run.csp_violations[before:]}")
    del run.csp_violations[before:]
    run.console_errors = [e for e in run.console_errors
                          if not (e[0] == page.url and re.search(r"inline script.*Content Security Policy", e[1]))]

    # The favicon: Chrome asks for /favicon.ico when a page names no icon, and logs its 404.
    check(page.locator("head link[rel~=icon]").count() > 0, "pages should name an icon (<link rel=icon>)")

    def explained(error):
        page_url, text, about = error
        path, about_path = urlparse(page_url).path, urlparse(about).path
        status = re.fullmatch(r"Failed to load resource: the server responded with a status of (\d+) .*", text)
        if status and any(about_path == p and int(status.group(1)) == code for _, p, code in EXPECTED_ERRORS):
            return "expected"
        return None

    reasons = [explained(e) for e in run.console_errors]
    console = [e for e, why in zip(run.console_errors, reasons) if why is None]
    unexpected = [(m, u, s) for m, u, s in run.error_responses if (m, urlparse(u).path, s) not in EXPECTED_ERRORS]
    problems = []
    if console: problems.append(f"console errors: {console[:10]}{' …' if len(console) > 10 else ''}")
    if run.page_errors: problems.append(f"uncaught page errors: {run.page_errors}")
    if run.csp_violations: problems.append(f"CSP violations: {run.csp_violations}")
    # Chrome cancels its own favicon request when a test navigates on at once: not something the UI did.
    failed = [(u, f) for u, f in run.failed_requests if not (urlparse(u).path == "/favicon.ico" and "ABORTED" in f)]
    if failed: problems.append(f"failed requests: {failed}")
    if unexpected: problems.append(f"unexpected HTTP errors: {unexpected}")
    check(not problems, "; ".join(problems))
    check({"/ui/login", "/ui/inbox", "/ui/analytics", "/ui/models"} <= run.pages_seen and
          any(p.startswith("/ui/tickets/") for p in run.pages_seen), f"not every page was visited: {run.pages_seen}")
    counts = {why: reasons.count(why) for why in set(reasons) if why}
    return (f"{len(run.pages_seen)} pages, no unexplained console error, no page error, failed request or CSP "
            f"violation (inline-script probe caught); console errors explained: {counts or 'none'}")


CHECKS = [check_sign_in, check_inbox, check_ticket_page, check_draft_flow, check_analytics, check_models,
          check_console_and_csp]


def main():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("*.png"):
        old.unlink()
    failed = 0
    with sync_playwright() as playwright:
        run = Run(playwright)
        print(f"browser: Chromium {run.browser.version} ({CHROMIUM}), server {BASE}")
        try:
            for fn in CHECKS:
                name = fn.__name__.removeprefix("check_")
                started = time.monotonic()
                try:
                    summary = fn(run)
                    print(f"PASS {name} ({time.monotonic() - started:.1f} s): {summary}", flush=True)
                except Exception as error:  # a failed assertion or a Playwright timeout: both fail the check
                    failed += 1
                    print(f"FAIL {name} ({time.monotonic() - started:.1f} s): {error}", flush=True)
                    if not isinstance(error, CheckFailed):
                        traceback.print_exc()
                    for role, (_, page) in run.contexts.items():
                        try:
                            shot(page, f"FAILED-{name}-{role}")
                        except Exception:
                            pass
        finally:
            run.close()
    print(f"browser: {len(CHECKS) - failed} passed, {failed} failed")
    print(f"screenshots in {ARTIFACTS}/: {', '.join(sorted(p.name for p in ARTIFACTS.glob('*.png')))}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
