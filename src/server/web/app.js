// The bounceback page: explains a pasted bounce, browses the code reference and, when the server
// keeps a store, shows events and suppressions. Everything comes from the JSON API of the same
// server; text from the server is only ever inserted as text, never as HTML.
"use strict";

// ---- small helpers ----

// el("p", {class: "x"}, "text", child...) builds an element; strings become text nodes.
function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === false || value === null || value === undefined) continue;
    node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

// Calls the API; resolves to {status, data} with data the parsed JSON (or null).
async function call(method, path, body, headers) {
  const response = await fetch(path, { method, body, headers: headers || {} });
  let data = null;
  try {
    data = await response.json();
  } catch (ignored) {
    data = null;
  }
  return { status: response.status, data };
}

function errorText(result) {
  if (result.data && result.data.error) return result.data.error.message;
  return "The server answered " + result.status + ".";
}

function setStatus(node, text, isError) {
  node.textContent = text;
  node.classList.toggle("error", Boolean(isError));
}

function formatTime(rfc3339) {
  if (!rfc3339) return "";
  const date = new Date(rfc3339);
  return isNaN(date.getTime()) ? rfc3339 : date.toLocaleString();
}

// ---- tabs (WAI-ARIA tabs pattern: arrows, Home and End move between tabs) ----

function visibleTabs() {
  return Array.from(document.querySelectorAll('[role="tab"]')).filter((tab) => !tab.hidden);
}

const tabOpeners = {};

function selectTab(tab) {
  for (const other of document.querySelectorAll('[role="tab"]')) {
    const selected = other === tab;
    other.setAttribute("aria-selected", String(selected));
    other.tabIndex = selected ? 0 : -1;
    document.getElementById(other.getAttribute("aria-controls")).hidden = !selected;
  }
  const open = tabOpeners[tab.id];
  if (open) open();
}

function setUpTabs() {
  for (const tab of document.querySelectorAll('[role="tab"]')) {
    tab.addEventListener("click", () => selectTab(tab));
    tab.addEventListener("keydown", (event) => {
      const tabs = visibleTabs();
      const index = tabs.indexOf(tab);
      const moves = {
        ArrowRight: (index + 1) % tabs.length,
        ArrowLeft: (index - 1 + tabs.length) % tabs.length,
        Home: 0,
        End: tabs.length - 1,
      };
      if (!(event.key in moves)) return;
      event.preventDefault();
      const next = tabs[moves[event.key]];
      next.focus();
      selectTab(next);
    });
  }
}

// ---- explain ----

const SIDE_WORDS = {
  recipient: "Their side: the recipient's address, mailbox or mail server.",
  sender: "Your side: your mail server, your message or your settings.",
  network: "In between: the network, DNS, or a server that did not answer.",
  none: "No side in particular.",
};

// Greylisting is nobody's fault: the receiving server turns away a first attempt on purpose and the
// sending server's retry goes through.
const GREYLISTING_SIDE = "Neither side: the receiving server delays a sender it does not know yet, on purpose.";

function sideWords(item) {
  if (item.reason === "greylisted") return GREYLISTING_SIDE;
  return SIDE_WORDS[item.side] || item.side;
}

// The reasons' plain words (GET /v1/reasons), by name; a reason not (yet) known shows its name.
const reasonWords = new Map();

async function loadReasons() {
  try {
    const result = await call("GET", "/v1/reasons");
    if (result.status !== 200) return;
    for (const reason of result.data.reasons) reasonWords.set(reason.name, reason.description);
  } catch (ignored) {
    // The names stay: they are still right, only less plain.
  }
}

function reasonText(name) {
  const words = reasonWords.get(name);
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : name || "";
}

// The badge that says at a glance what to do: wait, fix something on our side, or stop mailing.
// A refusal on the sender's side (our IP listed, our authentication, our rate) does not go away by
// waiting, whatever its code: it is ours to fix.
function verdict(item) {
  // A DMARC report, a TLS report or a read receipt: nothing bounced.
  if (item.not_a_bounce) return { text: "Not a bounce", tone: "fine" };
  if (item.reason === "delivered") return { text: "Delivered", tone: "fine" };
  if (item.reason === "greylisted") return { text: "Delayed on purpose, retried automatically: nothing to fix", tone: "fine" };
  switch (item.kind) {
    case "delivered":
    case "relayed":
    case "expanded":
      return { text: "Delivered", tone: "fine" };
    case "autoreply":
      return { text: "Auto-reply", tone: "fine" };
    case "feedback":
      return { text: "Spam complaint", tone: "hard" };
    case "delay":
      return { text: "Delayed, still trying", tone: "soft" };
    default:
      if (item.side === "sender") return { text: "Your side: fix it, then send again", tone: "hard" };
      return item.hard_bounce
        ? { text: "Hard bounce: retrying will not help", tone: "hard" }
        : { text: "Soft bounce: may work later", tone: "soft" };
  }
}

