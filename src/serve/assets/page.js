// The workshop page: picks a starting point, turns the controls into a
// plan, asks the server to simulate it, and redraws. The previous result
// stays on the page until the newest one arrives; an older answer never
// replaces a newer one. Everything comes from the server that sent this
// page: nothing is fetched from anywhere else.
"use strict";

const state = {
  session: randomId(),
  seq: 0,
  renderedSeq: 0,
  start: null,       // { council: name } or { file: index }
  teams: [],         // the start's teams, if it has any
  team: null,        // the team whose own levers the page moves
  roles: [],         // the start's roles ({ name, words }), if it has any
  controls: [],      // the server's description of the controls
  months: [],
  touched: {},       // control id -> true when moved from the start
  values: {},        // control id -> the page's value(s)
  result: null,      // the newest result shown
  tried: [],
  timings: [],       // change-to-redraw milliseconds, newest last
  server: [],        // of which the server's own (simulation and charts)
  sentAt: {},        // seq -> performance.now() when the change was made
};
window.workshop = state;

function randomId() {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "text") node.textContent = v;
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) if (c) node.append(c);
  return node;
}

// Numbers as the rest of caseload writes them.
function num(x, decimals) {
  if (x === null || x === undefined || !isFinite(x)) return "infinite";
  return Number(x).toLocaleString("en-GB", { maximumFractionDigits: decimals ?? 2 });
}
function money(x) {
  const a = Math.abs(x);
  const sign = x < 0 ? "-" : "";
  if (a >= 1e6) return `${sign}£${num(a / 1e6, 2)}m`;
  if (a >= 1e3) return `${sign}£${num(a / 1e3, 0)}k`;
  return `${sign}£${num(a, 0)}`;
}
function signed(x, f) {
  if (x === null || x === undefined) return "infinite";
  const text = f(x);
  return x > 0 && !/^0(\.0+)?$/.test(text) ? `+${text}` : text;
}
// A caseload to one decimal, as the rest of caseload writes it: 14.0, not 14.
function caseload(x) { return x === null || x === undefined ? "infinite" : Number(x).toFixed(1); }
function monthWords(m) {
  const [y, mo] = m.split("-").map(Number);
  const names = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
  return `${names[mo - 1]} ${y}`;
}

// When the server cannot be reached (stopped, or the computer asleep):
// said where the page would show the answer, never a page left waiting.
const UNREACHABLE = "The page cannot reach caseload serve: has it been stopped? Start it again (caseload serve) and change a lever, or press Start.";

