// The demo's matrix: each row is one real fetch() from this page to the API, shown
// beside the server's own decision for the same request (from the API's /explain/).
"use strict";

const CONFIG = window.DEMO;
const API = CONFIG.origins.api;
const TRUSTED = CONFIG.role === "trusted";

// preflightHeaders: what the browser puts in Access-Control-Request-Headers (lower-case,
// sorted), given the non-safelisted headers the row sends.
const ROWS = [
  {
    id: "simple",
    title: "Simple request",
    what: "A GET with no custom headers: no preflight, the browser checks the response's Access-Control-Allow-Origin.",
    method: "GET",
    path: "/api/simple/",
  },
  {
    id: "preflighted",
    title: "Preflighted request",
    what: "A PUT with a JSON body and X-Demo-Token: the browser asks first with OPTIONS. It writes a row to SQLite.",
    method: "PUT",
    path: "/api/notes/1/",
    headers: { "Content-Type": "application/json", "X-Demo-Token": "demo" },
    body: () => JSON.stringify({ text: `written from ${location.origin} at ${new Date().toLocaleTimeString()}` }),
    preflightHeaders: "content-type,x-demo-token",
  },
  {
    id: "credentialed",
    title: "Credentialed request",
    what: "credentials: 'include' needs Access-Control-Allow-Credentials: true and the exact origin, never '*'.",
    method: "GET",
    path: "/api/whoami/",
    credentials: true,
  },
  {
    id: "exposed-header",
    title: "Exposed response header",
    what: "The response carries X-Request-Id (in CORS_EXPOSE_HEADERS) and X-Internal-Trace (not exposed).",
    method: "GET",
    path: "/api/exposed/",
    readHeaders: ["X-Request-Id", "X-Internal-Trace"],
  },
  {
    id: "per-view",
    title: "Per-view policy",
    what: "@cors_policy(allow_all_origins=True) on this view opens it to every origin, whatever the global settings say.",
    method: "GET",
    path: "/api/public/",
  },
  {
    id: "wildcard",
    title: "Wildcard origin",
    what: "CORS_URL_POLICIES gives /api/wildcard/ the origin pattern http://localhost:* (any port of localhost).",
    method: "GET",
    path: "/api/wildcard/",
  },
  {
    id: "denied-header",
    title: "Denied: header not allowed",
    what: "X-Unlisted is not in CORS_ALLOW_HEADERS, so the preflight does not allow it and the GET is never sent.",
    method: "GET",
    path: "/api/simple/",
    headers: { "X-Unlisted": "1" },
    preflightHeaders: "x-unlisted",
  },
  {
    id: "denied-origin",
    title: "Denied: origin not allowed",
    what: "@cors_policy(allowed_origins=['https://partner.example.com'], ...): a view narrower than the global settings.",
    method: "GET",
    path: "/api/partner/",
  },
];

function $(selector, root = document) {
  return root.querySelector(selector);
}

function text(element, value) {
  element.textContent = value;
  return element;
}

function el(tag, className, content) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (content !== undefined) node.textContent = content;
  return node;
}

async function browserResult(row) {
  const init = { method: row.method, headers: row.headers || {}, cache: "no-store" };
  if (row.credentials) init.credentials = "include";
  if (row.body) init.body = row.body();
  try {
    const response = await fetch(API + row.path, init);
    const body = await response.json();
    const result = { read: true, status: response.status, body, headers: {} };
    for (const name of row.readHeaders || []) result.headers[name] = response.headers.get(name);
    return result;
  } catch (error) {
    return { read: false, error: String(error) };
  }
}

async function serverExplanation(row) {
  const query = new URLSearchParams({
    origin: location.origin,
    path: row.path,
    method: row.method,
    credentials: row.credentials ? "1" : "0",
  });
  for (const [name, value] of Object.entries(row.headers || {})) query.append("header", `${name}: ${value}`);
  const response = await fetch(`${API}/explain/?${query}`, { cache: "no-store" });
  if (!response.ok) throw new Error(`/explain/ answered ${response.status}`);
  return response.json();
}

// The request whose decision settles the outcome: a failed preflight, else the request.
function decisive(explanation) {
  const preflight = explanation.preflight;
  return preflight && !preflight.readable ? preflight : explanation.actual;
}

