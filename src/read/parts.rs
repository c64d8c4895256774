//! Every loaded page parsed into the book's parts, in parallel: chapters and the cover, briefs,
//! and the sources registry. A brief whose text an earlier compile parsed keeps that parse.

use std::collections::HashMap;
use std::sync::Arc;

use rayon::prelude::*;

use crate::diagnostic::{Diagnostics, SourceFile};
use crate::model::{Brief, Section};
use crate::read::book::{Book, Parts};
use crate::read::load::BookFiles;
use crate::read::page::{self, Parsed};

/// The briefs of an earlier compile of the same book, by content path. Their parses carry the
/// dates that compile's git history gave them, so they serve only a compile with that history.
#[derive(Default)]
pub struct Earlier<'a> {
    briefs: HashMap<&'a str, &'a Arc<Brief>>,
}

impl<'a> Earlier<'a> {
    pub fn of(book: &'a Book) -> Self {
        let briefs = book
            .briefs
            .iter()
            .map(|b| (b.brief.path.as_str(), &b.brief))
            .collect();
        Earlier { briefs }
    }

    /// The earlier parse of the brief at `path`, if its text was the same.
    fn brief(&self, path: &str, file: &Arc<SourceFile>) -> Option<Arc<Brief>> {
        let earlier = self.briefs.get(path)?;
        let same = Arc::ptr_eq(&earlier.file, file) || earlier.file.text == file.text;
        same.then(|| Arc::clone(earlier))
    }
}

/// Parses every content file; returns the parts and the paths of the pages that failed.
pub fn parse(
    files: &BookFiles,
    earlier: &Earlier,
    diagnostics: &mut Diagnostics,
) -> (Parts, Vec<String>) {
    // One per file, alive only until the parts are sorted out: boxing the large variant would
    // cost an allocation per brief to save memory that is never held for long.
    #[allow(clippy::large_enum_variant)]
    enum Any {
        Section(Parsed<Section>),
        Brief(Parsed<Brief>),
        Kept(Arc<Brief>),
    }
    let parsed: Vec<(&String, Any)> = files
        .pages
        .par_iter()
        .map(|(path, file)| {
            let is_section = path == "_index.md" || path.ends_with("/_index.md");
            let any = if is_section {
                Any::Section(page::parse_section(path, file.clone()))
            } else if let Some(kept) = earlier.brief(path, file) {
                Any::Kept(kept)
            } else {
                Any::Brief(page::parse_brief(path, file.clone()))
            };
            (path, any)
        })
        .collect();
    let mut parts = Parts {
        sections: Vec::new(),
        briefs: Vec::new(),
        registry_sources: Vec::new(),
        assets: files.assets.clone(),
        statics: files.statics.clone(),
    };
    let mut failed = Vec::new();
    for (path, any) in parsed {
        let ok = match any {
            Any::Section(p) => {
                diagnostics.extend(p.diagnostics);
                p.value.map(|s| parts.sections.push(s)).is_some()
            }
            Any::Brief(p) => {
                diagnostics.extend(p.diagnostics);
                p.value.map(|b| parts.briefs.push(Arc::new(b))).is_some()
            }
            // Parsing reports only errors, and an earlier compile had none.
            Any::Kept(brief) => {
                parts.briefs.push(brief);
                true
            }
        };
        if !ok {
            failed.push(path.clone());
        }
    }
    if let Some(file) = &files.sources_file {
        let p = page::parse_sources_file(file.clone());
        diagnostics.extend(p.diagnostics);
        parts.registry_sources = p.value.unwrap_or_default();
    }
    (parts, failed)
}
