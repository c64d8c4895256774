//! The search index, `search_index.js`: a script (not fetched JSON) so that search works when
//! the site is opened from disk. One compact row per brief, holding what readers read: the
//! body's words from its scan (quoted facts as their values), with citations as labels.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use rayon::prelude::*;
use serde::Serialize;

use crate::analyse::labels::Labels;
use crate::markdown::Scan;
use crate::model::Brief;
use crate::read::book::{Book, BookBrief};
use crate::render::OutputFile;

/// A brief as the search client sees it; field order is the row's order in the index.
#[derive(Serialize)]
struct Row<'a>(
    /// URL relative to the site root.
    String,
    &'a str,
    /// Chapter title.
    &'a str,
    &'a str,
    /// Tags, space-separated.
    String,
    /// Claims' text and attribution, one per line.
    String,
    /// The body's first words.
    String,
);

/// The row fields, in order.
const FIELDS: &str = r#"["url","title","chapter","summary","tags","claims","text"]"#;

/// `window.BRIEFBOOK_SEARCH={"docs":[[...],...],"fields":[...]};` Rows are made in parallel
/// and joined: the index of a large book runs to megabytes.
pub fn index(book: &Book, scans: &[Arc<Scan>], labels: &Labels) -> OutputFile {
    index_reusing(book, scans, labels, &Memo::default())
}

/// The index, made from the rows `memo` kept of the last one where they still stand, and kept
/// for the next when `memo` keeps rows. Making every row takes a tenth of a second at 10,000
/// briefs: nothing on a build, but on the server an edit changes a brief or two, and its reload
/// waits for the index.
pub fn index_reusing(book: &Book, scans: &[Arc<Scan>], labels: &Labels, memo: &Memo) -> OutputFile {
    // Shared, not taken: the server's edit and its complete build in the background may both
    // be making an index from the same rows.
    let earlier = memo
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
                None => row(b, scan, chapter, labels).into(),
            }
        })
        .collect();
    if let Some(kept) = &memo.kept {
        let made = Rows::of(book, scans, labels, &rows);
        if let Ok(mut slot) = kept.lock() {
            *slot = Some(Arc::new(made));
        }
    }
    joined(&rows)
}

/// Where the server keeps the rows of the last search index. `Memo::default()` keeps nothing.
#[derive(Default)]
pub struct Memo {
    kept: Option<Mutex<Option<Arc<Rows>>>>,
}

impl Memo {
    pub fn keeping() -> Self {
        Memo {
            kept: Some(Mutex::new(None)),
        }
    }
}

/// Each brief's row with what it was made from, by brief path. A row stands while its brief and
/// scan are the very same (the server shares unchanged ones between compiles), its URL and
/// chapter title are the same, and so is every source's label (a row shows the labels of what
/// its body cites).
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

/// One brief's row, as JSON safe inside a script.
fn row(b: &BookBrief, scan: &Scan, chapter: &str, labels: &Labels) -> Vec<u8> {
    let claims: Vec<String> = b
        .brief
        .claims
        .iter()
        .map(|c| match &c.attributed_to {
            Some(who) => format!("{} ({who})", c.text),
            None => c.text.clone(),
        })
        .collect();
    let row = Row(
        format!("{}index.html", b.url),
        &b.brief.header.title,
        chapter,
        b.brief.header.summary.as_deref().unwrap_or(""),
        b.brief.tags.join(" "),
        claims.join("\n"),
        with_labels(scan, labels),
    );
    crate::text::json_for_html(&serde_json::to_vec(&row).expect("a row serializes"))
}

/// The rows, in the book's order, as the script.
fn joined(rows: &[Arc<[u8]>]) -> OutputFile {
    let mut bytes = Vec::with_capacity(rows.iter().map(|r| r.len() + 1).sum::<usize>() + 128);
    bytes.extend_from_slice(b"window.BRIEFBOOK_SEARCH={\"docs\":[");
    for (i, row) in rows.iter().enumerate() {
        if i > 0 {
            bytes.push(b',');
        }
        bytes.extend_from_slice(row);
    }
    bytes.extend_from_slice(b"],\"fields\":");
    bytes.extend_from_slice(FIELDS.as_bytes());
    bytes.extend_from_slice(b"};\n");
    OutputFile {
        path: "search_index.js".into(),
        bytes,
    }
}

/// A scan's text with each citation's label where the citation was: "lifted CNN 2025." Several
/// sources cited at one place are joined as readers see them in a list ("CNN 2025; FT 2025"), and
/// a label never runs into the word beside it.
fn with_labels(scan: &Scan, labels: &Labels) -> String {
    let text = &scan.text;
    let mut out = String::with_capacity(text.len() + 16 * scan.text_citations.len());
    let mut done = 0;
    let mut at_citations = scan.text_citations.iter().peekable();
    while let Some(&(at, first)) = at_citations.next() {
        let Some(before) = text.get(done..at) else {
            break;
        };
        out.push_str(before);
        done = at;
        let mut group = vec![labels.of(scan.cited.get(first).map_or("", String::as_str))];
        while let Some(&&(_, next)) = at_citations.peek().filter(|(a, _)| *a == at) {
            group.push(labels.of(scan.cited.get(next).map_or("", String::as_str)));
            at_citations.next();
        }
        if out.chars().next_back().is_some_and(char::is_alphanumeric) {
            out.push(' ');
        }
        out.push_str(&group.join("; "));
        if text[at..].chars().next().is_some_and(char::is_alphanumeric) {
            out.push(' ');
        }
    }
    out.push_str(text.get(done..).unwrap_or_default());
    out.truncate(out.trim_end().len());
    out
}

#[cfg(test)]
mod tests;
