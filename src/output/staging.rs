//! The staging folder a build writes its site into, beside the output, swapped in by `commit`
//! only when every file was written.
//!
//! The site a build replaces is kept beside the output as its spare (`.public.briefbook-spare`)
//! and becomes the next build's staging folder, updated in place: a file that already holds the
//! right bytes is left alone, a file that changes is written anew and renamed over the old one
//! (`anew.rs`), and what the new site lacks is removed before the swap. Creating and deleting ten
//! thousand files and folders costs more on ext4 than rendering them.

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::diagnostic::{Code, Diagnostic};
use crate::output::anew::{Parts, Scratch};
use crate::output::fingerprint::{self, Fingerprints, Stamp};
use crate::output::lock::Lock;
use crate::output::place::{Place, FINGERPRINTS, LOCK, SCRATCH, SPARE};
use crate::output::{guard, io_error, swap};
use crate::render::OutputFile;

/// A folder beside the output folder that a build writes into; `commit` swaps it in.
/// Dropped without `commit` (an error, a panic), it is put away and the output stays as it was.
pub struct Staging {
    place: Place,
    dir: PathBuf,
    committed: bool,
    /// Whether `dir` began as an earlier site (the spare) rather than as an empty folder.
    reused: bool,
    /// Whether the output holds files briefbook did not write, to be moved aside (`--force`).
    take_over: bool,
    /// Every path this build wrote and its length, so that the rest of a reused folder can be
    /// removed and a part added to a written file goes after it.
    written: Mutex<HashMap<PathBuf, u64>>,
    /// Files written in parts, by site path.
    appending: Mutex<HashMap<String, Parts>>,
    /// What the files of the last sites held; saved when this one is committed.
    prints: Option<Fingerprints>,
    scratch: Scratch,
    /// Declared last, so released last: only after `drop` has put everything away.
    _lock: Lock,
}

impl Staging {
    /// Checks the output, takes its lock (waiting for another build of it), cleans up after
    /// interrupted builds, and makes the staging folder: the spare, claimed, or a new one.
    /// `force` allows taking over a non-empty folder briefbook did not write (`build --force`).
    pub fn create(out: &Path, force: bool) -> Result<Staging, Diagnostic> {
        let place = Place::of(out)?;
        guard::check_kind(&place)?;
        fs::create_dir_all(&place.parent).map_err(|e| io_error("create", &place.parent, e))?;
        let lock = Lock::take(place.beside(LOCK), &place.display())?;
        // Judged before cleaning up: a staging folder that a build taking the folder over left
        // when it was killed would otherwise become the spare, and make the folder look like
        // briefbook's.
        let take_over = guard::must_take_over(&place, force)?;
        swap::recover(&place)?;
        let dir = place.staging();
        let spare = place.beside(SPARE);
        let reused = match fs::rename(&spare, &dir) {
            Ok(()) => true,
            Err(e) if e.kind() == io::ErrorKind::NotFound => false,
            Err(e) => return Err(io_error("claim", &spare, e)),
        };
        let prints = Fingerprints::load(place.beside(FINGERPRINTS));
        let staging = Staging {
            scratch: Scratch::new(place.beside(SCRATCH)),
            place,
            dir,
            committed: false,
            reused,
            take_over,
            written: Mutex::default(),
            appending: Mutex::default(),
            prints: Some(prints),
            _lock: lock,
        };
        // From here on a failure drops `staging`, which gives the spare back.
        staging.prepare()?;
        Ok(staging)
    }

    fn prepare(&self) -> Result<(), Diagnostic> {
        if !self.reused {
            return fs::create_dir(&self.dir).map_err(|e| io_error("create", &self.dir, e));
        }
        let scratch = self.scratch.dir();
        fs::create_dir(scratch).map_err(|e| io_error("create", scratch, e))?;
        self.remove_links()
    }

