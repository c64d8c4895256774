//! Writing the site: into a fresh folder beside `output_dir`, swapped in only when complete.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;
use crate::render::OutputFile;

const STAGING: &str = "briefbook-staging";
const RETIRED: &str = "briefbook-old";

/// Refuses an output folder that is the book, its content, or a folder holding either.
pub fn check_output_dir(root: &Path, out: &Path) -> Result<(), Diagnostic> {
    let root = absolute(root);
    let content = root.join("content");
    let out = absolute(out);
    let refuse = |what: &str| {
        Err(Diagnostic::error(
            "output-dir",
            format!("refusing to write the site to {}: it {what}", out.display()),
        )
        .in_file("site.toml")
        .with_help(
            "set `output_dir` in site.toml (or pass -o) to a folder of its own, such as \"public\"",
        ))
    };
    if root.starts_with(&out) {
        return refuse("is the book's folder or holds it");
    }
    if content.starts_with(&out) || out.starts_with(&content) {
        return refuse("is, holds or lies inside content/");
    }
    Ok(())
}

/// The path made absolute and free of `.`/`..`, following links in the part that exists.
fn absolute(path: &Path) -> PathBuf {
    let path = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut existing = path.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_os_string());
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut out = existing.canonicalize().unwrap_or(existing);
    for name in rest.into_iter().rev() {
        if name == ".." {
            out.pop();
        } else if name != "." {
            out.push(name);
        }
    }
    out
}

/// A fresh folder beside the output folder that a build writes into; `commit` swaps it in.
/// Dropped without `commit` (an error, a panic), it is removed and the output stays as it was.
pub struct Staging {
    dir: PathBuf,
    out: PathBuf,
    committed: bool,
}

fn io_error(what: &str, path: &Path, err: io::Error) -> Diagnostic {
    Diagnostic::error("io", format!("cannot {what} {}: {err}", path.display()))
}

impl Staging {
    /// Cleans up after interrupted builds, then creates the staging folder for `out`.
    pub fn create(out: &Path) -> Result<Staging, Diagnostic> {
        let (parent, name) = parent_and_name(out);
        fs::create_dir_all(&parent).map_err(|e| io_error("create", &parent, e))?;
        recover(&parent, &name, out);
        let dir = parent.join(format!(".{name}.{STAGING}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).map_err(|e| io_error("create", &dir, e))?;
        Ok(Staging {
            dir,
            out: out.to_path_buf(),
            committed: false,
        })
    }

    /// Writes one file of the site.
    pub fn write(&self, file: OutputFile) -> Result<(), Diagnostic> {
        let to = self.dir.join(&file.path);
        ensure_parent(&to)?;
        fs::write(&to, &file.bytes).map_err(|e| io_error("write", &to, e))
    }

    /// Adds to the end of a file of the site, creating it if needed.
    pub fn append(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        use std::io::Write;
        let to = self.dir.join(path);
        ensure_parent(&to)?;
        let mut file = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&to)
            .map_err(|e| io_error("write", &to, e))?;
        file.write_all(bytes).map_err(|e| io_error("write", &to, e))
    }

    /// Copies a static or co-located file to `rel` in the site.
    pub fn copy(&self, from: &Path, rel: &str) -> Result<(), Diagnostic> {
        let to = self.dir.join(rel);
        ensure_parent(&to)?;
        fs::copy(from, &to)
            .map(|_| ())
            .map_err(|e| io_error("copy", from, e))
    }

    /// Puts the new site in place of the old one in one step where the system allows (Linux),
    /// then removes the old one. At no moment is there neither an old nor a new site.
    pub fn commit(mut self) -> Result<(), Diagnostic> {
        if !self.out.exists() {
            fs::rename(&self.dir, &self.out)
                .map_err(|e| io_error("move into place", &self.out, e))?;
            self.committed = true;
            return Ok(());
        }
        if exchange(&self.dir, &self.out).is_ok() {
            // The staging path now holds the old site; a kill here leaves it to the next build.
            self.committed = true;
            let _ = fs::remove_dir_all(&self.dir);
            return Ok(());
        }
        let (parent, name) = parent_and_name(&self.out);
        let retired = parent.join(format!(".{name}.{RETIRED}-{}", std::process::id()));
        fs::rename(&self.out, &retired).map_err(|e| io_error("move aside", &self.out, e))?;
        if let Err(e) = fs::rename(&self.dir, &self.out) {
            // Put the previous site back before reporting.
            let _ = fs::rename(&retired, &self.out);
            return Err(io_error("move into place", &self.out, e));
        }
        self.committed = true;
        let _ = fs::remove_dir_all(&retired);
        Ok(())
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

/// Elsewhere there is no atomic exchange: `commit` falls back to two renames.
#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "no atomic exchange",
    ))
}

impl crate::render::Sink for Staging {
    fn write(&self, file: OutputFile) -> Result<(), Diagnostic> {
        Staging::write(self, file)
    }
    fn append(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        Staging::append(self, path, bytes)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// The folder holding `out`, and `out`'s own name.
fn parent_and_name(out: &Path) -> (PathBuf, String) {
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = out
        .file_name()
        .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
    (parent.to_path_buf(), name)
}

/// Cleans what an interrupted build left: a missing site is restored from its retired copy,
/// and half-written staging folders are removed.
fn recover(parent: &Path, name: &str, out: &Path) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let prefix = format!(".{name}.");
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = file_name.strip_prefix(&prefix) else {
            continue;
        };
        if rest.starts_with(RETIRED) && !out.exists() {
            let _ = fs::rename(entry.path(), out);
        } else if rest.starts_with(STAGING) || rest.starts_with(RETIRED) {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

fn ensure_parent(path: &Path) -> Result<(), Diagnostic> {
    match path.parent() {
        Some(dir) => fs::create_dir_all(dir)
            .map_err(|e| Diagnostic::error("io", format!("cannot create {}: {e}", dir.display()))),
        None => Ok(()),
    }
}
