//! Sources in and out: CSL-JSON export, BibTeX and CSL-JSON import, and the round trip.

mod common;

use common::*;

fn import(root: &std::path::Path, file: &std::path::Path) -> Run {
    briefbook(root, &["import", file.to_str().unwrap()])
}

#[test]
fn csl_json_out_and_back_in_gives_the_same_sources() {
    let mut files = base_book();
    files.insert(
        "content/sources.toml".into(),
        format!("{SOURCES}authors = [\"Jane Doe\", \"Arnold van Gennep\", \"Reuters\"]\ncontainer = \"The Weekly\"\nvolume = \"3\"\nissue = \"2\"\npages = \"10–12\"\ndoi = \"10.1000/ft.2025\"\naccessed = \"2025-09-01\"\nnote = \"A \\\"quoted\\\" note\"\nkind = \"report\"\nstatus = \"superseded\"\nsuperseded_by = \"cnn-2025\"\n"),
    );
    let original = write_book(&files);
    assert_eq!(briefbook(original.path(), &["build"]).code, 0);
    let exported = read(original.path(), "public/data/sources.json");
    let items: serde_json::Value = serde_json::from_str(&exported).unwrap();
    assert_eq!(items[0]["type"], "document");
    assert_eq!(
        items[0]["issued"],
        serde_json::json!({"date-parts": [[2025, 8, 17]]})
    );
    assert_eq!(
        items[1]["author"],
        serde_json::json!([
            {"family": "Doe", "given": "Jane"},
            {"family": "Gennep", "given": "Arnold", "non-dropping-particle": "van"},
            {"literal": "Reuters"}
        ])
    );
    assert_eq!(items[1]["container-title"], "The Weekly");
    assert_eq!(items[1]["page"], "10–12");
    assert_eq!(items[1]["DOI"], "10.1000/ft.2025");
    assert_eq!(items[1]["custom"]["briefbook"]["superseded_by"], "cnn-2025");

    // The same book without its registry takes the sources back from the export.
    files.remove("content/sources.toml");
    let copy = write_book(&files);
    write(copy.path(), "sources.json", exported.as_bytes());
    let run = import(copy.path(), &copy.path().join("sources.json"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("imported 2, updated 0, unchanged 0, skipped 0 into content/sources.toml\n  added: cnn-2025, ft-2025\n"),
        "{}",
        run.stderr
    );
    assert_eq!(briefbook(copy.path(), &["build"]).code, 0);
    assert_eq!(
        read(copy.path(), "public/data/sources.json"),
        exported,
        "the round trip changed a source"
    );
}

#[test]
fn bibtex_entries_are_imported_and_can_be_cited() {
    let mut files = base_book();
    files.insert(
        "refs.bib".into(),
        "@report{Bernstein2025,\n  author = {Lin, Qingyuan},\n  title = {China semiconductors: the H20 question},\n  institution = {Bernstein},\n  date = {2025-08},\n  url = {https://example.com/bernstein}\n}\n".into(),
    );
    files.insert(
        "content/chips/supply.md".into(),
        SUPPLY.replace("[@ft-2025].", "[@ft-2025; @bernstein2025]."),
    );
    let book = write_book(&files);
    let before = briefbook(book.path(), &["check"]);
    assert_eq!(before.code, 1, "the citation is unknown before the import");
    let run = import(book.path(), &book.path().join("refs.bib"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let registry = read(book.path(), "content/sources.toml");
    assert!(registry.ends_with("\n[[source]]\nid = \"bernstein2025\"\ntitle = \"China semiconductors: the H20 question\"\ndate = \"2025-08\"\nkind = \"report\"\nauthors = [\"Qingyuan Lin\"]\npublisher = \"Bernstein\"\nurl = \"https://example.com/bernstein\"\n"), "{registry}");
    assert_eq!(briefbook(book.path(), &["build"]).code, 0);
    assert!(
        read(book.path(), "public/chips/supply/index.html").contains("id=\"ref-bernstein2025\"")
    );
}

#[test]
fn ids_the_book_already_has_are_refused_and_nothing_is_written() {
    let mut files = base_book();
    files.insert("dup.json".into(), r#"[{"id": "cnn-2025", "type": "article-newspaper", "title": "Again", "issued": {"date-parts": [[2025]]}}]"#.into());
    let book = write_book(&files);
    let before = read(book.path(), "content/sources.toml");
    let run = import(book.path(), &book.path().join("dup.json"));
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("error[duplicate-id]: the source id `cnn-2025` is already used in the book"),
        "{}",
        run.stderr
    );
    assert_eq!(read(book.path(), "content/sources.toml"), before);
}

#[test]
fn into_may_name_only_the_registry_the_book_reads() {
    let book = write_book(&base_book());
    let bib = book.path().join("new.bib");
    std::fs::write(&bib, "@article{lee2024, title={Chips}, year={2024}}\n").unwrap();
    let before = snapshot(book.path());
    for into in [
        "site.toml",
        "content/chips/h20.md",
        "content/more.toml",
        "../outside.toml",
        "/tmp/abs.toml",
    ] {
        let run = briefbook(
            book.path(),
            &["import", bib.to_str().unwrap(), "--into", into],
        );
        assert_eq!(run.code, 2, "{into}: {}", run.stderr);
        assert!(
            run.stderr
                .contains("is not a file the book reads its sources from"),
            "{into}: {}",
            run.stderr
        );
        assert_eq!(
            snapshot(book.path()),
            before,
            "{into}: something was written"
        );
    }
    let run = briefbook(
        book.path(),
        &[
            "import",
            bib.to_str().unwrap(),
            "--into",
            "./content/sources.toml",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(read(book.path(), "content/sources.toml").contains("id = \"lee2024\""));
}