    /// Removes every symbolic link in a reused folder: builds never make one, and writing
    /// through one could reach outside the site.
    fn remove_links(&self) -> Result<(), Diagnostic> {
        for entry in walkdir::WalkDir::new(&self.dir).min_depth(1) {
            let entry = entry.map_err(|e| walk_error(&self.dir, e))?;
            if entry.path_is_symlink() {
                fs::remove_file(entry.path()).map_err(|e| io_error("remove", entry.path(), e))?;
            }
        }
        Ok(())
    }

    /// Writes one file of the site (unless a reused folder already holds exactly these bytes).
    pub fn write(&self, file: OutputFile) -> Result<(), Diagnostic> {
        let to = self.dir.join(&file.path);
        self.put(&to, &file.bytes)
            .map_err(|e| io_error("write", &to, e))
    }

    /// Adds to the end of a file of the site, creating it if needed. In a reused folder the
    /// parts are compared with what the file holds at that place, and the file is written anew
    /// from the first difference on.
    pub fn append(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        let to = self.dir.join(path);
        let mut appending = self.appending.lock().unwrap_or_else(|e| e.into_inner());
        let parts = match appending.entry(path.to_string()) {
            std::collections::hash_map::Entry::Occupied(entry) => entry.into_mut(),
            std::collections::hash_map::Entry::Vacant(entry) => {
                let parts = self
                    .open_parts(&to)
                    .map_err(|e| io_error("write", &to, e))?;
                entry.insert(parts)
            }
        };
        parts
            .add(bytes, &self.scratch)
            .map_err(|e| io_error("write", &to, e))
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
        self.put(&to, &bytes)
            .map_err(|e| io_error(&format!("copy {} to", from.display()), &to, e))
    }

    fn put(&self, to: &Path, bytes: &[u8]) -> io::Result<()> {
        self.record(to, bytes.len() as u64);
        let hash = fingerprint::hash(bytes);
        if self.reused {
            match self.holding(to, bytes, &hash) {
                Holding::Same => return Ok(()),
                Holding::NotAFile => self.make_way(to)?,
                Holding::Other => {}
            }
            let temp = self.scratch.write(bytes)?;
            self.rename_into_place(&temp, to)?;
        } else {
            ensure_parent(to)?;
            fs::write(to, bytes)?;
        }
        self.note(to, hash);
        Ok(())
    }

