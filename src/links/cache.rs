//! What earlier link checks found, kept beside the book (`.briefbook-cache/links.json`) so that
//! a second `check --links` within the cache's age asks no server again.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::links::http::Outcome;

/// The cache file's place under a book's root.
pub const PATH: &str = ".briefbook-cache/links.json";

/// Bumped when the file's shape changes: an older file is then ignored.
const VERSION: u32 = 1;

#[derive(Default, Serialize, Deserialize)]
pub struct Cache {
    version: u32,
    entries: BTreeMap<String, Entry>,
}

#[derive(Clone, Serialize, Deserialize)]
struct Entry {
    /// When it was checked, in seconds since 1970.
    checked: u64,
    outcome: Outcome,
}

impl Cache {
    /// The cache of the book at `root`; an unreadable or older one is an empty cache.
    pub fn load(root: &Path) -> Cache {
        std::fs::read(root.join(PATH))
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Cache>(&bytes).ok())
            .filter(|cache| cache.version == VERSION)
            .unwrap_or_default()
    }

    /// The outcome checked for `url` no more than `max_age` seconds before `now`.
    pub fn fresh(&self, url: &str, max_age: u64, now: u64) -> Option<&Outcome> {
        let entry = self.entries.get(url)?;
        (now.saturating_sub(entry.checked) <= max_age).then_some(&entry.outcome)
    }

    pub fn store(&mut self, url: String, outcome: Outcome, now: u64) {
        self.entries.insert(
            url,
            Entry {
                checked: now,
                outcome,
            },
        );
    }

    /// Writes the cache anew beside the book (a temporary file renamed into place, so a reader
    /// never sees half of it).
    pub fn save(&mut self, root: &Path) -> Result<(), String> {
        self.version = VERSION;
        let path: PathBuf = root.join(PATH);
        let folder = path.parent().expect("the cache path has a folder");
        std::fs::create_dir_all(folder).map_err(|e| format!("{}: {e}", folder.display()))?;
        let bytes = serde_json::to_vec_pretty(self).map_err(|e| e.to_string())?;
        let temporary = folder.join(".links.json.new");
        std::fs::write(&temporary, bytes)
            .and_then(|()| std::fs::rename(&temporary, &path))
            .map_err(|e| format!("{}: {e}", path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_age_out_and_survive_a_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let mut cache = Cache::default();
        cache.store("https://a.example/".into(), Outcome::Alive, 1_000);
        cache.save(dir.path()).unwrap();
        let read = Cache::load(dir.path());
        assert_eq!(
            read.fresh("https://a.example/", 60, 1_050),
            Some(&Outcome::Alive)
        );
        assert_eq!(read.fresh("https://a.example/", 60, 1_061), None);
        assert_eq!(read.fresh("https://b.example/", 60, 1_000), None);
    }
}
