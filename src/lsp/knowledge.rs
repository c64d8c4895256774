//! What requests know of a book: its last compile without errors (sources, briefs, facts, page
//! URLs, body scans, the citation index), or, while the book has never compiled cleanly in this
//! session, what its files that do parse say.

use std::collections::HashMap;
use std::sync::Arc;

use crate::analyse::labels;
use crate::diagnostic::Diagnostics;
use crate::markdown::highlight::Highlighter;
use crate::markdown::{self, Context, Heading, Scan};
use crate::model::{Brief, Source};
use crate::pipeline::Compiled;
use crate::read::book::Book;
use crate::read::load::BookFiles;
use crate::read::parts::{self, Earlier};

#[derive(Clone)]
pub enum Knowledge {
    Compiled(Arc<Compiled>),
    /// The book assembled from the files that parse, without scans or analysis.
    Partial {
        book: Arc<Book>,
        urls: Arc<HashMap<String, String>>,
    },
}

impl Knowledge {
    pub fn book(&self) -> &Book {
        match self {
            Knowledge::Compiled(c) => &c.book,
            Knowledge::Partial { book, .. } => book,
        }
    }

    /// Content path (`chips/h20.md`) to URL, for every page `@/` links may name.
    pub fn urls(&self) -> &HashMap<String, String> {
        match self {
            Knowledge::Compiled(c) => &c.urls,
            Knowledge::Partial { urls, .. } => urls,
        }
    }

    pub fn source(&self, id: &str) -> Option<&Source> {
        self.book().sources.get(id)
    }

    /// The label readers see for source `id` ("Liu 2025"): the compile's, or, without one, the
    /// registry's labels made afresh (cheap beside a compile, and only asked on a hover).
    pub fn label(&self, id: &str) -> String {
        match self {
            Knowledge::Compiled(c) => c.analysis.resolved.labels.of(id).to_string(),
            Knowledge::Partial { book, .. } => labels::assign(&book.sources).0.of(id).to_string(),
        }
    }

    pub fn brief(&self, path: &str) -> Option<&Arc<Brief>> {
        self.book().brief(path).map(|b| &b.brief)
    }

    /// The scan of a brief's body, when the book compiled.
    pub fn scan(&self, path: &str) -> Option<&Scan> {
        match self {
            Knowledge::Compiled(c) => c.book.brief_index.get(path).map(|&i| &*c.scans[i]),
            Knowledge::Partial { .. } => None,
        }
    }

    /// A page's headings (ids and text) in order: a brief's from its scan; a chapter's or the
    /// cover's scanned here, as the build scans them. None without a compile.
    pub fn headings(&self, path: &str) -> Vec<Heading> {
        if let Some(scan) = self.scan(path) {
            return scan.headings.clone();
        }
        let Knowledge::Compiled(c) = self else {
            return Vec::new();
        };
        let book = &c.book;
        let sections = std::iter::once((&book.cover, "")).chain(
            book.chapters
                .iter()
                .map(|ch| (&ch.section, ch.url.as_str())),
        );
        let Some((section, url)) = sections.into_iter().find(|(s, _)| s.path == path) else {
            return Vec::new();
        };
        let highlighter = Highlighter::new(&book.config.highlight_theme);
        let base = markdown::book::context(book, &c.urls, &c.facts, &c.row_ids, &highlighter);
        let cx = Context {
            page_url: url,
            page_path: &section.path,
            ..base
        };
        let offset = section.header.body_offset;
        markdown::scan(&section.file, section.body(), offset, &cx).headings
    }

    /// The partial knowledge of a book that does not compile: its files parsed and assembled
    /// as far as they go. `None` when even site.toml cannot be read.
    pub fn partial(files: &BookFiles, earlier: Option<&Knowledge>) -> Option<Knowledge> {
        let config = crate::read::config::parse(&files.config).0?;
        let earlier = earlier.map_or_else(Earlier::default, |k| Earlier::of(k.book()));
        let mut ignored = Diagnostics::default();
        let (parts, failed) = parts::parse(files, &earlier, &mut ignored);
        let (book, _) = Book::assemble(config, parts, false);
        let urls = crate::markdown::book::page_urls(&book, &failed);
        Some(Knowledge::Partial {
            book: Arc::new(book),
            urls: Arc::new(urls),
        })
    }
}
