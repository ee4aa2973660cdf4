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
    /// the input.
    #[error("{what}: could not be made: {message}")]
    Render { what: String, message: String },
    /// Something the program itself got wrong (a bug, never the input).
    #[error("internal error: {0}")]
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
}

pub type Result<T> = std::result::Result<T, Error>;
