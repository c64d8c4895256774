//! The reader's side: feed, sitemap, JSON-LD, the print edition and the search index.

mod common;

use common::*;

fn built(files: &std::collections::BTreeMap<String, String>) -> tempfile::TempDir {
    let book = write_book(files);
    let run = briefbook(book.path(), &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    book
}

#[test]
fn the_feed_lists_briefs_newest_first_with_absolute_urls() {
    let mut files = base_book();
    files.insert(
        "content/chips/supply.md".into(),
        SUPPLY.replace("date: 2025-08", "date: 2025-08\nupdated: 2025-09-02"),
    );
    let book = built(&files);
    let feed = read(book.path(), "public/atom.xml");
    let supply = feed
        .find("<title>Supply</title>")
        .expect("the supply entry");
    let h20 = feed
        .find("<title>The H20 decision</title>")
        .expect("the h20 entry");
    assert!(supply < h20, "the brief updated in September comes first");
    assert!(feed.contains("<id>https://example.org/book/chips/supply/</id>"));
    assert!(
        feed.contains("<updated>2025-09-02T00:00:00Z</updated>"),
        "{feed}"
    );
    assert!(feed.contains("<published>2025-08-01T00:00:00Z</published>"));
    assert!(feed.contains("<link rel=\"self\" href=\"https://example.org/book/atom.xml\"/>"));
    let sitemap = read(book.path(), "public/sitemap.xml");
    for url in [
        "https://example.org/book/</loc>",
        "chips/h20/</loc><lastmod>2025-08-17</lastmod>",
        "chips/supply/</loc><lastmod>2025-09-02</lastmod>",
        "sources/</loc>",
        "print/</loc>",
        "tags/export-controls/</loc>",
    ] {
        assert!(sitemap.contains(url), "{url} missing from the sitemap");
    }
}

#[test]
fn briefs_carry_json_ld_with_citations_and_claim_reviews() {
    let mut files = base_book();
    files.insert(
        "content/chips/h20.md".into(),
        H20.replace(
            "confidence = \"moderate\"",
            "confidence = \"moderate\"\nstatus = \"disputed\"",
        ),
    );
    let book = built(&files);
    let page = read(book.path(), "public/chips/h20/index.html");
    let start = page
        .find("<script type=\"application/ld+json\">")
        .expect("JSON-LD")
        + "<script type=\"application/ld+json\">".len();
    let end = start + page[start..].find("</script>").unwrap();
    let ld: serde_json::Value = serde_json::from_str(&page[start..end]).expect("valid JSON");
    let graph = ld["@graph"].as_array().unwrap();
    assert_eq!(graph[0]["@type"], "Article");
    assert_eq!(graph[0]["headline"], "The H20 decision");
    assert_eq!(graph[0]["url"], "https://example.org/book/chips/h20/");
    let cited: Vec<&str> = graph[0]["citation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        cited,
        ["China is cool on the H20", "Beijing asks for HBM relief"]
    );
    assert_eq!(graph[1]["@type"], "ClaimReview");
    assert_eq!(
        graph[1]["claimReviewed"],
        "Beijing's response was lukewarm."
    );
    assert_eq!(graph[1]["reviewRating"]["alternateName"], "disputed");
    assert!(page
        .contains("<meta name=\"description\" content=\"Washington allowed H20 sales again.\">"));
}

#[test]
fn the_print_edition_holds_the_whole_book_in_reading_order_with_unique_ids() {
    let book = built(&base_book());
    let print = read(book.path(), "public/print/index.html");
    let cover = print.find("<h1>Test book</h1>").expect("the cover");
    let chapter = print.find(">Chips</h2>").expect("the chapter");
    let h20 = print.find(">The H20 decision</h3>").expect("a brief");
    let supply = print.find(">Supply</h3>").expect("the other brief");
    assert!(
        cover < chapter && chapter < h20 && h20 < supply,
        "reading order"
    );
    assert!(
        print.contains("<h4 id=\"b0-what-happened\">What happened</h4>"),
        "body headings moved under the brief's"
    );
    assert!(print.contains("href=\"#b0-ref-cnn-2025\" id=\"b0-cite-cnn-2025-1\""));
    assert!(print.contains("<li id=\"b0-ref-cnn-2025\" class=\"reference\">"));
    let ids = attribute_values(&print, "id");
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(ids.len(), unique.len(), "duplicate ids on the print page");
    assert!(
        !print.contains("class=\"contents\""),
        "no site navigation in print"
    );
    assert!(broken_links(&book.path().join("public")).is_empty());
}

#[test]
fn the_search_index_is_a_script_with_one_row_per_brief() {
    let mut files = base_book();
    files.insert(
        "content/chips/h20.md".into(),
        format!("{H20}Shipments: {{{{ fact(id=\"shipments\") }}}}.\n"),
    );
    let book = built(&files);
    let script = read(book.path(), "public/search_index.js");
    let json = script
        .strip_prefix("window.BRIEFBOOK_SEARCH=")
        .and_then(|s| s.strip_suffix(";\n"))
        .expect("a script assignment");
    let index: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(
        index["fields"],
        serde_json::json!(["url", "title", "chapter", "summary", "tags", "claims", "text"])
    );
    let docs = index["docs"].as_array().unwrap();
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[0][0], "chips/h20/index.html");
    assert_eq!(docs[0][2], "Chips");
    assert_eq!(docs[0][4], "export controls");
    assert_eq!(docs[0][5], "Beijing's response was lukewarm.");
    // What readers read: citations as labels, quoted facts as values, no markup.
    assert_eq!(
        docs[0][6],
        "What happened The ban was lifted CNN 2025. Beijing wants HBM Financial Times 2025; \
         see supply. Code stays literal: [@nothing]. Shipments: 1,500,000 units."
    );
    assert!(read(book.path(), "public/search/index.html")
        .contains("<script src=\"../search_index.js\"></script>"));
}

