//! The Markdown pass over a whole book: what a body is scanned against (the pages `@/` links may
//! name, the facts prose may quote) and the scans of every body.

use std::collections::HashMap;
use std::sync::Arc;

use rayon::prelude::*;

use crate::diagnostic::Diagnostics;
use crate::markdown::highlight::Highlighter;
use crate::markdown::{self, Context, FactIndex, QuotedFact, RowIds, Scan};
use crate::model::Section;
use crate::read::book::{Book, BookBrief};

/// Content path to URL for every page `@/` links may name. Pages that failed to parse (`failed`)
/// were reported already: links to them are not errors twice.
pub fn page_urls(book: &Book, failed: &[String]) -> HashMap<String, String> {
    let briefs = book
        .briefs
        .iter()
        .map(|b| (b.brief.path.clone(), b.url.clone()));
    let chapters = book
        .chapters
        .iter()
        .map(|c| (c.section.path.clone(), c.url.clone()));
    let mut urls: HashMap<String, String> = briefs.chain(chapters).collect();
    urls.insert("_index.md".into(), String::new());
    urls.extend(failed.iter().map(|p| (p.clone(), String::new())));
    urls
}

/// Every fact with an id, as prose quotes it: the value with its unit, and its brief's page.
pub fn fact_index(book: &Book) -> FactIndex {
    let mut index = FactIndex::new();
    for b in &book.briefs {
        for fact in &b.brief.facts {
            let Some(id) = &fact.id else { continue };
            let value = fact.value.display();
            let display = match fact.unit.as_deref() {
                Some("%") => format!("{value}%"),
                Some(unit) => format!("{value} {unit}"),
                None => value,
            };
            let quoted = QuotedFact {
                display,
                page_url: b.url.clone(),
            };
            index.insert((b.brief.path.clone(), id.clone()), quoted);
        }
    }
    index
}

/// The ids each brief's page gives its claims' and facts' rows, by content path.
pub fn row_ids(book: &Book) -> RowIds {
    book.briefs
        .iter()
        .map(|b| {
            let claims = b.brief.claims.iter().map(crate::model::claim_anchor);
            let facts = b.brief.facts.iter().enumerate();
            let facts = facts.map(|(k, f)| crate::model::fact_anchor(f, k));
            (b.brief.path.clone(), claims.chain(facts).collect())
        })
        .collect()
}

/// The context every body of `book` is scanned and rendered in; `page_url` and `page_path` are
/// set per page.
pub fn context<'a>(
    book: &'a Book,
    urls: &'a HashMap<String, String>,
    facts: &'a FactIndex,
    row_ids: &'a RowIds,
    highlighter: &'a Highlighter,
) -> Context<'a> {
    Context {
        allow_raw_html: book.config.allow_raw_html,
        ..Context::new(&book.sources, urls, facts, row_ids, highlighter)
    }
}

/// The scans of a book's bodies, with their diagnostics and the heading ids of the cover and
/// chapters (by content path), which `@/` links may name.
pub struct Scanned {
    pub briefs: Vec<Arc<Scan>>,
    pub section_anchors: HashMap<String, Vec<String>>,
    /// The scans of the cover and chapters (content path first), for their relative links.
    pub sections: Vec<(String, Scan)>,
}

/// Scans every body: the briefs' (each in parallel, or handed back by `kept` from an earlier
/// compile) and the cover's and chapters'.
pub fn scan(
    book: &Book,
    urls: &HashMap<String, String>,
    facts: &FactIndex,
    row_ids: &RowIds,
    kept: &(dyn Fn(&BookBrief) -> Option<Arc<Scan>> + Sync),
    diagnostics: &mut Diagnostics,
) -> Scanned {
    // Scanning makes no HTML, so it highlights nothing: this highlighter is never used.
    let highlighter = Highlighter::new(&book.config.highlight_theme);
    let base = context(book, urls, facts, row_ids, &highlighter);
    let briefs: Vec<Arc<Scan>> = book
        .briefs
        .par_iter()
        .map(|b| {
            kept(b).unwrap_or_else(|| {
                let cx = Context {
                    page_url: &b.url,
                    page_path: &b.brief.path,
                    ..base
                };
                let h = &b.brief.header;
                Arc::new(markdown::scan(
                    &b.brief.file,
                    b.brief.body(),
                    h.body_offset,
                    &cx,
                ))
            })
        })
        .collect();
    let sections: Vec<(&Section, &str)> = std::iter::once((&book.cover, ""))
        .chain(book.chapters.iter().map(|c| (&c.section, c.url.as_str())))
        .collect();
    let section_scans: Vec<(String, Scan)> = sections
        .par_iter()
        .map(|(s, url)| {
            let cx = Context {
                page_url: url,
                page_path: &s.path,
                ..base
            };
            let scan = markdown::scan(&s.file, s.body(), s.header.body_offset, &cx);
            (s.path.clone(), scan)
        })
        .collect();
    let all = briefs
        .iter()
        .map(|s| &**s)
        .chain(section_scans.iter().map(|(_, s)| s));
    for scan in all {
        diagnostics.extend(scan.diagnostics.iter().cloned());
    }
    let section_anchors = section_scans
        .iter()
        .map(|(path, s)| {
            (
                path.clone(),
                s.headings.iter().map(|h| h.id.clone()).collect(),
            )
        })
        .collect();
    Scanned {
        briefs,
        section_anchors,
        sections: section_scans,
    }
}