// The server's words with the codes and the blocklist marked. A code counts only as a whole
// number: the "203" of the address 203.0.113.50 is not reply code 203.
function isCodeBoundary(text, index) {
  const before = text[index - 1] || " ";
  return !/[\d.]/.test(before) || (before === "." && !/\d/.test(text[index - 2] || " "));
}

function occurrences(text, term, isCode) {
  const ranges = [];
  const haystack = text.toLowerCase();
  const needle = term.toLowerCase();
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) {
    const end = at + needle.length;
    const after = text.slice(end, end + 2);
    if (isCode && (!isCodeBoundary(text, at) || /^\d|^\.\d/.test(after))) continue;
    ranges.push([at, end]);
  }
  return ranges;
}

function highlighted(text, codes, blocklist) {
  const ranges = [];
  for (const code of codes) if (code) ranges.push(...occurrences(text, String(code), true));
  if (blocklist) {
    for (const term of [blocklist.zone, blocklist.listed_ip, blocklist.name]) {
      if (term) ranges.push(...occurrences(text, term, false));
    }
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const parts = [];
  let position = 0;
  for (const [start, end] of ranges) {
    if (start < position) continue;
    parts.push(text.slice(position, start), el("mark", {}, text.slice(start, end)));
    position = end;
  }
  parts.push(text.slice(position));
  return el("div", { class: "evidence" }, parts);
}

function adviceList(advice) {
  if (!advice || advice.length === 0) return null;
  return el("ol", {}, advice.map((line) => el("li", {}, line)));
}

function blocklistText(blocklist) {
  if (!blocklist) return null;
  let text = blocklist.name;
  if (blocklist.zone) text += " (" + blocklist.zone + ")";
  if (blocklist.listed_ip) text += ", listing " + blocklist.listed_ip;
  return text;
}

function codeDetails(code) {
  return el("details", { class: "code-entry" },
    el("summary", {}, el("span", { class: "code" }, code.code), " ", code.title || "(no title)"),
    el("p", {}, code.explanation),
    el("p", { class: "hint" }, code.class, " ", code.subject),
    adviceList(code.advice),
    code.reference ? el("p", { class: "hint" }, "Defined by: " + code.reference + (code.standard ? "" : " (non-standard)")) : null);
}

const TECHNICAL_FIELDS = ["recipient", "original_recipient", "sender", "kind", "action", "status", "status_inferred",
  "reply_code", "command", "reason", "hard_bounce", "side", "reporting_mta", "remote_mta", "remote_ip", "decoder",
  "message_id", "original_message_id", "subject", "timestamp", "feedback_type", "source"];

function technicalDetails(record) {
  const rows = [];
  for (const field of TECHNICAL_FIELDS) {
    const value = record[field];
    if (value === null || value === undefined || value === "") continue;
    rows.push(el("dt", {}, field), el("dd", {}, String(value)));
  }
  if (record.blocklist) rows.push(el("dt", {}, "blocklist"), el("dd", {}, blocklistText(record.blocklist)));
  return el("details", {}, el("summary", {}, "Technical details"), el("dl", {}, rows));
}

function plural(count, one, many) {
  return count + " " + (count === 1 ? one : many);
}

let cardCount = 0;

// A fresh id for a card's heading, which names the card for assistive technology.
function cardHeadingId() {
  cardCount += 1;
  return "card-" + cardCount;
}

function card(title, item, codes, evidence, extra) {
  const badge = verdict(item);
  const headingId = cardHeadingId();
  return el("article", { class: "card", "aria-labelledby": headingId },
    el("div", { class: "card-head" }, el("h2", { id: headingId }, title),
      el("span", { class: "badge " + badge.tone }, badge.text)),
    el("p", { class: "summary" }, item.summary),
    el("dl", {},
      el("dt", {}, "Whose side"), el("dd", {}, sideWords(item)),
      el("dt", {}, "Reason"), el("dd", {}, reasonText(item.reason)),
      item.blocklist ? [el("dt", {}, "Blocklist"), el("dd", {}, blocklistText(item.blocklist))] : null),
    item.advice && item.advice.length ? [el("h3", {}, "What to do"), adviceList(item.advice)] : null,
    evidence ? [el("h3", {}, "What the server said"), highlighted(evidence, codes, item.blocklist)] : null,
    extra);
}

// An error message of a mail program (Outlook 0x800CCC0E, Thunderbird, POP3/IMAP, SMTP login):
// what it means and which setting to change.
function clientErrorCard(error) {
  const headingId = cardHeadingId();
  return el("article", { class: "card", "aria-labelledby": headingId },
    el("div", { class: "card-head" }, el("h2", { id: headingId }, error.title),
      el("span", { class: "badge soft" }, error.family)),
    el("p", { class: "summary" }, error.cause),
    el("dl", {}, el("dt", {}, "Whose side"), el("dd", {}, SIDE_WORDS[error.side] || error.side)),
    el("h3", {}, "What to do"), adviceList([error.fix]),
    el("h3", {}, "Recognised in your text"), el("p", {}, el("code", {}, error.match)));
}

function explanationCards(explanation, input) {
  const clientErrors = explanation.client_errors || [];
  if (clientErrors.length > 0 && explanation.reason === "undefined" && explanation.records.length === 0) {
    return clientErrors.map(clientErrorCard);
  }
  if (explanation.records.length > 0) {
    return explanation.records.map((record) =>
      card(record.recipient || "Unknown recipient", record, [record.status, record.reply_code], record.diagnostic,
        technicalDetails(record)));
  }
  const details = explanation.codes.length
    ? el("details", {}, el("summary", {}, "The codes in detail"), explanation.codes.map(codeDetails))
    : null;
  const evidence = input.length <= 2000 ? input : null;
  return [card("Your text", explanation, explanation.codes.map((code) => code.code), evidence, details)];
}

// What is said when the cards appear: how many; and, for a screen reader only, since the eye
// sees it on the cards, each card's name and badge.
function announce(status, cards) {
  const names = cards.map((card) => card.querySelector("h2").textContent + ", " +
    card.querySelector(".badge").textContent.toLowerCase());
  setStatus(status, (cards.length === 1 ? "One explanation" : plural(cards.length, "recipient", "recipients")) + " below.");
  status.append(el("span", { class: "visually-hidden" }, " " + names.join("; ") + "."));
}

async function explain(event) {
  event.preventDefault();
  const input = document.getElementById("explain-text").value;
  const status = document.getElementById("explain-status");
  const results = document.getElementById("explain-results");
  if (!input.trim()) {
    setStatus(status, "Paste a bounce, an SMTP reply or a code first.", true);
    return;
  }
  setStatus(status, "Explaining…");
  results.replaceChildren();
  try {
    const result = await call("POST", "/v1/explain", input, { "Content-Type": "text/plain; charset=utf-8" });
    if (result.status !== 200) {
      setStatus(status, errorText(result), true);
      return;
    }
    const cards = explanationCards(result.data, input.trim());
    results.replaceChildren(...cards);
    announce(status, cards);
  } catch (failure) {
    setStatus(status, "The server could not be reached: " + failure.message, true);
  }
}

function setUpExplain() {
  const form = document.getElementById("explain-form");
  form.addEventListener("submit", explain);
  document.getElementById("explain-text").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) form.requestSubmit();
  });
}

