//! Reading scenario files: TOML syntax, `extends` chains and `--set`
//! overrides, merged into one TOML table that remembers which file (or
//! which `--set`) each value came from.

use super::problem::Problem;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::{Table, Value};

const DISTRIBUTION_KEYS: [&str; 4] = ["uniform", "triangular", "normal", "lognormal"];

/// A scenario's merged table and where each value came from.
#[derive(Debug, Clone)]
pub struct Source {
    /// The file the user named.
    pub file: String,
    /// The files of the `extends` chain, parent last.
    pub chain: Vec<String>,
    pub table: Table,
    /// Key path -> the file (or `--set`) that gave the value. Keys are leaf
    /// paths: a distribution table or an array is one leaf.
    origin: BTreeMap<String, String>,
}

impl Source {
    /// Reads `path` and its `extends` chain.
    pub fn load(path: &Path) -> Result<Source, Problem> {
        let mut stack = Vec::new();
        let (table, origin) = load_chain(path, &mut stack)?;
        Ok(Source {
            file: display(path),
            chain: stack.iter().map(|(_, shown)| shown.clone()).collect(),
            table,
            origin,
        })
    }

    /// Builds a source from text (tests and `--set` parsing use this).
    pub fn from_text(file: &str, text: &str) -> Result<Source, Problem> {
        let table = parse(file, text)?;
        let mut origin = BTreeMap::new();
        record_origins(&table, "", file, &mut origin);
        Ok(Source {
            file: file.to_string(),
            chain: vec![file.to_string()],
            table,
            origin,
        })
    }

    /// Applies `KEY=VALUE` with the file's own syntax for VALUE (a bare word
    /// that is not TOML is taken as a string, so shells' stripped quotes do
    /// not matter). Array elements are addressed by index or, for
    /// `[[cases]]`, by name: `cases.assessment.mean_months=2`.
    pub fn apply_set(&mut self, assignment: &str) -> Result<(), Problem> {
        self.apply_from(assignment, "--set")
    }

    /// [`Source::apply_set`] for a value the user gave with another option
    /// (`seek`'s `--lever`): its problems name that option, not `--set`.
    pub fn apply_from(&mut self, assignment: &str, option: &str) -> Result<(), Problem> {
        let here = format!("{} ({option})", self.file);
        let problem = |message: String| Problem {
            file: here.clone(),
            location: assignment.to_string(),
            message,
        };
        let Some((key, text)) = assignment.split_once('=') else {
            return Err(problem(
                "expected KEY=VALUE, for example workforce.establishment_fte=150".into(),
            ));
        };
        let key = key.trim();
        let value = parse_value(text.trim());
        let segments: Vec<&str> = key.split('.').map(str::trim).collect();
        if segments.iter().any(|s| s.is_empty()) {
            return Err(problem(
                "the key has an empty part; write it like demand.referrals_per_month".into(),
            ));
        }
        if key == "extends" {
            return Err(problem(
                "`extends` cannot be set from the command line: write it in the scenario file".into(),
            ));
        }
        let path = set_path(&mut self.table, &segments, value).map_err(problem)?;
        self.origin
            .retain(|k, _| !(k == &path || k.starts_with(&format!("{path}.")) || k.starts_with(&format!("{path}["))));
        self.origin.insert(path, here.clone());
        Ok(())
    }

    /// The file a key path's value came from: the deepest recorded prefix,
    /// or the top file. A whole array of which `--set` changed a part (a
    /// problem with a sum or total of `[[cases]]`) names the `--set`.
    pub fn origin_of(&self, key_path: &str) -> &str {
        let (inner, element) = (format!("{key_path}."), format!("{key_path}["));
        let part_set = self
            .origin
            .iter()
            .find(|(k, _)| k.starts_with(&inner) || k.starts_with(&element));
        if let Some((_, file)) = part_set {
            return file;
        }
        let mut path = key_path;
        loop {
            if let Some(file) = self.origin.get(path) {
                return file;
            }
            match path.rfind(['.', '[']) {
                Some(cut) => path = &path[..cut],
                None => return &self.file,
            }
        }
    }
}

