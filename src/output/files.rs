//! The one place that writes files: output folders, and the new scenario
//! files of `caseload new` ([`write_new_file`]). A folder is written in full
//! beside its destination (`.NAME.writing-PID`) and then renamed into
//! place, so a failed or interrupted command leaves any earlier folder as
//! it was.
//!
//! The staging folders this process has open are listed, so that a signal
//! handler can remove them ([`abandon`]); folders left by a process that no
//! longer exists (killed outright, a power cut) are cleared by the next
//! command that writes beside them.

use crate::error::{Error, Result, io_words};
use std::fs::File;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

/// The staging folders this process has open, each with its destination,
/// and the folders it has written.
struct Live {
    staging: Vec<(PathBuf, PathBuf)>,
    written: Vec<PathBuf>,
}

/// Whoever holds this lock may change what is on disk: `write_folder`
/// holds it to create a folder or file and to swap folders, never while
/// writing a file's bytes; [`abandon`] holds it until the process exits.
static LIVE: Mutex<Live> = Mutex::new(Live {
    staging: Vec::new(),
    written: Vec::new(),
});

fn live() -> MutexGuard<'static, Live> {
    LIVE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// What a process stopped by a signal leaves: see [`abandon`].
pub struct Abandoned {
    /// The folders that were being written, left as they were.
    pub unwritten: Vec<PathBuf>,
    /// The folders written before the signal.
    pub written: Vec<PathBuf>,
    /// Keeps every other thread from creating files until the process ends.
    _hold: MutexGuard<'static, Live>,
}

impl Abandoned {
    /// One line for the user: `interrupted: nothing was written; output/x
    /// is as it was`.
    pub fn message(&self) -> String {
        let list = |paths: &[PathBuf]| {
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut text = if self.written.is_empty() {
            "interrupted: nothing was written".to_string()
        } else {
            format!("interrupted after writing {}", list(&self.written))
        };
        if !self.unwritten.is_empty() {
            let verb = if self.unwritten.len() == 1 { "is" } else { "are" };
            text.push_str(&format!("; {} {verb} as it was", list(&self.unwritten)));
        }
        text
    }
}

/// Removes every staging folder this process has open, for a process that
/// is about to end on a signal; call it from the signal's thread and end
/// the process while holding the result.
///
/// Why this cannot leave a staging folder behind, whatever the writing
/// thread is doing: the lock is taken first, so any rename of folders has
/// either finished (the new folder is in place) or not begun (the earlier
/// one is untouched). A file being written when the folder is removed was
/// opened already; its bytes go to a file with no name, and the writer
/// waits for the lock, held until the process ends, before it can create
/// the next one. Nothing reappears in a removed folder.
pub fn abandon() -> Abandoned {
    let live = live();
    let mut unwritten = Vec::new();
    for (staging, target) in &live.staging {
        let _ = std::fs::remove_dir_all(staging);
        unwritten.push(target.clone());
    }
    Abandoned {
        unwritten,
        written: live.written.clone(),
        _hold: live,
    }
}

/// Creates a file in a staging folder, under the lock (see [`abandon`]).
fn create(path: &Path) -> Result<File> {
    let _live = live();
    File::create(path).map_err(|e| Error::io(path, e))
}

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
    let mut file = create(path)?;
    match content {
        Content::Bytes(bytes) => file.write_all(&bytes).map_err(|e| Error::io(path, e)),
        Content::Stream(write) => {
            let mut buffered = std::io::BufWriter::new(file);
            write(&mut buffered)?;
            buffered.flush().map_err(|e| Error::io(path, e))
        }
    }
}

/// Writes `files` as the folder `out/name`, replacing an earlier one only
/// once every file is written.
/// `out` is the `--out` folder (made if missing): a path that cannot be
/// that folder is the user's to change, a usage error that says why.
pub fn write_folder(out: &Path, name: &str, files: Vec<OutputFile>) -> Result<PathBuf> {
    if out.exists() && !out.is_dir() {
        return Err(Error::Usage(format!(
            "--out {}: is a file, not a folder (give a folder; it is made if missing)",
            out.display()
        )));
    }
    std::fs::create_dir_all(out).map_err(|e| match e.kind() {
        ErrorKind::NotADirectory
        | ErrorKind::AlreadyExists
        | ErrorKind::PermissionDenied
        | ErrorKind::ReadOnlyFilesystem => Error::Usage(format!(
            "--out {}: cannot make this folder: {}",
            out.display(),
            io_words(&e)
        )),
        _ => Error::io(out, e),
    })?;
    clear_leftovers(out);
    let target = out.join(name);
    let pid = std::process::id();
    let staging = out.join(format!(".{name}.writing-{pid}"));
    {
        let mut live = live();
        // Left by an earlier process with this process's number.
        let _ = std::fs::remove_dir_all(&staging);
        std::fs::create_dir(&staging).map_err(|e| Error::io(&staging, e))?;
        live.staging.push((staging.clone(), target.clone()));
    }
    let written = files
        .into_iter()
        .try_for_each(|f| write_file(&staging.join(&f.name), f.content));
    // From here to the end, under the lock: a signal finds the staging
    // folder either still listed or already renamed into place.
    let mut live = live();
    live.staging.retain(|(s, _)| *s != staging);
    if let Err(e) = written {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(e);
    }
    let old = out.join(format!(".{name}.old-{pid}"));
    if target.exists()
        && let Err(e) = std::fs::rename(&target, &old)
    {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(Error::io(&target, e));
    }
    if let Err(e) = std::fs::rename(&staging, &target) {
        // Put the earlier folder back.
        let _ = std::fs::rename(&old, &target);
        let _ = std::fs::remove_dir_all(&staging);
        return Err(Error::io(&target, e));
    }
    let _ = std::fs::remove_dir_all(&old);
    live.written.push(target.clone());
    Ok(target)
}

