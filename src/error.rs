//! The program's errors and their exit codes: 2 for bad input (scenario
//! or arguments), 1 for anything else.

use crate::scenario::ScenarioError;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// One or more problems in a scenario file.
    #[error("{0}")]
    Scenario(#[from] ScenarioError),
    /// Arguments that cannot be used, said in words.
    #[error("{0}")]
    Usage(String),
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Rendering an output file failed: a fault of the program, not of
    /// the input. `what` names the file or chart.
    #[error("{what}: could not be made: {message}")]
    Render { what: String, message: String },
    /// Something the program made, or the data built into it, is not as
    /// it must be: a fault of the program, not of the input.
    #[error("{0} (a fault of caseload itself, not of its input)")]
    Internal(String),
}

impl Error {
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Scenario(_) | Error::Usage(_) => 2,
            Error::Io { .. } | Error::Render { .. } | Error::Internal(_) => 1,
        }
    }

    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// A renderer's failure to make `what` (a file or a chart), as
    /// [`Error::Render`]: `toml.map_err(|e| Error::render("scenario.resolved.toml", e))`.
    pub fn render(what: impl Into<String>, message: impl std::fmt::Display) -> Self {
        Error::Render {
            what: what.into(),
            message: message.to_string(),
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;
