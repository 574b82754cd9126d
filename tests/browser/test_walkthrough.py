"""Every demo role walks the pages it is given, on a desktop and on a phone (issue 17, point 10).

Logged in as each demo user, the walk opens every item of the side menu and of the user menu
(read from the page: on a phone through the menu button, as a person would) and, under each,
the first record of its list. It fails on what an official would stop at:

- a link on these pages that leads nowhere (4xx/5xx), a failed request, a console error;
- a page that scrolls sideways;
- English in the Chinese page, outside a short allow-list (units, file formats, brand names,
  codes; numbers, credit codes and the text of <code> elements are not words).

One browser context per user and viewport; the links of a page are checked once per shape
(ids and query strings aside), on the desktop walk.

The Content-Security-Policy (issue 14, docs/security.md) is checked on the same pages: every
HTML page answers with the policy, and Chromium reports what the policy blocks (an inline
script or style, a script or stylesheet from another site) as a console error, which is a
fault above. The administrator's and the firm's desktop walks then open, breadth-first, every
other page the links lead to (one per shape), so each page a signed-in user can reach is
rendered under the policy once per role, not by a second walk of the same pages.
"""

import re
from urllib.parse import urljoin, urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The demo's users, one per role (README); the administrators pass the second factor in log_in.
USERS = [
    "leader",
    "officer",
    "dept",
    "firm",
    "bank",
    "auditor",
    "city",
    "east-officer",
    "admin",
    "security",
    "superadmin",
]
VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}

# Latin words a Chinese page may show: units, file formats, brand and product names, the names
# of languages in the language switch, and the kinds of things officials call by these names.
ALLOWED = {
    word.lower()
    for word in (
        "zonedesk",
        "zd",
        "kWh",
        "MWh",
        "kW",
        "MW",
        "kV",
        "kVA",
        "km",
        "kg",
        "MPa",
        "API",
        "Excel",
        "PDF",
        "Word",
        "WPS",
        "xlsx",
        "xls",
        "csv",
        "docx",
        "Markdown",
        "GDP",
        "LPR",
        "CPI",
        "PPI",
        "TOTP",
        "IP",
        "WeChat",
        "Google",  # the authenticator apps the second factor's page names
        "Microsoft",
        "Authenticator",
        "FreeOTP",
        "SMS",
        "QR",
        "English",
        "GB",
    )
}
ALLOWED |= set(USERS)  # log-in names are the users' own, shown as typed
LATIN = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")

# Links not followed: downloads (xlsx and such are files, not pages), Django's own admin site,
# the API's machine-readable pages.
SKIP = re.compile(r"(\.(xlsx|csv|pdf|docx|png|svg)$)|^/admin/|^/api/|^/static/|^/media/")
# Links the breadth-first part answers by fetching only: downloads, the log-out, the language switch.
NOT_RENDERED = re.compile(r"/export|/template|/logout|/i18n/|/download")
# The roles whose desktop walk opens every page its links reach, with the fewest pages that
# must be rendered in all: the system administrator sees the most, the firm the fewest.
EVERY_PAGE = {"admin": 15, "firm": 3}
MAX_PAGES = 60  # pages the breadth-first part renders, at most
POLICY = "default-src 'self'"

# The text a person reads (visible or in a menu, options and placeholders too), without code
# samples, scripts and styles.
PAGE_TEXT = """() => {
  const body = document.body.cloneNode(true);
  body.querySelectorAll('script, style, template, code, .code, kbd, pre, svg, noscript')
      .forEach(e => e.remove());
  const parts = [body.textContent];
  body.querySelectorAll('[placeholder], [title], [aria-label], [alt]').forEach(e => {
    for (const a of ['placeholder', 'title', 'aria-label', 'alt']) {
      if (e.getAttribute(a)) parts.push(e.getAttribute(a));
    }
  });
  return parts.join(' ');
}"""


# The elements that stick out of the page's width (not inside a box that scrolls or clips them),
# the innermost last: where a sideways scroll comes from.
TOO_WIDE = """() => {
  const out = [];
  for (const e of document.body.querySelectorAll('*')) {
    if (e.getBoundingClientRect().right <= window.innerWidth + 1) continue;
    let p = e.parentElement, held = false;
    for (; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== 'visible') { held = true; break; }
    }
    if (!held) out.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
      (typeof e.className === 'string' && e.className.trim()
        ? '.' + e.className.trim().split(/\\s+/).join('.') : ''));
  }
  return out.slice(-3).join(' ');
}"""


