//! The repository's own example book must build and check clean.

mod common;

use std::path::Path;

#[test]
fn the_example_book_checks_clean_and_builds() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let run = common::briefbook(root, &["check", "--deny-warnings"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("0 error(s), 0 warning(s)"),
        "{}",
        run.stderr
    );
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("site");
    let run = common::briefbook(root, &["build", "-o", target.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = common::read(&target, "supply/h20-demand/index.html");
    assert!(
        page.contains("1,500,000\u{a0}units"),
        "figures are rendered from the fact table"
    );
    assert!(page.contains(r#"id="ref-cnn-liu-2025""#));
    let briefs = walkdir::WalkDir::new(&target)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name() == "index.html")
        .count();
    assert!(
        briefs >= 1 + 2 + 6,
        "cover, two chapters and at least six briefs; found {briefs}"
    );
}

#[test]
fn every_link_in_the_example_book_resolves() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("site");
    assert_eq!(
        common::briefbook(root, &["build", "-o", target.to_str().unwrap()]).code,
        0
    );
    let broken = common::broken_links(&target);
    assert!(broken.is_empty(), "{broken:#?}");
}
