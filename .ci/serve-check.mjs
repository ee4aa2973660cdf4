// The workshop page in a real browser (called by .ci/serve-check):
//   node serve-check.mjs ADDRESS CASELOAD WORKDIR [SCREENSHOT_DIR]
// Debian's Chromium through playwright-core (PLAYWRIGHT_DIR names the
// folder it is installed in). Exits non-zero on the first failed check.
import { createRequire } from "node:module";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";

const [address, caseload, work, screenshots] = process.argv.slice(2);
const require = createRequire(path.join(process.env.PLAYWRIGHT_DIR, "package.json"));
const { chromium } = require("playwright-core");
const origin = new URL(address).origin;

function fail(message) {
  console.error(`serve-check: ${message}`);
  process.exit(1);
}
function check(condition, message) {
  if (!condition) fail(message);
}
function quantile(sorted, q) {
  // numpy's default (linear between order statistics), as the project's percentiles.
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic"],
});
const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1600, height: 1000 } });
const elsewhere = [];
let serverDown = false; // the page's requests refused, as when the server has stopped
await context.route("**/*", (route) => {
  const url = route.request().url();
  if (serverDown && url.startsWith(origin)) return route.abort("connectionrefused");
  if (url.startsWith(origin) || url.startsWith("data:") || url.startsWith("blob:")) return route.continue();
  elsewhere.push(url);
  return route.abort();
});
const page = await context.newPage();
const errors = [];
page.on("pageerror", (e) => errors.push(String(e)));
// Answers 409 (superseded) and 422 (a problem shown beside its control) are
// the page working as meant; the browser logs them all the same.
page.on("console", (m) => {
  if (m.type() === "error" && !/status of (409|422)|net::ERR_CONNECTION_REFUSED/.test(m.text())) errors.push(m.text());
});

await page.goto(address);
await page.waitForFunction(() => document.querySelectorAll("#councils option").length > 100, null, { timeout: 10000 });

// Before a start there are no controls, so no link to skip to them.
check(await page.$eval("#skip", (a) => a.hidden), "the skip link shows before there are controls to skip to");

// Pick a council, forgivingly spelt.
await page.fill("#council", "bury");
await page.press("#council", "Enter");
await page.waitForFunction(() => document.getElementById("line").textContent.length > 0, null, { timeout: 30000 });
const startLine = await page.textContent("#line");
check(startLine.startsWith("The starting position: caseload"), `the starting headline reads: ${startLine}`);
check((await page.textContent("#start-name")).includes("Bury"), "the page does not say it starts from Bury");
check(!(await page.$eval("#skip", (a) => a.hidden)), "the skip link is hidden once the controls are there");
for (const id of ["chart-caseload", "chart-target", "chart-workforce", "chart-cost", "chart-drivers"]) {
  check(await page.$(`svg#${id}`), `chart ${id} is missing`);
}
check(!(await page.$("#c-retention-whom")), "without roles, the page offers a choice of whom a payment is for");
const chartOf = () => page.$eval("#chart-caseload", (svg) => svg.innerHTML);
const startChart = await chartOf();

const settled = async () => {
  await page.waitForFunction(() => {
    const w = window.workshop;
    return Number(document.body.dataset.renderedSeq) === w.seq && !document.body.classList.contains("busy");
  }, null, { timeout: 30000 });
};

// A slider moved to a value, as a mouse would.
const move = async (selector, value) => {
  await page.$eval(selector, (input, v) => {
    input.value = String(v);
    input.dispatchEvent(new Event("input", { bubbles: true }));
  }, value);
  await settled();
};

// Move the ASYE slider to its top with the keyboard.
const asye = "#c-asye_intake_per_year";
await page.focus(asye);
await page.keyboard.press("End");
await settled();
const planLine = await page.textContent("#line");
check(planLine.startsWith("This plan: caseload"), `after moving the ASYE slider the headline reads: ${planLine}`);
check(planLine !== startLine, "the headline did not change");
check((await chartOf()) !== startChart, "the caseload chart did not change");
check((await page.$$("#tried-rows tr")).length >= 2, "the plans tried are not listed");

// 50 changes, each from the key press to the redrawn charts.
const before = await page.evaluate(() => window.workshop.timings.length);
for (let i = 0; i < 50; i++) {
  await page.keyboard.press(i % 2 === 0 ? "ArrowLeft" : "ArrowRight");
  await settled();
}
const timings = await page.evaluate((n) => window.workshop.timings.slice(n), before);
const server = await page.evaluate((n) => window.workshop.server.slice(n), before);
check(timings.length >= 50, `only ${timings.length} redraws were timed`);
const sorted = timings.slice(-50).sort((a, b) => a - b);
const median = quantile(sorted, 0.5);
const p95 = quantile(sorted, 0.95);
const serverSorted = server.slice(-50).sort((a, b) => a - b);
console.log(`serve-check: change to redrawn charts over 50 changes (Bury, 1,000 runs): median ${median.toFixed(0)} ms, 95th percentile ${p95.toFixed(0)} ms (of which the server's simulation and charts: median ${quantile(serverSorted, 0.5).toFixed(0)} ms, 95th percentile ${quantile(serverSorted, 0.95).toFixed(0)} ms)`);