// ---- code reference ----

let codesLoaded = false;

// Reply codes grouped by class ("5xx"), status codes by subject ("X.7.x").
function groupKey(code) {
  return code.type === "reply" ? code.code[0] + "xx" : "X." + code.code.split(".")[1] + ".x";
}

function groupMeaning(code) {
  return code.type === "reply" ? code.class : code.subject;
}

async function loadCodes() {
  if (codesLoaded) return;
  const status = document.getElementById("codes-status");
  setStatus(status, "Loading the codes…");
  const result = await call("GET", "/v1/codes");
  if (result.status !== 200) {
    setStatus(status, errorText(result), true);
    return;
  }
  codesLoaded = true;
  const groups = new Map();
  for (const code of result.data.codes) {
    const key = groupKey(code);
    if (!groups.has(key)) groups.set(key, { meaning: groupMeaning(code), entries: [] });
    const entry = codeDetails(code);
    entry.dataset.search = [code.code, code.title, code.explanation, code.basic_codes].join(" ").toLowerCase();
    groups.get(key).entries.push(entry);
  }
  const list = document.getElementById("codes-list");
  list.replaceChildren(...Array.from(groups, ([key, group]) =>
    el("section", { class: "code-group" }, el("h2", {}, key), el("p", { class: "meaning" }, group.meaning), group.entries)));
  filterCodes();
}

function filterCodes() {
  const words = document.getElementById("codes-search").value.toLowerCase().split(/\s+/).filter(Boolean);
  let shown = 0;
  for (const group of document.querySelectorAll(".code-group")) {
    let groupShown = 0;
    for (const entry of group.querySelectorAll(".code-entry")) {
      const match = words.every((word) => entry.dataset.search.includes(word));
      entry.hidden = !match;
      if (match) groupShown++;
    }
    group.hidden = groupShown === 0;
    shown += groupShown;
  }
  setStatus(document.getElementById("codes-status"), shown === 0 ? "No code matches." : plural(shown, "code", "codes") + ".");
}