# What check reads of the page now shown, in one evaluation (one round trip to the browser instead
# of four): how wide it is and what sticks out, its language and text, its links (`withLinks`).
SHOWN = (
    """(withLinks) => {
  const root = document.documentElement;
  const wide = root.scrollWidth > window.innerWidth + 1;
  const zh = root.lang.startsWith('zh');
  return {
    width: wide ? root.scrollWidth : 0,
    tooWide: wide ? ("""
    + TOO_WIDE
    + """)() : '',
    text: zh ? ("""
    + PAGE_TEXT
    + """)() : '',
    hrefs: withLinks ? Array.from(document.querySelectorAll('a[href]'), a => a.href) : [],
  };
}"""
)


# Fetch the paths, four at a time; their HTTP statuses in order (0: no answer).
FETCH_ALL = """async (paths) => {
  const out = new Array(paths.length);
  let next = 0;
  async function worker() {
    while (next < paths.length) {
      const i = next++;
      try {
        const r = await fetch(paths[i], {credentials: 'same-origin', redirect: 'follow'});
        await r.arrayBuffer();
        out[i] = r.status;
      } catch (e) { out[i] = 0; }
    }
  }
  await Promise.all([worker(), worker(), worker(), worker()]);
  return out;
}"""


def latin_words(text: str) -> set[str]:
    """Latin-script words of the text outside the allow-list: a token with a digit is a number,
    a code or a credit code, not a word; addresses and e-mails go first."""
    text = re.sub(r"[\w.+-]+@[\w.-]+|https?://[\w./?=&%#:-]+|/[\w/.-]+/", " ", text, flags=re.ASCII)
    return {
        word
        for word in LATIN.findall(text)
        if len(word) > 1 and not re.search(r"\d", word) and word.lower() not in ALLOWED
    }


def shape(path: str) -> str:
    """A link's shape: the path with its ids as N (the same page for another record)."""
    return re.sub(r"/\d+(?=/|$)", "/N", path)


