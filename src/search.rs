//! The search index, `search_index.js`: a script (not fetched JSON) so that search works when
//! the site is opened from disk. One compact row per brief.

use serde::Serialize;

use crate::book::Book;
use crate::markdown::Scan;
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

/// `window.BRIEFBOOK_SEARCH = {"fields": [...], "docs": [[...], ...]};`
pub fn index(book: &Book, scans: &[Scan]) -> OutputFile {
    let docs: Vec<Row> = book
        .briefs
        .iter()
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
            Row(
                format!("{}index.html", b.url),
                &b.brief.header.title,
                &book.chapters[b.chapter].section.header.title,
                b.brief.header.summary.as_deref().unwrap_or(""),
                b.brief.tags.join(" "),
                claims.join("\n"),
                &scan.text,
            )
        })
        .collect();
    let payload = serde_json::json!({
        "fields": ["url", "title", "chapter", "summary", "tags", "claims", "text"],
        "docs": docs,
    });
    let json =
        crate::export::json_for_html(&serde_json::to_vec(&payload).expect("the index serializes"));
    let mut bytes = b"window.BRIEFBOOK_SEARCH=".to_vec();
    bytes.extend(json);
    bytes.extend_from_slice(b";\n");
    OutputFile {
        path: "search_index.js".into(),
        bytes,
    }
}
