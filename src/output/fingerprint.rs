//! What the files of the last two sites held, so that a reused folder's files are compared
//! with the bytes to write without reading them back.
//!
//! Each file a build writes (or finds already right) is noted with its stamp (inode, length,
//! change and modification times, in nanoseconds) and the BLAKE3 hash of its bytes, in
//! `.public.briefbook-fingerprints` beside the output. A later build that finds a file with the
//! same stamp knows its bytes by their hash. Any write to a file changes its change time, which
//! no program can set back, so an edited, replaced or recreated file never matches its old
//! stamp and is read and compared as before. A missing or damaged list only costs the reads.

use std::collections::HashMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

const HEADER: &str = "briefbook-fingerprints 1";
/// The extension the list is written under before it is renamed into place; an interrupted
/// build may leave it (`output::recover` removes it).
pub(crate) const UNSAVED: &str = "briefbook-new";

/// When and how a file was last written, as the file system tells it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Stamp {
    inode: u64,
    len: u64,
    changed: i128,
    modified: i128,
}

impl Stamp {
    #[cfg(unix)]
    pub(crate) fn of(meta: &fs::Metadata) -> Option<Stamp> {
        use std::os::unix::fs::MetadataExt;
        let nanos = |secs: i64, nsec: i64| i128::from(secs) * 1_000_000_000 + i128::from(nsec);
        Some(Stamp {
            inode: meta.ino(),
            len: meta.len(),
            changed: nanos(meta.ctime(), meta.ctime_nsec()),
            modified: nanos(meta.mtime(), meta.mtime_nsec()),
        })
    }

    /// Elsewhere there is no change time to trust: every file is read.
    #[cfg(not(unix))]
    pub(crate) fn of(_: &fs::Metadata) -> Option<Stamp> {
        None
    }
}

pub(crate) type Hash = [u8; 32];

pub(crate) fn hash(bytes: &[u8]) -> Hash {
    *blake3::hash(bytes).as_bytes()
}

struct Known {
    stamp: Stamp,
    hash: Hash,
    generation: u64,
}

/// The fingerprints of an output folder and its spare.
pub(crate) struct Fingerprints {
    file: PathBuf,
    /// This build's number: one more than the last saved.
    generation: u64,
    known: HashMap<u64, Known>,
    noted: Mutex<HashMap<u64, (Stamp, Hash)>>,
}

impl Fingerprints {
    /// Reads the list kept in `file`; nothing is known if it is missing or damaged.
    pub(crate) fn load(file: PathBuf) -> Fingerprints {
        let (generation, known) = fs::read_to_string(&file)
            .ok()
            .and_then(|text| parse(&text))
            .unwrap_or_default();
        Fingerprints {
            file,
            generation: generation + 1,
            known,
            noted: Mutex::default(),
        }
    }

    /// Whether a file with this stamp holds bytes of this hash; `None` when the stamp is not
    /// one an earlier build noted, so the file must be read.
    pub(crate) fn holds(&self, stamp: Stamp, hash: &Hash) -> Option<bool> {
        let known = self.known.get(&stamp.inode)?;
        (known.stamp == stamp).then(|| known.hash == *hash)
    }

    /// Notes that the file now at `path` holds bytes of this hash.
    pub(crate) fn note(&self, path: &Path, hash: Hash) {
        if let Some(stamp) = fs::symlink_metadata(path).ok().and_then(|m| Stamp::of(&m)) {
            self.note_stamp(stamp, hash);
        }
    }

    pub(crate) fn note_stamp(&self, stamp: Stamp, hash: Hash) {
        let mut noted = self.noted.lock().unwrap_or_else(|e| e.into_inner());
        noted.insert(stamp.inode, (stamp, hash));
    }

