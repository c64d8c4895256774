//! One build at a time per output folder: an exclusive `flock` on `.public.briefbook-lock`
//! beside it, held from before the build cleans up after interrupted ones until its site is
//! swapped in and its spare kept. A second build waits for it, saying so.
//!
//! `flock` rather than a crate: `libc` is already a dependency, the lock is the kernel's (a build
//! that dies, even by SIGKILL, releases it with its last file descriptor, so there is never a
//! stale lock to clear by hand), and std's `File::lock` needs a newer Rust than this crate's
//! minimum. The lock file is removed by its holder before it lets go, so that builds leave
//! nothing behind; a build that finds it has locked a file removed meanwhile tries again.

use std::fs;
use std::path::PathBuf;

#[cfg(unix)]
use crate::diagnostic::Code;
use crate::diagnostic::Diagnostic;

/// The lock of one output folder, released (and its file removed) when dropped.
pub(crate) struct Lock {
    /// Held open: the lock goes with its last file descriptor.
    #[cfg(unix)]
    _file: fs::File,
    path: PathBuf,
}

impl Lock {
    /// Takes the lock at `path` for the output `shown`, waiting while another build holds it.
    #[cfg(unix)]
    pub(crate) fn take(path: PathBuf, shown: &str) -> Result<Lock, Diagnostic> {
        let failed = |e: std::io::Error| cannot_lock(&path, shown, e);
        let mut told = false;
        loop {
            let file = fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(failed)?;
            if !flock(&file, false).map_err(failed)? {
                if !told {
                    eprintln!(
                        "waiting for another build to finish writing {shown} (it holds {})",
                        path.display()
                    );
                    told = true;
                }
                flock(&file, true).map_err(failed)?;
            }
            // The build we waited for removed the file as it finished: a lock on a removed file
            // keeps no one out, so lock the file now at that path.
            if same_file(&file, &path) {
                return Ok(Lock { _file: file, path });
            }
        }
    }

    /// Elsewhere builds are not kept apart.
    #[cfg(not(unix))]
    pub(crate) fn take(path: PathBuf, _: &str) -> Result<Lock, Diagnostic> {
        Ok(Lock { path })
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Removed while still held; the file descriptor closes after, releasing the lock.
        #[cfg(unix)]
        let _ = fs::remove_file(&self.path);
        #[cfg(not(unix))]
        let _ = &self.path;
    }
}

/// Takes an exclusive lock on `file`; without `wait`, returns `false` if another holds it.
#[cfg(unix)]
fn flock(file: &fs::File, wait: bool) -> std::io::Result<bool> {
    use std::os::fd::AsRawFd;
    let operation = if wait {
        libc::LOCK_EX
    } else {
        libc::LOCK_EX | libc::LOCK_NB
    };
    loop {
        // SAFETY: flock on a file descriptor that `file` keeps open.
        if unsafe { libc::flock(file.as_raw_fd(), operation) } == 0 {
            return Ok(true);
        }
        let error = std::io::Error::last_os_error();
        match error.raw_os_error() {
            Some(libc::EINTR) => continue,
            Some(libc::EWOULDBLOCK) if !wait => return Ok(false),
            _ => return Err(error),
        }
    }
}

/// Whether the open `file` is the file now at `path`.
#[cfg(unix)]
fn same_file(file: &fs::File, path: &std::path::Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::symlink_metadata(path)) {
        (Ok(open), Ok(named)) => open.dev() == named.dev() && open.ino() == named.ino(),
        _ => false,
    }
}

#[cfg(unix)]
fn cannot_lock(path: &std::path::Path, shown: &str, e: std::io::Error) -> Diagnostic {
    Diagnostic::error(
        Code::Io,
        format!("cannot lock {} to build {shown}: {e}", path.display()),
    )
    .with_help(
        "builds lock this file so that only one writes the output folder at a time; the \
         folder holding the output must be writable and allow file locks (flock)",
    )
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_waits_and_the_file_goes_with_the_last_holder() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".public.briefbook-lock");
        let first = Lock::take(path.clone(), "public").unwrap();
        let other = fs::File::open(&path).unwrap();
        assert!(!flock(&other, false).unwrap(), "the lock is not exclusive");
        drop(other);
        let waiter = std::thread::spawn({
            let path = path.clone();
            move || Lock::take(path, "public").map(|_| ())
        });
        drop(first);
        assert!(waiter.join().unwrap().is_ok());
        assert!(!path.exists());
    }
}