/// Writes a new file (a scenario that `caseload new` makes), never
/// overwriting one: a file already at `path` is a usage error.
pub fn write_new_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| match e.kind() {
            ErrorKind::AlreadyExists => Error::Usage(format!(
                "{}: already exists; caseload new never overwrites a file (choose another name)",
                path.display()
            )),
            ErrorKind::NotFound => Error::Usage(format!(
                "{}: cannot write it: the folder {} does not exist (make it first, or name a file in a folder that exists)",
                path.display(),
                path.parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .unwrap_or(Path::new("."))
                    .display()
            )),
            ErrorKind::NotADirectory | ErrorKind::IsADirectory | ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem => {
                Error::Usage(format!("{}: cannot write it: {}", path.display(), io_words(&e)))
            }
            _ => Error::io(path, e),
        })?;
    file.write_all(bytes).map_err(|e| Error::io(path, e))
}

/// What a leftover folder was to the process that left it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Leftover {
    /// `.NAME.writing-PID`: a folder being written.
    Writing,
    /// `.NAME.old-PID`: the earlier folder NAME, set aside to be replaced.
    Old,
}

/// The destination's name, the kind and the process number of a leftover
/// folder's name, or `None` for any other name.
fn leftover(file_name: &str) -> Option<(&str, Leftover, u32)> {
    let rest = file_name.strip_prefix('.')?;
    [(".writing-", Leftover::Writing), (".old-", Leftover::Old)]
        .into_iter()
        .find_map(|(marker, kind)| {
            let (name, pid) = rest.rsplit_once(marker)?;
            let digits = !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit());
            (!name.is_empty() && digits).then_some((name, kind, pid.parse().ok()?))
        })
}

/// Clears what processes that no longer exist left in `out`: their staging
/// folders are removed, and an earlier folder one had set aside is put back
/// when nothing took its place (it died between the two renames), else
/// removed. A folder of a process that may be alive is never touched.
fn clear_leftovers(out: &Path) {
    let Ok(entries) = std::fs::read_dir(out) else {
        return;
    };
    let own = std::process::id();
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some((name, kind, pid)) = file_name.to_str().and_then(leftover) else {
            continue;
        };
        // `file_type` does not follow links: only real folders are cleared.
        if pid == own || !entry.file_type().is_ok_and(|t| t.is_dir()) || !is_dead(pid) {
            continue;
        }
        let path = entry.path();
        let target = out.join(name);
        match kind {
            Leftover::Old if target.symlink_metadata().is_err() => {
                let _ = std::fs::rename(&path, &target);
            }
            _ => {
                let _ = std::fs::remove_dir_all(&path);
            }
        }
    }
}

/// Whether process `pid` is known to have ended. On Linux, /proc lists
/// every process there is (a zombie counts as alive), as long as /proc is
/// there at all.
#[cfg(target_os = "linux")]
fn is_dead(pid: u32) -> bool {
    let proc = Path::new("/proc");
    proc.join("self").exists() && !proc.join(pid.to_string()).exists()
}

/// Elsewhere no process is known to have ended, so nothing left behind is
/// ever removed (it is harmless: hidden, and never read).
#[cfg(not(target_os = "linux"))]
fn is_dead(_pid: u32) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leftover_names_are_told_from_other_names() {
        assert_eq!(leftover(".bury.writing-123"), Some(("bury", Leftover::Writing, 123)));
        assert_eq!(leftover(".compare-x.old-7"), Some(("compare-x", Leftover::Old, 7)));
        for other in [
            "bury",
            "bury.writing-123",
            ".bury.writing-",
            ".bury.writing-12a",
            ".writing-12",
            ".bury.old-99999999999",
            ".bury.reading-1",
        ] {
            assert_eq!(leftover(other), None, "{other}");
        }
    }

    #[test]
    fn the_message_says_what_was_written_and_what_is_as_it_was() {
        let message = |written: &[&str], unwritten: &[&str]| {
            Abandoned {
                unwritten: unwritten.iter().map(PathBuf::from).collect(),
                written: written.iter().map(PathBuf::from).collect(),
                _hold: live(),
            }
            .message()
        };
        assert_eq!(message(&[], &[]), "interrupted: nothing was written");
        assert_eq!(
            message(&[], &["output/x"]),
            "interrupted: nothing was written; output/x is as it was"
        );
        assert_eq!(
            message(&["output/a"], &["output/b"]),
            "interrupted after writing output/a; output/b is as it was"
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_dead_process_set_aside_folder_is_put_back_when_nothing_replaced_it() {
        let dir = tempfile::tempdir().unwrap();
        let pid_max: u32 = std::fs::read_to_string("/proc/sys/kernel/pid_max")
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        let dead = pid_max + 1;
        // Died between its two renames: `a` set aside, nothing in its place.
        std::fs::create_dir(dir.path().join(format!(".a.old-{dead}"))).unwrap();
        std::fs::write(dir.path().join(format!(".a.old-{dead}/summary.csv")), "earlier").unwrap();
        std::fs::create_dir(dir.path().join(format!(".a.writing-{dead}"))).unwrap();
        // Died after them: `b` in place, the earlier one left aside.
        std::fs::create_dir(dir.path().join("b")).unwrap();
        std::fs::create_dir(dir.path().join(format!(".b.old-{dead}"))).unwrap();
        clear_leftovers(dir.path());
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(
            std::fs::read_to_string(dir.path().join("a/summary.csv")).unwrap(),
            "earlier"
        );
    }
}
