//! The workshop page's HTTP API: the compiled-in page, the list of
//! starting points, and a plan simulated and rendered, with every limit
//! the server keeps.
//!
//! `POST /api/start` and `POST /api/plan` take the same JSON
//! ([`PlanRequest`]); `start` also says the page's controls. The answer is
//! JSON: the headline words, the numbers, the SVG charts, the drivers, the
//! plan against the starting position on common random numbers, and the
//! plan as a scenario file. A problem is 4xx JSON `{error, problems}`, each
//! problem with the control it belongs to.

use super::plan::{self, Applied, Control, Plan, Start};
use crate::analysis::compare::Difference;
use crate::analysis::drivers;
use crate::analysis::headline::RunHeadline;
use crate::error::Error;
use crate::la;
use crate::model::RunTotals;
use crate::output::charts::{self, Chart};
use crate::output::headline;
use crate::output::report::{self, ChartSvg};
use crate::output::{drivers as output_drivers, slug, tables, workshop};
use crate::runner;
use crate::scenario::{Problem, ScenarioError};
use crate::stats::Summary;
use axum::body::Bytes;
use axum::extract::State as Shared;
use axum::extract::rejection::BytesRejection;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{Notify, Semaphore};

/// The page, its script and its style, compiled in.
const PAGE: &str = include_str!("assets/page.html");
const SCRIPT: &str = include_str!("assets/page.js");
const STYLE: &str = include_str!("assets/page.css");

/// Runs when a request does not say.
pub const DEFAULT_RUNS: u32 = 1000;
/// The most runs one request may ask for.
pub const MAX_RUNS: u32 = 2000;
/// The seed of every run of the page (the saved file repeats it).
pub const SEED: u64 = 1;
/// Simulations at once: one, using every core through the runner's pool.
const SIMULATIONS: usize = 1;
/// Requests waiting for a simulation beyond which the server says it is busy.
const MAX_WAITING: usize = 16;
/// How long a request waits for its turn before the server says it is busy.
const MAX_WAIT: Duration = Duration::from_secs(20);
/// Pages remembered for supersession; the one unheard from longest goes.
const MAX_SESSIONS: usize = 256;
/// Starting positions' results kept.
const MAX_BASELINES: usize = 8;
/// The longest session id, and of a council's name as typed.
const MAX_ID: usize = 64;
const MAX_NAME: usize = 200;

/// What every handler shares.
pub struct State {
    figures: la::Figures,
    files: Vec<Arc<Start>>,
    pool: Arc<runner::Pool>,
    simulations: Arc<Semaphore>,
    waiting: AtomicUsize,
    sessions: Mutex<Sessions>,
    baselines: Mutex<Vec<Arc<Baseline>>>,
    pub loopback: bool,
}

impl State {
    pub fn new(figures: la::Figures, files: Vec<Arc<Start>>, pool: runner::Pool, address: SocketAddr) -> State {
        State {
            figures,
            files,
            pool: Arc::new(pool),
            simulations: Arc::new(Semaphore::new(SIMULATIONS)),
            waiting: AtomicUsize::new(0),
            sessions: Mutex::new(Sessions::default()),
            baselines: Mutex::new(Vec::new()),
            loopback: super::is_loopback(&address),
        }
    }
}

/// The newest sequence number each page has sent, and how to wake its
/// older requests still waiting.
#[derive(Default)]
struct Sessions {
    clock: u64,
    pages: BTreeMap<String, Page>,
}

struct Page {
    latest: u64,
    touched: u64,
    newer: Arc<Notify>,
}

