//! Rows made one per brief (the search index's), kept by the server from one edit to the next
//! so that only the rows of what changed are made again.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use crate::analyse::labels::Labels;
use crate::markdown::Scan;
use crate::model::Brief;
use crate::read::book::{Book, BookBrief};

/// Where the rows of the last build are kept. `KeptRows::default()` keeps nothing (a build);
/// `KeptRows::keeping()` keeps them (the server's render cache).
#[derive(Default)]
pub struct KeptRows {
    kept: Option<Mutex<Option<Arc<Rows>>>>,
}

/// Each brief's row with what it was made from, by brief path. A row stands while its brief and
/// scan are the very same (the server shares unchanged ones between compiles), its URL and
/// chapter title are the same, and so is every source's label (a row may show the labels of
/// what its body cites).
struct Rows {
    labels: Labels,
    rows: HashMap<String, Made>,
}

struct Made {
    brief: Arc<Brief>,
    scan: Arc<Scan>,
    url: String,
    chapter: String,
    bytes: Arc<[u8]>,
}

impl KeptRows {
    pub fn keeping() -> Self {
        KeptRows {
            kept: Some(Mutex::new(None)),
        }
    }

    /// One row per brief, in the book's order: the kept row where it stands, else `make`'s
    /// (given the brief, its scan and its chapter's title). Kept for the next call when rows
    /// are kept.
    pub fn rows<F>(
        &self,
        book: &Book,
        scans: &[Arc<Scan>],
        labels: &Labels,
        make: F,
    ) -> Vec<Arc<[u8]>>
    where
        F: Fn(&BookBrief, &Scan, &str) -> Vec<u8> + Sync,
    {
        // Shared, not taken: the server's edit and its complete build in the background may
        // both be making rows from the same ones.
        let earlier = self
            .kept
            .as_ref()
            .and_then(|kept| kept.lock().ok()?.clone());
        let earlier = earlier.filter(|rows| rows.labels == *labels);
        let rows: Vec<Arc<[u8]>> = book
            .briefs
            .par_iter()
            .zip(scans)
            .map(|(b, scan)| {
                let chapter = &book.chapters[b.chapter].section.header.title;
                let kept = earlier.as_ref().and_then(|e| e.rows.get(&b.brief.path));
                match kept.filter(|made| made.stands(b, scan, chapter)) {
                    Some(made) => made.bytes.clone(),
                    None => make(b, scan, chapter).into(),
                }
            })
            .collect();
        if let Some(kept) = &self.kept {
            let made = Rows::of(book, scans, labels, &rows);
            if let Ok(mut slot) = kept.lock() {
                *slot = Some(Arc::new(made));
            }
        }
        rows
    }
}

impl Rows {
    fn of(book: &Book, scans: &[Arc<Scan>], labels: &Labels, bytes: &[Arc<[u8]>]) -> Rows {
        let rows = book
            .briefs
            .iter()
            .zip(scans)
            .zip(bytes)
            .map(|((b, scan), bytes)| {
                let made = Made {
                    brief: b.brief.clone(),
                    scan: scan.clone(),
                    url: b.url.clone(),
                    chapter: book.chapters[b.chapter].section.header.title.clone(),
                    bytes: bytes.clone(),
                };
                (b.brief.path.clone(), made)
            });
        Rows {
            labels: labels.clone(),
            rows: rows.collect(),
        }
    }
}

impl Made {
    fn stands(&self, b: &BookBrief, scan: &Arc<Scan>, chapter: &str) -> bool {
        Arc::ptr_eq(&self.brief, &b.brief)
            && Arc::ptr_eq(&self.scan, scan)
            && self.url == b.url
            && self.chapter == chapter
    }
}
