//! The server's first pages after an edit to front matter: the edited briefs' pages come out
//! byte for byte as a full build makes them, other pages wait for the full build that follows,
//! and whatever the shortcut cannot vouch for takes the full path.

mod common;

use std::path::{Path, PathBuf};

use briefbook::pipeline::Options;
use briefbook::serve::memory::{self, MemorySite};
use common::*;

fn options(root: &Path) -> Options {
    Options {
        root: root.to_path_buf(),
        base_url: Some("http://127.0.0.1:9/".into()),
        ..Options::default()
    }
}

/// Builds the base book, applies `edits` (path, new text), and rebuilds as the server would
/// after them; returns that site and a full build of the edited book.
fn edit(edits: &[(&str, String)]) -> (MemorySite, MemorySite) {
    let book = write_book(&base_book());
    let root = book.path().canonicalize().unwrap();
    let options = options(&root);
    let before = memory::build(&options).expect("the base book builds");
    for (path, text) in edits {
        write(&root, path, text.as_bytes());
    }
    let edited: Vec<PathBuf> = edits.iter().map(|(p, _)| root.join(p)).collect();
    let after = memory::rebuild(&options, Some(&before), Some(&edited)).expect("the edit builds");
    let full = memory::build(&options).expect("the edited book builds");
    (after, full)
}

fn page(site: &MemorySite, path: &str) -> String {
    String::from_utf8(site.files[path].to_vec()).unwrap()
}

const H20_PAGE: &str = "chips/h20/index.html";
const SUPPLY_PAGE: &str = "chips/supply/index.html";
const CHAPTER_PAGE: &str = "chips/index.html";

#[test]
fn an_edited_title_renders_its_page_as_a_full_build_would_and_leaves_the_rest_to_it() {
    let (after, full) = edit(&[(
        "content/chips/h20.md",
        H20.replace("The H20 decision", "The H20 turn").replace(
            "tags = [\"export controls\"]",
            "tags = [\"export controls\", \"trade\"]",
        ),
    )]);
    assert_eq!((after.partial, after.complete), (Some(1), false));
    assert!(page(&after, H20_PAGE).contains("The H20 turn"));
    assert_eq!(page(&after, H20_PAGE), page(&full, H20_PAGE));
    // Other pages that show the title are the last build's until the full build replaces them.
    assert!(page(&after, CHAPTER_PAGE).contains("The H20 decision"));
    assert!(page(&full, CHAPTER_PAGE).contains("The H20 turn"));
    assert!(
        !after.files.contains_key(memory::PRINT),
        "print is made on request"
    );
}

#[test]
fn an_edited_quotable_fact_rescans_every_body_and_still_matches_a_full_build() {
    // `shipments` has an id, so prose may quote it: the facts index changes, and no scan is kept.
    let (after, full) = edit(&[(
        "content/chips/h20.md",
        H20.replace("value = 1500000", "value = 1200000"),
    )]);
    assert_eq!((after.partial, after.complete), (Some(1), false));
    assert_eq!(page(&after, H20_PAGE), page(&full, H20_PAGE));
    assert!(
        !page(&full, H20_PAGE).contains("Conflicts with"),
        "the figures now agree"
    );
}

#[test]
fn two_briefs_edited_at_once_both_match_a_full_build() {
    let (after, full) = edit(&[
        (
            "content/chips/h20.md",
            H20.replace("confidence = \"moderate\"", "confidence = \"high\""),
        ),
        (
            "content/chips/supply.md",
            SUPPLY.replace("title: Supply", "title: Supply and demand"),
        ),
    ]);
    assert_eq!((after.partial, after.complete), (Some(2), false));
    for path in [H20_PAGE, SUPPLY_PAGE] {
        assert_eq!(page(&after, path), page(&full, path), "{path}");
    }
    // supply.md links to h20 and h20 to supply: each page shows the other's new front matter.
    assert!(page(&after, H20_PAGE).contains("Supply and demand"));
}

#[test]
fn an_edit_the_shortcut_cannot_vouch_for_takes_the_full_path() {
    for (what, path, text) in [
        (
            "a new URL",
            "content/chips/h20.md",
            H20.replace("tags = [", "slug = \"h20-turn\"\ntags = ["),
        ),
        (
            "a file that is not a brief",
            "content/chips/_index.md",
            CHAPTER.replace("About chips.", "About chips and more."),
        ),
    ] {
        let (after, full) = edit(&[(path, text)]);
        assert_eq!((after.partial, after.complete), (None, true), "{what}");
        assert_eq!(after.files.len(), full.files.len(), "{what}");
    }
}