impl Sessions {
    /// Records `seq` for `session`: false when a newer one is known.
    fn record(&mut self, session: &str, seq: u64) -> (bool, Arc<Notify>) {
        self.clock += 1;
        let clock = self.clock;
        if !self.pages.contains_key(session) && self.pages.len() >= MAX_SESSIONS {
            let oldest = self.pages.iter().min_by_key(|(_, p)| p.touched).map(|(k, _)| k.clone());
            if let Some(k) = oldest {
                self.pages.remove(&k);
            }
        }
        let page = self.pages.entry(session.to_string()).or_insert_with(|| Page {
            latest: seq,
            touched: clock,
            newer: Arc::new(Notify::new()),
        });
        page.touched = clock;
        if seq < page.latest {
            return (false, page.newer.clone());
        }
        if seq > page.latest {
            page.latest = seq;
            page.newer.notify_waiters();
        }
        (true, page.newer.clone())
    }

    fn superseded(&self, session: &str, seq: u64) -> bool {
        self.pages.get(session).is_some_and(|p| p.latest > seq)
    }
}

/// A starting position simulated: what every plan from it is compared
/// with, on the same runs and seed.
struct Baseline {
    key: StartKey,
    runs: u32,
    start: Arc<Start>,
    summary: Summary,
    totals: Vec<RunTotals>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum StartKey {
    Council(String),
    File(usize),
}

/// Where a plan starts, as the page names it: a council by name, or a
/// scenario file of the command line by its place in the list.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum StartRef {
    Council(String),
    File(usize),
}

/// A request to simulate a plan.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanRequest {
    /// The page's own id: a newer `seq` of the same page supersedes older
    /// requests still waiting.
    #[serde(default)]
    pub session: Option<String>,
    #[serde(default)]
    pub seq: Option<u64>,
    pub start: StartRef,
    #[serde(default)]
    pub runs: Option<u32>,
    #[serde(default)]
    pub plan: Plan,
}

/// An answer that is not a result.
pub struct Refusal {
    status: StatusCode,
    body: Value,
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        json_response(self.status, &self.body)
    }
}

/// A refusal with one message.
pub fn error(status: StatusCode, message: &str) -> Refusal {
    Refusal {
        status,
        body: json!({ "error": message, "problems": [] }),
    }
}

/// A scenario's problems, each with the control it belongs to: 422.
fn problems(e: &ScenarioError) -> Refusal {
    let list: Vec<Value> = e.problems.iter().map(problem_json).collect();
    let error = e.problems.iter().map(Problem::to_string).collect::<Vec<_>>().join("\n");
    Refusal {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        body: json!({ "error": error, "problems": list }),
    }
}

fn problem_json(p: &Problem) -> Value {
    json!({
        "control": if p.location == "team" {
            Some("team")
        } else {
            Control::of_location(&p.location).map(Control::id)
        },
        "file": p.file,
        "location": p.location,
        "message": p.message,
        "text": p.to_string(),
    })
}

/// The program's error as an answer: bad input 422 (the start's control),
/// a fault of the program 500.
fn refusal(e: &Error) -> Refusal {
    match e {
        Error::Scenario(s) => problems(s),
        Error::Usage(message) => Refusal {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            body: json!({
                "error": message,
                "problems": [{ "control": "start", "file": "", "location": "start", "message": message, "text": message }],
            }),
        },
        other => error(StatusCode::INTERNAL_SERVER_ERROR, &other.to_string()),
    }
}

fn json_response(status: StatusCode, body: &Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body.to_string(),
    )
        .into_response()
}

/// Whether a Host header names this computer: 127.0.0.1, localhost or
/// [::1], with any port.
pub fn is_local_host(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        host.split(':').next().unwrap_or("")
    };
    matches!(name.to_ascii_lowercase().as_str(), "127.0.0.1" | "localhost" | "::1")
}

pub async fn page() -> Response {
    asset("text/html; charset=utf-8", PAGE)
}

pub async fn script() -> Response {
    asset("text/javascript; charset=utf-8", SCRIPT)
}

pub async fn style() -> Response {
    asset("text/css; charset=utf-8", STYLE)
}

fn asset(kind: &'static str, body: &'static str) -> Response {
    (StatusCode::OK, [(header::CONTENT_TYPE, kind)], body).into_response()
}