class Walk:
    def __init__(self, page, problems, base, username, viewport):
        self.page, self.problems, self.base = page, problems, base
        self.who = f"{username} ({viewport})"
        self.phone = viewport == "phone"
        self.faults: list[str] = []
        self.seen: set[str] = set()
        self.links: dict[str, str] = {}  # shape -> (one) path with that shape, from where
        page.on("response", self.policy)

    def fault(self, where: str, what: str) -> None:
        self.faults.append(f"{self.who} {where}: {what}")

    def check(self, where: str) -> None:
        """The page now shown: its requests, scroll, words and links."""
        page = self.page
        page.wait_for_load_state("load")
        while self.problems:
            self.fault(where, self.problems.pop(0))
        shown = page.evaluate(SHOWN, not self.phone)
        if shown["width"]:
            self.fault(where, f"scrolls sideways ({shown['width']}px wide: {shown['tooWide']})")
        words = latin_words(shown["text"])  # the text of a Chinese page ("" otherwise)
        if words:
            self.fault(where, f"Latin words {sorted(words)}")
        if not self.phone:
            for href in shown["hrefs"]:
                path = self.local(href)
                if path and not SKIP.search(urlsplit(path).path):
                    self.links.setdefault(shape(urlsplit(path).path), path)

    def local(self, href: str) -> str:
        """The link's path and query on this site ("" for another site or an anchor)."""
        url = urlsplit(urljoin(self.page.url, href))
        if url.netloc != urlsplit(self.base).netloc or url.scheme not in ("http", "https"):
            return ""
        return url.path + (f"?{url.query}" if url.query else "")

    def visit(self, path: str) -> None:
        response = self.page.goto(f"{self.base}{path}")
        self.seen.add(shape(urlsplit(path).path))
        if response is None or response.status >= 400:
            self.fault(path, f"HTTP {response.status if response else 'no response'}")
            self.problems.clear()
            return
        self.check(path)

    def policy(self, response) -> None:
        """Every HTML page the browser opens answers with the Content-Security-Policy (what the
        policy blocks is reported to the console, a fault in check)."""
        if response.request.resource_type != "document" or response.status >= 300:
            return
        headers = response.headers
        if "text/html" in headers.get("content-type", "") and POLICY not in headers.get(
            "content-security-policy", ""
        ):
            self.fault(urlsplit(response.url).path, f"no {POLICY!r} in its CSP header")

    def every_page(self) -> int:
        """Breadth-first over the links seen, every shape not opened yet rendered and checked
        (its own links queued in turn); the number of pages rendered in the whole walk."""
        queue = [path for key, path in sorted(self.links.items()) if key not in self.seen]
        rendered = 0
        while queue and rendered < MAX_PAGES:
            path = queue.pop(0)
            key = shape(urlsplit(path).path)
            if key in self.seen or NOT_RENDERED.search(urlsplit(path).path):
                continue
            before = set(self.links)
            try:
                self.visit(path)
            except PlaywrightError as error:  # a file, not a page: its link is fetched below
                if "Download is starting" not in str(error):
                    raise
                continue
            rendered += 1
            queue.extend(self.links[k] for k in sorted(set(self.links) - before))
        return len(self.seen)

    def menu(self) -> list[str]:
        """The menu's links: the side menu (on a phone behind the menu button, which the walk
        then opens for each) and the user menu."""
        page = self.page
        side = page.eval_on_selector_all(
            "#sidebar-menu a.nav-link[href]", "as => as.map(a => a.href)"
        )
        assert side, f"{self.who}: no menu"
        user = page.eval_on_selector_all(
            "[data-testid=user-menu] + .dropdown-menu a.dropdown-item[href]",
            "as => as.map(a => a.href)",
        )
        return [p for p in dict.fromkeys(self.local(h) for h in side + user) if p]

    def first_record(self) -> str:
        """The first record of the page's list not seen yet (its first row's link), if any."""
        for href in self.page.eval_on_selector_all(
            ".page-body table tbody a[href]", "as => as.map(a => a.href)"
        ):
            path = self.local(href)
            bare = urlsplit(path).path
            if path and not SKIP.search(bare) and shape(bare) not in self.seen:
                return path
        return ""

    def follow_links(self) -> None:
        """Each shape of link seen on the pages, not yet opened, answers without an error
        (fetched by the page, a few at a time, with the user's session)."""
        paths = [path for key, path in sorted(self.links.items()) if key not in self.seen]
        statuses = self.page.evaluate(FETCH_ALL, paths)
        self.problems.clear()  # the answers are judged here, by their link
        for path, status in zip(paths, statuses, strict=True):
            if not 200 <= status < 400:
                self.fault(path, f"dead link: HTTP {status or 'no answer'}")


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("username", USERS)
def test_every_role_walks_its_pages(demo, live_server, open_page, log_in, username, viewport):
    # Without animations (the page's own CSS drops them for reduced motion): the phone's menu
    # opens at once instead of unfolding for 0.35 s before each of its links can be clicked.
    page, problems = open_page(viewport=VIEWPORTS[viewport], reduced_motion="reduce")
    walk = Walk(page, problems, live_server.url, username, viewport)  # from the log-in page on
    log_in(page, live_server.url, username, then="/")
    walk.check("/")
    walk.seen.add("/")
    for item in walk.menu():
        if shape(urlsplit(item).path) in walk.seen and "?" not in item:
            continue
        link = page.locator(f'#sidebar-menu a.nav-link[href="{item}"]')
        if walk.phone and link.count():  # through the menu button, as on a phone
            page.click(".navbar-toggler")
            page.locator("#sidebar-menu.show").wait_for()  # opened, not still unfolding
            try:
                with page.expect_navigation(timeout=10_000):
                    link.click()
            except PlaywrightTimeout:
                walk.fault(item, "the phone's menu did not open the page")
                continue
            walk.seen.add(shape(urlsplit(item).path))
            walk.check(item)
        else:
            walk.visit(item)
        record = walk.first_record()
        if record:
            walk.visit(record)
    if not walk.phone and username in EVERY_PAGE:
        rendered = walk.every_page()
        assert rendered >= EVERY_PAGE[username], sorted(walk.seen)
    if not walk.phone:
        walk.follow_links()
    assert walk.faults == [], "\n" + "\n".join(walk.faults)


def test_the_walk_tells_english_words_from_units_codes_and_names():
    """What the walk counts as English in a Chinese page, and what not."""
    text = (
        "用电量 4,200 kWh，导出 Excel；统一社会信用代码 91510000MA62XY4Q1B；登录名 east-officer；"
        "见 https://example.org/a 或 a.b@example.org；Cannot detect file format 行 0"
    )
    assert latin_words(text) == {"Cannot", "detect", "file", "format"}
    assert shape("/enterprises/37/plan/") == "/enterprises/N/plan/"
