//! Redirect pages for a brief's old URLs (`aliases`): a small page at each that sends the reader
//! on at once, with a canonical link so search engines move their record too. Links are
//! relative, so a redirect works from any sub-path and from disk.

use crate::read::book::Book;
use crate::render::OutputFile;
use crate::text::{escape_html, relative_url};

/// One redirect page for every alias of every brief.
pub fn pages(book: &Book) -> Vec<OutputFile> {
    let base = &book.config.base_url;
    let language = &book.config.language;
    book.briefs
        .iter()
        .flat_map(|b| {
            b.brief.aliases.iter().map(move |alias| {
                let to = escape_html(&relative_url(&alias.value, &b.url));
                let canonical = escape_html(&format!("{base}{}", b.url));
                let title = escape_html(&b.brief.header.title);
                let language = escape_html(language);
                let html = format!(
                    "<!doctype html>\n<html lang=\"{language}\">\n<head>\n<meta charset=\"utf-8\">\n\
                     <title>{title}</title>\n<link rel=\"canonical\" href=\"{canonical}\">\n\
                     <meta name=\"robots\" content=\"noindex\">\n\
                     <meta http-equiv=\"refresh\" content=\"0; url={to}\">\n</head>\n\
                     <body>\n<p>This page has moved to <a href=\"{to}\">{title}</a>.</p>\n</body>\n</html>\n"
                );
                OutputFile {
                    path: format!("{}index.html", alias.value),
                    bytes: html.into_bytes(),
                }
            })
        })
        .collect()
}