// A problem shows beside its control: a managed team that ends before it starts.
const months = await page.$$eval("#c-managed_team-from option", (o) => o.map((x) => x.value));
await page.selectOption("#c-managed_team-from", months[months.length - 1]);
await page.selectOption("#c-managed_team-to", months[0]);
await page.focus("#c-managed_team");
await page.keyboard.press("ArrowRight");
await page.waitForFunction(() => document.getElementById("problem-managed_team").textContent.length > 0, null, { timeout: 30000 });
const problem = await page.textContent("#problem-managed_team");
check(problem.includes("agency.extra"), `the managed team's problem reads: ${problem}`);
// Back to a team that makes sense, which clears the problem.
await page.selectOption("#c-managed_team-from", months[0]);
await page.selectOption("#c-managed_team-to", months[5]);
await settled();
check((await page.textContent("#problem-managed_team")) === "", "the problem stayed after it was fixed");

// Every chart says how to read it, as the report does.
const caption = await page.textContent("#figure-caseload figcaption");
check(caption.startsWith("The average caseload month by month."), `the caseload chart's caption reads: ${caption}`);
check((await page.textContent("#headline-note")).includes("95th percentile"), "the headlines do not say what their words mean");

// A payment's assumed effect typed wrong is said beside it, and nothing is
// sent; a payment's effect alone, with no payment, changes nothing.
await page.click("#reset");
await settled();
check((await page.getAttribute("#c-retention-low", "aria-label")).startsWith("The retention payment"),
  "the retention payment's effect box is not named with its lever");
const seqBefore = await page.evaluate(() => window.workshop.seq);
for (const typed of ["abc", "", "150", "-50"]) {
  await page.click("#c-retention-low", { clickCount: 3 });
  await page.keyboard.press("Backspace");
  await page.keyboard.type(typed);
  await page.keyboard.press("Tab");
  const said = await page.textContent("#problem-retention");
  check(said.includes("from 0 to 100"), `after typing ${JSON.stringify(typed)} as the retention payment's effect the page says: ${said}`);
  check((await page.evaluate(() => window.workshop.seq)) === seqBefore, `typing ${JSON.stringify(typed)} as an effect was sent to the server`);
}
await page.click("#c-retention-low", { clickCount: 3 });
await page.keyboard.type("10");
await page.keyboard.press("Tab");
await settled();
check((await page.textContent("#problem-retention")) === "", "the effect's problem stayed after it was fixed");
check((await page.textContent("#line")).startsWith("The starting position"), "an effect with no payment changed the plan");

// Reloaded mid-way, the page comes back with its start, its plan and its plans tried.
await move("#c-asye_intake_per_year", 30);
const lineBefore = await page.textContent("#line");
const rowsBefore = await page.$$eval("#tried-rows tr", (r) => r.map((x) => x.textContent));
await page.reload();
await page.waitForFunction(() => window.workshop && window.workshop.seq >= 2 &&
  Number(document.body.dataset.renderedSeq) === window.workshop.seq && !document.body.classList.contains("busy"), null, { timeout: 30000 });
check((await page.textContent("#line")) === lineBefore, `after a reload the headline reads: ${await page.textContent("#line")}`);
check((await page.inputValue(asye)) === "30", "after a reload the ASYE slider is not where it was");
const rowsAfter = await page.$$eval("#tried-rows tr", (r) => r.map((x) => x.textContent));
check(JSON.stringify(rowsAfter) === JSON.stringify(rowsBefore), `after a reload the plans tried are: ${rowsAfter.join(" / ")}`);

// On a projector (1024 by 768), the headline stays in view while a lever
// far down the page moves.
await page.setViewportSize({ width: 1024, height: 768 });
await page.focus("#c-demand_growth");
await page.keyboard.press("ArrowRight");
await settled();
const inView = await page.$eval("#line", (l) => { const r = l.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; });
check(inView, "on a projector the headline is out of view while the growth in referrals moves");
const focusClear = await page.evaluate(() => document.activeElement.getBoundingClientRect().top >= document.getElementById("answer").getBoundingClientRect().bottom);
check(focusClear, "the lever with the keyboard's focus is hidden under the headline");
await page.setViewportSize({ width: 1600, height: 1000 });

// The server gone: the page says so and is not left waiting.
serverDown = true;
await page.focus(asye);
await page.keyboard.press("ArrowLeft");
await page.waitForFunction(() => document.getElementById("problem-general").textContent.includes("cannot reach"), null, { timeout: 10000 });
check(!(await page.evaluate(() => document.body.classList.contains("busy"))), "with the server gone the page still says it is simulating");
serverDown = false;
await page.keyboard.press("ArrowRight");
await settled();
check((await page.textContent("#problem-general")) === "", "the page still says the server is gone once it answers again");

