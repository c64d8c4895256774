//! For machines that read the site: the Atom feed, the sitemap, and each brief's JSON-LD.

use std::fmt::Write as _;

use crate::model::date::PartialDate;
use crate::model::index_pages::IndexPage;
use crate::read::book::{Book, BookBrief};
use crate::render::OutputFile;
use crate::text::escape_html;

/// A date as an RFC 3339 timestamp at the start of its first day.
fn timestamp(date: PartialDate) -> String {
    format!("{}T00:00:00Z", date.first_day())
}

/// `atom.xml`: one entry per brief, newest first (by `updated`, else `date`), absolute URLs.
pub fn atom(book: &Book) -> OutputFile {
    let base = &book.config.base_url;
    let mut briefs: Vec<&BookBrief> = book.briefs.iter().collect();
    let revised = |b: &BookBrief| b.brief.updated.unwrap_or(b.brief.date);
    briefs.sort_by(|a, b| {
        revised(b)
            .cmp(&revised(a))
            .then_with(|| a.brief.path.cmp(&b.brief.path))
    });
    let updated = briefs.first().map_or_else(
        || "1970-01-01T00:00:00Z".to_string(),
        |b| timestamp(revised(b)),
    );
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    let _ = writeln!(xml, "<title>{}</title>", escape_html(&book.config.title));
    if !book.config.description.is_empty() {
        let _ = writeln!(
            xml,
            "<subtitle>{}</subtitle>",
            escape_html(&book.config.description)
        );
    }
    let _ = writeln!(xml, "<id>{}</id>\n<link rel=\"alternate\" href=\"{0}\"/>\n<link rel=\"self\" href=\"{0}atom.xml\"/>", escape_html(base));
    let _ = writeln!(
        xml,
        "<updated>{updated}</updated>\n<generator>briefbook</generator>"
    );
    for b in briefs {
        let url = escape_html(&format!("{base}{}", b.url));
        let brief = &b.brief;
        let _ = writeln!(
            xml,
            "<entry>\n<title>{}</title>\n<id>{url}</id>\n<link rel=\"alternate\" href=\"{url}\"/>",
            escape_html(&brief.header.title)
        );
        let _ = writeln!(
            xml,
            "<published>{}</published>\n<updated>{}</updated>",
            timestamp(brief.date),
            timestamp(revised(b))
        );
        let authors: Vec<&str> = if brief.authors.is_empty() {
            vec![&book.config.title]
        } else {
            brief.authors.iter().map(String::as_str).collect()
        };
        for author in authors {
            let _ = writeln!(xml, "<author><name>{}</name></author>", escape_html(author));
        }
        for tag in &brief.tags {
            let _ = writeln!(xml, "<category term=\"{}\"/>", escape_html(tag));
        }
        if let Some(summary) = &brief.header.summary {
            let _ = writeln!(xml, "<summary>{}</summary>", escape_html(summary));
        }
        xml.push_str("</entry>\n");
    }
    xml.push_str("</feed>\n");
    OutputFile {
        path: "atom.xml".into(),
        bytes: xml.into_bytes(),
    }
}

/// `sitemap.xml`: every page, with the date a brief was last revised; the changes page when
/// it is made (`with_changes`).
pub fn sitemap(book: &Book, tag_urls: &[String], with_changes: bool) -> OutputFile {
    let base = &book.config.base_url;
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    let mut url = |path: &str, lastmod: Option<PartialDate>| {
        let _ = write!(
            xml,
            "<url><loc>{}</loc>",
            escape_html(&format!("{base}{path}"))
        );
        if let Some(date) = lastmod {
            let _ = write!(xml, "<lastmod>{}</lastmod>", date.first_day());
        }
        xml.push_str("</url>\n");
    };
    url("", None);
    for c in &book.chapters {
        url(&c.url, None);
    }
    for b in &book.briefs {
        url(&b.url, Some(b.brief.updated.unwrap_or(b.brief.date)));
    }
    let index_pages = IndexPage::ALL
        .iter()
        .filter(|page| page.made(with_changes) && page.in_sitemap());
    for page in index_pages
        .map(|page| page.url())
        .chain(tag_urls.iter().cloned())
    {
        url(&page, None);
    }
    xml.push_str("</urlset>\n");
    OutputFile {
        path: "sitemap.xml".into(),
        bytes: xml.into_bytes(),
    }
}
