//! The tree holds its architecture (ARCHITECTURE.md's invariants), read as
//! text, as rust-analyzer's `tidy` test does: the model does no I/O and
//! knows nothing of serde, clap, rayon, plotters or thread-locals; only the
//! runner names rayon; only `output/files.rs` and the scenario reader touch
//! the file system; only `main.rs` prints; every source file opens with a
//! module doc. Each failure names the file and line.
//!
//! The rules read code only: comments, string and character literals and
//! `#[cfg(test)]` items (unit tests) are blanked first, so that a doc
//! comment may name what the code must not use.

use std::path::{Path, PathBuf};

/// A source file under `src/`: its path from the crate root (`src/x.rs`),
/// its text, and its code with comments, literals and test items blanked
/// (line breaks kept, so lines still count).
struct Source {
    path: String,
    text: String,
    code: String,
}

fn sources() -> Vec<Source> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    collect(&root.join("src"), &mut files);
    files.sort();
    assert!(
        !files.is_empty(),
        "no source files under {}",
        root.join("src").display()
    );
    files
        .into_iter()
        .map(|file| {
            let text = std::fs::read_to_string(&file).unwrap();
            let path = file.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
            let code = without_test_items(&code_only(&text));
            Source { path, text, code }
        })
        .collect()
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// `text` with comments and the insides of string and character literals
/// replaced by spaces, line breaks kept.
fn code_only(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let after_ident = i > 0 && is_ident(chars[i - 1]);
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            loop {
                if i >= chars.len() {
                    break;
                }
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
        } else if (c == 'r' || (c == 'b' && next == Some('r'))) && !after_ident && raw_string_at(&chars, i).is_some() {
            let (hashes, body) = raw_string_at(&chars, i).unwrap();
            for &ch in &chars[i..body] {
                out.push(ch);
            }
            i = body;
            let closing: Vec<char> = std::iter::once('"').chain(std::iter::repeat_n('#', hashes)).collect();
            while i < chars.len() && !chars[i..].starts_with(&closing) {
                out.push(blank(chars[i]));
                i += 1;
            }
            for &ch in chars.get(i..i + closing.len()).unwrap_or(&[]) {
                out.push(ch);
            }
            i += closing.len();
        } else if c == '"' {
            out.push('"');
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                if let Some(&ch) = chars.get(i) {
                    out.push(blank(ch));
                }
                i += 1;
            }
            out.push('"');
            i += 1;
        } else if c == '\'' && next == Some('\\') {
            // An escaped character: '\n', '\'', '\u{..}'.
            out.push('\'');
            i += 2;
            out.push(' ');
            while i < chars.len() && chars[i] != '\'' {
                out.push(' ');
                i += 1;
            }
            out.push('\'');
            i += 1;
        } else if c == '\'' && chars.get(i + 2) == Some(&'\'') {
            out.push_str("' '");
            i += 3;
        } else {
            // Code, or a lifetime's quote.
            out.push(c);
            i += 1;
        }
    }
    out
}

/// The number of `#`s of a raw string starting at `i` (`r"`, `r#"`,
/// `br##"`, ...) and where its body starts, if one does.
fn raw_string_at(chars: &[char], i: usize) -> Option<(usize, usize)> {
    let mut j = i + if chars[i] == 'b' { 2 } else { 1 };
    let mut hashes = 0;
    while chars.get(j) == Some(&'#') {
        hashes += 1;
        j += 1;
    }
    (chars.get(j) == Some(&'"')).then_some((hashes, j + 1))
}

/// `code` (comments and literals blanked) with every `#[cfg(test)]` item
/// blanked too: the attribute through the item's closing brace, or its
/// semicolon when it has no body.
fn without_test_items(code: &str) -> String {
    let mut chars: Vec<char> = code.chars().collect();
    let marker: Vec<char> = "#[cfg(test)]".chars().collect();
    let mut i = 0;
    while i + marker.len() <= chars.len() {
        if chars[i..i + marker.len()] != marker[..] {
            i += 1;
            continue;
        }
        let mut j = i + marker.len();
        let mut depth = 0;
        while j < chars.len() {
            match chars[j] {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                ';' if depth == 0 => break,
                _ => {}
            }
            j += 1;
        }
        let end = (j + 1).min(chars.len());
        for ch in &mut chars[i..end] {
            if *ch != '\n' {
                *ch = ' ';
            }
        }
        i = end;
    }
    chars.into_iter().collect()
}

