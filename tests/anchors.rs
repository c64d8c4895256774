//! A page's own ids stay unique: headings never take the ids of the page's rows (claims, facts,
//! references, citation markers), and an explicit heading id that would is an error at its place.

mod common;

use common::*;

fn book_with_body(body: &str) -> tempfile::TempDir {
    let mut files = base_book();
    let h20 = H20.replace("## What happened", body);
    files.insert("content/chips/h20.md".into(), h20);
    write_book(&files)
}

#[test]
fn a_heading_named_like_a_row_gets_another_id() {
    let book = book_with_body(
        "## Fact shipments\n\n## Claim lukewarm\n\n## Ref cnn-2025\n\n## What happened",
    );
    let run = briefbook(book.path(), &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = read(book.path(), "public/chips/h20/index.html");
    for row in ["fact-shipments", "claim-lukewarm", "ref-cnn-2025"] {
        let attribute = format!("id=\"{row}\"");
        assert_eq!(page.matches(&attribute).count(), 1, "{row} in\n{page}");
        assert!(
            page.contains(&format!("id=\"{row}-1\"")),
            "{row}-1 in\n{page}"
        );
    }
    // A quoted fact's link lands on the row, not on the heading.
    let row = page
        .find("<tr id=\"fact-shipments\"")
        .expect("the fact's row");
    assert!(page[row..].contains("Shipments to China"));
}

#[test]
fn an_explicit_heading_id_of_a_row_is_an_error_at_its_line() {
    let book = book_with_body("## Shipments {#fact-shipments}\n\n## What happened");
    let run = briefbook(book.path(), &["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let line = H20.lines().position(|l| l == "## What happened").unwrap() + 1;
    let expected = format!(
        "content/chips/h20.md:{line}:1: error[duplicate-id]: the heading id `fact-shipments` is the id of a row on this page"
    );
    assert!(run.stderr.contains(&expected), "{}", run.stderr);
}
