//! The one place that writes output files. A folder is written in full
//! beside its destination and then renamed into place, so a failed or
//! interrupted command leaves any earlier folder as it was.

use crate::error::{Error, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes a file's bytes to the writer it is given.
pub type Writer<'a> = Box<dyn FnOnce(&mut dyn Write) -> Result<()> + 'a>;

/// What a file holds: bytes rendered already, or a writer that streams
/// them (for files too large to hold in memory, such as runs.csv).
pub enum Content<'a> {
    Bytes(Vec<u8>),
    Stream(Writer<'a>),
}

/// A file of an output folder: its name and its content.
pub struct OutputFile<'a> {
    pub name: String,
    pub content: Content<'a>,
}

impl<'a> OutputFile<'a> {
    pub fn bytes(name: impl Into<String>, bytes: Vec<u8>) -> Self {
        OutputFile {
            name: name.into(),
            content: Content::Bytes(bytes),
        }
    }

    pub fn stream(name: impl Into<String>, writer: Writer<'a>) -> Self {
        OutputFile {
            name: name.into(),
            content: Content::Stream(writer),
        }
    }
}

fn write_file(path: &Path, content: Content) -> Result<()> {
    match content {
        Content::Bytes(bytes) => std::fs::write(path, bytes).map_err(|e| Error::io(path, e)),
        Content::Stream(write) => {
            let file = std::fs::File::create(path).map_err(|e| Error::io(path, e))?;
            let mut buffered = std::io::BufWriter::new(file);
            write(&mut buffered)?;
            buffered.flush().map_err(|e| Error::io(path, e))
        }
    }
}

/// Writes `files` as the folder `out/name`, replacing an earlier one only
/// once every file is written.
pub fn write_folder(out: &Path, name: &str, files: Vec<OutputFile>) -> Result<PathBuf> {
    std::fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
    let target = out.join(name);
    let pid = std::process::id();
    let staging = out.join(format!(".{name}.writing-{pid}"));
    let _ = std::fs::remove_dir_all(&staging);
    let written = (|| {
        std::fs::create_dir(&staging).map_err(|e| Error::io(&staging, e))?;
        for f in files {
            write_file(&staging.join(&f.name), f.content)?;
        }
        Ok(())
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(e);
    }
    let old = out.join(format!(".{name}.old-{pid}"));
    if target.exists() {
        std::fs::rename(&target, &old).map_err(|e| Error::io(&target, e))?;
    }
    if let Err(e) = std::fs::rename(&staging, &target) {
        // Put the earlier folder back.
        let _ = std::fs::rename(&old, &target);
        let _ = std::fs::remove_dir_all(&staging);
        return Err(Error::io(&target, e));
    }
    let _ = std::fs::remove_dir_all(&old);
    Ok(target)
}