// ---- events and suppressions (only when the server keeps a store) ----

const EVENTS_PAGE = 100;
// The id below which the next (older) page starts; 0 asks for the newest events.
let eventsCursor = 0;

function tokenHeaders() {
  const token = document.getElementById("store-token").value.trim();
  return token ? { Authorization: "Bearer " + token } : {};
}

// A server started with --token shows what it stores only to whoever gives it.
function storeErrorText(result) {
  if (result.status === 401) return "This server needs its token to show what it stores: enter it above, then Show.";
  return errorText(result);
}

async function lift(recipient) {
  const status = document.getElementById("suppressions-status");
  const result = await call("DELETE", "/v1/suppressions/" + encodeURIComponent(recipient), undefined, tokenHeaders());
  if (result.status !== 200) {
    setStatus(status, errorText(result), true);
    return;
  }
  // The list is reloaded first: its own count would otherwise replace the confirmation.
  await loadSuppressions();
  setStatus(status, recipient + " may be mailed again.");
}

async function loadSuppressions(event) {
  if (event) event.preventDefault();
  const status = document.getElementById("suppressions-status");
  const filter = document.getElementById("suppressions-filter").value.trim();
  const query = new URLSearchParams({ limit: "1000" });
  if (filter) query.set(filter.includes("@") ? "recipient" : "domain", filter.toLowerCase());
  const result = await call("GET", "/v1/suppressions?" + query, undefined, tokenHeaders());
  if (result.status !== 200) {
    setStatus(status, storeErrorText(result), true);
    return;
  }
  const rows = result.data.suppressions.map((s) => tableRow("suppressions-table", [
    s.recipient, reasonText(s.reason), formatTime(s.last_bounce),
    s.bounce_count + " (" + s.hard_count + " / " + s.soft_count + " / " + s.complaint_count + ")",
    liftButton(s.recipient)]));
  document.querySelector("#suppressions-table tbody").replaceChildren(...rows);
  setStatus(status, rows.length === 0 ? "No suppressed address." : plural(rows.length, "suppressed address", "suppressed addresses") + ".");
}

// A table row whose cells know their column's name (shown beside each value on a phone).
function tableRow(table, cells) {
  const headings = Array.from(document.querySelectorAll("#" + table + " thead th"), (th) => th.textContent);
  return el("tr", {}, cells.map((cell, index) => el("td", { "data-label": headings[index] }, cell)));
}

function liftButton(recipient) {
  const button = el("button", { type: "button", "aria-label": "Lift the suppression of " + recipient }, "Lift");
  button.addEventListener("click", () => lift(recipient));
  return button;
}

async function loadEvents(more) {
  const status = document.getElementById("events-status");
  if (!more) eventsCursor = 0;
  const result = await call("GET", "/v1/events?order=desc&limit=" + EVENTS_PAGE + "&before_id=" + eventsCursor,
    undefined, tokenHeaders());
  if (result.status !== 200) {
    setStatus(status, storeErrorText(result), true);
    return;
  }
  // When it happened is the report's own time; a report without one has only when it was stored.
  const rows = result.data.events.map((e) => tableRow("events-table", [
    formatTime(e.record.timestamp) || "not given", formatTime(e.stored_at), e.record.recipient || "", e.record.kind,
    reasonText(e.record.reason), e.record.status || "", e.record.summary]));
  const body = document.querySelector("#events-table tbody");
  if (more) body.append(...rows);
  else body.replaceChildren(...rows);
  eventsCursor = result.data.next_before_id;
  document.getElementById("events-more").hidden = result.data.events.length < EVENTS_PAGE;
  setStatus(status, body.children.length === 0 ? "No events stored yet." : plural(body.children.length, "event", "events") + " shown.");
}

// The third tab appears only when the server keeps a store: it answers the store endpoints, or
// asks for its token.
async function offerStoreTab() {
  try {
    const result = await call("GET", "/v1/events?limit=1");
    document.getElementById("tab-store").hidden = result.status !== 200 && result.status !== 401;
  } catch (ignored) {
    document.getElementById("tab-store").hidden = true;
  }
}

function setUpStore() {
  document.getElementById("suppressions-form").addEventListener("submit", (event) => {
    loadSuppressions(event);
    loadEvents(false);
  });
  document.getElementById("events-more").addEventListener("click", () => loadEvents(true));
  offerStoreTab();
}

// ---- start ----

tabOpeners["tab-codes"] = loadCodes;
tabOpeners["tab-store"] = () => {
  loadSuppressions();
  loadEvents(false);
};

setUpTabs();
loadReasons();
setUpExplain();
document.getElementById("codes-search").addEventListener("input", filterCodes);
setUpStore();
