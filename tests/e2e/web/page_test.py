"""The web page of `bounceback serve` in headless Chromium, used as a person would: paste a real
bounce, explain it with the keyboard, read the cards, search the code reference, look at the
stored events and suppressions and lift one, on a desktop window and at phone width.

Usage: page_test.py BASE_URL BOUNCE_FILE BLOCKLIST_BOUNCE_FILE TOKEN SCREENSHOT_DIR WORK_DIR
The server must keep a store holding BOUNCE_FILE (stored before this runs) and use TOKEN.
"""
import json
import os
import sys
import traceback
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from webdriver import (ELEMENT_KEY, KEY_ARROW_RIGHT, KEY_CONTROL, KEY_ENTER, KEY_TAB,  # noqa: E402
                       Browser, WebDriverError)

DESKTOP = (1280, 900)
PHONE = (320, 640)  # the narrowest common phone, and WCAG's reflow width

# Text that the page shows must be readable: WCAG 2 AA contrast, 4.5:1, for every visible text
# node against the background it is drawn on. Returns the failures as "text (ratio)".
CONTRAST_SCRIPT = r"""
function rgba(text) {
  const parts = text.match(/[\d.]+/g).map(Number);
  return { r: parts[0], g: parts[1], b: parts[2], a: parts.length > 3 ? parts[3] : 1 };
}
function luminance(c) {
  const channel = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
}
function background(node) {
  for (let at = node; at && at.nodeType === 1; at = at.parentElement) {
    const c = rgba(getComputedStyle(at).backgroundColor);
    if (c.a > 0.5) return c;
  }
  return rgba(getComputedStyle(document.documentElement).backgroundColor);
}
const failures = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let text = walker.nextNode(); text; text = walker.nextNode()) {
  const node = text.parentElement;
  if (!text.textContent.trim() || !node || node.getClientRects().length === 0) continue;
  const style = getComputedStyle(node);
  if (style.visibility === "hidden" || node.closest(".visually-hidden")) continue;
  const a = luminance(rgba(style.color)), b = luminance(background(node));
  const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  if (ratio < 4.5) failures.push(text.textContent.trim().slice(0, 40) + " (" + ratio.toFixed(2) + ":1)");
}
return failures;
"""

# Every form control has a name a screen reader can say: a <label for>, a wrapping label or aria-label.
UNLABELLED_SCRIPT = r"""
return Array.from(document.querySelectorAll("input, textarea, select, button")).filter((c) => {
  if (c.getAttribute("aria-label") || (c.labels && c.labels.length)) return false;
  return c.tagName === "BUTTON" ? !c.textContent.trim() : true;
}).map((c) => c.outerHTML.slice(0, 80));
"""

VISIBLE_TEXTS = r"""
return Array.from(document.querySelectorAll(arguments[0]))
  .filter((e) => e.getClientRects().length > 0).map((e) => e.textContent.trim());
"""


class Check:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def that(self, condition, what, detail=""):
        if condition:
            self.passed += 1
        else:
            self.failed += 1
            print("FAIL: %s%s" % (what, (": " + str(detail)[:600]) if detail != "" else ""), file=sys.stderr)
        return condition

    def contains(self, haystack, needle, what):
        return self.that(needle in haystack, what, "%r lacks %r" % (haystack, needle))


