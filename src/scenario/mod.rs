//! Scenario files: reading (`source`), the file format (`raw`), checking
//! (`resolve`) and describing (`describe`) a scenario.
//!
//! `load` is the one entry point: file -> `extends` chain -> `--set` ->
//! serde types -> checked [`Scenario`], with every problem of the file
//! reported at once.

pub mod describe;
pub mod organisation;
pub mod problem;
pub mod raw;
pub mod resolve;
pub mod source;

pub use problem::{Problem, ScenarioError, Warning};
pub use source::Source;

use crate::model::params::Scenario;
use raw::RawScenario;
use std::path::Path;
use toml::{Table, Value};

/// The starter scenario `caseload new` writes.
pub const STARTER: &str = include_str!("starter.toml");

/// A checked scenario with what it was made from.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub scenario: Scenario,
    pub warnings: Vec<Warning>,
    pub source: Source,
}

/// Reads, merges, overrides and checks one scenario file.
pub fn load(path: &Path, sets: &[String]) -> Result<Loaded, ScenarioError> {
    let mut source = Source::load(path)?;
    for set in sets {
        source.apply_set(set)?;
    }
    check(source)
}

/// Checks an already merged source.
pub fn check(source: Source) -> Result<Loaded, ScenarioError> {
    let (raw, mut problems, removed, readable) = deserialize_all(&source);
    let Some(raw) = raw else {
        return Err(ScenarioError { problems });
    };
    // Teams and roles are checked from the table as read, without the
    // values just reported as unreadable (each pool's table is made from
    // it, and would otherwise fail to read on the same value again).
    let readable = readable.map(|table| {
        let mut readable = source.clone();
        readable.table = table;
        readable
    });
    match organisation::resolve(raw, readable.as_ref().unwrap_or(&source)) {
        Ok((scenario, warnings)) if problems.is_empty() => Ok(Loaded {
            scenario,
            warnings,
            source,
        }),
        Ok(_) => Err(ScenarioError { problems }),
        Err(more) => {
            // A value serde could not read was removed before checking, so
            // checking may call it missing: that would say the same twice.
            problems.extend(more.into_iter().filter(|p| !removed.contains(&p.location)));
            Err(ScenarioError { problems })
        }
    }
}

/// Deserializes the merged table into the raw types, collecting every
/// unknown key and wrongly typed value: each is reported, removed, and
/// deserialization tried again. Returns the raw scenario, the problems,
/// the key paths removed and, when any was, the table without them; no
/// raw scenario if an offending value could not be removed.
type Deserialized = (Option<RawScenario>, Vec<Problem>, Vec<String>, Option<Table>);

fn deserialize_all(source: &Source) -> Deserialized {
    let mut table = source.table.clone();
    let mut problems = Vec::new();
    let mut removed = Vec::new();
    // Each pass removes one offending key, so this ends; the bound is a guard.
    for _ in 0..1000 {
        let err = match serde_path_to_error::deserialize::<_, RawScenario>(Value::Table(table.clone())) {
            Ok(raw) => {
                let readable = (!removed.is_empty()).then_some(table);
                return (Some(raw), problems, removed, readable);
            }
            Err(err) => err,
        };
        let mut segments = path_segments(err.path());
        let message = err.inner().message().to_string();
        // What goes is usually the offending value itself; see `removal`.
        let mut in_distribution = false;
        let (location, text) = match unknown_key(&message) {
            Some((key, expected)) => {
                if !matches!(segments.last(), Some(Segment::Key(last)) if *last == key) {
                    segments.push(Segment::Key(key.clone()));
                }
                in_distribution = expected
                    .iter()
                    .map(String::as_str)
                    .eq(raw::DistKind::ALL.map(|(n, _)| n));
                let hint = match problem::nearest(&key, expected.iter().map(String::as_str)) {
                    Some(near) => format!("unknown key; did you mean `{near}`?"),
                    None if expected.is_empty() => "unknown key".to_string(),
                    None => format!("unknown key; expected one of {}", expected.join(", ")),
                };
                (display_path(&table, &segments), hint)
            }
            None => (display_path(&table, &segments), tidy_type_error(&message)),
        };
        problems.push(Problem {
            file: source.origin_of(&location).to_string(),
            location: location.clone(),
            message: text,
        });
        let gone = removal(&segments, in_distribution);
        removed.push(location);
        removed.push(display_path(&table, gone));
        if !remove_at(&mut table, gone) {
            break;
        }
    }
    (None, problems, removed, None)
}

