//! Every external URL a book gives its readers, with the place it is written: sources' `url`
//! and `archived_url`, and links and images in the bodies of briefs, chapters and the cover.

use std::sync::Arc;

use pulldown_cmark::{Event, Parser, Tag};

use crate::diagnostic::SourceFile;
use crate::model::Source;
use crate::read::book::Book;

/// What an external URL is to the book.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Role {
    /// A source's `url`.
    SourceUrl(String),
    /// A source's `archived_url`.
    ArchivedUrl(String),
    /// A link or image in a body.
    BodyLink,
}

/// One place an external URL is written.
#[derive(Clone, Debug)]
pub struct Target {
    pub url: String,
    pub role: Role,
    pub file: Arc<SourceFile>,
    pub offset: usize,
}

/// Every external URL of the book, in the order of its files.
pub fn targets(book: &Book) -> Vec<Target> {
    let mut out = Vec::new();
    for source in book.sources.values() {
        out.extend(source_targets(source));
    }
    let sections = std::iter::once(&book.cover).chain(book.chapters.iter().map(|c| &c.section));
    for section in sections {
        body_links(&section.file, section.header.body_offset, &mut out);
    }
    for b in &book.briefs {
        body_links(&b.brief.file, b.brief.header.body_offset, &mut out);
    }
    out
}

fn source_targets(source: &Source) -> Vec<Target> {
    let fields = [
        (&source.url, Role::SourceUrl(source.id.clone())),
        (&source.archived_url, Role::ArchivedUrl(source.id.clone())),
    ];
    fields
        .into_iter()
        .filter_map(|(url, role)| {
            let url = url.as_ref().filter(|u| is_external(u))?;
            Some(Target {
                url: url.clone(),
                role,
                file: source.origin.file.clone(),
                offset: value_offset(&source.origin.file.text, source.origin.offset, url),
            })
        })
        .collect()
}

/// Where a source's URL is written: its first occurrence after the source's table begins, else
/// the table itself.
fn value_offset(text: &str, table: usize, url: &str) -> usize {
    text.get(table..)
        .and_then(|rest| rest.find(url))
        .map_or(table, |at| table + at)
}

/// The external links and images of the body that starts at `body_offset` of `file`.
fn body_links(file: &Arc<SourceFile>, body_offset: usize, out: &mut Vec<Target>) {
    let body = file.text.get(body_offset..).unwrap_or("");
    let parser = Parser::new_ext(body, crate::markdown::options());
    for (event, range) in parser.into_offset_iter() {
        let url = match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => dest_url,
            _ => continue,
        };
        if is_external(&url) {
            out.push(Target {
                url: url.to_string(),
                role: Role::BodyLink,
                file: file.clone(),
                offset: body_offset + range.start,
            });
        }
    }
}

/// Whether a URL is one to check over the network: absolute http(s).
pub fn is_external(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_links_are_found_at_their_place() {
        let text = "+++\n+++\nSee [a](https://a.example/x) and ![i](http://b.example/i.png), \
                    [local](../x/) and [mail](mailto:x@y).\n";
        let file = SourceFile::new("content/c/b.md", text);
        let mut out = Vec::new();
        body_links(&file, 8, &mut out);
        let found: Vec<(&str, usize)> = out.iter().map(|t| (t.url.as_str(), t.offset)).collect();
        assert_eq!(
            found,
            [("https://a.example/x", 12), ("http://b.example/i.png", 41)]
        );
        assert_eq!(file.position(found[0].1), (3, 5));
    }

    #[test]
    fn a_source_url_is_placed_at_its_value() {
        let text = "[[source]]\nid = \"x\"\nurl = \"https://x.example/\"\n";
        assert_eq!(value_offset(text, 0, "https://x.example/"), 27);
        assert_eq!(value_offset(text, 0, "https://elsewhere/"), 0);
    }
}