fn display(path: &Path) -> String {
    path.display().to_string()
}

fn parse(file: &str, text: &str) -> Result<Table, Problem> {
    text.parse::<Table>().map_err(|e| {
        let start = e.span().map(|s| s.start);
        let (line, column) = start.map(|s| line_column(text, s)).unwrap_or((1, 1));
        let message = start
            .and_then(|s| unquoted_month(text, s))
            .unwrap_or_else(|| format!("TOML syntax error: {}", e.message().trim()));
        Problem {
            file: file.to_string(),
            location: format!("line {line}, column {column}"),
            message,
        }
    })
}

/// The message for a month written without quotes (`start = 2025-10`),
/// when that is what the syntax error at `offset` points at: TOML reads
/// `2025-10` as the start of a date and stops. The key is taken from the
/// line's text before the value, so months in inline tables and arrays
/// (`{ from = 2023-04, ... }`) get their key too.
fn unquoted_month(text: &str, offset: usize) -> Option<String> {
    let line_start = text.get(..offset)?.rfind('\n').map_or(0, |i| i + 1);
    let rest = text.get(offset..)?;
    let rest = &rest[..rest.find('\n').unwrap_or(rest.len())];
    let digits = |s: &str| s.bytes().take_while(u8::is_ascii_digit).count();
    let year = digits(rest);
    let month = rest.get(year..)?.strip_prefix('-').map(digits)?;
    let after = rest.get(year + 1 + month..)?;
    if year != 4 || !(1..=2).contains(&month) || after.starts_with(|c: char| c == '-' || c.is_alphanumeric()) {
        return None;
    }
    let written = &rest[..year + 1 + month];
    let quoted = format!("\"{}-{:0>2}\"", &written[..year], &written[year + 1..]);
    let before = text.get(line_start..offset)?.trim_end();
    let key = before.strip_suffix('=').map(|b| {
        let b = b.trim_end();
        let cut = b
            .rfind(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '"' | '\'')))
            .map_or(0, |i| i + 1);
        &b[cut..]
    });
    Some(match key {
        Some(key) if !key.is_empty() => {
            format!("{key} = {written}: months must be quoted, as {key} = {quoted}")
        }
        _ => format!("{written}: months must be quoted, as {quoted}"),
    })
}

/// 1-based line and column (in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

type Origins = BTreeMap<String, String>;

/// The file's text, or a problem naming the line of its first byte that
/// is not UTF-8: a file saved by Excel or Notepad as Windows-1252 (ANSI)
/// has a "£" as the single byte 0xA3.
fn utf8(file: &str, bytes: Vec<u8>) -> Result<String, Problem> {
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let line = bytes[..at].iter().filter(|b| **b == b'\n').count() + 1;
        let byte = bytes.get(at).map_or(String::new(), |b| format!(" (byte 0x{b:02X})"));
        Problem {
            file: file.to_string(),
            location: format!("line {line}"),
            message: format!(
                "the file is not UTF-8 text{byte}; save it as UTF-8 (in Notepad: Save As, Encoding UTF-8)"
            ),
        }
    })
}