pub async fn not_found() -> Refusal {
    error(StatusCode::NOT_FOUND, "no such page: the workshop page is at /")
}

/// The councils with published figures and the files of the command line.
pub async fn starts(Shared(state): Shared<Arc<State>>) -> Response {
    let councils: Vec<Value> = state
        .figures
        .councils
        .iter()
        .map(|c| json!({ "name": c.name, "region": c.region }))
        .collect();
    let files: Vec<Value> = state
        .files
        .iter()
        .enumerate()
        .map(|(i, f)| json!({ "index": i, "name": f.loaded.scenario.name, "file": f.label }))
        .collect();
    json_response(
        StatusCode::OK,
        &json!({ "councils": councils, "files": files, "runs": DEFAULT_RUNS, "max_runs": MAX_RUNS, "seed": SEED }),
    )
}

/// The starting position: its controls and its result.
pub async fn start(Shared(state): Shared<Arc<State>>, body: Result<Bytes, BytesRejection>) -> Response {
    let body = match read(body) {
        Ok(b) => b,
        Err(r) => return r.into_response(),
    };
    match simulate(&state, &body, Purpose::Start).await {
        Ok(v) => json_response(StatusCode::OK, &v),
        Err(r) => r.into_response(),
    }
}

/// A plan against the starting position.
pub async fn plan(Shared(state): Shared<Arc<State>>, body: Result<Bytes, BytesRejection>) -> Response {
    let body = match read(body) {
        Ok(b) => b,
        Err(r) => return r.into_response(),
    };
    match simulate(&state, &body, Purpose::Plan).await {
        Ok(v) => json_response(StatusCode::OK, &v),
        Err(r) => r.into_response(),
    }
}

