//! What an output folder must be before a build writes a site there: a folder or nothing yet,
//! not a mount point, and either empty or briefbook's own.
//!
//! A folder is briefbook's when what builds keep beside it is there: its spare
//! (`.public.briefbook-spare`) or its fingerprints (`.public.briefbook-fingerprints`). Every
//! build that publishes a site saves the fingerprints, and every one after the first keeps a
//! spare; both are written only under the lock, after a swap, so a refused or failed build never
//! makes a folder look like briefbook's. The lock file is no sign: a build makes it before it
//! looks. Any other non-empty folder is refused unless the build may take it over
//! (`build --force`); what it held is then moved beside it, never deleted (`swap.rs`).

use std::fs;
use std::io;

use crate::diagnostic::{Code, Diagnostic};
use crate::output::io_error;
use crate::output::place::{Place, DISPLACED, FINGERPRINTS, SPARE};

/// Refuses an output that is not a folder, or that is a mount point.
pub(crate) fn check_kind(place: &Place) -> Result<(), Diagnostic> {
    match fs::symlink_metadata(&place.out) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io_error("read", &place.out, e)),
        Ok(meta) if !meta.is_dir() => Err(Diagnostic::error(
            Code::OutputDir,
            format!(
                "refusing to write the site to {}: it is a file, not a folder",
                place.display()
            ),
        )
        .with_help("choose a folder for the site with -o or `output_dir` in site.toml")),
        Ok(_) if is_mount_point(place)? => Err(mount_point(place, None)),
        Ok(_) => Ok(()),
    }
}

/// Whether the output folder is the root of a mounted file system (a Docker volume, say).
#[cfg(unix)]
fn is_mount_point(place: &Place) -> Result<bool, Diagnostic> {
    use std::os::unix::fs::MetadataExt;
    let out = fs::metadata(&place.out).map_err(|e| io_error("read", &place.out, e))?;
    let parent = fs::metadata(&place.parent).map_err(|e| io_error("read", &place.parent, e))?;
    Ok(out.dev() != parent.dev() || out.ino() == parent.ino())
}

/// Elsewhere a mount point shows only when renaming it fails (`is_busy`).
#[cfg(not(unix))]
fn is_mount_point(_: &Place) -> Result<bool, Diagnostic> {
    Ok(false)
}

/// Whether renaming the output failed because it is a mount point: the system refuses to
/// rename one (busy) or to move a folder onto another file system.
pub(crate) fn is_busy(error: &io::Error) -> bool {
    #[cfg(unix)]
    let busy = matches!(error.raw_os_error(), Some(libc::EBUSY | libc::EXDEV));
    #[cfg(not(unix))]
    let busy = error.kind() == io::ErrorKind::ResourceBusy;
    busy
}

/// A build swaps a whole site in at once by renaming folders, and a mount point cannot be
/// renamed: the message says what to do instead.
pub(crate) fn mount_point(place: &Place, cause: Option<io::Error>) -> Diagnostic {
    let cause = cause.map(|e| format!(" ({e})")).unwrap_or_default();
    let inside = place.shown.join("site");
    Diagnostic::error(
        Code::OutputDir,
        format!(
            "cannot publish a site as {}: it is a mount point (a Docker volume, say), which \
             cannot be renamed, so a new site cannot be swapped in at once{cause}",
            place.display()
        ),
    )
    .with_help(format!(
        "write the site into a folder inside it, such as `-o {}` (or `output_dir` in site.toml), \
         and serve that folder; or mount the volume one level up",
        inside.display()
    ))
}

/// Whether the build must take the output over: it is a non-empty folder that briefbook did not
/// write. Without `allowed` (`--force`) that is an error naming the folder and `--force`.
pub(crate) fn must_take_over(place: &Place, allowed: bool) -> Result<bool, Diagnostic> {
    let mut entries = match fs::read_dir(&place.out) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(io_error("read", &place.out, e)),
    };
    if entries.next().is_none() || is_briefbooks(place) {
        return Ok(false);
    }
    if allowed {
        return Ok(true);
    }
    Err(Diagnostic::error(
        Code::OutputDir,
        format!(
            "refusing to write the site to {}: it holds files that briefbook did not write",
            place.display()
        ),
    )
    .with_help(format!(
        "choose an empty or new folder with -o or `output_dir`, or pass --force to take this one \
         over: what it holds is then moved to {}{DISPLACED}-<n> beside it, never deleted",
        place.prefix()
    )))
}

/// Whether what builds keep beside the output is there.
fn is_briefbooks(place: &Place) -> bool {
    [SPARE, FINGERPRINTS]
        .iter()
        .any(|what| fs::symlink_metadata(place.beside(what)).is_ok())
}