fn load_chain(path: &Path, stack: &mut Vec<(PathBuf, String)>) -> Result<(Table, Origins), Problem> {
    let shown = display(path);
    let bytes = std::fs::read(path).map_err(|e| Problem {
        file: shown.clone(),
        location: String::new(),
        message: format!("cannot read: {}", crate::error::io_words(&e)),
    })?;
    let text = utf8(&shown, bytes)?;
    let identity = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    stack.push((identity, shown.clone()));
    let mut table = parse(&shown, &text)?;
    let mut origin = Origins::new();
    record_origins(&table, "", &shown, &mut origin);

    let Some(extends) = table.remove("extends") else {
        return Ok((table, origin));
    };
    let problem = |message: String| Problem {
        file: shown.clone(),
        location: "extends".into(),
        message,
    };
    let Value::String(parent_name) = extends else {
        return Err(problem(format!(
            "= {extends}: expected the name of a scenario file in quotes, such as \"baseline.toml\""
        )));
    };
    let parent = path.parent().unwrap_or(Path::new("")).join(&parent_name);
    if !parent.is_file() {
        return Err(problem(format!(
            "= \"{parent_name}\": no such file (looked for {})",
            display(&parent)
        )));
    }
    let parent_identity = std::fs::canonicalize(&parent).unwrap_or_else(|_| parent.clone());
    if stack.iter().any(|(id, _)| *id == parent_identity) {
        let chain: Vec<&str> = stack.iter().map(|(_, s)| s.as_str()).collect();
        return Err(problem(format!(
            "= \"{parent_name}\": the extends chain loops ({} -> {})",
            chain.join(" -> "),
            display(&parent)
        )));
    }
    let (mut base, mut base_origin) = load_chain(&parent, stack)?;
    // A scenario's own name and description are never inherited.
    for key in ["name", "description"] {
        base.remove(key);
        base_origin.remove(key);
    }
    for path in origin.keys() {
        base_origin.retain(|k, _| !k.starts_with(&format!("{path}.")));
    }
    base_origin.extend(origin);
    merge(&mut base, table);
    Ok((base, base_origin))
}

fn is_distribution(table: &Table) -> bool {
    table.keys().any(|k| DISTRIBUTION_KEYS.contains(&k.as_str()))
}