/// The plan's report.html, as a download.
pub async fn report(Shared(state): Shared<Arc<State>>, body: Result<Bytes, BytesRejection>) -> Response {
    let body = match read(body) {
        Ok(b) => b,
        Err(r) => return r.into_response(),
    };
    match simulate(&state, &body, Purpose::Report).await {
        Ok(Value::String(html)) => {
            let name = "workshop-plan-report.html";
            (
                StatusCode::OK,
                [
                    (header::CONTENT_TYPE, "text/html; charset=utf-8".to_string()),
                    (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
                ],
                html,
            )
                .into_response()
        }
        Ok(_) => error(StatusCode::INTERNAL_SERVER_ERROR, "the report was not made").into_response(),
        Err(r) => r.into_response(),
    }
}

/// The request's body, or why it could not be read, as JSON like every
/// other refusal (a body over [`super::MAX_BODY_BYTES`] is 413).
fn read(body: Result<Bytes, BytesRejection>) -> Result<Bytes, Refusal> {
    body.map_err(|rejection| {
        let status = rejection.status();
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            error(
                status,
                &format!(
                    "the request is larger than the {} KiB the server reads (the page's plans are far smaller)",
                    super::MAX_BODY_BYTES / 1024
                ),
            )
        } else {
            error(
                status,
                &format!("the request could not be read: {}", rejection.body_text()),
            )
        }
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Purpose {
    Start,
    Plan,
    Report,
}

/// Reads the request, applies the plan, waits its turn, simulates and
/// renders.
async fn simulate(state: &Arc<State>, body: &[u8], purpose: Purpose) -> Result<Value, Refusal> {
    let request: PlanRequest = serde_json::from_slice(body)
        .map_err(|e| error(StatusCode::BAD_REQUEST, &format!("the request is not a plan: {e}")))?;
    let runs = request.runs.unwrap_or(DEFAULT_RUNS);
    if !(1..=MAX_RUNS).contains(&runs) {
        return Err(unprocessable(&format!("runs = {runs}: the page runs 1 to {MAX_RUNS}")));
    }
    let session = match (&request.session, request.seq) {
        (Some(id), Some(seq)) if purpose != Purpose::Report => {
            if id.is_empty()
                || id.len() > MAX_ID
                || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                return Err(unprocessable(&format!(
                    "session: at most {MAX_ID} letters, digits, - or _"
                )));
            }
            Some((id.clone(), seq))
        }
        _ => None,
    };
    let newer = match &session {
        Some((id, seq)) => {
            let (current, newer) = lock(&state.sessions).record(id, *seq);
            if !current {
                return Err(superseded());
            }
            Some(newer)
        }
        None => None,
    };
    let (key, start) = starting_point(state, &request.start)?;
    let applied = request.plan.apply(&start).map_err(|e| problems(&e))?;
    let changed = request.plan.changes_anything();
    let team = request.plan.team.clone();

    // The queue: bounded in length and in time; a newer request of the
    // same page wakes the older ones, which then stand down.
    let place = Waiting::join(&state.waiting).ok_or_else(busy)?;
    let permit = wait_turn(state, session.as_ref(), newer).await?;
    drop(place);

    let shared = state.clone();
    let job = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let began = Instant::now();
        let baseline = baseline(&shared, key, start, runs);
        let based = began.elapsed();
        let outcome = Outcome::of(&shared, &baseline, &applied, runs)?;
        let simulated = began.elapsed();
        match purpose {
            Purpose::Report => outcome.report(&applied).map(Value::String),
            Purpose::Start | Purpose::Plan => {
                let mut v = outcome.json(&baseline, &applied, changed, &shared.pool)?;
                if purpose == Purpose::Start {
                    v["controls"] = controls(&baseline.start, team.as_deref());
                }
                let ms = |d: Duration| d.as_secs_f64() * 1000.0;
                v["timings_ms"] = json!({
                    "start": ms(based),
                    "simulate": ms(outcome.simulated),
                    "analyse": ms(simulated - based - outcome.simulated),
                    "render": ms(began.elapsed() - simulated),
                    "total": ms(began.elapsed()),
                });
                Ok(v)
            }
        }
    });
    let mut value = job
        .await
        .map_err(|e| {
            error(
                StatusCode::INTERNAL_SERVER_ERROR,
                &format!("the simulation stopped: {e}"),
            )
        })?
        .map_err(|e| refusal(&e))?;
    if let (Some((_, seq)), Value::Object(map)) = (&session, &mut value) {
        map.insert("seq".into(), json!(seq));
    }
    Ok(value)
}

/// A place in the queue, given up when dropped (also when the client goes
/// away while it waits).
struct Waiting<'a>(&'a AtomicUsize);

