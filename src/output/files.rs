//! The one place that writes output files. A folder is written in full
//! beside its destination and then renamed into place, so a failed or
//! interrupted command leaves any earlier folder as it was.

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// A file of an output folder: its name and its bytes.
pub struct OutputFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Writes `files` as the folder `out/name`, replacing an earlier one only
/// once every file is written.
pub fn write_folder(out: &Path, name: &str, files: &[OutputFile]) -> Result<PathBuf> {
    std::fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
    let target = out.join(name);
    let pid = std::process::id();
    let staging = out.join(format!(".{name}.writing-{pid}"));
    let _ = std::fs::remove_dir_all(&staging);
    let written = (|| {
        std::fs::create_dir(&staging).map_err(|e| Error::io(&staging, e))?;
        for f in files {
            let path = staging.join(&f.name);
            std::fs::write(&path, &f.bytes).map_err(|e| Error::io(&path, e))?;
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
