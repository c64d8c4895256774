//! `toc.js`, the book's whole tree of chapters and briefs written once for every page to share:
//! the sidebar (the theme's `sidebar.js`) lists briefs from it, so that no page repeats the
//! book's briefs and a site's size stays linear in them (as mdBook's `toc.js` does).

use serde::Serialize;

use crate::read::book::Book;
use crate::render::OutputFile;

/// Where the tree is written, from the site root.
pub const PATH: &str = "toc.js";

/// The tree: each chapter, in reading order, as the URL of its page (as the sidebar names it)
/// and its briefs as `[title, folder URL]` pairs. The folder, not `index.html`, keeps a tree
/// of ten thousand briefs a hundred kilobytes smaller.
#[derive(Serialize)]
struct Tree<'a> {
    chapters: Vec<(String, Vec<(&'a str, &'a str)>)>,
}

/// `window.BRIEFBOOK_TOC={"chapters":[["chips/index.html",[["The H20","chips/h20/"],...]],...]};`
pub fn script(book: &Book) -> OutputFile {
    let chapters = book
        .chapters
        .iter()
        .map(|c| {
            let briefs = c
                .briefs
                .iter()
                .map(|&i| {
                    let b = &book.briefs[i];
                    (b.brief.header.title.as_str(), b.url.as_str())
                })
                .collect();
            (format!("{}index.html", c.url), briefs)
        })
        .collect();
    let json = serde_json::to_vec(&Tree { chapters }).expect("the tree serializes");
    let mut bytes = b"window.BRIEFBOOK_TOC=".to_vec();
    // Written into a script: nothing in a title may close it.
    bytes.extend_from_slice(&crate::text::json_for_html(&json));
    bytes.extend_from_slice(b";\n");
    OutputFile {
        path: PATH.into(),
        bytes,
    }
}
