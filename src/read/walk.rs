//! Listing a folder of the book: hidden entries skipped, also when a link leads to one; links
//! followed while they stay inside the book; and every entry that cannot be read an error.

use std::io::ErrorKind;
use std::path::{Component, Path, PathBuf};

use walkdir::WalkDir;

use crate::diagnostic::{Code, Diagnostic};
use crate::read::load::FileRef;

/// Lists folders of one book.
pub struct Walker {
    pub root: PathBuf,
    /// The book's real path, which links must stay inside.
    book: PathBuf,
}

/// Why a symbolic link is not followed.
enum Refused {
    /// It leads outside the book (or cannot be resolved).
    Outside,
    /// It leads to a hidden file or folder, or into one (`.git`, `.env`).
    Hidden,
}

impl Walker {
    pub fn new(root: &Path) -> Walker {
        let book = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        Walker {
            root: root.to_path_buf(),
            book,
        }
    }

    /// The book-relative path of a file, for messages.
    pub fn shown(&self, path: &Path) -> String {
        shown(&self.root, path)
    }

    /// Files below `dir`, sorted, skipping hidden entries and `_x` files other than `_index.md`.
    /// A missing `dir` holds nothing. Links are followed while they stay inside the book and
    /// lead to nothing hidden; others are named in a warning. Whatever cannot be read (a folder
    /// without permission, a link to nothing) is an `io` error naming it.
    pub fn walk(&self, dir: &Path, problems: &mut Vec<Diagnostic>) -> Vec<FileRef> {
        match self.folder(dir) {
            Ok(true) => {}
            Ok(false) => return Vec::new(),
            Err(problem) => {
                problems.push(problem);
                return Vec::new();
            }
        }
        let mut refused = Vec::new();
        let walker = WalkDir::new(dir)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                if e.depth() > 0 && is_hidden(e.file_name()) {
                    return false;
                }
                match e.path_is_symlink().then(|| self.refuses(e.path())) {
                    Some(Some(why)) => {
                        refused.push((e.path().to_path_buf(), why));
                        false
                    }
                    _ => true,
                }
            });
        let mut files = Vec::new();
        for entry in walker {
            match entry {
                Ok(entry) => files.extend(self.file(dir, &entry)),
                Err(err) => problems.extend(self.unreadable(&err)),
            }
        }
        problems.extend(refused.iter().map(|(path, why)| self.refused(path, why)));
        files
    }

    /// Whether `dir` is a folder to walk: `Ok(false)` when it does not exist; an error when it
    /// is something else or cannot be read; a warning when it is a link not to follow, or lies
    /// below one (a theme folder linked from outside the book).
    fn folder(&self, dir: &Path) -> Result<bool, Diagnostic> {
        match std::fs::symlink_metadata(dir) {
            Err(err) if err.kind() == ErrorKind::NotFound => return Ok(false),
            Err(err) => return Err(self.io_error(dir, &err)),
            Ok(_) => {}
        }
        let meta = std::fs::metadata(dir).map_err(|err| match err.kind() {
            ErrorKind::NotFound => self.dangling(dir),
            _ => self.io_error(dir, &err),
        })?;
        if let Some(why) = self.refuses(dir) {
            return Err(self.refused(dir, &why));
        }
        if !meta.is_dir() {
            return Err(
                Diagnostic::error(Code::Io, "expected a folder, found a file")
                    .in_file(self.shown(dir))
                    .with_help("the book reads a folder of this name; move the file away"),
            );
        }
        Ok(true)
    }

    /// A listed entry as a file to load, unless it is a folder or an `_x` file.
    fn file(&self, dir: &Path, entry: &walkdir::DirEntry) -> Option<FileRef> {
        let name = entry.file_name().to_string_lossy();
        if !entry.file_type().is_file() || (name.starts_with('_') && name != "_index.md") {
            return None;
        }
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let rel = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        Some(FileRef {
            from: entry.path().to_path_buf(),
            rel,
            shown: self.shown(entry.path()),
        })
    }

    /// Why the link at `path` is not to be followed, if it is not. Its target is resolved in
    /// full, so a chain of links is judged by where it ends.
    fn refuses(&self, path: &Path) -> Option<Refused> {
        let Ok(target) = path.canonicalize() else {
            return Some(Refused::Outside);
        };
        let Ok(inside) = target.strip_prefix(&self.book) else {
            return Some(Refused::Outside);
        };
        let hidden = inside.components().any(|c| match c {
            Component::Normal(name) => is_hidden(name),
            _ => false,
        });
        hidden.then_some(Refused::Hidden)
    }

    fn refused(&self, path: &Path, why: &Refused) -> Diagnostic {
        let (message, help) = match why {
            Refused::Outside => (
                "symbolic link leads outside the book; not followed",
                "copy the file into the book, or remove the link",
            ),
            Refused::Hidden => (
                "symbolic link leads to a hidden file or folder; not followed",
                "hidden files (`.git`, `.env`) are never published; remove the link",
            ),
        };
        Diagnostic::warning(Code::Symlink, message)
            .in_file(self.shown(path))
            .with_help(help)
    }

    /// What an entry that could not be listed or followed is: nothing, when it is hidden (an
    /// editor's lock file is a link to nothing); a warning for a link looping back above
    /// itself; an `io` error for anything else, a link to nothing included.
    fn unreadable(&self, err: &walkdir::Error) -> Option<Diagnostic> {
        let path = err.path()?;
        if path.file_name().is_some_and(is_hidden) {
            return None;
        }
        if err.loop_ancestor().is_some() {
            let message = "symbolic link loops back to a folder above it; not followed";
            return Some(Diagnostic::warning(Code::Symlink, message).in_file(self.shown(path)));
        }
        let dangling = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
            && std::fs::metadata(path).is_err_and(|e| e.kind() == ErrorKind::NotFound);
        if dangling {
            return Some(self.dangling(path));
        }
        let Some(io) = err.io_error() else {
            return Some(self.io_error(path, &std::io::Error::other(err.to_string())));
        };
        Some(self.io_error(path, io))
    }

    /// A link whose target does not exist: whatever it named would be missing from the site.
    fn dangling(&self, path: &Path) -> Diagnostic {
        let target = std::fs::read_link(path).unwrap_or_default();
        let message = format!(
            "symbolic link to `{}`, which does not exist",
            target.display()
        );
        Diagnostic::error(Code::Io, message)
            .in_file(self.shown(path))
            .with_help("restore the file it names, or remove the link")
    }

    fn io_error(&self, path: &Path, err: &std::io::Error) -> Diagnostic {
        Diagnostic::error(Code::Io, format!("cannot read: {err}"))
            .in_file(self.shown(path))
            .with_help("check that the book's files and folders can be read")
    }
}

/// `path` relative to the book root, with `/` separators.
pub fn shown(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_string_lossy().starts_with('.')
}