/// Every link of the print page: in-page ones must hit an id there; the rest may only leave
/// for the web (or go back to the book from the screen-only line).
fn links_leaving(print: &str) -> Vec<String> {
    let ids = attribute_values(print, "id");
    let mut wrong = Vec::new();
    for (i, _) in print.match_indices("<a ") {
        let tag = &print[i..i + print[i..].find('>').unwrap()];
        let Some(start) = tag.find("href=\"") else {
            continue;
        };
        let href = &tag[start + 6..start + 6 + tag[start + 6..].find('"').unwrap()];
        let ok = match href.strip_prefix('#') {
            Some(id) => ids.iter().any(|known| known == id),
            None => {
                href.starts_with("https://")
                    || href.starts_with("http://")
                    || tag.contains("class=\"back-to-book\"")
            }
        };
        if !ok {
            wrong.push(href.to_string());
        }
    }
    wrong
}

#[test]
fn the_print_edition_keeps_its_links_on_the_page() {
    let mut files = base_book();
    // A quoted fact from another brief, an `@/` link with and without an anchor, a link to the
    // chapter and to the cover, a key judgment, and a link within the body.
    files.insert(
        "content/chips/supply.md".into(),
        SUPPLY.replace(
            "Back to [the decision](@/chips/h20.md).",
            "Back to [the decision](@/chips/h20.md), [its claim](@/chips/h20.md#claim-lukewarm), \
             [the chapter](@/chips/_index.md), [the cover](@/_index.md) and [here](#capacity). \
             It shipped {{ fact(id=\"chips/h20.md#shipments\") }}.\n\n- [ ] check\n- [x] done",
        ),
    );
    files.insert(
        "content/chips/h20.md".into(),
        H20.replace(
            "confidence = \"moderate\"",
            "confidence = \"moderate\"\nkey = true",
        ),
    );
    let book = built(&files);
    let print = read(book.path(), "public/print/index.html");
    assert_eq!(links_leaving(&print), Vec::<String>::new());
    for link in [
        "<a href=\"#b0\">the decision</a>",
        "<a href=\"#b0-claim-lukewarm\">its claim</a>",
        "<a href=\"#c0\">the chapter</a>",
        "<a href=\"#cover\">the cover</a>",
        "<a href=\"#b1-capacity\">here</a>",
        "<a class=\"quoted-fact\" href=\"#b0-fact-shipments\">1,500,000\u{a0}units</a>",
        // The conflicting fact of the other brief, on this page.
        "units in <a href=\"#b0-fact-shipments\"><cite>The H20 decision</cite></a>, CNN 2025",
        // See also.
        "See also: <a href=\"#b1\">Supply</a>.",
    ] {
        assert!(print.contains(link), "{link} missing");
    }
    assert!(
        !print.contains("@/") && !print.contains("href=\"../chips/"),
        "no link out to a page it holds"
    );
    assert!(
        !print.contains("<input"),
        "task boxes are marks on paper, not form controls"
    );
    // The book's key judgments come first, before the contents; each brief has its own box.
    let first = print
        .find("<h2 id=\"key-judgments-title\">Key judgments</h2>")
        .expect("the book's");
    let contents = print.find("<h2 id=\"contents-title\">").expect("contents");
    assert!(first < contents);
    assert!(print
        .contains("<li><a href=\"#b0-claim-lukewarm\">Beijing&#39;s response was lukewarm.</a>"));
    assert!(print.contains("<section class=\"key-judgments\" id=\"b0-key-judgments\""));
}

#[test]
fn the_print_cover_has_its_edition_and_authors_and_references_are_numbered_once() {
    let mut files = base_book();
    files.insert(
        "content/chips/supply.md".into(),
        SUPPLY.replace(
            "date: 2025-08",
            "date: 2025-08\nupdated: 2025-09-03\nauthors: [Ann Lee, Bo Chen]",
        ),
    );
    files.insert(
        "content/chips/h20.md".into(),
        H20.replace("tags = ", "authors = [\"Bo Chen\", \"Cy Diaz\"]\ntags = "),
    );
    files.insert(
        "site.toml".into(),
        SITE.replace(
            "title = \"Test book\"",
            "title = \"A \\\"quoted\\\" </style> book\"",
        ),
    );
    let book = built(&files);
    let print = read(book.path(), "public/print/index.html");
    assert!(
        print.contains("Edition of <time datetime=\"2025-09-03\">3 September 2025</time>"),
        "{print}"
    );
    assert!(print.contains("<p class=\"authors\">By Bo Chen, Cy Diaz, Ann Lee</p>"));
    // The running head is the book's title, escaped as a CSS string.
    assert!(
        print.contains("@top-center { content: \"A \\22 quoted\\22  \\3c /style\\3e  book\"; }"),
        "{print}"
    );
    assert_eq!(print.matches("</style>").count(), 1);
    // A reference list is an <ol> under `.references`, whose markers the stylesheet hides: the
    // printed number is the only one.
    let references = &print[print.find("id=\"b0-references\"").unwrap()..];
    assert!(references.starts_with("id=\"b0-references\" aria-labelledby=\"b0-references-title b0-title\">\n<h4 id=\"b0-references-title\">References</h4>\n<ol>\n<li id=\"b0-ref-cnn-2025\" class=\"reference\"><span class=\"ref-number\">1.</span> <strong class=\"ref-label\">CNN 2025</strong>."), "{references}");
    assert!(print.contains("<section class=\"references\" id=\"b0-references\""));
    let css = read(book.path(), "public/style.css");
    assert!(css.contains(".print-edition .references ol { list-style: none; padding-left: 0; }"));
}
