//! The editor's open documents and the books they belong to: which book holds a file (the
//! nearest folder above it with a `site.toml`), the unsaved texts that stand in for the files on
//! disk, and every file's current text for requests that read the whole book.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use lsp_types::{TextDocumentContentChangeEvent, Uri};

use crate::diagnostic::SourceFile;
use crate::lsp::knowledge::Knowledge;
use crate::lsp::{position, uri};
use crate::read::load::BookFiles;

/// A file of a book: the book's root (canonical) and the file's path from it, with `/`
/// separators, as diagnostics name it (`content/chips/h20.md`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Place {
    pub root: PathBuf,
    pub rel: String,
}

impl Place {
    /// The path from `content/` (`chips/h20.md`), for pages and the registry.
    pub fn content_path(&self) -> Option<&str> {
        self.rel.strip_prefix("content/")
    }
}

/// The book holding `path`, if a folder above it has a `site.toml`.
pub fn place_of(path: &Path) -> Option<Place> {
    let file_name = path.file_name()?;
    // The file may be new and unsaved: resolve its folder, which exists.
    let folder = path.parent()?.canonicalize().ok()?;
    let full = folder.join(file_name);
    let root = folder
        .ancestors()
        .find(|dir| dir.join("site.toml").is_file())?
        .to_path_buf();
    let rel = full.strip_prefix(&root).ok()?.to_str()?.replace('\\', "/");
    Some(Place { root, rel })
}

/// An open document: its text as the editor has it.
pub struct Document {
    pub uri: Uri,
    pub version: i32,
    pub place: Option<Place>,
    /// The text, named as the book's loader names the file, so that it can stand in for it.
    pub file: Arc<SourceFile>,
}

/// What the compile thread last made of each book: what requests work from.
#[derive(Clone, Default)]
pub struct Snapshot {
    /// The last compile without errors, or (before there was one) what could be read.
    pub knowledge: Option<Knowledge>,
    /// The files of the last compile (disk and unsaved texts).
    pub files: Option<BookFiles>,
}

pub type Snapshots = Arc<Mutex<HashMap<PathBuf, Snapshot>>>;

/// An open document handed to the compile thread.
#[derive(Clone)]
pub struct Overlay {
    pub uri: Uri,
    pub version: i32,
    pub file: Arc<SourceFile>,
}

#[derive(Default)]
pub struct Workspace {
    documents: HashMap<String, Document>,
    pub snapshots: Snapshots,
}

impl Workspace {
    /// Opens a document; returns its place when it belongs to a book.
    pub fn open(&mut self, uri: Uri, version: i32, text: String) -> Option<Place> {
        let place = uri::to_path(&uri).and_then(|p| place_of(&p));
        let name = place.as_ref().map_or(String::new(), |p| p.rel.clone());
        let document = Document {
            uri: uri.clone(),
            version,
            place: place.clone(),
            file: SourceFile::new(name, text),
        };
        self.documents.insert(uri.as_str().to_string(), document);
        place
    }

    /// Applies the editor's changes (whole texts or ranges) to an open document.
    pub fn change(
        &mut self,
        uri: &Uri,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
    ) -> Option<Place> {
        let document = self.documents.get_mut(uri.as_str())?;
        let mut text = document.file.text.clone();
        for change in changes {
            match change.range {
                Some(range) => {
                    let start = position::offset(&text, range.start);
                    let end = position::offset(&text, range.end).max(start);
                    text.replace_range(start..end, &change.text);
                }
                None => text = change.text,
            }
        }
        document.file = SourceFile::new(document.file.path.clone(), text);
        document.version = version;
        document.place.clone()
    }

    pub fn close(&mut self, uri: &Uri) -> Option<Place> {
        self.documents.remove(uri.as_str())?.place
    }

    pub fn document(&self, uri: &Uri) -> Option<&Document> {
        self.documents.get(uri.as_str())
    }

