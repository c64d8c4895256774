//! One error, one message: a brief that fails to parse is reported once, and no warning is
//! raised because what it cites went missing with it (FORMAT section 7).

mod common;

use common::*;

#[test]
fn a_brief_that_fails_to_parse_makes_no_source_look_uncited() {
    let mut files = base_book();
    let broken = H20.replace("date = \"2025-08-17\"", "date = \"2025-13-45\"");
    files.insert("content/chips/h20.md".into(), broken);
    let book = write_book(&files);
    let run = briefbook(book.path(), &["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("error[invalid-date]"), "{}", run.stderr);
    // cnn-2025 is cited only by the broken brief: advising its removal would be wrong.
    assert!(!run.stderr.contains("uncited-source"), "{}", run.stderr);
}

#[test]
fn a_source_nothing_cites_is_still_reported_when_every_brief_parses() {
    let mut files = base_book();
    let h20 = H20
        .replace("[@cnn-2025]", "")
        .replace("\"cnn-2025\"", "\"ft-2025\"");
    files.insert("content/chips/h20.md".into(), h20);
    let book = write_book(&files);
    let run = briefbook(book.path(), &["check"]);
    assert!(
        run.stderr
            .contains("warning[uncited-source]: the source `cnn-2025`"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_misspelled_summary_is_one_error_not_also_a_missing_summary() {
    let mut files = base_book();
    let h20 = H20.replace("summary = ", "sumary = ");
    files.insert("content/chips/h20.md".into(), h20);
    let book = write_book(&files);
    let run = briefbook(book.path(), &["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("error[unknown-field]: unknown field `sumary`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did you mean `summary`?"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("missing-summary"), "{}", run.stderr);
}

#[test]
fn a_brief_without_a_summary_is_still_told() {
    let mut files = base_book();
    let h20 = H20.replace("summary = \"Washington allowed H20 sales again.\"\n", "");
    files.insert("content/chips/h20.md".into(), h20);
    let book = write_book(&files);
    let run = briefbook(book.path(), &["check"]);
    assert!(
        run.stderr
            .contains("content/chips/h20.md:1:1: warning[missing-summary]"),
        "{}",
        run.stderr
    );
}
