//! Putting a staged site in place, keeping the one it replaces as the spare, and cleaning what
//! interrupted builds left. Runs only under the output's lock (`lock.rs`), so everything found
//! beside the output belongs to a build that is no longer running.

use std::fs;
use std::io;
use std::path::Path;

use crate::diagnostic::Diagnostic;
use crate::output::fingerprint::UNSAVED;
use crate::output::guard;
use crate::output::io_error;
use crate::output::place::{Place, RETIRED, SCRATCH, SPARE, STAGING};

/// Puts the site staged in `dir` in place of the output. On Linux one atomic exchange: at no
/// moment is there neither the old site nor the new one. On success the old site is the spare
/// (or, taken over, kept beside it); on failure nothing moved and `dir` is still the staging
/// folder.
pub(crate) fn publish(place: &Place, dir: &Path, take_over: bool) -> Result<(), Diagnostic> {
    if take_over {
        return take_over_with(place, dir);
    }
    if fs::symlink_metadata(&place.out).is_err() {
        return fs::rename(dir, &place.out).map_err(|e| failed("move into place", place, e));
    }
    match exchange(dir, &place.out) {
        Ok(()) => {
            // The new site is published; a spare that cannot be kept is cleaned next time.
            let _ = keep_as_spare(place, dir);
            return Ok(());
        }
        Err(e) if guard::is_busy(&e) => return Err(guard::mount_point(place, Some(e))),
        Err(_) => {}
    }
    let retired = place.retired();
    fs::rename(&place.out, &retired).map_err(|e| failed("move aside", place, e))?;
    if let Err(e) = fs::rename(dir, &place.out) {
        // Put the previous site back before reporting.
        let _ = fs::rename(&retired, &place.out);
        return Err(failed("move into place", place, e));
    }
    let _ = keep_as_spare(place, &retired);
    Ok(())
}

/// Publishes over a folder briefbook did not write (`--force`): what it held is moved beside
/// it under a name no build cleans up, never made the spare (which the next build would empty).
fn take_over_with(place: &Place, dir: &Path) -> Result<(), Diagnostic> {
    let displaced = place.free_displaced();
    fs::rename(&place.out, &displaced).map_err(|e| failed("move aside", place, e))?;
    if let Err(e) = fs::rename(dir, &place.out) {
        let _ = fs::rename(&displaced, &place.out);
        return Err(failed("move into place", place, e));
    }
    eprintln!(
        "took over {}: what it held is now in {}, which briefbook never deletes",
        place.display(),
        displaced.display()
    );
    Ok(())
}

fn failed(what: &str, place: &Place, error: io::Error) -> Diagnostic {
    if guard::is_busy(&error) {
        guard::mount_point(place, Some(error))
    } else {
        io_error(what, &place.out, error)
    }
}

/// Makes `old` the spare of the output, or removes it if there is a spare already.
pub(crate) fn keep_as_spare(place: &Place, old: &Path) -> io::Result<()> {
    fs::rename(old, place.beside(SPARE)).or_else(|_| fs::remove_dir_all(old))
}

/// Cleans what interrupted builds left: a missing site is restored from its retired copy, a
/// half-written staging folder becomes the spare if there is none (it is updated in place like
/// any spare) or is removed, and half-written fingerprints and scratch files are removed.
/// Anything that cannot be cleaned is an error naming it.
pub(crate) fn recover(place: &Place) -> Result<(), Diagnostic> {
    let entries = fs::read_dir(&place.parent).map_err(|e| io_error("read", &place.parent, e))?;
    let prefix = place.prefix();
    for entry in entries {
        let entry = entry.map_err(|e| io_error("read", &place.parent, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(&prefix) else {
            continue;
        };
        let path = entry.path();
        let cleaned = if rest.starts_with(RETIRED) && fs::symlink_metadata(&place.out).is_err() {
            fs::rename(&path, &place.out)
        } else if rest.starts_with(STAGING) || rest.starts_with(RETIRED) {
            keep_as_spare(place, &path)
        } else if rest == UNSAVED || rest == SCRATCH {
            remove(&path)
        } else {
            Ok(())
        };
        cleaned.map_err(|e| io_error("clean up", &path, e))?;
    }
    Ok(())
}

/// Removes a file or a folder with everything in it.
pub(crate) fn remove(path: &Path) -> io::Result<()> {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => fs::remove_dir_all(path),
        Ok(_) => fs::remove_file(path),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// Swaps two paths atomically (`renameat2` with `RENAME_EXCHANGE`).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let a = CString::new(a.as_os_str().as_bytes())?;
    let b = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: two valid NUL-terminated paths, relative to the current directory.
    let result = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if result == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Elsewhere there is no atomic exchange: `publish` falls back to two renames.
#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "no atomic exchange",
    ))
}