/// What to remove after a problem so that the next pass neither repeats it
/// nor invents another: a wrong element takes its whole array with it (a
/// shorter array would be reported as of the wrong length), and a wrong
/// part of a distribution (an unknown kind, a parameter that is not a
/// number) takes the whole distribution (else it would be reported as
/// empty or of the wrong arity).
fn removal(segments: &[Segment], unknown_distribution_kind: bool) -> &[Segment] {
    let mut end = segments.len();
    if unknown_distribution_kind {
        end = end.saturating_sub(1);
    }
    if matches!(segments[..end].last(), Some(Segment::Index(_))) {
        end -= 1;
    }
    if matches!(segments[..end].last(), Some(Segment::Key(k)) if raw::DistKind::ALL.iter().any(|(n, _)| n == k)) {
        end -= 1;
    }
    &segments[..end]
}

#[derive(Debug, Clone)]
enum Segment {
    Key(String),
    Index(usize),
}

fn path_segments(path: &serde_path_to_error::Path) -> Vec<Segment> {
    path.iter()
        .filter_map(|s| match s {
            serde_path_to_error::Segment::Map { key } => Some(Segment::Key(key.clone())),
            serde_path_to_error::Segment::Seq { index } => Some(Segment::Index(*index)),
            _ => None,
        })
        .collect()
}

/// `cases[1].mean_months` reads as `cases.cin.mean_months` when the state is named.
fn display_path(table: &Table, segments: &[Segment]) -> String {
    let mut out = String::new();
    let mut node: Option<&Value> = None;
    for seg in segments {
        match seg {
            Segment::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
                node = match node {
                    None => table.get(k),
                    Some(v) => v.get(k),
                };
            }
            Segment::Index(i) => {
                let element = node.and_then(|v| v.get(*i));
                match element.and_then(|e| e.get("name")).and_then(Value::as_str) {
                    Some(name) if out == "cases" && !name.trim().is_empty() => {
                        out.push('.');
                        out.push_str(name);
                    }
                    _ => out.push_str(&format!("[{i}]")),
                }
                node = element;
            }
        }
    }
    out
}

fn remove_at(table: &mut Table, segments: &[Segment]) -> bool {
    fn remove_in(value: &mut Value, segments: &[Segment]) -> bool {
        match (value, segments) {
            (Value::Table(t), [Segment::Key(k)]) => t.remove(k).is_some(),
            (Value::Array(a), [Segment::Index(i)]) if *i < a.len() => {
                a.remove(*i);
                true
            }
            (Value::Table(t), [Segment::Key(k), rest @ ..]) => t.get_mut(k).is_some_and(|v| remove_in(v, rest)),
            (Value::Array(a), [Segment::Index(i), rest @ ..]) => a.get_mut(*i).is_some_and(|v| remove_in(v, rest)),
            _ => false,
        }
    }
    let mut root = Value::Table(std::mem::take(table));
    let done = !segments.is_empty() && remove_in(&mut root, segments);
    if let Value::Table(t) = root {
        *table = t;
    }
    done
}

/// Reads serde's "unknown field `x`, expected one of `a`, `b`" into the key
/// and the known keys.
fn unknown_key(message: &str) -> Option<(String, Vec<String>)> {
    let rest = message.strip_prefix("unknown field ")?;
    let mut names = rest.split('`').skip(1).step_by(2).map(str::to_string);
    let key = names.next()?;
    Some((key, names.collect()))
}

/// serde's type errors, in the words of the file.
pub(super) fn tidy_type_error(message: &str) -> String {
    // "expected struct RawCosts": the file knows tables, not Rust types.
    let message = match message.find("struct Raw") {
        Some(at) => {
            let name_end = message[at + "struct ".len()..]
                .find(|c: char| !c.is_alphanumeric())
                .map_or(message.len(), |n| at + "struct ".len() + n);
            format!("{}a table{}", &message[..at], &message[name_end..])
        }
        None => message.to_string(),
    };
    message
        .replace("invalid type: ", "")
        .replace("a sequence", "an array")
        .replace("a map", "a table")
        .replace("floating point", "number")
        .replace("map, expected", "table, expected")
        .replace("sequence", "array")
        .replace("a boolean", "true or false")
        .replace("a string", "text in quotes")
        .replace("struct ", "a table ")
        .replace(", expected ", ": expected ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_is_parsed_from_serde_message() {
        let (k, e) =
            unknown_key("unknown field `establishment`, expected one of `establishment_fte`, `permanent_fte`").unwrap();
        assert_eq!(k, "establishment");
        assert_eq!(e, vec!["establishment_fte", "permanent_fte"]);
        assert_eq!(unknown_key("invalid type: string"), None);
    }
}
