//! The generated document, front to back: metadata, title page, key judgments, contents, the
//! chapters with their briefs, the appendices. Layout is the theme's: this file only calls its
//! functions, with every text of the book escaped.

use std::fmt::Write;

use crate::pdf::brief;
use crate::pdf::escape::{array, content, content_or_none, string};
use crate::pdf::labels;
use crate::pdf::{appendix, Inputs};

/// The whole document as Typst markup.
pub fn document(inputs: &Inputs) -> String {
    let mut out = String::with_capacity(4096 + inputs.book.briefs.len() * 8192);
    preamble(inputs, &mut out);
    title_page(inputs, &mut out);
    introduction(inputs, &mut out);
    key_judgments(inputs, &mut out);
    out.push_str("#contents()\n");
    for (c, _) in inputs.book.chapters.iter().enumerate() {
        chapter(inputs, c, &mut out);
    }
    appendix::appendices(inputs, &mut out);
    out
}

/// Imports, the document's metadata and language, and the theme's page.
fn preamble(inputs: &Inputs, out: &mut String) {
    let config = &inputs.book.config;
    let (year, month, day) = inputs.edition.ymd;
    out.push_str("#import \"/theme/book.typ\": book\n#import \"/theme/parts.typ\": *\n");
    let _ = writeln!(
        out,
        "#set document(title: {}, author: {}, date: datetime(year: {year}, month: {month}, day: {day}))",
        string(&config.title),
        array(&inputs.edition.authors),
    );
    if let Some((lang, region)) = language(&config.language) {
        let region = region.map_or_else(String::new, |r| format!(", region: {}", string(&r)));
        let _ = writeln!(out, "#set text(lang: {}{region})", string(&lang));
    }
    let _ = writeln!(out, "#show: book.with(title: {})", content(&config.title));
}

/// `language` of site.toml as Typst takes it: a two- or three-letter code and a region
/// (`en-GB`); anything else leaves Typst's default rather than failing the document.
pub fn language(language: &str) -> Option<(String, Option<String>)> {
    let mut parts = language.split(['-', '_']);
    let lang = parts.next()?.to_ascii_lowercase();
    let letters = |s: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphabetic())
    };
    if !letters(&lang, 2..=3) {
        return None;
    }
    let region = parts
        .next()
        .filter(|r| letters(r, 2..=2))
        .map(|r| r.to_ascii_uppercase());
    Some((lang, region))
}

fn title_page(inputs: &Inputs, out: &mut String) {
    let config = &inputs.book.config;
    let description = (!config.description.is_empty()).then_some(config.description.as_str());
    let _ = writeln!(
        out,
        "#title-page(title: {}, description: {}, authors: {}, edition: {})#anchor({})",
        content(&config.title),
        content_or_none(description),
        array(&inputs.edition.authors),
        content(&inputs.edition.shown),
        string(labels::TITLE_PAGE),
    );
}

/// The cover's introduction, when it has one.
fn introduction(inputs: &Inputs, out: &mut String) {
    let cover = &inputs.book.cover;
    if cover.body().trim().is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "#front-part({}, \"introduction\")",
        content("Introduction")
    );
    out.push_str(&inputs.section_body(&cover.path, cover.body(), 1));
}

/// The book's key judgments, by chapter, each linked to its claim.
fn key_judgments(inputs: &Inputs, out: &mut String) {
    let book = inputs.book;
    let mut groups = String::new();
    for chapter in &book.chapters {
        let items: Vec<String> = chapter
            .briefs
            .iter()
            .flat_map(|&b| brief::key_judgment_items(inputs, b, true))
            .collect();
        if items.is_empty() {
            continue;
        }
        let _ = writeln!(
            groups,
            "#chapter-judgments({}, ({},))",
            content(&chapter.section.header.title),
            items.join(", ")
        );
    }
    if groups.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "#front-part({}, {})",
        content("Key judgments"),
        string(labels::KEY_JUDGMENTS)
    );
    out.push_str(&groups);
}

/// A chapter: its heading, its introduction, its briefs (sub-chapters follow as chapters). The
/// chapter's opening and each later brief are page runs of their own (see [`page_run`]).
fn chapter(inputs: &Inputs, c: usize, out: &mut String) {
    let chapter = &inputs.book.chapters[c];
    let level = chapter.depth + 1;
    page_run(&chapter.section.path, false, out);
    let _ = writeln!(
        out,
        "#chapter(level: {level}, title: {}, name: {})",
        content(&chapter.section.header.title),
        string(&chapter.section.path)
    );
    if let Some(summary) = &chapter.section.header.summary {
        let _ = writeln!(out, "#chapter-summary({})", content(summary));
    }
    let section = &chapter.section;
    out.push_str(&inputs.section_body(&section.path, section.body(), level));
    for (i, &b) in chapter.briefs.iter().enumerate() {
        if i > 0 {
            out.push_str("]\n");
            page_run(&inputs.book.briefs[b].brief.path, true, out);
        }
        brief::brief(inputs, b, level + 1, out);
    }
    out.push_str("]\n");
}

/// Opens a block of markup that is a page run of its own, named `name`, from a new page when
/// `new_page`; the caller closes it with `]`.
///
/// Why: Typst 0.13 memoises each page's running head and page number under a key made of that
/// content and the run's page styles, and the location of each page's head differs, so every
/// page of a run adds an entry under the same key and every later page tries them all: time
/// grows with the square of the pages in a run (docs/performance.md, "The PDF edition"). A
/// setting no page shows (the title of a Typst bibliography, which briefbook never prints)
/// makes the styles, and so the key, of each run its own, and a brief's run is a few pages.
fn page_run(name: &str, new_page: bool, out: &mut String) {
    let _ = writeln!(out, "#[#set bibliography(title: {})", string(name));
    if new_page {
        out.push_str("#pagebreak(weak: true)\n");
    }
}