async function api(path, body) {
  let response;
  try {
    response = await fetch(path, {
      method: body === undefined ? "GET" : "POST",
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (_) {
    return { status: 0, data: { error: UNREACHABLE, problems: [] } };
  }
  let data = null;
  try { data = await response.json(); } catch (_) { data = { error: `the server answered ${response.status}` }; }
  return { status: response.status, data };
}

async function loadStarts() {
  const { status, data } = await api("/api/starts");
  if (status !== 200) { $("problem-start").textContent = data.error; return; }
  const list = $("councils");
  for (const c of data.councils) list.append(el("option", { value: c.name, text: c.region }));
  if (data.files.length) {
    $("file-field").hidden = false;
    for (const f of data.files) $("file").append(el("option", { value: String(f.index), text: `${f.name} (${f.file})` }));
  }
}

async function startFrom(event) {
  event.preventDefault();
  const file = $("file").value;
  const council = $("council").value.trim();
  if (file !== "") state.start = { file: Number(file) };
  else if (council) state.start = { council };
  else { $("problem-start").textContent = "Type a council's name, such as Bury, or pick a scenario file."; return; }
  $("problem-start").textContent = "";
  state.team = null;
  state.tried = [];
  try { sessionStorage.removeItem(KEPT); } catch (_) { /* nothing kept */ }
  $("tried-rows").replaceChildren();
  await loadStart();
}

// The starting position and its controls (for the team chosen, if any);
// `restored`, the plan the page had before it was reloaded.
async function loadStart(restored) {
  $("start-button").disabled = true;
  state.touched = {};
  state.values = {};
  const seq = ++state.seq;
  state.sentAt[seq] = performance.now();
  setWorking(true);
  const { status, data } = await api("/api/start", requestBody(seq));
  $("start-button").disabled = false;
  if (status !== 200) {
    setWorking(false);
    if (status === 409) return;
    $("problem-start").textContent = (data.problems && data.problems.length ? data.problems.map((p) => p.message).join("\n") : data.error);
    return;
  }
  state.controls = data.controls.list;
  state.months = data.controls.months;
  state.teams = data.controls.teams || [];
  state.roles = data.controls.roles || [];
  if (restored) {
    state.touched = restored.touched || {};
    state.values = restored.values || {};
  }
  buildControls();
  $("main").hidden = false;
  // The skip link leads to the controls, which exist only from now on.
  $("skip").hidden = false;
  render(data, seq);
  if (Object.keys(state.touched).length) run();
}

// What the page keeps for a reload (this tab only, until it is closed):
// where it started, the plan, and the plans tried.
const KEPT = "caseload-workshop";
function keep() {
  try {
    sessionStorage.setItem(KEPT, JSON.stringify({
      start: state.start, team: state.team, touched: state.touched, values: state.values,
      tried: state.tried.map((t) => ({ key: t.key, cells: t.cells })),
    }));
  } catch (_) { /* storage refused: a reload starts afresh */ }
}
function kept() {
  try { return JSON.parse(sessionStorage.getItem(KEPT) || "null"); } catch (_) { return null; }
}

async function restore() {
  const k = kept();
  if (!k || !k.start) return;
  if (k.start.council !== undefined) $("council").value = k.start.council;
  else if (![...$("file").options].some((o) => o.value === String(k.start.file))) return;
  else $("file").value = String(k.start.file);
  state.start = k.start;
  state.team = k.team || null;
  for (const t of k.tried || []) addRow(t.key, t.cells);
  await loadStart({ touched: k.touched, values: k.values });
}

function requestBody(seq) {
  return { session: state.session, seq, start: state.start, plan: plan() };
}

// The plan: only the controls moved from the starting position.
function plan() {
  const p = {};
  if (state.team) p.team = state.team;
  for (const c of state.controls) {
    if (!state.touched[c.id]) continue;
    const v = state.values[c.id];
    switch (c.kind) {
      case "number": case "percent": p[c.id] = v.value; break;
      case "dated": p[c.id] = { from: v.from, change_fte: v.value }; break;
      case "cap": p[c.id] = v.on ? v.value : null; break;
      case "team": p[c.id] = { fte: v.value, from: v.from, to: v.to }; break;
      case "payment": {
        // The effect as the start assumes it unless the page changed it.
        const effect = v.effectTouched || !c.start.multiplier ? { multiplier: multiplier(c, v) } : {};
        // Whom it is for as the start has it unless the page changed it.
        const whom = v.whomTouched ? { roles: v.whom ? v.whom.split(",") : null } : {};
        if (v.amount > 0) p[c.id] = { amount: v.amount, ...effect, ...whom };
        else if (c.start.amount) p[c.id] = null;
        break;
      }
    }
  }
  return p;
}

// A payment's effect as the page says it (% fewer leavers, % more
// applicants) as the scenario's multiplier range.
function multiplier(c, v) {
  const lo = Math.min(v.low, v.high) / 100, hi = Math.max(v.low, v.high) / 100;
  return c.effect === "leaving" ? [round(1 - hi), round(1 - lo)] : [round(1 + lo), round(1 + hi)];
}
function round(x) { return Math.round(x * 1e6) / 1e6; }

function effectPercents(c) {
  const m = c.start.multiplier;
  if (c.effect === "leaving") return m ? [Math.round((1 - m[1]) * 100), Math.round((1 - m[0]) * 100)] : [5, 20];
  return m ? [Math.round((m[0] - 1) * 100), Math.round((m[1] - 1) * 100)] : [0, 30];
}

function initialValues(c) {
  switch (c.kind) {
    case "number": case "percent": return { value: c.value };
    case "dated": return { value: 0, from: c.from };
    case "cap": return { on: c.value !== null && c.value !== undefined, value: c.value ?? Math.round(c.now) };
    case "team": return { value: 0, from: c.from, to: c.to };
    case "payment": {
      const [low, high] = effectPercents(c);
      return { amount: c.start.amount ?? 0, low, high, whom: (c.start.roles || []).join(",") };
    }
  }
  return {};
}

function shown(c, v) {
  switch (c.kind) {
    case "number": return `${num(v.value, 1)} ${c.unit}`;
    case "percent": return `${num(v.value * 100, 1)}% ${c.unit}`;
    case "dated": return `${signed(v.value, (x) => num(x, 1))} FTE`;
    case "cap": return v.on ? `${num(v.value, 0)} FTE` : "no cap";
    case "team": return `${num(v.value, 0)} FTE`;
    case "payment": return v.amount > 0 ? `£${num(v.amount, 0)}${v.whom ? ` for ${whomWords(v.whom)}` : ""}` : "none";
  }
  return "";
}

// A payment's roles ("team_manager,iro") in the start's words.
function whomWords(whom) {
  const words = whom.split(",").map((n) => (state.roles.find((r) => r.name === n) || { words: n }).words);
  return words.length > 1 ? `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}` : words[0];
}
function capital(text) { return text.charAt(0).toUpperCase() + text.slice(1); }

function monthSelect(id, label, value, lever) {
  const select = el("select", { id, "aria-label": `${lever}: ${label}` });
  for (const m of state.months) select.append(el("option", { value: m, text: monthWords(m), selected: m === value }));
  return [el("label", { for: id, text: label }), select];
}

function buildControls() {
  const list = $("control-list");
  list.replaceChildren();
  if (state.teams && state.teams.length) {
    // With teams, each team's posts, people and hires are its own: the
    // page moves one team's at a time.
    const box = el("fieldset", { class: "control", id: "control-team" });
    box.append(el("legend", { text: "Whose levers" }));
    const select = el("select", { id: "c-team", "aria-label": "Whose levers" });
    select.append(el("option", { value: "", text: "The whole council: payments, demand" }));
    for (const t of state.teams) select.append(el("option", { value: t, text: `The ${t.replaceAll("_", " ")} team` }));
    select.value = state.team || "";
    select.addEventListener("change", () => { state.team = select.value || null; loadStart(); });
    box.append(select, el("p", { class: "problem", id: "problem-team", role: "alert" }));
    list.append(box);
  }
  for (const c of state.controls) {
    if (!state.values[c.id]) state.values[c.id] = initialValues(c);
    const v = state.values[c.id];
    const id = `c-${c.id}`;
    const box = el("fieldset", { class: "control", id: `control-${c.id}` });
    if (c.enabled === false) box.classList.add("disabled");
    if (state.touched[c.id]) box.classList.add("touched");
    box.append(el("legend", { text: c.label }));
    const out = el("output", { class: "value", id: `${id}-value`, for: id, "aria-live": "off" });
    const range = (value, min, max, step, label) => el("input", {
      type: "range", id, min, max, step, value, "aria-label": label, disabled: c.enabled === false,
    });
    const row = el("div", { class: "row" });
    let slider = null;
    if (c.kind === "percent") {
      slider = range(v.value * 100, c.min * 100, c.max * 100, c.step * 100, c.label);
    } else if (c.kind === "payment") {
      slider = range(v.amount, c.min, c.max, c.step, `${c.label}: amount`);
    } else {
      slider = range(v.value, c.min, c.max, c.step, c.label);
    }
    row.append(slider, out);
    box.append(row);
    const extra = el("div", { class: "row" });
    if (c.kind === "cap") {
      const check = el("input", { type: "checkbox", id: `${id}-on`, checked: v.on, disabled: c.enabled === false });
      extra.append(check, el("label", { for: `${id}-on`, text: "Cap agency staff" }));
      check.addEventListener("change", () => { v.on = check.checked; changed(c); });
    }
    if (c.kind === "dated" || c.kind === "team") {
      const [l1, from] = monthSelect(`${id}-from`, "from", v.from, c.label);
      extra.append(l1, from);
      from.addEventListener("change", () => { v.from = from.value; changed(c); });
      if (c.kind === "team") {
        const [l2, to] = monthSelect(`${id}-to`, "to", v.to, c.label);
        extra.append(l2, to);
        to.addEventListener("change", () => { v.to = to.value; changed(c); });
      }
      if (c.enabled === false) extra.querySelectorAll("select").forEach((s) => { s.disabled = true; });
    }
    if (c.kind === "payment" && state.roles.length) {
      // With roles, a payment may be for one of them (roles = [...]).
      const whom = el("div", { class: "row" });
      const select = el("select", { id: `${id}-whom`, class: "whom" });
      select.append(el("option", { value: "", text: "Everyone (every role)" }));
      for (const r of state.roles) select.append(el("option", { value: r.name, text: capital(r.words) }));
      if (v.whom && !state.roles.some((r) => r.name === v.whom)) {
        select.append(el("option", { value: v.whom, text: capital(whomWords(v.whom)) }));
      }
      select.value = v.whom;
      whom.append(el("label", { for: `${id}-whom`, text: "For whom" }), select);
      box.append(whom);
      select.addEventListener("change", () => { v.whom = select.value; v.whomTouched = true; changed(c); });
    }
    if (c.kind === "payment") {
      const words = c.effect === "leaving" ? "% fewer leavers among those eligible" : "% more experienced applicants";
      const effectWords = c.effect === "leaving" ? "fewer leavers" : "more applicants";
      const effectBox = (end, value) => el("input", {
        type: "number", id: `${id}-${end}`, min: 0, max: 100, step: 1, value,
        "aria-label": `${c.label}: assumed effect, ${end === "low" ? "from" : "to"} (percent${words.slice(1)})`,
      });
      const low = effectBox("low", v.low);
      const high = effectBox("high", v.high);
      extra.append(el("span", { class: "effect", text: `Assumed effect (${c.effect_label}):` }));
      extra.append(el("label", { for: `${id}-low`, text: "from" }), low,
        el("label", { for: `${id}-high`, text: "to" }), high, el("span", { text: words }));
      // A box left empty, not a number or outside 0 to 100 is said beside
      // the payment and nothing is simulated (an empty box is not 0%).
      const read = () => {
        const bad = [low, high].filter((b) => b.value.trim() === "" || !isFinite(Number(b.value)) || Number(b.value) < 0 || Number(b.value) > 100);
        for (const b of [low, high]) b.setAttribute("aria-invalid", String(bad.includes(b)));
        if (bad.length) {
          $(`problem-${c.id}`).textContent = `The assumed effect is a percentage from 0 to 100 (${effectWords}): type a number in each box.`;
          $("status").textContent = "Not simulated: see the message beside the control. The charts still show the last plan that could be simulated.";
          return;
        }
        v.low = Number(low.value); v.high = Number(high.value); v.effectTouched = true; changed(c);
      };
      low.addEventListener("change", read);
      high.addEventListener("change", read);
    }
    if (extra.childElementCount) box.append(extra);
    // A lever not offered says why, and not a starting value it does not
    // have (with teams, each team has its own).
    if (c.enabled === false) box.append(el("p", { class: "note", text: c.disabled_why || "This lever is not available for this starting position." }));
    else box.append(el("p", { class: "was", text: `Starting position: ${shown(c, initialValues(c))}. ${c.note || ""}`.trim() }));
    box.append(el("p", { class: "problem", id: `problem-${c.id}`, role: "alert" }));
    slider.addEventListener("input", () => {
      const x = Number(slider.value);
      if (c.kind === "percent") v.value = round(x / 100);
      else if (c.kind === "payment") v.amount = x;
      else v.value = x;
      if (c.kind === "cap" && !v.on) { v.on = true; const check = $(`${id}-on`); if (check) check.checked = true; }
      changed(c);
    });
    out.textContent = shown(c, v);
    list.append(box);
  }
}

function changed(c) {
  state.touched[c.id] = true;
  $(`control-${c.id}`).classList.add("touched");
  $(`c-${c.id}-value`).textContent = shown(c, state.values[c.id]);
  run();
}

async function run() {
  const seq = ++state.seq;
  state.sentAt[seq] = performance.now();
  setWorking(true);
  const { status, data } = await api("/api/plan", requestBody(seq));
  if (status === 409) return; // a newer change supersedes this one
  if (seq < state.renderedSeq) return;
  if (status !== 200) {
    if (seq === state.seq) setWorking(false);
    showProblems(data);
    return;
  }
  render(data, seq);
}

function clearProblems() {
  document.querySelectorAll(".problem").forEach((p) => { if (p.id !== "problem-start") p.textContent = ""; });
}

function showProblems(data) {
  clearProblems();
  const problems = data.problems || [];
  if (!problems.length) {
    $("problem-general").textContent = data.error || "The server could not simulate this plan.";
    $("status").textContent = "Not simulated. The charts still show the last plan that could be simulated.";
    return;
  }
  for (const p of problems) {
    const target = (p.control && $(`problem-${p.control}`)) || $("problem-general");
    target.textContent = (target.textContent ? target.textContent + "\n" : "") + p.text;
  }
  $("status").textContent = "Not simulated: see the message beside the control. The charts still show the last plan that could be simulated.";
}

function setWorking(on) {
  document.body.classList.toggle("busy", on);
  const status = $("status");
  status.classList.toggle("working", on);
  if (on) status.textContent = "Simulating 1,000 runs... (the charts show the previous result until then)";
}

const CHART_ORDER = ["caseload", "target", "workforce", "cost", "drivers"];

function render(data, seq) {
  if (seq < state.renderedSeq) return;
  state.renderedSeq = seq;
  state.result = data;
  clearProblems();
  $("start-name").textContent = `Starting from: ${data.start_name}`;
  $("line").textContent = data.line;
  const headline = $("headline");
  headline.innerHTML = data.headline.map((s) => `<li>${s}</li>`).join("");
  $("headline-note").textContent = data.headline_note || "";
  $("difference").replaceChildren(...data.difference.map((s) => el("li", { text: s })));
  const charts = $("charts");
  const byName = Object.fromEntries(data.charts.map((c) => [c.name, c]));
  for (const name of CHART_ORDER) {
    const chart = byName[name];
    let figure = $(`figure-${name}`);
    if (!chart) { if (figure) figure.remove(); continue; }
    if (!figure) { figure = el("figure", { id: `figure-${name}` }); charts.append(figure); }
    figure.innerHTML = chart.svg;
    if (chart.caption) figure.append(el("figcaption", { class: "note", text: chart.caption }));
  }
  $("drivers").textContent = data.drivers || "";
  if (seq === state.seq) {
    setWorking(false);
    addTried(data);
    keep();
  }
  const began = state.sentAt[seq];
  // Timed to just after the frame that paints the new charts: the task
  // queued from that frame's animation callback runs once it is painted.
  requestAnimationFrame(() => setTimeout(() => {
    const ms = performance.now() - began;
    state.timings.push(ms);
    state.server.push(data.timings_ms ? data.timings_ms.total : NaN);
    document.body.dataset.renderedSeq = String(seq);
    if (seq === state.seq) {
      $("status").textContent = `Updated in ${Math.round(ms)} ms: ${num(data.runs, 0)} runs, seed ${data.seed}, compared with the starting position on the same random numbers.`;
    }
  }, 0));
}

// Each distinct plan once, in the order first tried; the one shown is
// highlighted.
// The starting position is one row, whichever team's levers are chosen.
function addTried(data) {
  const key = data.changed ? JSON.stringify(plan()) : "start";
  const n = data.numbers;
  const changes = data.changes.length ? data.changes.join("; ") : "None: the starting position";
  addRow(key, [changes,
    `${caseload(n.caseload_end_median)} in ${monthWords(n.end_month)}`,
    data.chance_words,
    money(n.spend_total_mean),
    data.changed ? signed(n.caseload_change_median, caseload) : "",
    data.changed ? signed(n.spend_change_mean, money) : ""]);
}

// A row of the table (its cells after the number), or the row already
// there for the same plan, highlighted.
function addRow(key, cells) {
  const rows = $("tried-rows");
  rows.querySelectorAll("tr.current").forEach((r) => r.classList.remove("current"));
  const seen = state.tried.findIndex((t) => t.key === key);
  if (seen >= 0) { state.tried[seen].row.classList.add("current"); return; }
  const tr = el("tr", { class: "current" },
    el("td", { text: String(state.tried.length + 1) }),
    el("td", { text: cells[0] }),
    ...cells.slice(1).map((text) => el("td", { class: "num", text })));
  rows.append(tr);
  state.tried.push({ key, cells, row: tr });
}

function download(name, text, kind) {
  const url = URL.createObjectURL(new Blob([text], { type: kind }));
  const a = el("a", { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function savePlan() {
  if (!state.result) return;
  download(state.result.file_name, state.result.toml, "application/toml");
}

async function saveReport() {
  if (!state.result) return;
  $("save-note").textContent = "Making the report...";
  let response;
  try {
    response = await fetch("/api/report", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ start: state.start, plan: plan() }),
    });
  } catch (_) {
    $("save-note").textContent = UNREACHABLE;
    return;
  }
  if (response.status !== 200) { $("save-note").textContent = "The report could not be made: change the plan and try again."; return; }
  download(state.result.file_name.replace(/\.toml$/, "-report.html"), await response.text(), "text/html");
  $("save-note").textContent = "Saved the report (it opens in any browser, without a network).";
}

function reset() {
  state.touched = {};
  state.values = {};
  buildControls();
  run();
}

document.addEventListener("DOMContentLoaded", () => {
  $("start-form").addEventListener("submit", startFrom);
  $("file").addEventListener("change", () => { if ($("file").value !== "") $("council").value = ""; });
  $("council").addEventListener("input", () => { $("file").value = ""; });
  $("save-plan").addEventListener("click", savePlan);
  $("save-report").addEventListener("click", saveReport);
  $("reset").addEventListener("click", reset);
  // The answer stays at the top of the window (page.css): a control
  // reached with the keyboard is scrolled clear of it.
  new ResizeObserver(() => {
    document.documentElement.style.scrollPaddingTop = `${$("answer").offsetHeight + 8}px`;
  }).observe($("answer"));
  loadStarts().then(restore);
});