    /// Renames a scratch file over `to`, first removing what an earlier site has in the way: a
    /// folder where the file goes, or a file where one of its folders must be.
    fn rename_into_place(&self, temp: &Path, to: &Path) -> io::Result<()> {
        let placed = ensure_parent(to)
            .and_then(|()| fs::rename(temp, to))
            .or_else(|_| {
                self.make_way(to)?;
                ensure_parent(to)?;
                fs::rename(temp, to)
            });
        if placed.is_err() {
            let _ = fs::remove_file(temp);
        }
        placed
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

    fn open_parts(&self, to: &Path) -> io::Result<Parts> {
        let at = self.record(to, 0);
        if self.reused {
            let old = match fs::symlink_metadata(to) {
                Ok(meta) if meta.is_file() => Some(fs::File::open(to)?),
                Ok(_) => {
                    self.make_way(to)?;
                    None
                }
                Err(_) => None,
            };
            return Ok(Parts::over(old, at));
        }
        let open = || {
            ensure_parent(to)?;
            fs::OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(false)
                .open(to)
        };
        let file = open().or_else(|_| {
            self.make_way(to)?;
            open()
        })?;
        Ok(Parts::direct(file, at))
    }

    /// Notes that this build writes `to`, at least `len` bytes; returns what it had written.
    fn record(&self, to: &Path, len: u64) -> u64 {
        let mut written = self.written.lock().unwrap_or_else(|e| e.into_inner());
        let known = written.entry(to.to_path_buf()).or_insert(0);
        *known = (*known).max(len);
        *known
    }

    /// Removes whatever in the staging folder stands where `to` must go: a folder or link at
    /// `to`, a file or link where one of its folders must be.
    fn make_way(&self, to: &Path) -> io::Result<()> {
        let ancestors = to
            .ancestors()
            .take_while(|p| p.starts_with(&self.dir) && *p != self.dir);
        for path in ancestors {
            let removed = match fs::symlink_metadata(path) {
                Ok(m) if m.is_dir() && path == to => fs::remove_dir_all(path),
                Ok(m) if !m.is_dir() && (path != to || !m.is_file()) => fs::remove_file(path),
                _ => Ok(()),
            };
            removed.map_err(|e| {
                io::Error::new(e.kind(), format!("cannot remove {}: {e}", path.display()))
            })?;
        }
        Ok(())
    }

    /// Ends the files written in parts, and in a reused folder removes every file and folder
    /// this build did not write.
    fn finish(&self) -> Result<(), Diagnostic> {
        let appending =
            std::mem::take(&mut *self.appending.lock().unwrap_or_else(|e| e.into_inner()));
        // On an error, scratch files begun here go with the scratch folder (`drop`).
        for (path, parts) in appending {
            let to = self.dir.join(path);
            let failed = |e| io_error("write", &to, e);
            let done = parts.finish(&self.scratch).map_err(failed)?;
            if let Some(temp) = &done.temp {
                self.rename_into_place(temp, &to).map_err(failed)?;
            }
            if let Some(hash) = done.hash {
                self.note(&to, hash);
            }
        }
        if self.reused {
            self.remove_stale()?;
        }
        Ok(())
    }

    /// Removes from a reused folder what this build did not write. A folder that cannot be
    /// read, or a stale file that cannot be removed, is an error: the site would hold it.
    fn remove_stale(&self) -> Result<(), Diagnostic> {
        let written = self.written.lock().unwrap_or_else(|e| e.into_inner());
        let walk = walkdir::WalkDir::new(&self.dir)
            .min_depth(1)
            .contents_first(true);
        for entry in walk {
            let entry = entry.map_err(|e| walk_error(&self.dir, e))?;
            let path = entry.path();
            if entry.file_type().is_dir() {
                // A folder still holding what this build wrote stays; that is the point.
                if let Err(e) = fs::remove_dir(path) {
                    let holds_something = fs::read_dir(path).is_ok_and(|mut d| d.next().is_some());
                    if !holds_something {
                        return Err(io_error("remove", path, e));
                    }
                }
            } else if !written.contains_key(path) {
                fs::remove_file(path).map_err(|e| io_error("remove", path, e))?;
            }
        }
        Ok(())
    }

    /// Puts the new site in place of the old one in one step where the system allows (Linux),
    /// then keeps the old one as the next build's spare. At no moment is there neither an old
    /// nor a new site.
    pub fn commit(mut self) -> Result<(), Diagnostic> {
        self.finish()?;
        swap::publish(&self.place, &self.dir, self.take_over)?;
        self.committed = true;
        if let Some(prints) = self.prints.take() {
            prints.save();
        }
        Ok(())
    }
}

fn walk_error(dir: &Path, error: walkdir::Error) -> Diagnostic {
    let path = error.path().unwrap_or(dir).to_path_buf();
    let message = match error.io_error() {
        Some(e) => format!("cannot read {}: {e}", path.display()),
        None => format!("cannot read {}: {error}", path.display()),
    };
    Diagnostic::error(Code::Io, message)
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
        let _ = swap::remove(self.scratch.dir());
        if self.committed {
        } else if self.reused {
            // Half updated, it is still a spare: the next build compares every file anyway.
            let _ = swap::keep_as_spare(&self.place, &self.dir);
        } else {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

fn ensure_parent(path: &Path) -> io::Result<()> {
    match path.parent() {
        Some(dir) => fs::create_dir_all(dir),
        None => Ok(()),
    }
}