/// Merges `over` into `base`: tables key by key; arrays, values and
/// distribution tables replace whole.
pub fn merge(base: &mut Table, over: Table) {
    for (key, value) in over {
        match (base.get_mut(&key), value) {
            (Some(Value::Table(b)), Value::Table(o)) if !is_distribution(b) && !is_distribution(&o) => merge(b, o),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

fn record_origins(table: &Table, prefix: &str, file: &str, origin: &mut Origins) {
    for (key, value) in table {
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            Value::Table(t) if !is_distribution(t) => record_origins(t, &path, file, origin),
            _ => {
                origin.insert(path, file.to_string());
            }
        }
    }
}

fn parse_value(text: &str) -> Value {
    match format!("value = {text}").parse::<Table>() {
        Ok(mut t) => t.remove("value").unwrap_or(Value::String(text.into())),
        Err(_) => Value::String(text.trim_matches(['"', '\'']).to_string()),
    }
}

/// Sets `segments` to `value`, creating tables on the way; returns the
/// leaf's key path for origin tracking, with an array element named as
/// checking names it (`cases.cin`, `demand.shocks[0]`), so that only the
/// value set is said to come from `--set`.
fn set_path(table: &mut Table, segments: &[&str], value: Value) -> Result<String, String> {
    let (first, rest) = segments.split_first().ok_or("empty key")?;
    if rest.is_empty() {
        table.insert(first.to_string(), value);
        return Ok(first.to_string());
    }
    let entry = table
        .entry(first.to_string())
        .or_insert_with(|| Value::Table(Table::new()));
    let tail = match entry {
        Value::Table(t) => set_path(t, rest, value)?,
        Value::Array(items) => {
            let (element, rest2) = rest.split_first().ok_or("empty key")?;
            let index = array_index(items, element).ok_or_else(|| {
                format!("`{first}` has no element `{element}` (use its position from 0, or its name)")
            })?;
            let Some(Value::Table(t)) = items.get_mut(index) else {
                return Err(format!("`{first}.{element}` is not a table"));
            };
            if rest2.is_empty() {
                return Err(format!("name a key inside `{first}.{element}`"));
            }
            let tail = set_path(t, rest2, value)?;
            let name = items
                .get(index)
                .and_then(|v| v.get("name"))
                .and_then(Value::as_str)
                .filter(|n| *first == "cases" && !n.trim().is_empty());
            return Ok(match name {
                Some(name) => format!("{first}.{name}.{tail}"),
                None => format!("{first}[{index}].{tail}"),
            });
        }
        _ => return Err(format!("`{first}` is a value, not a table")),
    };
    Ok(format!("{first}.{tail}"))
}

fn array_index(items: &[Value], element: &str) -> Option<usize> {
    if let Ok(i) = element.parse::<usize>() {
        return (i < items.len()).then_some(i);
    }
    items
        .iter()
        .position(|v| v.get("name").and_then(Value::as_str) == Some(element))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_errors_give_line_and_column() {
        let err = Source::from_text("x.toml", "start = \"2022-04\"\nmonths = = 3\n").unwrap_err();
        assert_eq!(err.location, "line 2, column 10");
        assert!(err.message.starts_with("TOML syntax error"), "{}", err.message);
    }

    #[test]
    fn unquoted_months_are_told_to_be_quoted() {
        let err = Source::from_text("x.toml", "months = 3\nstart = 2025-10\n").unwrap_err();
        assert_eq!(err.location, "line 2, column 9");
        assert_eq!(
            err.message,
            "start = 2025-10: months must be quoted, as start = \"2025-10\""
        );
        let text = "[agency]\nextra = [ { from = \"2022-04\", to = 2022-9, fte = 1 } ]\n";
        let err = Source::from_text("x.toml", text).unwrap_err();
        assert_eq!(err.location, "line 2, column 36");
        assert_eq!(err.message, "to = 2022-9: months must be quoted, as to = \"2022-09\"");
        let err = Source::from_text("x.toml", "dates = [\"2022-01\", 2022-02]").unwrap_err();
        assert_eq!(err.message, "2022-02: months must be quoted, as \"2022-02\"");
        // A full date is TOML and a malformed one is another error.
        assert!(Source::from_text("x.toml", "start = 2025-10-01").is_ok());
        let err = Source::from_text("x.toml", "start = 2025-10-1x").unwrap_err();
        assert!(err.message.starts_with("TOML syntax error"), "{}", err.message);
    }

    #[test]
    fn merge_replaces_arrays_and_distributions_but_merges_tables() {
        let mut base: Table = "a = { b = 1, c = 2 }\nd = [1, 2]\ne = { normal = [1, 0.1] }"
            .parse()
            .unwrap();
        let over: Table = "a = { c = 3 }\nd = [5]\ne = { uniform = [0, 1] }".parse().unwrap();
        merge(&mut base, over);
        let expected: Table = "a = { b = 1, c = 3 }\nd = [5]\ne = { uniform = [0, 1] }"
            .parse()
            .unwrap();
        assert_eq!(base, expected);
    }

    #[test]
    fn set_parses_toml_values_and_falls_back_to_strings() {
        let mut s = Source::from_text("x.toml", "[[cases]]\nname = \"cin\"\nmean_months = 3").unwrap();
        s.apply_set("workforce.case_holding_share={ uniform = [0.5, 0.7] }")
            .unwrap();
        s.apply_set("start=2023-04").unwrap();
        s.apply_set("cases.cin.mean_months=4.5").unwrap();
        s.apply_set("cases.0.open=7").unwrap();
        assert_eq!(s.table["start"].as_str(), Some("2023-04"));
        assert_eq!(s.table["cases"][0]["mean_months"].as_float(), Some(4.5));
        assert_eq!(s.table["cases"][0]["open"].as_integer(), Some(7));
        assert!(s.table["workforce"]["case_holding_share"].get("uniform").is_some());
        assert_eq!(s.origin_of("workforce.case_holding_share"), "x.toml (--set)");
        assert!(s.apply_set("cases.lac.open=1").is_err());
        assert!(s.apply_set("nonsense").is_err());
    }
}