    /// Keeps this build's files and the last build's (now the spare's), replacing the list in
    /// one rename. Failing to save costs the next build its reads, nothing more.
    pub(crate) fn save(self) {
        let noted = self.noted.into_inner().unwrap_or_else(|e| e.into_inner());
        let mut lines = Vec::new();
        for (stamp, hash) in noted.values() {
            lines.push(line(self.generation, stamp, hash));
        }
        for (inode, known) in &self.known {
            if known.generation + 1 == self.generation && !noted.contains_key(inode) {
                lines.push(line(known.generation, &known.stamp, &known.hash));
            }
        }
        lines.sort();
        let text = format!("{HEADER} {}\n{}", self.generation, lines.concat());
        let temporary = self.file.with_extension(UNSAVED);
        let written = fs::File::create(&temporary)
            .and_then(|mut f| f.write_all(text.as_bytes()))
            .and_then(|()| fs::rename(&temporary, &self.file));
        if written.is_err() {
            let _ = fs::remove_file(&temporary);
        }
    }
}

fn line(generation: u64, s: &Stamp, hash: &Hash) -> String {
    format!(
        "{generation} {} {} {} {} {}\n",
        s.inode,
        s.len,
        s.changed,
        s.modified,
        blake3::Hash::from_bytes(*hash).to_hex()
    )
}

fn parse(text: &str) -> Option<(u64, HashMap<u64, Known>)> {
    let mut lines = text.lines();
    let generation = lines.next()?.strip_prefix(HEADER)?.trim().parse().ok()?;
    let mut known = HashMap::new();
    for line in lines {
        let mut fields = line.split(' ');
        let mut number = || fields.next()?.parse::<i128>().ok();
        let (g, inode, len, changed, modified) =
            (number()?, number()?, number()?, number()?, number()?);
        let hash = *blake3::Hash::from_hex(fields.next()?).ok()?.as_bytes();
        let stamp = Stamp {
            inode: u64::try_from(inode).ok()?,
            len: u64::try_from(len).ok()?,
            changed,
            modified,
        };
        let generation = u64::try_from(g).ok()?;
        known.insert(
            stamp.inode,
            Known {
                stamp,
                hash,
                generation,
            },
        );
    }
    Some((generation, known))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(inode: u64, changed: i128) -> Stamp {
        Stamp {
            inode,
            len: 3,
            changed,
            modified: changed,
        }
    }

    #[test]
    fn a_known_stamp_answers_by_hash_and_an_unknown_one_asks_for_a_read() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("prints");
        let first = Fingerprints::load(file.clone());
        first.note_stamp(stamp(7, 100), hash(b"abc"));
        first.save();
        let second = Fingerprints::load(file);
        assert_eq!(second.holds(stamp(7, 100), &hash(b"abc")), Some(true));
        assert_eq!(second.holds(stamp(7, 100), &hash(b"abd")), Some(false));
        // Written since (a new change time) or another file: read it.
        assert_eq!(second.holds(stamp(7, 101), &hash(b"abc")), None);
        assert_eq!(second.holds(stamp(8, 100), &hash(b"abc")), None);
    }

    #[test]
    fn the_list_keeps_two_builds_of_files() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("prints");
        for (build, inode) in [(1, 1), (2, 2), (3, 3)] {
            let prints = Fingerprints::load(file.clone());
            assert_eq!(prints.generation, build);
            prints.note_stamp(stamp(inode, 5), hash(b"abc"));
            prints.save();
        }
        let prints = Fingerprints::load(file);
        // The output's files (build 3) and the spare's (build 2); build 1's are gone.
        assert_eq!(prints.holds(stamp(3, 5), &hash(b"abc")), Some(true));
        assert_eq!(prints.holds(stamp(2, 5), &hash(b"abc")), Some(true));
        assert_eq!(prints.holds(stamp(1, 5), &hash(b"abc")), None);
    }

    #[test]
    fn a_damaged_list_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("prints");
        for text in ["", "nonsense", &format!("{HEADER} 4\n1 2 3 x y zz\n")] {
            fs::write(&file, text).unwrap();
            let prints = Fingerprints::load(file.clone());
            assert!(prints.known.is_empty(), "{text}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn rewriting_a_file_changes_its_stamp_even_with_the_same_length() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("page.html");
        fs::write(&path, "old").unwrap();
        let before = Stamp::of(&fs::symlink_metadata(&path).unwrap()).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        fs::write(&path, "new").unwrap();
        let after = Stamp::of(&fs::symlink_metadata(&path).unwrap()).unwrap();
        assert_eq!(before.len, after.len);
        assert_ne!(before, after);
    }
}
