//! Writing the site: into a folder beside `output_dir`, swapped in only when complete.
//!
//! The site a build replaces is kept beside the output as its spare (`.public.briefbook-spare`)
//! and becomes the next build's staging folder, updated in place: a file that already holds the
//! right bytes is left alone, and what the new site lacks is removed before the swap. Creating
//! and deleting ten thousand files and folders costs more on ext4 than rendering them.

pub mod counted;
pub mod fingerprint;

use std::collections::HashMap;
use std::fs;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::diagnostic::{Code, Diagnostic};
use crate::output::fingerprint::{Fingerprints, Stamp};
use crate::render::OutputFile;

const STAGING: &str = "briefbook-staging";
const RETIRED: &str = "briefbook-old";
const SPARE: &str = "briefbook-spare";
const FINGERPRINTS: &str = "briefbook-fingerprints";

/// Refuses an output folder that is the book, its content, or a folder holding either.
pub fn check_output_dir(root: &Path, out: &Path) -> Result<(), Diagnostic> {
    let root = absolute(root);
    let content = root.join("content");
    let out = absolute(out);
    let refuse = |what: &str| {
        Err(Diagnostic::error(
            Code::OutputDir,
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

/// A folder beside the output folder that a build writes into; `commit` swaps it in.
/// Dropped without `commit` (an error, a panic), it is removed and the output stays as it was.
pub struct Staging {
    dir: PathBuf,
    out: PathBuf,
    committed: bool,
    /// Whether `dir` began as an earlier site (the spare) rather than as an empty folder.
    reused: bool,
    /// Every path this build wrote and its length, so that the rest of a reused folder can be
    /// removed and a part added to a written file goes after it.
    written: Mutex<HashMap<PathBuf, u64>>,
    /// Files written in parts, by site path.
    appending: Mutex<HashMap<String, Appending>>,
    /// What the files of the last sites held; saved when this one is committed.
    prints: Option<Fingerprints>,
}

fn io_error(what: &str, path: &Path, err: io::Error) -> Diagnostic {
    Diagnostic::error(Code::Io, format!("cannot {what} {}: {err}", path.display()))
}

impl Staging {
    /// Cleans up after interrupted builds, then creates the staging folder for `out`.
    pub fn create(out: &Path) -> Result<Staging, Diagnostic> {
        let (parent, name) = parent_and_name(out);
        fs::create_dir_all(&parent).map_err(|e| io_error("create", &parent, e))?;
        recover(&parent, &name, out);
        let dir = parent.join(format!(".{name}.{STAGING}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        // Renaming claims the spare: a second build running at once finds none and starts empty.
        let reused = fs::rename(parent.join(format!(".{name}.{SPARE}")), &dir).is_ok();
        if reused {
            remove_links(&dir);
        } else {
            fs::create_dir_all(&dir).map_err(|e| io_error("create", &dir, e))?;
        }
        let prints = Fingerprints::load(parent.join(format!(".{name}.{FINGERPRINTS}")));
        Ok(Staging {
            dir,
            out: out.to_path_buf(),
            committed: false,
            reused,
            written: Mutex::default(),
            appending: Mutex::default(),
            prints: Some(prints),
        })
    }

    /// Writes one file of the site (unless a reused folder already holds exactly these bytes).
    pub fn write(&self, file: OutputFile) -> Result<(), Diagnostic> {
        let to = self.dir.join(&file.path);
        self.put(&to, &file.bytes)
            .map_err(|e| io_error("write", &to, e))
    }

    /// Adds to the end of a file of the site, creating it if needed. In a reused folder the
    /// parts are compared with what the file holds at that place, and written from the first
    /// difference on.
    pub fn append(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        let to = self.dir.join(path);
        let mut appending = self.appending.lock().unwrap_or_else(|e| e.into_inner());
        let file = match appending.entry(path.to_string()) {
            std::collections::hash_map::Entry::Occupied(entry) => entry.into_mut(),
            std::collections::hash_map::Entry::Vacant(entry) => {
                let file = self
                    .open_for_parts(&to)
                    .map_err(|e| io_error("write", &to, e))?;
                entry.insert(file)
            }
        };
        file.add(bytes).map_err(|e| io_error("write", &to, e))
    }

    /// Copies a static or co-located file to `rel` in the site. Into a fresh folder the system
    /// copies it; a reused folder must first compare it, so it is read.
    pub fn copy(&self, from: &Path, rel: &str) -> Result<(), Diagnostic> {
        let to = self.dir.join(rel);
        if !self.reused {
            self.record(&to, 0);
            return ensure_parent(&to)
                .and_then(|()| fs::copy(from, &to))
                .map(|_| ())
                .map_err(|e| io_error("copy", from, e));
        }
        let bytes = fs::read(from).map_err(|e| io_error("copy", from, e))?;
        self.put(&to, &bytes).map_err(|e| io_error("copy", from, e))
    }

    fn put(&self, to: &Path, bytes: &[u8]) -> io::Result<()> {
        self.record(to, bytes.len() as u64);
        let hash = fingerprint::hash(bytes);
        if !self.reused {
            ensure_parent(to)?;
            fs::write(to, bytes)?;
            self.note(to, hash);
            return Ok(());
        }
        match self.holding(to, bytes, &hash) {
            Holding::Same => return Ok(()),
            Holding::NotAFile => self.make_way(to),
            Holding::Other => {}
        }
        // An earlier site may have a file where this one needs a folder.
        ensure_parent(to)
            .and_then(|()| fs::write(to, bytes))
            .or_else(|_| {
                self.make_way(to);
                ensure_parent(to).and_then(|()| fs::write(to, bytes))
            })?;
        self.note(to, hash);
        Ok(())
    }

    /// What a reused folder holds where `bytes` are to be written. A file whose stamp an
    /// earlier build noted is known by its hash; any other is read and compared.
    fn holding(&self, path: &Path, bytes: &[u8], hash: &fingerprint::Hash) -> Holding {
        let meta = match fs::symlink_metadata(path) {
            Err(_) => return Holding::Other,
            Ok(m) if !m.is_file() => return Holding::NotAFile,
            Ok(m) if m.len() != bytes.len() as u64 => return Holding::Other,
            Ok(m) => m,
        };
        let stamp = Stamp::of(&meta);
        let known = stamp.and_then(|s| self.prints.as_ref()?.holds(s, hash));
        let same = known.unwrap_or_else(|| fs::read(path).is_ok_and(|old| old == bytes));
        if !same {
            return Holding::Other;
        }
        if let (Some(stamp), Some(prints)) = (stamp, &self.prints) {
            prints.note_stamp(stamp, *hash);
        }
        Holding::Same
    }

    fn note(&self, path: &Path, hash: fingerprint::Hash) {
        if let Some(prints) = &self.prints {
            prints.note(path, hash);
        }
    }

    fn open_for_parts(&self, to: &Path) -> io::Result<Appending> {
        let at = self.record(to, 0);
        if self.reused && fs::symlink_metadata(to).is_ok_and(|m| !m.is_file()) {
            self.make_way(to);
        }
        let open = || {
            ensure_parent(to)?;
            fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(to)
        };
        let file = open().or_else(|_| {
            self.make_way(to);
            open()
        })?;
        Ok(Appending {
            file,
            at,
            same_so_far: self.reused,
            hasher: blake3::Hasher::new(),
        })
    }

    /// Notes that this build writes `to`, at least `len` bytes; returns what it had written.
    fn record(&self, to: &Path, len: u64) -> u64 {
        let mut written = self.written.lock().unwrap_or_else(|e| e.into_inner());
        let known = written.entry(to.to_path_buf()).or_insert(0);
        *known = (*known).max(len);
        *known
    }

    /// Removes whatever in a reused folder stands where `to` must go: a folder or link at `to`,
    /// a file or link where one of its folders must be.
    fn make_way(&self, to: &Path) {
        for path in to
            .ancestors()
            .take_while(|p| p.starts_with(&self.dir) && *p != self.dir)
        {
            match fs::symlink_metadata(path) {
                Ok(m) if m.is_dir() && path == to => {
                    let _ = fs::remove_dir_all(path);
                }
                Ok(m) if !m.is_dir() && (path != to || !m.is_file()) => {
                    let _ = fs::remove_file(path);
                }
                _ => {}
            }
        }
    }

    /// Ends the files written in parts, and in a reused folder removes every file and folder
    /// this build did not write.
    fn finish(&self) -> Result<(), Diagnostic> {
        let appending =
            std::mem::take(&mut *self.appending.lock().unwrap_or_else(|e| e.into_inner()));
        for (path, file) in appending {
            let path = self.dir.join(path);
            let hash = file.finish().map_err(|e| io_error("write", &path, e))?;
            self.note(&path, hash);
        }
        if self.reused {
            let written = self.written.lock().unwrap_or_else(|e| e.into_inner());
            let stale = walkdir::WalkDir::new(&self.dir)
                .min_depth(1)
                .contents_first(true)
                .into_iter()
                .flatten();
            for entry in stale {
                if entry.file_type().is_dir() {
                    // Fails while it still holds something this build wrote; that is the point.
                    let _ = fs::remove_dir(entry.path());
                } else if !written.contains_key(entry.path()) {
                    fs::remove_file(entry.path())
                        .map_err(|e| io_error("remove", entry.path(), e))?;
                }
            }
        }
        Ok(())
    }

    /// Puts the new site in place of the old one in one step where the system allows (Linux),
    /// then keeps the old one as the next build's spare. At no moment is there neither an old
    /// nor a new site.
    pub fn commit(mut self) -> Result<(), Diagnostic> {
        self.finish()?;
        self.swap()?;
        if let Some(prints) = self.prints.take() {
            prints.save();
        }
        Ok(())
    }

    fn swap(&mut self) -> Result<(), Diagnostic> {
        if !self.out.exists() {
            fs::rename(&self.dir, &self.out)
                .map_err(|e| io_error("move into place", &self.out, e))?;
            self.committed = true;
            return Ok(());
        }
        if exchange(&self.dir, &self.out).is_ok() {
            // The staging path now holds the old site; a kill here leaves it to the next build.
            self.committed = true;
            keep_as_spare(&self.dir, &self.out);
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
        keep_as_spare(&retired, &self.out);
        Ok(())
    }
}

/// Makes `old` the spare of `out`, or removes it if another build left a spare first.
fn keep_as_spare(old: &Path, out: &Path) {
    let (parent, name) = parent_and_name(out);
    if fs::rename(old, parent.join(format!(".{name}.{SPARE}"))).is_err() {
        let _ = fs::remove_dir_all(old);
    }
}

/// Removes every symbolic link in a reused folder: builds never make one, and writing through
/// one could reach outside the site.
fn remove_links(dir: &Path) {
    for entry in walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .flatten()
    {
        if entry.path_is_symlink() {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// What a reused folder holds where a file is to be written.
enum Holding {
    /// A file with exactly the bytes to write.
    Same,
    /// A file with other bytes, or nothing.
    Other,
    /// A folder or a link: never written through.
    NotAFile,
}

/// A file being written in parts, over what a reused folder held there.
struct Appending {
    file: fs::File,
    /// Where the next part goes.
    at: u64,
    /// Whether every part so far matched what the file held; then nothing was written.
    same_so_far: bool,
    /// The whole file's hash, for the fingerprints. Its parts are still compared by reading:
    /// the old file's hash says nothing about a part until the last one.
    hasher: blake3::Hasher,
}

impl Appending {
    fn add(&mut self, bytes: &[u8]) -> io::Result<()> {
        if self.same_so_far {
            let mut old = vec![0; bytes.len()];
            self.file.seek(SeekFrom::Start(self.at))?;
            self.same_so_far = self.file.read_exact(&mut old).is_ok() && old == bytes;
        }
        if !self.same_so_far {
            self.file.seek(SeekFrom::Start(self.at))?;
            self.file.write_all(bytes)?;
        }
        self.at += bytes.len() as u64;
        self.hasher.update(bytes);
        Ok(())
    }

    /// Cuts off whatever the file held beyond the last part; returns the hash of what it holds.
    fn finish(self) -> io::Result<fingerprint::Hash> {
        if self.file.metadata()?.len() != self.at {
            self.file.set_len(self.at)?;
        }
        Ok(*self.hasher.finalize().as_bytes())
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
    fn copy(&self, from: &Path, path: &str) -> Result<(), Diagnostic> {
        Staging::copy(self, from, path)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if self.committed {
        } else if self.reused {
            // Half updated, it is still a spare: the next build compares every file anyway.
            keep_as_spare(&self.dir, &self.out);
        } else {
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
/// a half-written staging folder becomes the spare if there is none (it is updated in place
/// like any spare) or is removed, and a half-written fingerprints list is removed.
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
            keep_as_spare(&entry.path(), out);
        } else if rest == crate::output::fingerprint::UNSAVED {
            let _ = fs::remove_file(entry.path());
        }
    }
}

fn ensure_parent(path: &Path) -> io::Result<()> {
    match path.parent() {
        Some(dir) => fs::create_dir_all(dir),
        None => Ok(()),
    }
}