    /// The open documents of the book at `root`, by path from the root.
    pub fn overlays(&self, root: &Path) -> HashMap<String, Overlay> {
        self.documents
            .values()
            .filter_map(|d| {
                let place = d.place.as_ref().filter(|p| p.root == root)?;
                let overlay = Overlay {
                    uri: d.uri.clone(),
                    version: d.version,
                    file: d.file.clone(),
                };
                Some((place.rel.clone(), overlay))
            })
            .collect()
    }

    /// The URI to name a file of a book by: the editor's own when it has the file open.
    pub fn uri_for(&self, root: &Path, rel: &str) -> Option<Uri> {
        let open = self.documents.values().find(|d| {
            d.place
                .as_ref()
                .is_some_and(|p| p.root == root && p.rel == rel)
        });
        match open {
            Some(d) => Some(d.uri.clone()),
            None => uri::from_path(&root.join(rel)),
        }
    }

    pub fn snapshot(&self, root: &Path) -> Snapshot {
        let snapshots = self.snapshots.lock().unwrap_or_else(|e| e.into_inner());
        snapshots.get(root).cloned().unwrap_or_default()
    }

    /// Every content file of the book (pages and the registry) with its current text: the
    /// editor's where it is open, else as last read from disk.
    pub fn book_texts(&self, root: &Path) -> Vec<Arc<SourceFile>> {
        let files = self.snapshot(root).files.or_else(|| load(root));
        let mut texts: HashMap<String, Arc<SourceFile>> = HashMap::new();
        if let Some(files) = files {
            let pages = files.pages.iter().map(|(_, f)| f.clone());
            for file in pages.chain(files.sources_file.clone()) {
                texts.insert(file.path.clone(), file);
            }
        }
        for (rel, overlay) in self.overlays(root) {
            if rel.starts_with("content/") {
                texts.insert(rel, overlay.file);
            }
        }
        let mut texts: Vec<Arc<SourceFile>> = texts.into_values().collect();
        texts.sort_by(|a, b| a.path.cmp(&b.path));
        texts
    }

    /// The current text of one file of a book.
    pub fn text_of(&self, root: &Path, rel: &str) -> Option<Arc<SourceFile>> {
        if let Some(overlay) = self.overlays(root).remove(rel) {
            return Some(overlay.file);
        }
        let files = self.snapshot(root).files;
        let from_files = files.and_then(|f| {
            let page = f.pages.iter().find(|(_, file)| file.path == rel);
            page.map(|(_, file)| file.clone())
                .or_else(|| f.sources_file.filter(|s| s.path == rel))
        });
        from_files.or_else(|| {
            let text = std::fs::read_to_string(root.join(rel)).ok()?;
            Some(SourceFile::new(rel, text))
        })
    }
}

/// The book's files from disk, for a request that comes before the first compile.
fn load(root: &Path) -> Option<BookFiles> {
    let config = crate::read::load::read_config(root).ok()?;
    let theme = crate::read::config::parse(&config)
        .0
        .map_or_else(|| "default".to_string(), |c| c.theme);
    crate::read::load::load(root, config, &theme).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn a_file_belongs_to_the_nearest_book_above_it() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("content/chips")).unwrap();
        std::fs::write(root.join("site.toml"), "").unwrap();
        let place = place_of(&root.join("content/chips/new.md")).unwrap();
        assert_eq!(place.root, root);
        assert_eq!(place.rel, "content/chips/new.md");
        assert_eq!(place.content_path(), Some("chips/new.md"));
        let outside = tempfile::tempdir().unwrap();
        assert_eq!(place_of(&outside.path().join("a.md")), None);
    }

    #[test]
    fn ranged_changes_edit_the_text() {
        let mut ws = Workspace::default();
        let uri = Uri::from_str("untitled:a").unwrap();
        ws.open(uri.clone(), 1, "hello wörld\n".into());
        let change = TextDocumentContentChangeEvent {
            range: Some(lsp_types::Range::new(
                lsp_types::Position::new(0, 6),
                lsp_types::Position::new(0, 11),
            )),
            range_length: None,
            text: "there".into(),
        };
        ws.change(&uri, 2, vec![change]);
        assert_eq!(ws.document(&uri).unwrap().file.text, "hello there\n");
        assert_eq!(ws.document(&uri).unwrap().version, 2);
    }
}