if (screenshots) {
  // A plan worth showing: 30 ASYEs a year, then a £2,000 retention payment.
  await page.click("#reset");
  await settled();
  await move("#c-asye_intake_per_year", 30);
  await move("#c-retention", 2000);
  await page.evaluate(() => { document.activeElement.blur(); window.scrollTo(0, 0); });
  await page.screenshot({ path: path.join(screenshots, "workshop-bury.png") });
  const tried = await page.$("#tried");
  await tried.screenshot({ path: path.join(screenshots, "workshop-bury-plans.png") });
}

// Save the plan (a download), check it and repeat it.
const [download] = await Promise.all([page.waitForEvent("download"), page.click("#save-plan")]);
const saved = path.join(work, "plan.toml");
await download.saveAs(saved);
const text = readFileSync(saved, "utf8");
check(!/^\s*extends\s*=/m.test(text), "the saved plan uses extends");
check(text.includes("# A workshop plan"), "the saved plan has no comment saying what it is");
const checked = execFileSync(caseload, ["check", saved], { encoding: "utf8" });
check(checked.includes("is a valid scenario"), `caseload check says: ${checked}`);
const out = path.join(work, "run");
execFileSync(caseload, ["run", saved, "--runs", "1000", "--seed", "1", "--out", out, "--quiet"], { encoding: "utf8" });
const result = await page.evaluate(() => window.workshop.result);
const { readdirSync } = await import("node:fs");
const folder = readdirSync(out)[0];
const summary = readFileSync(path.join(out, folder, "summary.csv"));
const digest = createHash("sha256").update(summary).digest("hex");
check(digest === result.summary_sha256, "caseload run on the saved plan does not repeat the page's summary");

const [report] = await Promise.all([page.waitForEvent("download"), page.click("#save-report")]);
const reportPath = path.join(work, "report.html");
await report.saveAs(reportPath);
check(readFileSync(reportPath, "utf8").includes("<svg"), "the saved report has no chart");

// A scenario with teams (named on serve's command line): the amount levers
// wait for a team to be chosen, then move that team's own.
await page.fill("#council", "");
await page.selectOption("#file", "0");
await page.click("#start-button");
await page.waitForSelector("#c-team", { timeout: 30000 });
check(await page.isDisabled("#c-asye_intake_per_year"), "with teams and no team chosen, the ASYE intake is offered");
check(!(await page.$("#control-asye_intake_per_year .was")), "a lever not offered says a starting value the council does not have");
await page.selectOption("#c-team", "front_door");
await page.waitForFunction(() => !document.getElementById("c-asye_intake_per_year").disabled, null, { timeout: 30000 });
await settled();
const starts = await page.$$eval("#tried-rows tr", (r) => r.filter((x) => x.textContent.includes("None: the starting position")).length);
check(starts === 1, `choosing a team lists the starting position ${starts} times among the plans tried`);
const teamHeadline = await page.textContent("#headline");
await page.focus("#c-asye_intake_per_year");
await page.keyboard.press("ArrowRight");
await page.waitForFunction((h) => document.getElementById("headline").textContent !== h, teamHeadline, { timeout: 30000 });
check((await page.evaluate(() => window.workshop.team)) === "front_door", "the team chosen is not the page's");

// Back to the council's levers: a retention payment for team managers only.
await page.selectOption("#c-team", "");
await page.waitForFunction(() => document.getElementById("c-asye_intake_per_year").disabled, null, { timeout: 30000 });
await settled();
const whomOptions = await page.$$eval("#c-retention-whom option", (o) => o.map((x) => x.textContent));
check(whomOptions.includes("Team managers"), `the retention payment's "For whom" offers: ${whomOptions.join(", ")}`);
await page.selectOption("#c-retention-whom", "team_manager");
await settled();
const beforePayment = await page.textContent("#line");
await page.$eval("#c-retention", (input) => {
  input.value = "3000";
  input.dispatchEvent(new Event("input", { bubbles: true }));
});
await settled();
const managersLine = await page.textContent("#line");
check(managersLine !== beforePayment, `a retention payment for team managers did not change the headline: ${managersLine}`);
const managers = await page.evaluate(() => window.workshop.result);
check(managers.toml.includes('roles = ["team_manager"]'), "the plan does not limit the retention payment to team managers");
check(managers.changes.some((c) => c.includes("for team managers")), `the plan's changes read: ${managers.changes.join("; ")}`);

check(elsewhere.length === 0, `the page asked for addresses beyond the server: ${elsewhere.join(", ")}`);
check(errors.length === 0, `the page reported errors: ${errors.join("; ")}`);
await browser.close();
console.log(`serve-check: Chromium picked Bury, moved the ASYE slider, saw the headline and chart change, saved a plan that caseload check accepts and caseload run repeats exactly (summary ${digest.slice(0, 12)}), and saved its report; with Bury's 2018 teams, chose the front door team and moved its own ASYE intake, then set a retention payment for team managers only and saw the headline change (${managersLine}); nothing was asked of any other address.`);
