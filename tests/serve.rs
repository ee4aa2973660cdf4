//! `caseload serve` through its HTTP API, on loopback only: the starting
//! points, a plan against the start, a saved plan that `caseload run`
//! repeats to the byte, every kind of bad or hostile request answered 4xx
//! with a message, supersession, a burst of hundreds of concurrent
//! requests (bounded in count and time), and the binary's own address
//! line, usage errors and graceful stop.
//!
//! The client here writes HTTP/1.1 by hand on purpose: it must be able to
//! send what no well-behaved client would.

use assert_cmd::Command;
use caseload::scenario;
use caseload::serve::{self, Config, Running};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

/// A server on a free loopback port, starting from Bury's 2022 position
/// with a retention payment (a file that `extends` another) as file 0.
fn server() -> Running {
    server_of("bury-2022-retention.toml")
}

/// A server on a free loopback port with the shipped scenario `name` as
/// file 0.
fn server_of(name: &str) -> Running {
    let file = crate::common::scenario(name);
    let loaded = scenario::load(&file, &[]).unwrap();
    serve::spawn(Config {
        address: "127.0.0.1:0".parse().unwrap(),
        files: vec![loaded],
    })
    .unwrap()
}

/// An answer: its status and body.
struct Answer {
    status: u16,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

/// Sends raw bytes and reads the whole answer (the connection closes).
fn raw(address: SocketAddr, request: &[u8]) -> std::io::Result<Answer> {
    let mut stream = TcpStream::connect(address)?;
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    stream.write_all(request)?;
    let mut reader = BufReader::new(stream);
    let mut status_line = String::new();
    reader.read_line(&mut status_line)?;
    let status: u16 = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut chunked = false;
    let mut length: Option<usize> = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" {
            break;
        }
        let lower = line.to_ascii_lowercase();
        if lower.starts_with("transfer-encoding:") && lower.contains("chunked") {
            chunked = true;
        }
        if let Some(v) = lower.strip_prefix("content-length:") {
            length = v.trim().parse().ok();
        }
    }
    let mut body = Vec::new();
    if chunked {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size)?;
            let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
            if n == 0 {
                break;
            }
            let mut chunk = vec![0; n + 2];
            reader.read_exact(&mut chunk)?;
            body.extend_from_slice(&chunk[..n]);
        }
    } else if let Some(n) = length {
        body.resize(n, 0);
        reader.read_exact(&mut body)?;
    } else {
        reader.read_to_end(&mut body)?;
    }
    Ok(Answer {
        status,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

fn request(address: SocketAddr, method: &str, path: &str, body: &[u8]) -> std::io::Result<Answer> {
    let mut bytes = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    bytes.extend_from_slice(body);
    raw(address, &bytes)
}

fn get(address: SocketAddr, path: &str) -> Answer {
    request(address, "GET", path, b"").unwrap()
}

fn post(address: SocketAddr, path: &str, body: &Value) -> Answer {
    request(address, "POST", path, body.to_string().as_bytes()).unwrap()
}

/// Writes a saved plan to a file and asserts that `caseload check` accepts it.
fn passes_check(text: &str) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.toml");
    std::fs::write(&path, text).unwrap();
    Command::cargo_bin("caseload")
        .unwrap()
        .arg("check")
        .arg(&path)
        .assert()
        .success();
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn the_page_and_its_assets_are_served_from_the_binary_and_name_no_other_address() {
    let s = server();
    let page = get(s.address, "/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<script src=\"/page.js\""), "{}", page.body);
    for path in ["/page.js", "/page.css"] {
        let a = get(s.address, path);
        assert_eq!(a.status, 200, "{path}");
        assert!(
            !a.body.contains("http://") && !a.body.contains("https://"),
            "{path} names an address"
        );
    }
    assert!(!page.body.contains("http://") && !page.body.contains("https://"));
}

#[test]
fn the_starting_points_are_every_council_and_the_files_named_by_number() {
    let s = server();
    let a = get(s.address, "/api/starts");
    assert_eq!(a.status, 200);
    let v = a.json();
    let councils = v["councils"].as_array().unwrap();
    assert!(councils.len() > 100);
    assert!(councils.iter().any(|c| c["name"] == "Bury"));
    assert_eq!(v["files"].as_array().unwrap().len(), 1);
    assert_eq!(v["files"][0]["index"], 0);
}

#[test]
fn a_plan_is_compared_with_its_start_on_the_same_random_numbers() {
    let s = server();
    let start = post(
        s.address,
        "/api/start",
        &json!({ "session": "t1", "seq": 1, "start": { "council": "bury" }, "runs": 200 }),
    );
    assert_eq!(start.status, 200, "{}", start.body);
    let v = start.json();
    assert_eq!(v["controls"]["list"].as_array().unwrap().len(), 8);
    assert!(
        v["line"]
            .as_str()
            .unwrap()
            .starts_with("The starting position: caseload")
    );
    assert_eq!(v["numbers"]["caseload_change_median"], 0.0);
    let charts: Vec<&str> = v["charts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(charts, ["caseload", "workforce", "target", "cost", "drivers"]);
    // Labels come from the one declaration of parameters.
    assert_eq!(
        v["controls"]["list"][0]["label"],
        "Newly qualified social workers (ASYEs) joining, a year"
    );

    let plan = post(
        s.address,
        "/api/plan",
        &json!({ "session": "t1", "seq": 2, "start": { "council": "Bury" }, "runs": 200,
                 "plan": { "asye_intake_per_year": 40 } }),
    );
    assert_eq!(plan.status, 200, "{}", plan.body);
    let p = plan.json();
    let line = p["line"].as_str().unwrap();
    assert!(line.starts_with("This plan: caseload"), "{line}");
    assert!(line.contains("lower than the starting position"), "{line}");
    assert!(p["numbers"]["caseload_change_median"].as_f64().unwrap() < 0.0);
    assert_eq!(p["changes"], json!(["40 ASYEs a year"]));
    // The caseload chart sets the starting position's median beside the plan's fan.
    assert_eq!(p["charts"][0]["name"], "caseload");
    assert!(
        p["charts"][0]["svg"]
            .as_str()
            .unwrap()
            .contains("Starting position (median)")
    );
    assert!(
        !v["charts"][0]["svg"]
            .as_str()
            .unwrap()
            .contains("Starting position (median)")
    );
    assert_eq!(p["seq"], 2);
}

#[test]
fn a_saved_plan_passes_check_and_run_repeats_the_pages_summary_exactly() {
    let s = server();
    let plan = json!({
        "asye_intake_per_year": 12,
        "experienced_hires_per_month": 2.5,
        "funded_posts": { "from": "2023-04", "change_fte": 8 },
        "agency_cap_fte": 40,
        "managed_team": { "fte": 6, "from": "2022-06", "to": "2022-12" },
        "retention": { "amount": 1500, "multiplier": [0.8, 0.95] },
        "recruitment_bonus": { "amount": 3000, "multiplier": [1.0, 1.3] },
        "demand_growth": 0.02
    });
    // From a file that `extends` another: the saved plan stands alone.
    let a = post(
        s.address,
        "/api/plan",
        &json!({ "start": { "file": 0 }, "runs": 1000, "plan": plan }),
    );
    assert_eq!(a.status, 200, "{}", a.body);
    let v = a.json();
    let text = v["toml"].as_str().unwrap();
    assert!(!text.lines().any(|l| l.trim_start().starts_with("extends")), "{text}");
    assert!(text.contains("# workshop plan; was"), "{text}");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(v["file_name"].as_str().unwrap());
    std::fs::write(&file, text).unwrap();
    Command::cargo_bin("caseload")
        .unwrap()
        .arg("check")
        .arg(&file)
        .assert()
        .success();
    let out = dir.path().join("out");
    Command::cargo_bin("caseload")
        .unwrap()
        .args(["run", "--runs", "1000", "--seed", "1", "--quiet", "--out"])
        .arg(&out)
        .arg(&file)
        .assert()
        .success();
    let folder = std::fs::read_dir(&out).unwrap().next().unwrap().unwrap().path();
    let summary = std::fs::read(folder.join("summary.csv")).unwrap();
    assert_eq!(sha256(&summary), v["summary_sha256"].as_str().unwrap());
    // The report of the same plan.
    let report = post(
        s.address,
        "/api/report",
        &json!({ "start": { "file": 0 }, "runs": 1000, "plan": plan }),
    );
    assert_eq!(report.status, 200);
    assert!(report.body.contains("<svg id=\"chart-caseload\""));
}

/// A request's status and the problems' controls.
fn refused(address: SocketAddr, path: &str, body: &[u8]) -> (u16, Value) {
    let a = request(address, "POST", path, body).unwrap();
    let v = serde_json::from_str(&a.body).unwrap_or(Value::Null);
    (a.status, v)
}

#[test]
fn bad_and_hostile_requests_get_a_4xx_with_a_message_and_the_server_keeps_answering() {
    let s = server();
    let at = s.address;
    let plan = |p: Value| json!({ "start": { "council": "Bury" }, "runs": 50, "plan": p }).to_string();

    // Too large a body.
    let huge = format!("{{\"start\":{{\"council\":\"{}\"}}}}", "x".repeat(100_000));
    assert_eq!(refused(at, "/api/plan", huge.as_bytes()).0, 413);
    // Not JSON, wrong types, unknown fields, numbers JSON cannot hold.
    for body in [
        "not json".to_string(),
        "{\"start\":{\"council\":\"Bury\"},\"plan\":{\"asye_intake_per_year\":\"ten\"}}".into(),
        "{\"start\":{\"council\":\"Bury\"},\"plan\":{\"asye_intake_per_year\":NaN}}".into(),
        "{\"start\":{\"council\":\"Bury\"},\"plan\":{\"asye_intake_per_year\":1e400}}".into(),
        "{\"start\":{\"council\":\"Bury\"},\"plan\":{\"run_this\":\"rm -rf /\"}}".into(),
        "{\"start\":{\"path\":\"/etc/passwd\"}}".into(),
        "{\"start\":{\"file\":\"../../etc/passwd\"}}".into(),
        "{\"start\":{\"file\":-1}}".into(),
        "[]".into(),
    ] {
        let (status, v) = refused(at, "/api/plan", body.as_bytes());
        assert_eq!(status, 400, "{body}: {v}");
        assert!(v["error"].as_str().is_some_and(|e| !e.is_empty()), "{body}");
    }
    // Values the scenario's rules or the page's bounds refuse, each beside its control.
    for (p, control, words) in [
        (
            json!({ "asye_intake_per_year": -5 }),
            "asye_intake_per_year",
            "takes 0 to",
        ),
        (
            json!({ "asye_intake_per_year": 1e300 }),
            "asye_intake_per_year",
            "takes 0 to",
        ),
        (
            json!({ "experienced_hires_per_month": 1e9 }),
            "experienced_hires_per_month",
            "takes 0 to",
        ),
        (
            json!({ "funded_posts": { "from": "2099-13", "change_fte": 5 } }),
            "funded_posts",
            "2099-13",
        ),
        (
            json!({ "funded_posts": { "from": "../../etc/passwd", "change_fte": 5 } }),
            "funded_posts",
            "etc/passwd",
        ),
        (
            json!({ "managed_team": { "fte": 5, "from": "2025-06", "to": "2025-01" } }),
            "managed_team",
            "before",
        ),
        (
            json!({ "retention": { "amount": 2000, "multiplier": [0.95, 0.8] } }),
            "retention",
            "",
        ),
        (json!({ "demand_growth": -3 }), "demand_growth", "takes"),
    ] {
        let (status, v) = refused(at, "/api/plan", plan(p.clone()).as_bytes());
        assert_eq!(status, 422, "{p}: {v}");
        let problems = v["problems"].as_array().unwrap();
        assert!(!problems.is_empty(), "{p}");
        assert!(problems.iter().all(|x| x["control"] == control), "{p}: {v}");
        assert!(v["error"].as_str().unwrap().contains(words), "{p}: {v}");
    }
    // An unknown council, forgivingly suggested; a file that is not there; too many runs.
    let (status, v) = refused(at, "/api/plan", br#"{"start":{"council":"Burry"}}"#);
    assert_eq!(status, 422);
    assert!(v["error"].as_str().unwrap().contains("did you mean"), "{v}");
    assert_eq!(v["problems"][0]["control"], "start");
    let (status, v) = refused(at, "/api/plan", br#"{"start":{"council":"../../etc/passwd"}}"#);
    assert_eq!(status, 422, "{v}");
    assert_eq!(refused(at, "/api/plan", br#"{"start":{"file":7}}"#).0, 422);
    assert_eq!(
        refused(at, "/api/plan", br#"{"start":{"council":"Bury"},"runs":100000}"#).0,
        422
    );
    assert_eq!(
        refused(at, "/api/plan", br#"{"start":{"council":"Bury"},"runs":0}"#).0,
        422
    );
    let long_session = format!(
        r#"{{"session":"{}","seq":1,"start":{{"council":"Bury"}}}}"#,
        "a".repeat(500)
    );
    assert_eq!(refused(at, "/api/plan", long_session.as_bytes()).0, 422);
    // Paths, methods and hosts that are not the page's.
    assert_eq!(get(at, "/../../etc/passwd").status, 404);
    assert_eq!(get(at, "/api/plan").status, 405);
    let foreign = raw(
        at,
        b"GET / HTTP/1.1\r\nHost: attacker.example\r\nConnection: close\r\n\r\n",
    )
    .unwrap();
    assert_eq!(foreign.status, 421);
    let form = raw(at, format!("POST /api/plan HTTP/1.1\r\nHost: {at}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\n{{}}").as_bytes()).unwrap();
    assert_eq!(form.status, 415);
    let elsewhere = raw(at, format!("POST /api/plan HTTP/1.1\r\nHost: {at}\r\nOrigin: http://attacker.example\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{{}}").as_bytes()).unwrap();
    assert_eq!(elsewhere.status, 403);
    let garbage = raw(at, b"\x00\x01garbage\r\n\r\n");
    assert!(garbage.map_or(true, |a| a.status == 0 || a.status >= 400));
    // Still answering.
    assert_eq!(get(at, "/api/starts").status, 200);
    assert_eq!(
        post(at, "/api/plan", &serde_json::from_str(&plan(json!({}))).unwrap()).status,
        200
    );
}

#[test]
fn an_older_change_of_the_same_page_is_superseded_by_a_newer_one() {
    let s = server();
    let body = |seq: u64| json!({ "session": "page-1", "seq": seq, "start": { "council": "Bury" }, "runs": 20 });
    assert_eq!(post(s.address, "/api/plan", &body(5)).status, 200);
    let old = post(s.address, "/api/plan", &body(4));
    assert_eq!(old.status, 409);
    assert_eq!(old.json()["status"], "superseded");
    // Another page is not affected.
    let other = json!({ "session": "page-2", "seq": 1, "start": { "council": "Bury" }, "runs": 20 });
    assert_eq!(post(s.address, "/api/plan", &other).status, 200);
}

#[test]
fn a_burst_of_300_concurrent_requests_is_all_answered_and_the_server_keeps_answering() {
    let s = server();
    let address = s.address;
    let began = Instant::now();
    let threads: Vec<_> = (0..300u64)
        .map(|i| {
            std::thread::spawn(move || {
                // Twenty pages, each changing its plan fifteen times at once.
                let body = json!({ "session": format!("burst-{}", i % 20), "seq": i, "start": { "council": "Bury" },
                                   "runs": 20, "plan": { "asye_intake_per_year": i % 30 } });
                request(address, "POST", "/api/plan", body.to_string().as_bytes()).map(|a| a.status)
            })
        })
        .collect();
    let statuses: Vec<u16> = threads
        .into_iter()
        .map(|t| t.join().unwrap().expect("every connection is answered"))
        .collect();
    assert!(began.elapsed() < Duration::from_secs(60), "{:?}", began.elapsed());
    for status in &statuses {
        assert!([200, 409, 503].contains(status), "{status}");
    }
    assert!(statuses.contains(&200));
    assert_eq!(get(address, "/api/starts").status, 200);
    let after = json!({ "session": "after", "seq": 1, "start": { "council": "Bury" }, "runs": 20 });
    assert_eq!(post(address, "/api/plan", &after).status, 200);
}

#[test]
fn serve_says_its_address_answers_and_stops_cleanly_on_sigterm() {
    let binary = assert_cmd::cargo::cargo_bin("caseload");
    let mut child = std::process::Command::new(binary)
        .args(["serve", "--port", "0"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    assert!(line.contains("http://127.0.0.1:"), "{line}");
    let address: SocketAddr = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(get(address, "/").status, 200);
    #[cfg(unix)]
    {
        let killed = std::process::Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let status = child.wait().unwrap();
        assert!(status.success(), "{status:?}");
        let mut rest = String::new();
        out.read_to_string(&mut rest).unwrap();
        assert!(rest.contains("stopped"), "{rest}");
    }
    #[cfg(not(unix))]
    {
        child.kill().unwrap();
    }
}

#[test]
fn a_port_in_use_or_an_address_that_is_not_one_is_a_usage_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = Command::cargo_bin("caseload")
        .unwrap()
        .args(["serve", "--port", &port])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("in use"), "{err}");
    let out = Command::cargo_bin("caseload")
        .unwrap()
        .args(["serve", "--bind", "my-laptop"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--bind my-laptop"));
}

#[test]
fn silent_and_half_sent_connections_do_not_stop_others_being_answered() {
    let s = server();
    // Forty clients that open a connection and send half a request, or nothing.
    let idle: Vec<TcpStream> = (0..40)
        .map(|i| {
            let mut c = TcpStream::connect(s.address).unwrap();
            if i % 2 == 0 {
                c.write_all(b"POST /api/plan HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{\"sta")
                    .unwrap();
            }
            c
        })
        .collect();
    assert_eq!(get(s.address, "/api/starts").status, 200);
    let plan = json!({ "start": { "council": "Bury" }, "runs": 20 });
    assert_eq!(post(s.address, "/api/plan", &plan).status, 200);
    drop(idle);
}

/// With teams (each team's posts, people, hires and agency its own), the
/// levers that write the council's amounts are offered disabled, saying
/// why; the council-wide ones stay, and a plan of them runs.
#[test]
fn a_start_with_teams_offers_only_the_council_wide_levers() {
    let s = server_of("bury-2018-teams.toml");
    let a = post(s.address, "/api/start", &json!({ "start": { "file": 0 }, "runs": 50 }));
    assert_eq!(a.status, 200, "{}", a.body);
    let v = a.json();
    let list = v["controls"]["list"].as_array().unwrap();
    let enabled = |id: &str| {
        let c = list.iter().find(|c| c["id"] == id).unwrap_or_else(|| panic!("{id}"));
        (
            c["enabled"].as_bool() != Some(false),
            c["disabled_why"].as_str().unwrap_or("").to_string(),
        )
    };
    for id in [
        "asye_intake_per_year",
        "experienced_hires_per_month",
        "funded_posts",
        "agency_cap_fte",
        "managed_team",
    ] {
        let (on, why) = enabled(id);
        assert!(!on, "{id} is offered with teams");
        assert!(why.contains("This scenario has teams"), "{id}: {why}");
    }
    for id in ["retention", "recruitment_bonus", "demand_growth"] {
        assert!(enabled(id).0, "{id} is not offered");
    }
    let plan = json!({ "demand_growth": 0.03, "retention": { "amount": 1000, "multiplier": [0.85, 0.95] } });
    let a = post(
        s.address,
        "/api/plan",
        &json!({ "start": { "file": 0 }, "runs": 50, "plan": plan }),
    );
    assert_eq!(a.status, 200, "{}", a.body);
}

/// With a team chosen, its own levers are offered at its own values and a
/// plan moves them in the team's own sections (a plan that `check`
/// accepts); a team the start does not have is refused beside the choice.
#[test]
fn a_chosen_team_has_its_own_levers_and_the_plan_writes_them_there() {
    let s = server_of("bury-2018-teams.toml");
    let start = json!({ "start": { "file": 0 }, "runs": 50, "plan": { "team": "front_door" } });
    let a = post(s.address, "/api/start", &start);
    assert_eq!(a.status, 200, "{}", a.body);
    let v = a.json();
    assert_eq!(v["controls"]["team"], "front_door");
    assert!(
        v["controls"]["teams"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t == "children_in_care")
    );
    let list = v["controls"]["list"].as_array().unwrap();
    let asye = list.iter().find(|c| c["id"] == "asye_intake_per_year").unwrap();
    assert_ne!(asye["enabled"], false);
    assert_eq!(asye["value"], 2.0, "the front door's own intake");

    let plan = json!({ "team": "front_door", "asye_intake_per_year": 5,
        "managed_team": { "fte": 4, "from": "2018-10", "to": "2019-03" } });
    let a = post(
        s.address,
        "/api/plan",
        &json!({ "start": { "file": 0 }, "runs": 50, "plan": plan }),
    );
    assert_eq!(a.status, 200, "{}", a.body);
    let text = a.json()["toml"].as_str().unwrap().to_string();
    let saved: toml::Table = text.parse().unwrap();
    let front = &saved["teams"]["front_door"]["roles"]["social_worker"];
    assert_eq!(front["asye"]["intake_per_year"].as_float(), Some(5.0), "{text}");
    assert_eq!(front["agency"]["extra"].as_array().map(Vec::len), Some(1), "{text}");
    passes_check(&text);

    let wrong = json!({ "start": { "file": 0 }, "runs": 50, "plan": { "team": "../etc" } });
    let a = post(s.address, "/api/plan", &wrong);
    assert_eq!(a.status, 422, "{}", a.body);
    let v = a.json();
    assert_eq!(v["problems"][0]["control"], "team");
    assert!(
        v["error"]
            .as_str()
            .unwrap()
            .contains("not one of the starting position's teams")
    );
}

/// Issue 16: with roles, a payment may be for one of them. A retention
/// payment for team managers only is written as the payment's `roles`,
/// passes `check`, and gives another result than the same payment for
/// everyone.
#[test]
fn a_payment_for_team_managers_only_is_written_as_its_roles_and_differs_from_one_for_everyone() {
    let s = server_of("bury-2018-teams.toml");
    let a = post(s.address, "/api/start", &json!({ "start": { "file": 0 }, "runs": 50 }));
    assert_eq!(a.status, 200, "{}", a.body);
    let roles = a.json()["controls"]["roles"].clone();
    for (name, words) in [
        ("team_manager", "team managers"),
        ("social_worker", "social workers"),
        ("iro", "independent reviewing officers"),
    ] {
        let role = json!({ "name": name, "words": words });
        assert!(roles.as_array().unwrap().contains(&role), "{roles}");
    }

    let plan_for = |whom: Value| {
        let mut retention = json!({ "amount": 3000, "multiplier": [0.6, 0.8] });
        if !whom.is_null() {
            retention["roles"] = whom;
        }
        let a = post(
            s.address,
            "/api/plan",
            &json!({ "start": { "file": 0 }, "runs": 200, "plan": { "retention": retention } }),
        );
        assert_eq!(a.status, 200, "{}", a.body);
        a.json()
    };
    let managers = plan_for(json!(["team_manager"]));
    let everyone = plan_for(Value::Null);
    let text = managers["toml"].as_str().unwrap();
    assert!(text.contains(r#"roles = ["team_manager"]"#), "{text}");
    let saved: toml::Table = text.parse().unwrap();
    assert_eq!(
        saved["payments"]["retention"]["roles"],
        toml::Value::Array(vec!["team_manager".into()])
    );
    assert!(
        managers["changes"][0].as_str().unwrap().contains("for team managers"),
        "{}",
        managers["changes"]
    );
    passes_check(text);
    assert_ne!(managers["summary_sha256"], everyone["summary_sha256"]);
    assert_ne!(
        managers["numbers"]["spend_change_mean"],
        everyone["numbers"]["spend_change_mean"]
    );
}

/// A role the start does not have, a path, a huge name or a list longer
/// than the start's roles is refused beside the payment's control.
#[test]
fn a_payment_for_a_role_the_start_does_not_have_is_refused_beside_its_control() {
    let s = server_of("bury-2018-teams.toml");
    let plan = |p: Value| json!({ "start": { "file": 0 }, "runs": 20, "plan": p }).to_string();
    let huge = "x".repeat(60_000);
    let many = vec!["team_manager"; 1000];
    for (p, control, words) in [
        (
            json!({ "retention": { "amount": 1000, "roles": ["director"] } }),
            "retention",
            "not one of the starting position's roles",
        ),
        (
            json!({ "retention": { "amount": 1000, "roles": ["../../etc/passwd"] } }),
            "retention",
            "not one of the starting position's roles",
        ),
        (
            json!({ "retention": { "amount": 1000, "roles": [huge] } }),
            "retention",
            "xxx...",
        ),
        (
            json!({ "retention": { "amount": 1000, "roles": many } }),
            "retention",
            "names 1000 roles",
        ),
        (
            json!({ "retention": { "amount": 1000, "roles": [] } }),
            "retention",
            "names no role",
        ),
        (
            json!({ "recruitment_bonus": { "amount": 1000, "roles": ["nobody"] } }),
            "recruitment_bonus",
            "payments.recruitment_bonus.roles",
        ),
    ] {
        let (status, v) = refused(s.address, "/api/plan", plan(p.clone()).as_bytes());
        assert_eq!(status, 422, "{v}");
        let problems = v["problems"].as_array().unwrap();
        assert_eq!(problems.len(), 1, "{v}");
        assert_eq!(problems[0]["control"], control, "{v}");
        let error = v["error"].as_str().unwrap();
        assert!(error.contains(words), "{error}");
        assert!(error.len() < 1000, "the message repeats a huge name");
    }
    // Not a list of names.
    let (status, _) = refused(
        s.address,
        "/api/plan",
        plan(json!({ "retention": { "amount": 1000, "roles": "team_manager" } })).as_bytes(),
    );
    assert_eq!(status, 400);
    assert_eq!(get(s.address, "/api/starts").status, 200);
}

/// Without `[roles]` there is no one but social workers: no role choice is
/// offered, and a plan that names a role is refused.
#[test]
fn a_start_without_roles_offers_no_role_choice() {
    let s = server();
    let a = post(s.address, "/api/start", &json!({ "start": { "file": 0 }, "runs": 20 }));
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.json()["controls"]["roles"], json!([]));
    let p = json!({ "start": { "file": 0 }, "runs": 20,
                    "plan": { "retention": { "amount": 1000, "roles": ["social_worker"] } } });
    let (status, v) = refused(s.address, "/api/plan", p.to_string().as_bytes());
    assert_eq!(status, 422, "{v}");
    assert_eq!(v["problems"][0]["control"], "retention");
    assert!(v["error"].as_str().unwrap().contains("has no roles"), "{v}");
}

/// A body over the limit is refused as every other refusal is: JSON with
/// a message the page can show, not the framework's plain text.
#[test]
fn a_body_over_the_limit_is_refused_413_in_json_saying_the_limit() {
    let s = server();
    let huge = format!("{{\"start\":{{\"council\":\"{}\"}}}}", "x".repeat(100_000));
    for path in ["/api/start", "/api/plan", "/api/report"] {
        let (status, v) = refused(s.address, path, huge.as_bytes());
        assert_eq!(status, 413, "{path}: {v}");
        let error = v["error"].as_str().unwrap_or_else(|| panic!("{path}: not JSON: {v}"));
        assert!(error.contains("64 KiB"), "{path}: {error}");
    }
    assert_eq!(get(s.address, "/api/starts").status, 200);
}

/// The page's people never type a command: a council it cannot find is
/// said without `--la` or `caseload new --list-las`, with the nearest
/// names all the same.
#[test]
fn an_unknown_council_is_said_in_the_pages_words_not_the_command_lines() {
    let s = server();
    for (name, words) in [("Burry", "did you mean \"Bury\"?"), ("  ", "Type a council's name")] {
        let (status, v) = refused(
            s.address,
            "/api/start",
            json!({ "start": { "council": name } }).to_string().as_bytes(),
        );
        assert_eq!(status, 422, "{v}");
        let message = v["problems"][0]["message"].as_str().unwrap();
        assert_eq!(v["problems"][0]["control"], "start");
        assert!(message.contains(words), "{name}: {message}");
        assert!(
            !message.contains("--la") && !message.contains("caseload new"),
            "{name}: {message}"
        );
    }
}

/// A team or role name the start does not have is repeated in a problem
/// by its first 40 characters, so that 60 KiB of it does not come back.
#[test]
fn a_long_team_or_role_name_is_not_sent_back_whole() {
    let s = server_of("bury-2018-teams.toml");
    let long = "../".repeat(15_000);
    for plan in [
        json!({ "team": long }),
        json!({ "retention": { "amount": 1000, "roles": [long] } }),
    ] {
        let a = post(
            s.address,
            "/api/plan",
            &json!({ "start": { "file": 0 }, "runs": 10, "plan": plan }),
        );
        assert_eq!(a.status, 422, "{}", &a.body[..200.min(a.body.len())]);
        assert!(a.body.len() < 2_000, "{} bytes back", a.body.len());
        assert!(a.json()["error"].as_str().unwrap().contains("..."));
    }
}

/// Every chart on the page says how to read it, in the report's words
/// (the caseload chart also names the starting position's line once the
/// plan differs), and the headlines say what their words mean.
#[test]
fn every_chart_on_the_page_says_how_to_read_it_as_the_report_does() {
    let s = server();
    for (plan, changed) in [(json!({}), false), (json!({ "asye_intake_per_year": 30 }), true)] {
        let a = post(
            s.address,
            "/api/plan",
            &json!({ "start": { "council": "Bury" }, "runs": 50, "plan": plan }),
        );
        assert_eq!(a.status, 200, "{}", a.body);
        let v = a.json();
        for chart in v["charts"].as_array().unwrap() {
            let caption = chart["caption"].as_str().unwrap_or("");
            assert!(caption.len() > 40, "{}: {caption:?}", chart["name"]);
        }
        let caseload = v["charts"][0]["caption"].as_str().unwrap();
        assert!(
            caseload.starts_with("The average caseload month by month."),
            "{caseload}"
        );
        assert_eq!(caseload.contains("starting position's median"), changed, "{caseload}");
        let note = v["headline_note"].as_str().unwrap_or("");
        assert!(note.contains("5th to the 95th percentile"), "{note}");
    }
}
