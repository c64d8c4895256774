//! The search index, `search_index.js`: a script (not fetched JSON) so that search works when
//! the site is opened from disk. One compact row per brief.

use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use crate::markdown::Scan;
use crate::read::book::Book;
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
    &'a str,
);

/// The row fields, in order.
const FIELDS: &str = r#"["url","title","chapter","summary","tags","claims","text"]"#;

/// `window.BRIEFBOOK_SEARCH={"docs":[[...],...],"fields":[...]};` Rows are made in parallel
/// and joined: the index of a large book runs to megabytes.
pub fn index(book: &Book, scans: &[Arc<Scan>]) -> OutputFile {
    let rows: Vec<Vec<u8>> = book
        .briefs
        .par_iter()
        .zip(scans)
        .map(|(b, scan)| {
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
                &book.chapters[b.chapter].section.header.title,
                b.brief.header.summary.as_deref().unwrap_or(""),
                b.brief.tags.join(" "),
                claims.join("\n"),
                &scan.text,
            );
            crate::text::json_for_html(&serde_json::to_vec(&row).expect("a row serializes"))
        })
        .collect();
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