function describeBrowser(row, result, cells) {
  const pill = cells.browserPill;
  pill.className = `pill ${result.read ? "ok" : "no"}`;
  text(pill, result.read ? `read \u2713 ${result.status}` : "blocked \u2717");
  const detail = cells.browserDetail;
  detail.replaceChildren();
  if (!result.read) {
    detail.append(el("code", "error", result.error));
    detail.append(
      el(
        "span",
        "hint",
        row.preflightHeaders
          ? " The preflight failed, so the request itself was never sent."
          : " The server answered, but the browser withheld the response from the script.",
      ),
    );
    return;
  }
  if (row.readHeaders) {
    for (const [name, value] of Object.entries(result.headers)) {
      const line = el("span", "header-read");
      line.append(
        el("code", "", `${name}: `),
        el("code", value === null ? "hidden" : "shown", value === null ? "hidden (not exposed)" : value),
      );
      detail.append(line);
    }
  } else if (row.credentials) {
    detail.append(
      el(
        "span",
        "",
        result.body.cookie_received
          ? `Readable with credentials; the session cookie came along (visit ${result.body.visits}).`
          : "Readable with credentials. The API got no cookie: sending one is the browser's cookie policy's call, not CORS's.",
      ),
    );
  } else {
    detail.append(el("code", "body", JSON.stringify(result.body)));
  }
}

const SHOWN_HEADERS = /^(access-control-|vary$)/i;

function describeRequest(title, item, skipped = false) {
  const box = el("div", skipped ? "decision skipped" : "decision");
  const head = el("div", "decision-head");
  head.append(el("span", `reason ${item.readable ? "ok" : "no"}`, item.reason));
  head.append(el("span", "step", title));
  box.append(head);
  box.append(el("p", "sentence", item.sentence));
  const facts = el("dl", "facts");
  const add = (term, value) => {
    if (value === null || value === undefined || value === "") return;
    facts.append(el("dt", "", term), el("dd", "", value));
  };
  add("policy", item.policy);
  add("matched", item.matched);
  add("refused", item.refused.length ? item.refused.join(", ") : null);
  box.append(facts);
  for (const failure of item.failures) box.append(el("p", "failure", `Browser check fails: ${failure}`));
  const headers = Object.entries(item.response_headers).filter(([name]) => SHOWN_HEADERS.test(name));
  const list = el("pre", "headers");
  list.textContent = headers.map(([name, value]) => `${name}: ${value}`).join("\n");
  box.append(list);
  const steps = el("details", "steps");
  steps.append(el("summary", "", `${item.steps.length} steps`));
  const ol = el("ol");
  for (const step of item.steps) {
    const li = el("li", step.ok === true ? "ok" : step.ok === false ? "no" : "");
    li.append(el("code", "", step.check), document.createTextNode(` ${step.detail}`));
    ol.append(li);
  }
  steps.append(ol);
  box.append(steps);
  return box;
}

function describeServer(explanation, cells) {
  const pill = cells.serverPill;
  pill.className = `pill ${explanation.allowed ? "ok" : "no"}`;
  text(pill, explanation.allowed ? "allows \u2713" : "refuses \u2717");
  const box = cells.explanation;
  box.replaceChildren();
  const { preflight, actual } = explanation;
  if (preflight) box.append(describeRequest("preflight (OPTIONS)", preflight));
  const skipped = Boolean(preflight && !preflight.readable);
  const title = !preflight
    ? actual.method
    : skipped
      ? `the ${actual.method} itself: never sent, the preflight failed`
      : `then the ${actual.method}`;
  box.append(describeRequest(title, actual, skipped));
  for (const hint of explanation.hints) box.append(el("p", "hint-line", `Hint (${hint.code}): ${hint.message}`));
  for (const note of explanation.notes) box.append(el("p", "note-line", note));
}

function buildRow(row) {
  const node = $("#row-template").content.firstElementChild.cloneNode(true);
  node.dataset.row = row.id;
  text($(".row-title", node), row.title);
  const method = $(".method", node);
  text(method, row.method);
  method.classList.add(row.method.toLowerCase());
  text($(".path", node), row.path);
  text($(".what", node), row.what);
  return {
    node,
    browserPill: $('[data-slot="browser-pill"]', node),
    browserDetail: $('[data-slot="browser-detail"]', node),
    serverPill: $('[data-slot="server-pill"]', node),
    explanation: $('[data-slot="explanation"]', node),
    agree: $('[data-slot="agree"]', node),
  };
}