#[test]
fn an_error_in_edited_front_matter_is_reported_as_a_full_build_reports_it() {
    let book = write_book(&base_book());
    let root = book.path().canonicalize().unwrap();
    let options = options(&root);
    let before = memory::build(&options).unwrap();
    let broken = H20.replace("sources = [\"cnn-2025\"]", "sources = [\"cnn-2052\"]");
    write(&root, "content/chips/h20.md", broken.as_bytes());
    let edited = [root.join("content/chips/h20.md")];
    let Err(problems) = memory::rebuild(&options, Some(&before), Some(&edited)) else {
        panic!("a claim citing an unknown source must fail the rebuild");
    };
    let text: String = problems.iter().map(|d| d.render()).collect();
    assert!(text.contains("content/chips/h20.md"), "{text}");
    assert!(text.contains("cnn-2052"), "{text}");
}

#[test]
fn removing_a_fact_another_body_quotes_is_reported() {
    // Unedited bodies keep their scans only while what they quote stands.
    let mut files = base_book();
    files.insert(
        "content/chips/supply.md".into(),
        SUPPLY.replace(
            "Back to [the decision]",
            "It shipped {{ fact(id=\"chips/h20.md#shipments\") }}. Back to [the decision]",
        ),
    );
    let book = write_book(&files);
    let root = book.path().canonicalize().unwrap();
    let options = options(&root);
    let before = memory::build(&options).expect("the book builds");
    assert!(
        page(&before, SUPPLY_PAGE).contains("It shipped <a"),
        "the quote renders"
    );
    write(
        &root,
        "content/chips/h20.md",
        H20.replace("id = \"shipments\"\n", "").as_bytes(),
    );
    let edited = [root.join("content/chips/h20.md")];
    let Err(problems) = memory::rebuild(&options, Some(&before), Some(&edited)) else {
        panic!("a quote of a fact that is gone must fail the rebuild");
    };
    let text: String = problems.iter().map(|d| d.render()).collect();
    assert!(text.contains("content/chips/supply.md"), "{text}");
}

#[test]
fn briefs_alike_in_every_key_keep_the_order_a_full_build_gives_them() {
    // Same weight, date and title, and found in one order by walking `content/` (`a/` before
    // `a-c.md`) and in the other by path: the pager must still agree with a full build's.
    let twin = |summary: &str| {
        format!(
            "+++\ntitle = \"Twin\"\ndate = \"2025-08-01\"\nsummary = \"{summary}\"\n+++\n\nSame.\n"
        )
    };
    let mut files = base_book();
    files.insert("content/chips/a-c.md".into(), twin("One."));
    files.insert("content/chips/a/index.md".into(), twin("Other."));
    let book = write_book(&files);
    let root = book.path().canonicalize().unwrap();
    let options = options(&root);
    let before = memory::build(&options).expect("the book builds");
    write(
        &root,
        "content/chips/a-c.md",
        twin("One, edited.").as_bytes(),
    );
    let edited = [root.join("content/chips/a-c.md")];
    let after = memory::rebuild(&options, Some(&before), Some(&edited)).expect("the edit builds");
    let full = memory::build(&options).expect("the edited book builds");
    assert_eq!((after.partial, after.complete), (Some(1), false));
    let path = "chips/a-c/index.html";
    assert!(page(&after, path).contains("One, edited."));
    assert_eq!(page(&after, path), page(&full, path));
}

/// The server keeps the search index's rows from one edit to the next and makes again only
/// those that may have changed: after any edit its index is the full build's, byte for byte.
#[test]
fn the_search_index_after_an_edit_is_the_full_builds() {
    const INDEX: &str = "search_index.js";
    let body = H20.replace("The ban was lifted", "The ban was lifted in July");
    let title = SUPPLY.replace("title: Supply", "title: Supply and demand");
    // A source's label shows in the rows of the briefs that cite it, edited or not: "CNN 2025"
    // becomes "Cable News 2025" in the H20 brief's row, though only the registry changed.
    let label = SOURCES.replace("publisher = \"CNN\"", "label = \"Cable News 2025\"");
    let cases = [
        ("content/chips/h20.md", body, "lifted in July"),
        ("content/chips/supply.md", title, "Supply and demand"),
        ("content/sources.toml", label, "Cable News 2025"),
    ];
    for (path, text, shown) in cases {
        let (after, full) = edit(&[(path, text)]);
        let index = page(&after, INDEX);
        assert!(index.contains(shown), "{path}: `{shown}` not in {index}");
        assert_eq!(index, page(&full, INDEX), "{path}");
    }
}
