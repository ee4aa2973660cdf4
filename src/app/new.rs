//! `caseload check` and `caseload new`: reading scenarios back in words,
//! and writing a starter or a council's scenario.

use super::Console;
use crate::error::{Error, Result};
use crate::la;
use crate::output::files::write_new_file;
use crate::request::{New, Scenarios};
use crate::scenario::{self, describe};
use std::path::Path;

/// Every file read and said in words; every problem of every file.
pub fn check(scenarios: &Scenarios, console: &mut Console) -> Result<()> {
    let mut problems = Vec::new();
    for (i, file) in scenarios.files.iter().enumerate() {
        if i > 0 {
            console.say("")?;
        }
        match scenario::load(file, &scenarios.sets) {
            Ok(loaded) => {
                console.say(describe::describe(&loaded).trim_end())?;
                console.say(format_args!("OK: {} is a valid scenario.", loaded.source.file))?;
            }
            Err(e) => problems.extend(e.problems),
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Scenario(scenario::ScenarioError { problems }))
    }
}

pub fn new(what: New, console: &mut Console) -> Result<()> {
    match what {
        New::ListCouncils => {
            let figures = la::Figures::embedded()?;
            console.say(la::list(&figures).trim_end())
        }
        New::Starter { file } => {
            write_new_file(&file, scenario::STARTER.as_bytes())?;
            console.say(format_args!(
                "Wrote {}: edit its values (each has a comment), then run `caseload check {}`.",
                file.display(),
                file.display()
            ))
        }
        New::Council { file, name, year } => council(&file, &name, year, console),
    }
}

/// `new --la NAME [--year YYYY]`: a scenario from a council's published figures.
fn council(file: &Path, name: &str, year: Option<i32>, console: &mut Console) -> Result<()> {
    let figures = la::Figures::embedded()?;
    let found = figures.find(name)?;
    let council = found.council;
    let year_given = year.is_some();
    let year = council.start_year(year)?;
    let built = la::scenario::build(&figures, council, year)?;
    write_new_file(file, built.text.as_bytes())?;
    if let Some(note) = joint_note(&found) {
        console.say(note)?;
    }
    console.say(format_args!(
        "Wrote {}: {} from its published figures for 30 September {year}; every value says where it came from. Check it with `caseload check {}`.",
        file.display(),
        council.name,
        file.display()
    ))?;
    for note in figures.notes(council, year, year_given) {
        console.say(note)?;
    }
    Ok(())
}

/// Which joint return a council named as one part of it stands for.
pub fn joint_note(found: &la::Found) -> Option<String> {
    found.note.map(|part| {
        format!(
            "{part} reports its social workers jointly as {}: using that.",
            found.council.name
        )
    })
}
