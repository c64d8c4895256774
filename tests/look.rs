//! The default theme's reading aids, on the built HTML: the masthead's edition date, heading
//! self-links, the on-page contents of long briefs, notes apart from references, and a sidebar
//! whose size does not grow with the book (the briefs come from one shared `toc.js`).

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::*;

/// The example book built into a temporary folder.
fn example_site() -> (tempfile::TempDir, std::path::PathBuf) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let run = briefbook(root, &["build", "-o", site.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    (out, site)
}

/// The part of `html` from `start` to the first `end` after it.
fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html.find(start).unwrap_or_else(|| panic!("no {start}"));
    let rest = &html[from..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

#[test]
fn every_page_shows_the_edition_of_the_latest_brief() {
    let (_keep, site) = example_site();
    // The latest date or update of any brief in the example book is 17 August 2025.
    for page in [
        "index.html",
        "policy/index.html",
        "claims/index.html",
        "supply/h20-demand/index.html",
    ] {
        let html = read(&site, page);
        assert!(
            html.contains("<p class=\"edition\">Edition of <time datetime=\"2025-08-17\">17 August 2025</time></p>"),
            "{page}"
        );
    }
}

#[test]
fn headings_link_to_themselves_and_long_briefs_list_their_sections() {
    let (_keep, site) = example_site();
    let html = read(&site, "supply/self-sufficiency/index.html");
    let body = between(&html, "<div class=\"body\">", "<section class=\"claims\"");
    let ids: Vec<String> = attribute_values(body, "id")
        .into_iter()
        .filter(|id| body.contains(&format!("<h2 id=\"{id}\">")))
        .collect();
    assert_eq!(
        ids,
        [
            "the-projection",
            "what-drives-it",
            "the-view-from-nvidia",
            "footnotes"
        ]
    );
    for id in &ids[..3] {
        let heading = between(body, &format!("<h2 id=\"{id}\">"), "</h2>");
        assert!(
            heading.contains(&format!(
                "<a class=\"self-link\" href=\"#{id}\" aria-label=\"Link to the section "
            )),
            "{heading}"
        );
    }
    // Three headings or more: a contents list of the page, each entry an id of the page.
    let contents = between(&html, "<nav class=\"on-this-page\"", "</nav>");
    let targets: Vec<String> = attribute_values(contents, "href");
    assert_eq!(
        targets,
        [
            "#the-projection",
            "#what-drives-it",
            "#the-view-from-nvidia",
            "#footnotes",
            "#claims",
            "#facts",
            "#references"
        ]
    );
    let page_ids = attribute_values(&html, "id");
    for t in &targets {
        assert!(page_ids.iter().any(|id| *id == t[1..]), "{t}");
    }
    // Two headings: no list.
    let short = read(&site, "supply/h20-demand/index.html");
    assert!(short.contains("class=\"self-link\""));
    assert!(!short.contains("on-this-page"));
    // The print edition has neither.
    let print = read(&site, "print/index.html");
    assert!(!print.contains("self-link") && !print.contains("on-this-page"));
}

#[test]
fn notes_follow_the_text_and_come_before_the_apparatus() {
    let (_keep, site) = example_site();
    let html = read(&site, "supply/self-sufficiency/index.html");
    let marker = html
        .find("<sup class=\"footnote-reference\" id=\"fnref-shares\"><a href=\"#fn-shares\" aria-label=\"Note 1\">1</a></sup>")
        .expect("the note's marker");
    let notes = html
        .find("<section class=\"footnotes\">\n<h2 id=\"footnotes\">Notes</h2>")
        .expect("a Notes section");
    let claims = html.find("<section class=\"claims\"").unwrap();
    let references = html.find("<section class=\"references\"").unwrap();
    assert!(marker < notes && notes < claims && claims < references);
    assert!(html[notes..claims].contains("href=\"#fnref-shares\""));
    // Citations stay bracketed numbers, in their own list.
    assert!(html.contains("<sup class=\"citation\">[<a href=\"#ref-cnn-liu-2025\""));
}

#[test]
fn key_judgments_keep_the_claim_apart_from_its_qualifiers() {
    let (_keep, site) = example_site();
    let html = read(&site, "supply/self-sufficiency/index.html");
    let box_ = between(&html, "<section class=\"key-judgments\"", "</section>");
    let judgment = between(box_, "<p class=\"judgment\">", "</p>");
    assert!(
        !judgment.contains("<a "),
        "the judgment's text is not a link: {judgment}"
    );
    let qualifiers = between(box_, "<p class=\"qualifiers\">", "</p>");
    assert!(
        qualifiers.contains("<span class=\"badge likelihood\">"),
        "{qualifiers}"
    );
    assert!(
        !qualifiers.contains("method/index.html"),
        "labels, not links: {qualifiers}"
    );
    // One link to the method, for the whole box.
    assert_eq!(box_.matches("method/index.html").count(), 1, "{box_}");
}

/// A book of one chapter holding `n` briefs of the same shape.
fn daily_book(n: usize) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    files.insert("site.toml".into(), SITE.into());
    files.insert("content/_index.md".into(), COVER.into());
    files.insert("content/sources.toml".into(), SOURCES.into());
    files.insert(
        "content/daily/_index.md".into(),
        "+++\ntitle = \"Daily\"\n+++\n".into(),
    );
    for i in 0..n {
        files.insert(
            format!("content/daily/d{i:04}.md"),
            format!("+++\ntitle = \"Day {i:04}\"\ndate = \"2025-08-01\"\n+++\n\nNews of the day [@cnn-2025].\n"),
        );
    }
    files
}

#[test]
fn the_sidebar_does_not_repeat_the_book_on_every_page() {
    let sizes = |n: usize| {
        let book = write_book(&daily_book(n));
        let run = briefbook(book.path(), &["build"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let site = book.path().join("public");
        let page = read(&site, "daily/d0001/index.html");
        let briefs: usize = (0..n)
            .map(|i| read(&site, &format!("daily/d{i:04}/index.html")).len())
            .sum();
        let toc = read(&site, "toc.js");
        (page, briefs, toc)
    };
    let (small_page, small_total, _) = sizes(3);
    let (large_page, large_total, toc) = sizes(300);
    // A brief's page is the same size in a book of 3 briefs and in one of 300: the sidebar
    // lists chapters, and the briefs come from toc.js.
    assert!(
        large_page.len() <= small_page.len() + 64,
        "{} bytes with 300 briefs, {} with 3",
        large_page.len(),
        small_page.len()
    );
    let nav = between(&large_page, "<nav class=\"contents\"", "</nav>");
    assert!(
        !nav.contains("d0150"),
        "no brief listed in the page's own sidebar"
    );
    // So the brief pages together grow linearly (each at most the size of a middle page of the
    // small book), and the tree holds each brief once.
    assert!(small_total <= 3 * small_page.len());
    assert!(
        large_total <= 300 * (small_page.len() + 64),
        "{large_total} bytes"
    );
    assert_eq!(toc.matches("\"Day ").count(), 300);
    assert!(toc.starts_with("window.BRIEFBOOK_TOC={\"chapters\":[[\"daily/index.html\",[[\"Day 0000\",\"daily/d0000/\"]"));
}