/// Where `word` occurs in `code` as a whole word at its start (not as the
/// end of a longer name: `File::` is not in `OutputFile::`): 1-based lines.
fn lines_using(code: &str, word: &str) -> Vec<usize> {
    let mut lines = Vec::new();
    for (n, line) in code.lines().enumerate() {
        let found = line.match_indices(word).any(|(at, _)| {
            let before = line[..at].chars().next_back();
            let starts_ident = word.chars().next().is_some_and(is_ident);
            !(starts_ident && before.is_some_and(is_ident))
        });
        if found {
            lines.push(n + 1);
        }
    }
    lines
}

/// Every use of any of `words` in the files `applies` picks, as
/// `file:line: uses `word`: why`.
fn violations(applies: impl Fn(&str) -> bool, words: &[&str], why: &str) -> Vec<String> {
    let mut found = Vec::new();
    for source in sources().iter().filter(|s| applies(&s.path)) {
        for word in words {
            for line in lines_using(&source.code, word) {
                found.push(format!("{}:{line}: uses `{word}`: {why}", source.path));
            }
        }
    }
    found
}

fn assert_none(found: Vec<String>) {
    assert!(found.is_empty(), "\n{}\n", found.join("\n"));
}

#[test]
fn the_model_does_no_io_and_knows_nothing_of_serde_clap_rayon_plotters_or_thread_locals() {
    assert_none(violations(
        |path| path.starts_with("src/model/"),
        &[
            "std::fs",
            "std::io",
            "std::net",
            "std::env",
            "std::process",
            "std::thread",
            "thread_local",
            "serde",
            "rayon",
            "plotters",
            "clap",
        ],
        "the model is pure: no I/O, no threads, nothing of serde, clap, rayon or plotters (ARCHITECTURE.md, src/model/)",
    ));
}

#[test]
fn only_the_runner_names_rayon() {
    assert_none(violations(
        |path| path != "src/runner.rs",
        &["rayon", "par_iter", "into_par_iter", "ThreadPool"],
        "only src/runner.rs runs anything in parallel; other modules pass its runner::Pool along",
    ));
}

#[test]
fn only_the_output_files_module_and_the_scenario_reader_touch_the_file_system() {
    assert_none(violations(
        |path| path != "src/output/files.rs" && path != "src/scenario/source.rs",
        &[
            "std::fs",
            "fs::",
            "File::",
            "OpenOptions",
            "read_dir",
            "canonicalize",
            ".exists()",
            ".is_file()",
            ".is_dir()",
            "metadata(",
        ],
        "only src/output/files.rs writes and src/scenario/source.rs reads files; the councils' figures are compiled in",
    ));
}

#[test]
fn only_main_prints() {
    let allowed = ["src/main.rs"];
    assert_none(violations(
        |path| !allowed.contains(&path),
        &["println!", "eprintln!", "print!", "eprint!", "dbg!"],
        "library code returns what it has to say; only src/main.rs prints",
    ));
}

#[test]
fn every_source_file_opens_with_a_module_doc() {
    let found: Vec<String> = sources()
        .iter()
        .filter(|s| !s.text.starts_with("//!"))
        .map(|s| format!("{}:1: does not open with a `//!` module doc", s.path))
        .collect();
    assert_none(found);
}

/// The blanking the rules rely on: code kept, comments, literals and unit
/// tests gone, lines where they were.
#[test]
fn rules_read_code_not_comments_literals_or_unit_tests() {
    let text = concat!(
        "//! Nothing of rayon here.\n",
        "use std::fs; // rayon\n",
        "let s = \"rayon\"; let r = r#\"std::fs \"quoted\" \"#; let c = '\"';\n",
        "fn f<'a>(x: &'a str) {}\n",
        "/* rayon /* nested */ rayon */ let t = OutputFile::bytes();\n",
        "#[cfg(test)]\nmod tests {\n    fn g() { if true { println!(\"{}\", 1); } }\n}\n",
        "let after = File::open();\n",
    );
    let code = without_test_items(&code_only(text));
    assert_eq!(code.lines().count(), text.lines().count());
    assert_eq!(lines_using(&code, "rayon"), Vec::<usize>::new());
    assert_eq!(lines_using(&code, "std::fs"), [2]);
    assert_eq!(lines_using(&code, "fn f<'a>"), [4]);
    assert_eq!(lines_using(&code, "File::"), [10]);
    assert_eq!(lines_using(&code, "println!"), Vec::<usize>::new());
}