impl<'a> Waiting<'a> {
    /// A place, unless [`MAX_WAITING`] requests are already waiting.
    fn join(count: &'a AtomicUsize) -> Option<Waiting<'a>> {
        let place = Waiting(count);
        (count.fetch_add(1, Ordering::SeqCst) < MAX_WAITING).then_some(place)
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Waits for a simulation's turn, standing down when a newer request of
/// the same page arrives or the wait is too long.
async fn wait_turn(
    state: &Arc<State>,
    session: Option<&(String, u64)>,
    newer: Option<Arc<Notify>>,
) -> Result<tokio::sync::OwnedSemaphorePermit, Refusal> {
    let is_superseded = || session.is_some_and(|(id, seq)| lock(&state.sessions).superseded(id, *seq));
    let deadline = tokio::time::sleep(MAX_WAIT);
    tokio::pin!(deadline);
    loop {
        if is_superseded() {
            return Err(superseded());
        }
        let notified = async {
            match &newer {
                Some(n) => n.notified().await,
                None => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            permit = state.simulations.clone().acquire_owned() => {
                let permit = permit.map_err(|_| busy())?;
                if is_superseded() {
                    return Err(superseded());
                }
                return Ok(permit);
            }
            () = notified => {}
            () = &mut deadline => return Err(busy()),
        }
    }
}

fn superseded() -> Refusal {
    Refusal {
        status: StatusCode::CONFLICT,
        body: json!({ "error": "superseded by a newer change on the same page", "status": "superseded", "problems": [] }),
    }
}

fn busy() -> Refusal {
    Refusal {
        status: StatusCode::SERVICE_UNAVAILABLE,
        body: json!({ "error": "the server is busy with other plans: try again in a moment", "status": "busy", "problems": [] }),
    }
}

fn unprocessable(message: &str) -> Refusal {
    error(StatusCode::UNPROCESSABLE_ENTITY, message)
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The start a request names, from the cache or made anew.
fn starting_point(state: &State, start: &StartRef) -> Result<(StartKey, Arc<Start>), Refusal> {
    match start {
        StartRef::File(i) => state
            .files
            .get(*i)
            .map(|s| (StartKey::File(*i), s.clone()))
            .ok_or_else(|| {
                let message = if state.files.is_empty() {
                    "no scenario files were named when the server was started: pick a council".to_string()
                } else {
                    format!(
                        "file {i}: the server was started with {} scenario file(s), numbered from 0",
                        state.files.len()
                    )
                };
                start_problem(&message)
            }),
        StartRef::Council(name) => {
            if name.chars().count() > MAX_NAME {
                return Err(start_problem(&format!(
                    "a council's name is at most {MAX_NAME} characters"
                )));
            }
            let found = state.figures.find_for_page(name).map_err(|e| refusal(&e))?;
            let key = StartKey::Council(found.council.name.clone());
            if let Some(b) = lock(&state.baselines).iter().find(|b| b.key == key) {
                return Ok((key, b.start.clone()));
            }
            let start = Start::council(&state.figures, &found.council.name).map_err(|e| refusal(&e))?;
            Ok((key, Arc::new(start)))
        }
    }
}

fn start_problem(message: &str) -> Refusal {
    refusal(&Error::Usage(message.to_string()))
}

/// The starting position's runs, simulated once per start and number of
/// runs (the oldest forgotten beyond [`MAX_BASELINES`]).
fn baseline(state: &State, key: StartKey, start: Arc<Start>, runs: u32) -> Arc<Baseline> {
    {
        let mut cache = lock(&state.baselines);
        if let Some(i) = cache.iter().position(|b| b.key == key && b.runs == runs) {
            let b = cache.remove(i);
            cache.push(b.clone());
            return b;
        }
    }
    let mut results = runner::summarise(&[&start.loaded.scenario], SEED, runs, &state.pool, &|| {});
    let b = Arc::new(Baseline {
        key,
        runs,
        start,
        summary: results.summaries.pop().unwrap_or_else(|| Summary::empty(Vec::new(), 0)),
        totals: results.totals.pop().unwrap_or_default(),
    });
    let mut cache = lock(&state.baselines);
    cache.push(b.clone());
    if cache.len() > MAX_BASELINES {
        cache.remove(0);
    }
    b
}

/// A plan simulated: its summary, its runs' totals, its headline figures
/// and its difference from the start.
struct Outcome {
    summary: Summary,
    totals: Vec<RunTotals>,
    own: RunHeadline,
    difference: Difference,
    shares: Vec<drivers::Drivers>,
    /// How long the runs took (the rest is analysis).
    simulated: Duration,
}

impl Outcome {
    fn of(state: &State, baseline: &Baseline, applied: &Applied, runs: u32) -> crate::error::Result<Outcome> {
        let s = &applied.loaded.scenario;
        let began = Instant::now();
        let mut results = runner::summarise(&[s], SEED, runs, &state.pool, &|| {});
        let simulated = began.elapsed();
        let summary = results
            .summaries
            .pop()
            .ok_or_else(|| Error::Internal("serve: no summary".into()))?;
        let totals = results
            .totals
            .pop()
            .ok_or_else(|| Error::Internal("serve: no totals".into()))?;
        let own = RunHeadline::of(s, &summary, &totals)?;
        let difference = Difference::of(&totals, &baseline.totals);
        let shares = drivers::of_runs(s, SEED, &totals);
        Ok(Outcome {
            summary,
            totals,
            own,
            difference,
            shares,
            simulated,
        })
    }

    /// The charts: the caseload's fan, the chance of meeting the target by
    /// month, the workforce, the spend and the drivers.
    /// With `start`, the caseload chart also shows the starting position's
    /// median.
    fn charts(&self, applied: &Applied, start: Option<&Summary>) -> crate::error::Result<Vec<Chart>> {
        let s = &applied.loaded.scenario;
        let mut list = charts::run_charts(s, &self.summary, SEED)?;
        if let (Some(start), Some(caseload)) = (start, list.first_mut()) {
            charts::add_caseload_median(caseload, "Starting position (median)", start)?;
        }
        list.extend(charts::drivers_chart(s, &self.shares, self.summary.runs, SEED));
        Ok(list)
    }

    fn json(
        &self,
        baseline: &Baseline,
        applied: &Applied,
        changed: bool,
        pool: &runner::Pool,
    ) -> crate::error::Result<Value> {
        let s = &applied.loaded.scenario;
        let list = self.charts(applied, changed.then_some(&baseline.summary))?;
        let drawn = runner::map_in_parallel(pool, &list, |c| {
            c.svg().map(|svg| (c.name.clone(), c.title.clone(), svg))
        });
        let mut svgs = Vec::new();
        for d in drawn {
            let (name, title, svg) = d?;
            // How to read it, as the report says; the page's caseload chart
            // also has the starting position's median.
            let mut caption = report::caption(&name).to_string();
            if changed && name == "caseload" {
                caption.push_str(" The grey dashed line is the starting position's median.");
            }
            svgs.push(json!({
                "name": name,
                "title": title,
                "caption": caption,
                "svg": charts::inline_svg(&svg, &format!("chart-{name}"), &title),
            }));
        }
        let rows = headline::run_headlines(&self.own);
        let summary_csv =
            tables::summary_csv(&[(&s.name, s.start, &self.summary)]).map_err(|e| Error::render("summary.csv", e))?;
        let d = &self.difference;
        let caseload_sentence = self
            .shares
            .iter()
            .find(|x| x.outcome == drivers::Outcome::CaseloadEnd)
            .map(|x| output_drivers::sentence(s, x, false));
        let reach = |m: Option<crate::model::params::YearMonth>| m.map(|m| m.to_string());
        Ok(json!({
            "status": "done",
            "name": s.name,
            "start_name": baseline.start.loaded.scenario.name,
            "changed": changed,
            "line": workshop::plan_line(s, &self.own, d, changed),
            "headline": report::headline_sentences(s, &rows),
            "headline_note": report::HEADLINE_NOTE,
            "difference": if changed { workshop::difference_sentences(d) } else { Vec::new() },
            "drivers": caseload_sentence,
            // The chance of meeting the target in words, as the report says
            // it (never 100% short of every run), for the table of plans.
            "chance_words": headline::chance_words(self.own.prob_at_or_below_high_end),
            "changes": applied.changes,
            "numbers": {
                "end_month": self.own.end_month.to_string(),
                "caseload_end_median": finite(self.own.caseload_end.p50()),
                "caseload_end_p05": finite(self.own.caseload_end.p05()),
                "caseload_end_p95": finite(self.own.caseload_end.p95()),
                "prob_at_or_below_high_end": self.own.prob_at_or_below_high_end,
                "median_first_reaches_high": reach(self.own.median_first_reaches_high),
                "permanent_fte_end_median": self.own.permanent_fte_end_median,
                "agency_fte_end_median": self.own.agency_fte_end_median,
                "spend_total_mean": self.own.spend_total_mean,
                "caseload_change_median": finite(d.end_caseload.p50()),
                "spend_change_mean": d.total_spend.mean,
                "lower_share": d.lower_share,
            },
            "charts": svgs,
            "toml": applied.text,
            "file_name": format!("{}.toml", slug(&s.name)),
            "summary_sha256": report::sha256_hex(&summary_csv),
            "runs": self.totals.len(),
            "seed": SEED,
        }))
    }

    /// report.html of the plan, as `caseload run` writes it.
    fn report(&self, applied: &Applied) -> crate::error::Result<String> {
        let s = &applied.loaded.scenario;
        let rows = headline::run_headlines(&self.own);
        let mut svgs = Vec::new();
        for c in self.charts(applied, None)? {
            let svg = c.svg()?;
            svgs.push(ChartSvg { name: c.name, svg });
        }
        let name = format!("{}.toml", slug(&s.name));
        let shown = report::Shown {
            loaded: &applied.loaded,
            resolved_name: &name,
            resolved: applied.text.as_bytes(),
        };
        let settings = report::Settings {
            runs: self.totals.len() as u32,
            seed: SEED,
            sets: &[],
        };
        Ok(report::run_report(
            shown,
            &rows,
            &self.summary,
            &svgs,
            settings,
            &self.shares,
        ))
    }
}

/// JSON has no infinity: an infinite caseload (no one in post holds cases)
/// is `null`.
fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

/// The page's controls for a start: each with its words (from the one
/// declaration of parameters and levers), its starting value and range.
fn controls(start: &Start, team: Option<&str>) -> Value {
    let s = &start.loaded.scenario;
    let centre = |path: &str| plan::value_at(start, path).and_then(plan::centre);
    let has = |section: &str| start.loaded.source.table.contains_key(section);
    // A team's own values are under its social workers' sections.
    let own = |path: &str| match team {
        Some(t) => format!("{}.{path}", plan::team_path(t)),
        None => path.to_string(),
    };
    // With teams, posts, people, hires and agency are each team's own
    // (docs/model.md §15): the page's levers, which write the council's
    // sections, move only what is council-wide (§14).
    // Without a team chosen, a scenario with teams offers only its
    // council-wide levers.
    let by_team = has("teams") && team.is_none();
    let own_words = "This scenario has teams: each team has its own. Choose a team above to move its levers.";
    let agency_words = if by_team {
        own_words
    } else {
        "The starting position has no agency staff."
    };
    let round_up = |x: f64, to: f64| ((x / to).ceil() * to).max(to);
    let asye = centre(&own("asye.intake_per_year")).unwrap_or(0.0);
    let hires = centre(&own("recruitment.applicants_per_month")).unwrap_or(0.0);
    let growth = centre("demand.annual_growth").unwrap_or(0.0);
    let establishment = centre(&own("workforce.establishment_fte")).unwrap_or(0.0);
    let agency = centre(&own("agency.fte")).unwrap_or(0.0);
    let cap = centre(&own("agency.max_fte"));
    let has_agency = team.is_some() || has("agency");
    let payment = |name: &str, effect: &str| -> Value {
        let amount = centre(&format!("payments.{name}.amount"));
        let range = plan::value_at(start, &format!("payments.{name}.{effect}")).map(multiplier_range);
        let roles = plan::value_at(start, &format!("payments.{name}.roles"));
        json!({ "amount": amount, "multiplier": range, "roles": roles })
    };
    // With roles, a payment may be for some of them (docs/model.md §15).
    let roles: Vec<Value> = plan::roles(start)
        .iter()
        .map(|r| json!({ "name": r, "words": plan::role_words(r) }))
        .collect();
    let payment_note = |name: &str, terms: &str| {
        let how = if centre(&format!("payments.{name}.amount")).is_some() {
            "The starting position's terms stay"
        } else {
            terms
        };
        format!("{how}; its effect is an assumption, anywhere in the range.")
    };
    let months: Vec<String> = plan::months(s).iter().map(ToString::to_string).collect();
    let half_way = months.get(months.len() / 6).cloned().unwrap_or_default();
    let label = |c: Control| c.label(s);
    json!({
        "teams": plan::teams(start),
        "team": team,
        "roles": roles,
        "months": months,
        "target": { "low": s.target.low, "high": s.target.high },
        "list": [
            { "id": Control::AsyeIntake.id(), "label": label(Control::AsyeIntake), "kind": "number",
              "value": asye, "min": 0, "max": round_up(asye * 3.0, 10.0).max(40.0), "step": 1, "unit": "a year",
              "note": "A decision: the plan takes exactly this many each September.",
              "enabled": !by_team, "disabled_why": own_words },
            { "id": Control::ExperiencedHires.id(), "label": label(Control::ExperiencedHires), "kind": "number",
              "value": hires, "min": 0, "max": round_up(hires * 4.0, 1.0).max(6.0), "step": 0.1, "unit": "a month",
              "note": "Not in the council's gift: the plan moves the centre of the starting position's range.",
              "enabled": !by_team, "disabled_why": own_words },
            { "id": Control::FundedPosts.id(), "label": label(Control::FundedPosts), "kind": "dated",
              "value": 0, "min": -round_up(establishment / 2.0, 10.0), "max": round_up(establishment / 2.0, 10.0), "step": 1,
              "unit": "FTE", "from": half_way, "now": establishment,
              "note": format!("Funded posts now: {} FTE.", crate::text::number(establishment)),
              "enabled": !by_team, "disabled_why": own_words },
            { "id": Control::AgencyCap.id(), "label": label(Control::AgencyCap), "kind": "cap",
              "value": cap, "min": 0, "max": round_up(agency.max(cap.unwrap_or(0.0)) * 1.5, 10.0), "step": 1, "unit": "FTE",
              "now": agency, "enabled": has_agency && !by_team, "disabled_why": agency_words },
            { "id": Control::ManagedTeam.id(), "label": label(Control::ManagedTeam), "kind": "team",
              "value": 0, "min": 0, "max": 40, "step": 1, "unit": "FTE",
              "from": months.first(), "to": months.get(5).or(months.last()),
              "enabled": has_agency && !by_team, "disabled_why": agency_words,
              "note": "Agency staff beyond those covering vacancies, for the months chosen." },
            { "id": Control::Retention.id(), "label": label(Control::Retention), "kind": "payment",
              "effect": "leaving", "effect_label": Control::Retention.effect_label(s), "min": 0, "max": 10000, "step": 250, "unit": "£ a worker a year",
              "start": payment("retention", "leaving_multiplier"),
              "note": payment_note("retention", "Paid each year from the first month to staff with a year's service") },
            { "id": Control::RecruitmentBonus.id(), "label": label(Control::RecruitmentBonus), "kind": "payment",
              "effect": "applicants", "effect_label": Control::RecruitmentBonus.effect_label(s), "min": 0, "max": 10000, "step": 250, "unit": "£ a hire",
              "start": payment("recruitment_bonus", "applicant_multiplier"),
              "note": payment_note("recruitment_bonus", "Paid to each experienced hire from the first month") },
            { "id": Control::DemandGrowth.id(), "label": label(Control::DemandGrowth), "kind": "percent",
              "value": growth, "min": -0.1, "max": 0.15, "step": 0.005, "unit": "a year",
              "note": "An assumption: the plan moves the centre of the starting position's range." },
        ],
    })
}

/// A multiplier's range as the page shows it: its low and high ends.
fn multiplier_range(v: &toml::Value) -> Option<[f64; 2]> {
    if let Some(x) = v.as_float().or_else(|| v.as_integer().map(|i| i as f64)) {
        return Some([x, x]);
    }
    let (kind, values) = v.as_table()?.iter().next()?;
    let values: Vec<f64> = values
        .as_array()?
        .iter()
        .filter_map(|x| x.as_float().or_else(|| x.as_integer().map(|i| i as f64)))
        .collect();
    match (kind.as_str(), values.as_slice()) {
        ("uniform", [a, b]) | ("triangular", [a, _, b]) => Some([*a, *b]),
        _ => plan::centre(v).map(|c| [c, c]),
    }
}
