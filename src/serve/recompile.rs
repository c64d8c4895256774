//! The last compile made over after an edit to some briefs' front matter, for the server: only
//! the edited files are parsed again, and each body's scan is kept unless what it depends on
//! (the page URLs, the quotable facts, the sources) changed. The book is still assembled and
//! resolved whole, so the edited pages come out as a full build would make them.

use std::collections::HashMap;
use std::sync::Arc;

use crate::diagnostic::{Diagnostics, SourceFile};
use crate::model::{Brief, Source};
use crate::pipeline::{self, Compiled};
use crate::read::book::{Book, Parts};

/// A recompiled book and the indexes, in it, of the briefs that were edited.
pub struct Recompiled {
    pub compiled: Compiled,
    pub edited: Vec<usize>,
}

/// `previous` with the briefs at `edits` (indexes into its book, with their new text) parsed
/// again. `None` when the shortcut does not apply or would hide something: an edited file that
/// does not parse cleanly, a brief that leaves the book or moves to another URL, or any error
/// in the new book. The full build reports those.
///
/// The result carries only the problems of what was worked out again (its warnings are not
/// the book's whole list): it stands until the full build that follows it.
pub fn recompile(
    previous: &Compiled,
    edits: &[(usize, Arc<SourceFile>)],
    drafts: bool,
) -> Option<Recompiled> {
    let old = &previous.book;
    let mut diagnostics = Diagnostics::default();
    let mut reparsed: HashMap<&str, Arc<Brief>> = HashMap::new();
    for (i, file) in edits {
        let path = old.briefs.get(*i)?.brief.path.as_str();
        let parsed = crate::read::page::parse_brief(path, file.clone());
        diagnostics.extend(parsed.diagnostics);
        reparsed.insert(path, Arc::new(parsed.value?));
    }
    let registry_sources = match &previous.files.sources_file {
        Some(file) => {
            let parsed = crate::read::page::parse_sources_file(file.clone());
            diagnostics.extend(parsed.diagnostics);
            parsed.value?
        }
        None => Vec::new(),
    };
    if diagnostics.has_errors() {
        return None;
    }
    let (book, problems) = Book::assemble(
        old.config.clone(),
        parts(old, &reparsed, registry_sources, previous),
        drafts,
    );
    diagnostics.extend(problems);
    let mut book = book;
    pipeline::dates_from_history(&mut book, &previous.history);
    let mut edited = Vec::new();
    for path in reparsed.keys() {
        let (&new, &was) = (book.brief_index.get(*path)?, old.brief_index.get(*path)?);
        if book.briefs[new].url != old.briefs[was].url {
            return None;
        }
        edited.push(new);
    }
    edited.sort_unstable();

    let urls = pipeline::page_urls(&book, &[]);
    let facts = pipeline::fact_index(&book);
    // A body's scan depends on the pages it may link to, the facts it may quote and the
    // sources it may cite: while those stand, unedited bodies scan as before.
    let same_context = urls == pipeline::page_urls(old, &[])
        && facts == pipeline::fact_index(old)
        && same_sources(&book.sources, &old.sources);
    let kept = |b: &crate::read::book::BookBrief| {
        let was = *old.brief_index.get(&b.brief.path)?;
        (same_context && Arc::ptr_eq(&b.brief, &old.briefs[was].brief))
            .then(|| previous.scans[was].clone())
    };
    let (scans, section_anchors) = pipeline::scan_bodies(&book, &urls, &mut diagnostics, &kept);
    let resolved = crate::analyse::resolve::resolve(&book, &scans, &section_anchors, &[]);
    diagnostics.extend(resolved.diagnostics.iter().cloned());
    // Rigor's checks can fail a build; the book-wide warnings cannot, and wait for the full build.
    diagnostics.extend(crate::analyse::rigor::check(&book));
    if diagnostics.has_errors() {
        return None;
    }
    let files = files_with(&previous.files, edits, old);
    let compiled = previous.remade(files, book, scans, resolved, diagnostics);
    compiled.share_derived(previous, urls, facts);
    Some(Recompiled { compiled, edited })
}

/// The last book's parts in the order loading gives them (the walk's order of `content/`), with
/// the reparsed briefs, so that assembling sees what a full build's would.
fn parts(
    old: &Book,
    reparsed: &HashMap<&str, Arc<Brief>>,
    registry_sources: Vec<Source>,
    previous: &Compiled,
) -> Parts {
    let loaded: HashMap<&str, usize> = previous
        .files
        .pages
        .iter()
        .enumerate()
        .map(|(at, (path, _))| (path.as_str(), at))
        .collect();
    // A default cover was never loaded: it goes first, as assembling makes it anyway.
    let order = |path: &str| loaded.get(path).map_or(0, |&at| at + 1);
    let mut sections: Vec<_> = std::iter::once(old.cover.clone())
        .chain(old.chapters.iter().map(|c| c.section.clone()))
        .collect();
    sections.sort_by_key(|s| order(&s.path));
    let mut briefs: Vec<Arc<Brief>> = old
        .briefs
        .iter()
        .map(|b| {
            reparsed
                .get(b.brief.path.as_str())
                .cloned()
                .unwrap_or_else(|| b.brief.clone())
        })
        .collect();
    briefs.sort_by_key(|b| order(&b.path));
    Parts {
        sections,
        briefs,
        registry_sources,
        assets: previous.files.assets.clone(),
    }
}

/// Whether two books' sources look the same to a body: the same ids with the same titles.
fn same_sources(
    a: &std::collections::BTreeMap<String, Source>,
    b: &std::collections::BTreeMap<String, Source>,
) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|((ia, sa), (ib, sb))| ia == ib && sa.title == sb.title)
}

/// The loaded files with the edited pages' new text.
fn files_with(
    files: &crate::read::load::BookFiles,
    edits: &[(usize, Arc<SourceFile>)],
    old: &Book,
) -> crate::read::load::BookFiles {
    let mut files = files.clone();
    for (i, file) in edits {
        let path = &old.briefs[*i].brief.path;
        if let Some(page) = files.pages.iter_mut().find(|(p, _)| p == path) {
            page.1 = file.clone();
        }
    }
    files
}
