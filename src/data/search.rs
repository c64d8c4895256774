//! The search index, `search_index.js`: a script (not fetched JSON) so that search works when
//! the site is opened from disk. One compact row per brief, holding what readers read: the
//! body's words from its scan (quoted facts as their values), with citations as labels.

use std::sync::Arc;

use serde::Serialize;

use crate::analyse::labels::Labels;
use crate::markdown::Scan;
use crate::read::book::{Book, BookBrief};
use crate::render::kept_rows::KeptRows;
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
    index_reusing(book, scans, labels, &KeptRows::default())
}

/// The index, made from the rows `kept` of the last one where they still stand. Making every
/// row takes a tenth of a second at 10,000 briefs: nothing on a build, but on the server an edit
/// changes a brief or two, and its reload waits for the index.
pub fn index_reusing(
    book: &Book,
    scans: &[Arc<Scan>],
    labels: &Labels,
    kept: &KeptRows,
) -> OutputFile {
    joined(&kept.rows(book, scans, labels, |b, scan, chapter| {
        row(b, scan, chapter, labels)
    }))
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