class PageTest:
    def __init__(self, browser, base, token, screenshots, check):
        self.b = browser
        self.base = base
        self.token = token
        self.screenshots = screenshots
        self.check = check

    def shot(self, name, whole_page=True):
        path = os.path.join(self.screenshots, name)
        if whole_page:
            self.b.full_page_screenshot(path)
        else:
            self.b.screenshot(path)
        print("screenshot: " + path)

    def texts(self, css):
        return self.b.run(VISIBLE_TEXTS, css)

    def focused(self):
        return self.b.active_element_id()

    def readable(self, view):
        failures = self.b.run(CONTRAST_SCRIPT)
        self.check.that(not failures, "every text of %s has 4.5:1 contrast" % view, failures)

    def focus_is_visible(self, what):
        outline = self.b.run("const s = getComputedStyle(document.activeElement);"
                             "return [s.outlineStyle, parseFloat(s.outlineWidth)];")
        self.check.that(outline[0] != "none" and outline[1] >= 2, "the focus ring shows on " + what, outline)

    def paste(self, text):
        """Puts `text` on the clipboard and pastes it with Ctrl+V into the focused field."""
        written = self.b.run_async(
            "const done = arguments[1];"
            "navigator.clipboard.writeText(arguments[0]).then(() => done('ok'), (e) => done(String(e)));", text)
        self.check.that(written == "ok", "the bounce is on the clipboard", written)
        self.b.press(KEY_CONTROL, "a")
        self.b.press(KEY_CONTROL, "v")

    def wait_for_cards(self, count):
        self.b.wait_for("return document.querySelectorAll('#explain-results .card').length === %d" % count,
                        "%d result cards" % count)

    def card_texts(self, index, css):
        return self.b.run("const card = document.querySelectorAll('#explain-results .card')[arguments[0]];"
                          "return Array.from(card.querySelectorAll(arguments[1])).map((e) => e.textContent.trim());",
                          index, css)

    # ---- the explain view ----

    def explain_a_pasted_bounce(self, bounce):
        c = self.check
        self.b.open(self.base)
        self.b.grant_clipboard()
        c.contains(self.b.run("return document.title;"), "bounceback", "the page loads")
        c.that(not self.b.run(UNLABELLED_SCRIPT), "every control is labelled", self.b.run(UNLABELLED_SCRIPT))
        foreign = self.b.run("return performance.getEntriesByType('resource').map((r) => r.name)"
                             ".filter((n) => !n.startsWith(location.origin) && !n.startsWith('data:'));")
        c.that(not foreign, "nothing is loaded from elsewhere (works offline, no CDN)", foreign)

        # Keyboard only: the first Tab reaches the selected tab, the next the text field.
        self.b.press(KEY_TAB)
        c.that(self.focused() == "tab-explain", "Tab first reaches the section tabs", self.focused())
        self.focus_is_visible("the tab")
        self.b.press(KEY_TAB)
        c.that(self.focused() == "explain-text", "the next Tab reaches the text field", self.focused())
        self.paste(bounce)
        c.that(self.b.run("return document.getElementById('explain-text').value;") == bounce,
               "the pasted bounce is in the field, byte for byte")
        self.b.press(KEY_TAB)
        c.that(self.b.run("return document.activeElement.type;") == "submit", "Tab then reaches Explain",
               self.focused())
        self.focus_is_visible("the Explain button")
        self.b.press(KEY_ENTER)
        self.wait_for_cards(2)

        status = self.b.run("const s = document.getElementById('explain-status');"
                            "return [s.getAttribute('role'), s.getAttribute('aria-live'), s.textContent];")
        c.that(status[0] == "status" and status[1] == "polite", "results are announced (aria-live)", status)
        c.contains(status[2], "2 recipients below.", "the announcement counts the recipients")
        c.contains(status[2], "bob@mail.example.net, hard bounce", "and names them with their verdict")

        c.that(self.card_texts(0, "h2") == ["bob@mail.example.net"], "the first card names the recipient",
               self.card_texts(0, "h2"))
        c.contains(" ".join(self.card_texts(0, ".summary")), "bob@mail.example.net does not exist",
                   "one sentence says what happened")
        c.contains(" ".join(self.card_texts(0, "dd")), "Their side", "the card says whose side it is on")
        c.contains(" ".join(self.card_texts(0, "dd")), "The address does not exist at the domain",
                   "the reason is told in words")
        c.that("userunknown" not in self.card_texts(0, ":scope > dl dd"), "not as its bare name",
               self.card_texts(0, ":scope > dl dd"))
        advice = self.card_texts(0, "ol li")
        c.that(advice and "typo" in advice[0], "the card says what to do, most useful first", advice)
        c.contains(" ".join(self.card_texts(0, ".badge")), "Hard bounce", "a hard bounce is badged hard")
        c.that({"550", "5.1.1"} <= set(self.card_texts(0, ".evidence mark")),
               "the server's words with the reply code and status marked", self.card_texts(0, ".evidence mark"))
        c.contains(" ".join(self.card_texts(0, ".evidence")), "User unknown in virtual mailbox table",
                   "the evidence is the server's own words")
        folded = self.b.run("const d = document.querySelector('#explain-results .card details');"
                            "return d ? [d.open, d.textContent] : null;")
        c.that(folded and not folded[0] and "decoder" in folded[1], "technical fields are there, folded away", folded)

        c.that(self.card_texts(1, "h2") == ["carol@slow.example.com"], "the second recipient has its own card",
               self.card_texts(1, "h2"))
        c.contains(" ".join(self.card_texts(1, ".badge")), "Soft bounce", "an expired delivery is badged soft")
        c.contains(" ".join(self.card_texts(1, "dd")), "In between", "the network side is said in words")
        self.readable("the explained bounce")
        self.shot("explain-desktop.png")

    def explain_a_blocklisted_bounce(self, bounce):
        c = self.check
        self.b.click(self.b.find("#explain-text"))
        self.paste(bounce)
        self.b.press(KEY_CONTROL, KEY_ENTER)
        self.b.wait_for("const h = document.querySelector('#explain-results .card h2');"
                        "return h && h.textContent === 'ops@partner.example.net';", "the blocklisted bounce's card")
        marks = self.card_texts(0, ".evidence mark")
        c.that({"554", "5.7.1", "zen.spamhaus.org", "192.0.2.44"} <= set(marks),
               "Ctrl+Enter explains; the blocklist and the listed IP are marked", marks)
        c.contains(" ".join(self.card_texts(0, "dd")), "Spamhaus (zen.spamhaus.org), listing 192.0.2.44",
                   "the blocklist is named")
        c.contains(" ".join(self.card_texts(0, "dd")), "Your side", "a blocklisting is on the sender's side")
        c.contains(" ".join(self.card_texts(0, ".badge")), "Your side: fix it",
                   "a refusal of our IP is ours to fix, not 'may work later'")
        c.that("203" not in marks, "an IP address's first number is not marked as a reply code", marks)
        self.shot("explain-blocklist.png")

    def explain_a_code(self):
        c = self.check
        field = self.b.find("#explain-text")
        self.b.clear(field)
        self.b.type_into(field, "5.7.1")
        self.b.press(KEY_CONTROL, KEY_ENTER)
        self.b.wait_for("const h = document.querySelector('#explain-results .card h2');"
                        "return h && h.textContent === 'Your text';", "the card for a bare code")
        c.that(self.card_texts(0, ".summary") != [""], "a bare code gets a sentence", self.card_texts(0, ".summary"))
        c.that(self.card_texts(0, ".evidence mark") == ["5.7.1"], "the code is marked in the text",
               self.card_texts(0, ".evidence mark"))
        c.contains(" ".join(self.card_texts(0, ".badge")), "Your side: fix it", "a bare 5.7.1 is ours to fix")

    def explain_greylisting(self):
        c = self.check
        field = self.b.find("#explain-text")
        self.b.clear(field)
        self.b.type_into(field, "450 4.7.1 <jo@example.com>: Recipient address rejected: Greylisted, see "
                                "http://postgrey.schweikert.ch/help/example.com.html")
        self.b.press(KEY_CONTROL, KEY_ENTER)
        self.b.wait_for("const b = document.querySelector('#explain-results .card .badge');"
                        "return b && b.textContent.startsWith('Delayed on purpose');", "the greylisting card")
        c.contains(" ".join(self.card_texts(0, ".badge")), "retried automatically: nothing to fix",
                   "greylisting says there is nothing to fix")
        c.contains(" ".join(self.card_texts(0, "dd")), "Neither side", "and that neither side is at fault")
        self.shot("explain-greylisting.png")

    def explain_a_report_that_is_not_a_bounce(self):
        c = self.check
        field = self.b.find("#explain-text")
        self.b.clear(field)
        self.b.type_into(field, "<feedback><report_metadata><org_name>google.com</org_name></report_metadata>"
                                "<policy_evaluated><dkim>fail</dkim><spf>fail</spf></policy_evaluated></feedback>")
        self.b.press(KEY_CONTROL, KEY_ENTER)
        self.b.wait_for("const s = document.querySelector('#explain-results .card .summary');"
                        "return s && s.textContent.includes('DMARC aggregate report');", "the card for a DMARC report")
        c.contains(" ".join(self.card_texts(0, ".badge")), "Not a bounce", "a DMARC report is not badged as a bounce")
        c.contains(" ".join(self.card_texts(0, ".summary")), "Nothing bounced", "and says that nothing bounced")

    # ---- the code reference ----

    def search_the_codes(self):
        c = self.check
        self.b.click(self.b.find("#tab-explain"))
        self.b.press(KEY_ARROW_RIGHT)
        c.that(self.focused() == "tab-codes", "the arrow key moves to the code reference tab", self.focused())
        self.b.wait_for("return document.querySelectorAll('.code-entry').length > 100", "the code list")
        groups = self.texts(".code-group > h2")
        c.that({"2xx", "4xx", "5xx", "X.1.x", "X.2.x", "X.7.x"} <= set(groups),
               "codes are grouped by class and by subject", groups)
        help_text = self.b.run("return document.getElementById('codes-help').textContent;")
        c.contains(help_text, "class.subject.detail", "a guide says how to read a code")
        self.b.press(KEY_TAB)
        c.that(self.focused() == "codes-search", "Tab reaches the search field", self.focused())
        self.b.type_into(self.b.find("#codes-search"), "mailbox full")
        self.b.wait_for("return /^\\d+ codes?\\./.test(document.getElementById('codes-status').textContent)"
                        " && document.querySelectorAll('.code-entry:not([hidden])').length < 20", "the search")
        shown = [t.split()[0] for t in self.texts(".code-entry:not([hidden]) summary")]
        c.that({"552", "X.2.2"} <= set(shown), "searching words finds the reply and the status code", shown)
        c.contains(self.b.run("return document.getElementById('codes-status').textContent;"), "codes",
                   "the number of matches is announced")
        # Open X.2.2 with the keyboard.
        for _ in range(10):
            self.b.press(KEY_TAB)
            if self.b.run("return document.activeElement.textContent;").startswith("X.2.2"):
                break
        self.b.press(KEY_ENTER)
        opened = self.b.run("const d = Array.from(document.querySelectorAll('.code-entry'))"
                            ".find((e) => e.querySelector('.code').textContent === 'X.2.2');"
                            "return [d.open, d.textContent];")
        c.that(opened[0] and "mailbox" in opened[1].lower(), "Enter opens a code's explanation", opened)
        self.readable("the code reference")
        self.shot("codes-desktop.png")

        field = self.b.find("#codes-search")
        self.b.clear(field)
        self.b.type_into(field, "550")
        self.b.wait_for("return document.querySelectorAll('.code-entry:not([hidden])').length < 100", "the 550 search")
        shown = [t.split()[0] for t in self.texts(".code-entry:not([hidden]) summary")]
        c.that("550" in shown, "searching a number finds the code", shown)

    # ---- events and suppressions ----

    def give_the_token(self, token):
        self.b.type_into(self.b.find("#store-token"), token)
        self.b.click(self.b.find("#suppressions-form button[type=submit]"))

    def newest_event_time(self):
        """The report's own time of the newest stored event, as the API gives it."""
        request = urllib.request.Request(self.base + "v1/events?order=desc&limit=1",
                                         headers={"Authorization": "Bearer " + self.token})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)["events"][0]["record"]["timestamp"]

    def see_the_store_and_lift(self):
        c = self.check
        self.b.wait_for("return !document.getElementById('tab-store').hidden", "the store tab")
        self.b.click(self.b.find("#tab-codes"))
        self.b.press(KEY_ARROW_RIGHT)
        c.that(self.focused() == "tab-store", "the arrow key moves on to events and suppressions", self.focused())
        # The server was started with a token: it shows nothing stored without it.
        self.b.wait_for("return document.getElementById('events-status').textContent.includes('token')",
                        "the request for the token")
        c.that(self.texts("#events-table tbody tr") == [], "no event is shown without the token",
               self.texts("#events-table tbody tr"))
        self.give_the_token(self.token)
        self.b.wait_for("return document.querySelectorAll('#suppressions-table tbody tr').length > 0"
                        " && document.querySelectorAll('#events-table tbody tr').length > 0", "the store tables")
        suppressed = self.texts("#suppressions-table tbody tr td:first-child")
        c.that(suppressed == ["bob@mail.example.net"], "the hard bounce is on the suppression list", suppressed)
        events = self.b.run("return Array.from(document.querySelectorAll('#events-table tbody tr'))"
                            ".map((r) => Array.from(r.cells).map((d) => d.textContent).join('|'));")
        c.that(len(events) == 100
               and "carol@slow.example.com|bounce|The message stayed queued too long and was given up|4.4.7"
               in events[0]
               and "bob@mail.example.net|bounce|The address does not exist at the domain|5.1.1" in events[1],
               "both recipients' events are listed, the latest stored first, reasons in words", events)
        happened = self.b.run("const r = document.querySelector('#events-table tbody tr');"
                              "return [r.cells[0].textContent, r.cells[1].textContent,"
                              " new Date(arguments[0]).toLocaleString()];", self.newest_event_time())
        c.that(happened[0] == happened[2] and happened[0] != happened[1],
               "each event says when the bounce happened, beside when it was stored", happened)
        self.readable("events and suppressions")
        self.b.run("window.scrollTo(0, 0);")
        self.shot("store-desktop.png", whole_page=False)  # a hundred events long
        c.that(self.b.run("return !document.getElementById('events-more').hidden;"), "older events are offered")
        self.b.click(self.b.find("#events-more"))
        self.b.wait_for("return document.querySelectorAll('#events-table tbody tr').length === 102", "older events")
        last = self.b.run("const rows = document.querySelectorAll('#events-table tbody tr');"
                          "return rows[rows.length - 1].textContent;")
        c.contains(last, "mark@slow.example", "the oldest events come last")
        c.that(self.b.run("return document.getElementById('events-more').hidden;"), "and then no more are offered")
        self.b.run("window.scrollTo(0, 0);")

        lift = self.b.find("#suppressions-table tbody button")
        label = self.b.run("return arguments[0].getAttribute('aria-label');",
                           {ELEMENT_KEY: lift})
        c.contains(label or "", "bob@mail.example.net", "the Lift button says whose suppression it lifts")
        self.b.click(lift)
        self.b.wait_for("return document.getElementById('suppressions-status').textContent.includes('mailed again')",
                        "the lift")
        c.that(self.texts("#suppressions-table tbody tr") == [], "the lifted address leaves the list",
               self.texts("#suppressions-table tbody tr"))

    # ---- a phone ----

    def on_a_phone(self, bounce):
        c = self.check
        self.b.set_window_size(*PHONE)
        self.b.open(self.base)
        width = self.b.run("return window.innerWidth;")
        c.that(width <= PHONE[0], "the window is phone-sized", width)
        self.b.click(self.b.find("#explain-text"))
        self.paste(bounce)
        self.b.press(KEY_CONTROL, KEY_ENTER)
        self.wait_for_cards(2)
        overflow = self.b.run("return [document.documentElement.scrollWidth, window.innerWidth];")
        c.that(overflow[0] <= overflow[1], "nothing is wider than a phone screen", overflow)
        small = self.b.run("return Array.from(document.querySelectorAll('button:not([hidden]), summary, [role=tab]'))"
                           ".filter((b) => b.getClientRects().length && b.getBoundingClientRect().height < 24)"
                           ".map((b) => b.textContent.trim());")
        c.that(not small, "buttons are big enough to tap", small)
        self.shot("explain-phone.png")
        self.b.click(self.b.find("#tab-store"))
        self.give_the_token(self.token)
        self.b.wait_for("return document.querySelectorAll('#events-table tbody tr').length > 0", "events on a phone")
        overflow = self.b.run("return [document.documentElement.scrollWidth, window.innerWidth];")
        c.that(overflow[0] <= overflow[1], "the tables scroll inside their box, not the page", overflow)
        self.shot("store-phone.png", whole_page=False)

    def in_dark_mode(self):
        self.b.set_window_size(*DESKTOP)
        self.b.devtools("Emulation.setEmulatedMedia",
                        {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
        self.b.click(self.b.find("#tab-explain"))
        dark = self.b.run("return matchMedia('(prefers-color-scheme: dark)').matches;")
        self.check.that(dark, "the dark colour scheme is emulated")
        self.readable("the dark colour scheme")
        self.shot("explain-dark.png")


def main():
    base, bounce_path, blocklist_path, token, screenshots, work = sys.argv[1:7]
    with open(bounce_path, encoding="utf-8") as f:
        bounce = f.read()
    with open(blocklist_path, encoding="utf-8") as f:
        blocklisted = f.read()
    os.makedirs(screenshots, exist_ok=True)
    check = Check()
    browser = Browser("/usr/bin/chromium", "/usr/bin/chromedriver", os.path.join(work, "profile"),
                      os.path.join(work, "chromedriver.log"), *DESKTOP)
    test = PageTest(browser, base, token, screenshots, check)
    try:
        test.explain_a_pasted_bounce(bounce)
        test.explain_a_blocklisted_bounce(blocklisted)
        test.explain_a_code()
        test.explain_greylisting()
        test.explain_a_report_that_is_not_a_bounce()
        test.search_the_codes()
        test.see_the_store_and_lift()
        test.on_a_phone(bounce)
        test.in_dark_mode()
    except (WebDriverError, OSError, TypeError, KeyError, IndexError):
        check.that(False, "the browser session ran to the end", traceback.format_exc())
        try:
            browser.screenshot(os.path.join(screenshots, "failure.png"))
            print("screenshot: " + os.path.join(screenshots, "failure.png"))
        except (WebDriverError, OSError):
            pass
    finally:
        browser.close()
    print("%d passed, %d failed" % (check.passed, check.failed))
    return 0 if check.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
