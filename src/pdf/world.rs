//! The typesetter's view of the book: the generated document, the theme's files, the images
//! briefs hold, the bundled fonts and a fixed day. Nothing else of the disk or the clock.

use std::collections::BTreeMap;
use std::path::PathBuf;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, Source, VirtualPath};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, World};

use crate::pdf::fonts::Fonts;

/// Where the generated document lives in the typesetter's file tree.
pub const MAIN: &str = "/main.typ";
/// The folder theme files are found in: `#import "/theme/parts.typ"`.
pub const THEME_DIR: &str = "/theme/";
/// The folder images of briefs are found in, mirroring the book's `content/`.
pub const CONTENT_DIR: &str = "/content/";

pub struct BookWorld {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    main: Source,
    /// Theme files by name (`parts.typ`).
    theme: BTreeMap<String, Source>,
    /// The files documents may read (images), by path under `content/`, and where they are.
    files: BTreeMap<String, PathBuf>,
    today: Datetime,
}

impl BookWorld {
    /// A world of `main` (the generated document), the theme files by name, the readable
    /// files by content path, and the day the document is dated.
    pub fn new(
        main: String,
        theme: &[(String, String)],
        files: BTreeMap<String, PathBuf>,
        today: Datetime,
        fonts: Fonts,
    ) -> Self {
        let theme = theme
            .iter()
            .map(|(name, text)| {
                let id = FileId::new(None, VirtualPath::new(format!("{THEME_DIR}{name}")));
                (name.clone(), Source::new(id, text.clone()))
            })
            .collect();
        BookWorld {
            library: LazyHash::new(Library::builder().build()),
            book: LazyHash::new(fonts.book),
            fonts: fonts.fonts,
            main: Source::new(main_id(), main),
            theme,
            files,
            today,
        }
    }

    /// The theme file a typesetter file id names, if any.
    pub fn theme_name(id: FileId) -> Option<String> {
        let path = id.vpath().as_rooted_path().to_string_lossy().into_owned();
        path.strip_prefix(THEME_DIR).map(str::to_string)
    }

    pub fn main_source(&self) -> &Source {
        &self.main
    }
}

pub fn main_id() -> FileId {
    FileId::new(None, VirtualPath::new(MAIN))
}

fn rooted(id: FileId) -> String {
    id.vpath().as_rooted_path().to_string_lossy().into_owned()
}

impl World for BookWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            return Ok(self.main.clone());
        }
        Self::theme_name(id)
            .and_then(|name| self.theme.get(&name).cloned())
            .ok_or_else(|| FileError::NotFound(rooted(id).into()))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if let Ok(source) = self.source(id) {
            return Ok(Bytes::new(source.text().as_bytes().to_vec()));
        }
        let path = rooted(id);
        // Only the book's own content files: an image path in a brief can name nothing else.
        let disk = path
            .strip_prefix(CONTENT_DIR)
            .and_then(|rel| self.files.get(rel))
            .ok_or_else(|| FileError::NotFound(path.clone().into()))?;
        std::fs::read(disk)
            .map(Bytes::new)
            .map_err(|e| FileError::from_io(e, disk))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<i64>) -> Option<Datetime> {
        Some(self.today)
    }
}
