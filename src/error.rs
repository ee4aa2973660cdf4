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
    #[error("{}: {}", path.display(), io_words(source))]
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

/// An operating system's file error in plain words, without its
/// "(os error N)": the one place such an error becomes text (the scenario
/// reader's "cannot read" and [`Error::Io`] both say it so).
pub fn io_words(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    let words = match e.kind() {
        K::NotFound => "no such file or folder",
        K::PermissionDenied => "permission denied",
        K::AlreadyExists => "already exists",
        K::NotADirectory => "a part of the path is a file, not a folder",
        K::IsADirectory => "it is a folder, not a file",
        K::StorageFull => "the disk is full",
        K::ReadOnlyFilesystem => "the disk is read-only",
        K::DirectoryNotEmpty => "the folder is not empty",
        K::InvalidFilename => "the name is too long or not allowed",
        _ => {
            let text = e.to_string();
            let plain = match text.rfind(" (os error ") {
                Some(cut) if text.ends_with(')') => text[..cut].to_string(),
                _ => text,
            };
            let mut chars = plain.chars();
            return match chars.next() {
                Some(first) => first.to_lowercase().chain(chars).collect(),
                None => "failed".into(),
            };
        }
    };
    words.into()
}

pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Error as IoError, ErrorKind};

    #[test]
    fn file_errors_read_as_plain_words_without_the_os_error_number() {
        let missing = Error::io("x.toml", IoError::from(ErrorKind::NotFound));
        assert_eq!(missing.to_string(), "x.toml: no such file or folder");
        // An error the words above do not name keeps the system's words, less its number.
        let other = IoError::from_raw_os_error(5);
        let words = io_words(&other);
        assert!(!words.contains("os error"), "{words}");
        assert!(!words.is_empty());
    }
}
