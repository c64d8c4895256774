//! The places links inside the PDF can reach, named as on the site: a page by its content path
//! (`chips/h20.md`), a row or heading by path and anchor (`chips/h20.md#claim-x`), a source's
//! entry in the citation index by `sources#<id>`. All are known before the document is
//! written, so a link is made only to a place that exists (Typst refuses any other).

use std::collections::HashSet;
use std::sync::Arc;

use crate::markdown::Scan;
use crate::read::book::Book;

/// A place inside a page.
pub fn anchor(path: &str, anchor: &str) -> String {
    format!("{path}#{anchor}")
}

/// A source's entry in the citation index.
pub fn source(id: &str) -> String {
    anchor("sources", id)
}

/// The front and back parts.
pub const TITLE_PAGE: &str = "_index.md";
pub const KEY_JUDGMENTS: &str = "key-judgments";
pub const CITATION_INDEX: &str = "sources";
pub const FACT_TABLES: &str = "facts";
pub const METHOD: &str = "method";

#[derive(Default)]
pub struct Labels(HashSet<String>);

impl Labels {
    /// Every place the document defines, from the book and its bodies' scans.
    pub fn of(book: &Book, scans: &[Arc<Scan>]) -> Labels {
        let mut all = HashSet::new();
        all.extend(
            [
                TITLE_PAGE,
                KEY_JUDGMENTS,
                CITATION_INDEX,
                FACT_TABLES,
                METHOD,
            ]
            .map(String::from),
        );
        for chapter in &book.chapters {
            all.insert(chapter.section.path.clone());
        }
        for (b, scan) in book.briefs.iter().zip(scans) {
            let path = &b.brief.path;
            all.insert(path.clone());
            all.extend(["claims", "facts", "references"].map(|a| anchor(path, a)));
            all.extend(scan.headings.iter().map(|h| anchor(path, &h.id)));
            all.extend(
                b.brief
                    .claims
                    .iter()
                    .map(|c| anchor(path, &crate::model::claim_anchor(c))),
            );
            all.extend(
                b.brief
                    .facts
                    .iter()
                    .enumerate()
                    .map(|(k, f)| anchor(path, &crate::model::fact_anchor(f, k))),
            );
        }
        all.extend(book.sources.keys().map(|id| source(id)));
        Labels(all)
    }

    pub fn contains(&self, label: &str) -> bool {
        self.0.contains(label)
    }

    /// Adds a label the document defines (references, which depend on each brief's cites).
    pub fn insert(&mut self, label: String) {
        self.0.insert(label);
    }
}