async function runRow(row, cells) {
  const node = cells.node;
  delete node.dataset.done;
  const [result, explanation] = await Promise.all([
    browserResult(row),
    serverExplanation(row).catch((error) => ({ error: String(error) })),
  ]);
  describeBrowser(row, result, cells);
  node.dataset.browser = result.read ? "read" : "blocked";
  if (explanation.error) {
    cells.serverPill.className = "pill no";
    text(cells.serverPill, "unavailable");
    text(cells.explanation, explanation.error);
    node.dataset.server = "unavailable";
    node.dataset.agree = "no";
  } else {
    describeServer(explanation, cells);
    const step = decisive(explanation);
    node.dataset.server = explanation.allowed ? "allows" : "refuses";
    node.dataset.reason = step.reason;
    node.dataset.policy = step.policy;
    node.dataset.agree = explanation.allowed === result.read ? "yes" : "no";
  }
  const agrees = node.dataset.agree === "yes";
  cells.agree.className = `agree-mark ${agrees ? "ok" : "no"}`;
  text(cells.agree, agrees ? "\u2713 agree" : "\u2717 differ");
  node.dataset.done = "1";
  return agrees;
}

let rows = [];

async function runAll() {
  const summary = $("#summary");
  summary.dataset.state = "running";
  text(summary, "Running the requests\u2026");
  text($("#summary-note"), "");
  const outcomes = await Promise.all(rows.map(([row, cells]) => runRow(row, cells)));
  const agreeing = outcomes.filter(Boolean).length;
  const read = rows.filter(([, cells]) => cells.node.dataset.browser === "read").length;
  // Two facts, each with its own colour: how much this origin may read (good news only
  // for the trusted page), and whether the server's explanation matched the browser.
  // One green box for both read as success on the untrusted page, where most requests
  // are (rightly) blocked.
  summary.dataset.state = "done";
  const readable = el("span", "summary-readable", `${read} of ${outcomes.length} responses readable from this origin`);
  readable.dataset.state = TRUSTED ? "trusted" : "untrusted";
  const agreement = el("span", "summary-agreement", `browser and server agree on ${agreeing} of ${outcomes.length}`);
  agreement.dataset.state = agreeing === outcomes.length ? "ok" : "no";
  summary.replaceChildren(readable, document.createTextNode("; "), agreement, document.createTextNode("."));
  text(
    $("#summary-note"),
    TRUSTED
      ? "Readable rows are the ones the API allows this origin; the rows titled \u201cDenied\u201d are refused on purpose."
      : read
        ? `Blocked is the right outcome here: this origin is allowed by no setting. The ${read === 1 ? "readable row is" : `${read} readable rows are`} open to every origin.`
        : "Blocked is the right outcome here: this origin is allowed by no setting.",
  );
  document.body.dataset.done = "1";
}

function setUp() {
  document.body.dataset.role = CONFIG.role;
  text($("#page-origin"), location.origin);
  text($("#api-origin"), API);
  const role = $("#role");
  text(role, TRUSTED ? "trusted: in CORS_ALLOWED_ORIGINS" : "untrusted: allowed by no setting");
  role.classList.add(TRUSTED ? "trusted" : "untrusted");
  text(
    $("#lede"),
    TRUSTED
      ? "This page's origin is the front end the API trusts. Each row makes a real request; compare what the browser allowed with what the server decided."
      : "This page plays an untrusted site. The same requests as on the trusted page: only what is open to every origin can be read.",
  );
  if (!TRUSTED) text($("#title"), "The same requests, from an untrusted origin");
  const other = $("#other-page");
  const otherOrigin = TRUSTED ? CONFIG.origins.untrusted : CONFIG.origins.front;
  other.href = `${otherOrigin}/`;
  text(other, TRUSTED ? "Open the untrusted page \u2192" : "Back to the trusted page \u2192");
  const matrix = $("#matrix");
  rows = ROWS.map((row) => {
    const cells = buildRow(row);
    matrix.append(cells.node);
    return [row, cells];
  });
  $("#rerun").addEventListener("click", () => {
    delete document.body.dataset.done;
    runAll();
  });
  runAll();
}

setUp();
