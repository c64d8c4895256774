//! `briefbook import` on libraries as reference managers export them (small files written for
//! these tests under `tests/fixtures/import/`): whole files imported entry by entry, what is
//! skipped said at `path:line:col`, the book then passing `check`, the round trip through
//! `data/sources.json`, and `--update`.

mod common;

use std::path::Path;

use common::*;

const FIXTURES: &str = "tests/fixtures/import";

fn import(root: &Path, file: &str, update: bool) -> Run {
    let path = format!("{FIXTURES}/{file}");
    let mut args = vec!["import", path.as_str()];
    if update {
        args.push("--update");
    }
    briefbook(root, &args)
}

fn summary(run: &Run) -> &str {
    run.stderr
        .lines()
        .find(|l| l.contains(": imported "))
        .unwrap_or("")
}

#[test]
fn every_library_imports_whole_and_the_book_then_checks_and_builds() {
    for (file, imported, skipped) in [
        ("library.bib", 85, 7),
        ("hostile.bib", 16, 5),
        ("jabref.bib", 5, 0),
        ("betterbibtex.bib", 9, 0),
        ("mendeley.bib", 3, 0),
        ("bibdesk.bib", 3, 0),
        ("zotero.json", 11, 3),
        ("same.bib", 1, 0),
        ("same.json", 1, 0),
    ] {
        let book = write_book(&base_book());
        let run = import(book.path(), file, false);
        assert_eq!(run.code, 0, "{file}: {}", run.stderr);
        let expected = format!("{FIXTURES}/{file}: imported {imported}, updated 0, unchanged 0, skipped {skipped} into content/sources.toml");
        assert_eq!(summary(&run), expected, "{}", run.stderr);
        let skips = run.stderr.matches("warning[import-skipped]").count();
        assert_eq!(
            skips, skipped,
            "{file}: one located warning per skipped entry\n{}",
            run.stderr
        );
        let check = briefbook(book.path(), &["check"]);
        assert_eq!(
            check.code, 0,
            "{file}: check after import\n{}",
            check.stderr
        );
        assert!(!check.stderr.contains("error["), "{file}: {}", check.stderr);
        assert_eq!(briefbook(book.path(), &["build"]).code, 0, "{file}: build");
    }
}

#[test]
fn skipped_entries_are_reported_at_their_line_and_column() {
    let book = write_book(&base_book());
    let run = import(book.path(), "hostile.bib", false);
    let skipped: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("warning[import-skipped]"))
        .collect();
    let h = "tests/fixtures/import/hostile.bib";
    assert_eq!(
        skipped,
        [
            format!("{h}:29:1: warning[import-skipped]: `dup` is the key of an earlier entry too; the first is kept and this one is skipped"),
            format!("{h}:34:1: warning[import-skipped]: `undated` has no date (no `date`, `year` or `urldate`); the entry is skipped"),
            format!("{h}:36:1: warning[import-skipped]: `notitle` has no title; the entry is skipped"),
            format!("{h}:38:41: warning[import-skipped]: `forthcoming` has no date the book can hold: `Forthcoming` is not a date; the entry is skipped"),
            format!("{h}:40:26: warning[import-skipped]: `{{` has no matching `}}`; the entry is skipped"),
        ]
    );
}

#[test]
fn what_was_wrong_is_fixed_or_dropped_and_said_where() {
    let book = write_book(&base_book());
    let run = import(book.path(), "hostile.bib", false);
    let registry = read(book.path(), "content/sources.toml");
    let h = "tests/fixtures/import/hostile.bib";
    for expected in [
        format!("{h}:11:68: warning[import-changed]: `self`: `crossref` or `xdata` runs in a cycle (`self` names `self` again); the cycle is not followed"),
        format!("{h}:14:58: warning[import-changed]: `cyclea`: `crossref` or `xdata` runs in a cycle (`cycleb` names `cyclea` again); the cycle is not followed"),
        format!("{h}:17:12: warning[import-changed]: `xuser`: `crossref` or `xdata` runs in a cycle (`xb` names `xa` again); the cycle is not followed"),
        format!("{h}:5:17: warning[import-changed]: the macro `loopb` is not defined; its name is kept as text"),
        format!("{h}:20:41: warning[import-changed]: the macro `undefinedmacro` is not defined; its name is kept as text"),
        format!("{h}:22:47: warning[import-changed]: `badurl`: url: `javascript:alert(1)` is not an http or https address; only those are kept; dropped"),
        format!("{h}:24:52: warning[import-changed]: `grades`: reliability: `Z` is not one of A, B, C, D, E, F; dropped"),
        format!("{h}:26:54: warning[import-changed]: `impossible`: date: 2020-02-30 is not a day of the calendar; kept as 2020-02"),
        format!("{h}:32:1: warning[import-changed]: `case`: the id `case` is taken by an earlier entry; this one is `case-2`"),
    ] {
        assert!(run.stderr.contains(&expected), "missing {expected}\n{}", run.stderr);
    }
    assert!(registry.contains("id = \"ota1972\"\ntitle = \"Technology and the Future\"\ndate = \"1972\"\nkind = \"report\"\npublisher = \"Office of Technology Assessment\"\n"), "{registry}");
    assert!(
        registry.contains("title = \"Costs $5 or 5\"\n"),
        "{registry}"
    );
    assert!(
        registry.contains("title = \"Braces {kept\"\n"),
        "{registry}"
    );
    assert!(!registry.contains("javascript"), "{registry}");
    assert!(
        registry.contains("id = \"afterunclosed\""),
        "the entry after an unclosed one is read"
    );
    assert!(
        !registry.contains("not an entry"),
        "an @ inside @comment is no entry"
    );
}

#[test]
fn names_dois_containers_and_kinds_come_through() {
    let book = write_book(&base_book());
    assert_eq!(import(book.path(), "jabref.bib", false).code, 0);
    assert_eq!(import(book.path(), "betterbibtex.bib", false).code, 0);
    let registry = read(book.path(), "content/sources.toml");
    for expected in [
        "authors = [\"Arnold van Gennep\"]\npublisher = \"Émile Nourry\"",
        "authors = [\"Ann A. Author, Jr.\"]",
        "authors = [\"Michael von Hicks, III\"]",
        "authors = [\"American\u{a0}Rights\u{a0}at\u{a0}Work\"]",
        "title = \"Cu₂O in the 11.\u{a0}century\"",
        "title = \"“No Holds Barred”: the intensification of employer opposition\"",
        "title = \"Le De Anima: Commentaire\"",
        "title = \"China Semiconductors: The “H20” Question\"",
        "container = \"International Security\"\nvolume = \"44\"\nissue = \"2\"\npages = \"7–45\"\ndoi = \"10.1162/isec_a_00359\"\n",
        "note = \"Edited by Ed Editor.\"",
        "url = \"https://edition.cnn.example/2025/08/17/china_h20\"",
        "url = \"https://arxiv.org/abs/2104.01234\"",
    ] {
        assert!(registry.contains(expected), "missing {expected}\n{registry}");
    }
    let kinds: Vec<&str> = registry
        .lines()
        .filter_map(|l| l.strip_prefix("kind = "))
        .collect();
    assert_eq!(
        kinds,
        [
            "\"article\"",
            "\"book\"",
            "\"chapter\"",
            "\"report\"",
            "\"webpage\"",
            "\"article\"",
            "\"news\"",
            "\"book\"",
            "\"webpage\"",
            "\"report\"",
            "\"book\"",
            "\"book\"",
            "\"dataset\"",
            "\"article\""
        ]
    );
    assert_eq!(briefbook(book.path(), &["build"]).code, 0);
    let html = read(book.path(), "public/data/sources.json");
    assert!(
        html.contains("\"non-dropping-particle\": \"van\""),
        "{html}"
    );
}

#[test]
fn the_bibtex_and_csl_routes_give_the_same_source() {
    let registries: Vec<String> = ["same.bib", "same.json"]
        .iter()
        .map(|file| {
            let book = write_book(&base_book());
            let run = import(book.path(), file, false);
            assert_eq!(run.code, 0, "{}", run.stderr);
            assert!(
                !run.stderr.contains("warning"),
                "{file}: nothing changed silently or not\n{}",
                run.stderr
            );
            read(book.path(), "content/sources.toml")
        })
        .collect();
    assert_eq!(registries[0], registries[1]);
    assert!(registries[0].contains("authors = [\"Jörg Müller\", \"Arnold van Gennep\", \"Ann A. Author, Jr.\", \"World\u{a0}Bank\"]"), "{}", registries[0]);
}

#[test]
fn export_then_import_gives_the_same_sources_names_included() {
    let original = write_book(&base_book());
    for file in ["library.bib", "zotero.json", "jabref.bib", "same.bib"] {
        assert_eq!(import(original.path(), file, false).code, 0);
    }
    assert_eq!(briefbook(original.path(), &["build"]).code, 0);
    let exported = read(original.path(), "public/data/sources.json");
    let registry = read(original.path(), "content/sources.toml");

    let mut files = base_book();
    files.remove("content/sources.toml");
    let copy = write_book(&files);
    write(copy.path(), "sources.json", exported.as_bytes());
    let run = briefbook(
        copy.path(),
        &["import", copy.path().join("sources.json").to_str().unwrap()],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    assert_eq!(briefbook(copy.path(), &["build"]).code, 0);
    assert_eq!(
        read(copy.path(), "public/data/sources.json"),
        exported,
        "the round trip changed a source"
    );
    let tables = |text: &str| {
        let registry: toml::Table = toml::from_str(text).unwrap();
        let mut tables = registry["source"].as_array().unwrap().clone();
        tables.sort_by_key(|t| t["id"].as_str().unwrap().to_string());
        tables
    };
    assert_eq!(
        tables(&read(copy.path(), "content/sources.toml")),
        tables(&registry),
        "field for field"
    );
}

#[test]
fn the_export_writes_csl_names_types_and_fields() {
    let book = write_book(&base_book());
    assert_eq!(import(book.path(), "same.bib", false).code, 0);
    assert_eq!(briefbook(book.path(), &["build"]).code, 0);
    let items: serde_json::Value =
        serde_json::from_str(&read(book.path(), "public/data/sources.json")).unwrap();
    let item = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "same2020")
        .unwrap();
    assert_eq!(
        item["author"],
        serde_json::json!([
            {"family": "Müller", "given": "Jörg"},
            {"family": "Gennep", "given": "Arnold", "non-dropping-particle": "van"},
            {"family": "Author", "given": "Ann A.", "suffix": "Jr."},
            {"literal": "World Bank"}
        ])
    );
    assert_eq!(item["type"], "article-journal");
    assert_eq!(item["container-title"], "Journal of “Materials”");
    assert_eq!(
        (&item["volume"], &item["issue"], &item["page"], &item["DOI"]),
        (&"4".into(), &"1".into(), &"1–9".into(), &"10.1/abc".into())
    );
    // The shape the CSL-JSON schema asks for: known types, name parts, numeric date parts.
    const TYPES: &[&str] = &[
        "article-newspaper",
        "article-journal",
        "book",
        "chapter",
        "webpage",
        "report",
        "dataset",
        "speech",
        "interview",
        "legal_case",
        "document",
    ];
    const NAME_PARTS: &[&str] = &[
        "family",
        "given",
        "non-dropping-particle",
        "suffix",
        "literal",
    ];
    for item in items.as_array().unwrap() {
        assert!(TYPES.contains(&item["type"].as_str().unwrap()), "{item}");
        for name in item["author"].as_array().into_iter().flatten() {
            assert!(
                name.as_object()
                    .unwrap()
                    .keys()
                    .all(|k| NAME_PARTS.contains(&k.as_str())),
                "{name}"
            );
        }
        assert!(item["issued"]["date-parts"][0]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p.is_i64()));
    }
}

#[test]
fn update_takes_changes_and_without_it_nothing_is_written() {
    let book = write_book(&base_book());
    assert_eq!(import(book.path(), "bibdesk.bib", false).code, 0);
    let before = read(book.path(), "content/sources.toml");

    // The same file again: refused whole without --update.
    let again = import(book.path(), "bibdesk.bib", false);
    assert_eq!(again.code, 1);
    assert!(again.stderr.contains("error[duplicate-id]: the source id `kim2020` is already used in the book (content/sources.toml)"), "{}", again.stderr);
    assert!(again.stderr.contains("nothing was written"));
    assert_eq!(read(book.path(), "content/sources.toml"), before);

    // With --update and nothing changed: all unchanged, the file as it was.
    let same = import(book.path(), "bibdesk.bib", true);
    assert_eq!(same.code, 0, "{}", same.stderr);
    assert!(
        summary(&same)
            .ends_with("imported 0, updated 0, unchanged 3, skipped 0 into content/sources.toml"),
        "{}",
        same.stderr
    );
    assert_eq!(read(book.path(), "content/sources.toml"), before);

    // The analyst grades a source by hand; the library changes a title and adds an entry.
    let graded = before.replace(
        "id = \"park2021\"\n",
        "id = \"park2021\"\nreliability = \"B\"\n",
    );
    write(book.path(), "content/sources.toml", graded.as_bytes());
    let changed = std::fs::read_to_string(format!("{FIXTURES}/bibdesk.bib"))
        .unwrap()
        .replace("{Memory Wars}", "{Memory Wars, Revised}")
        + "\n@misc{New2022, title = {New}, year = 2022}\n";
    write(book.path(), "changed.bib", changed.as_bytes());
    let run = briefbook(
        book.path(),
        &[
            "import",
            book.path().join("changed.bib").to_str().unwrap(),
            "--update",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("imported 1, updated 1, unchanged 2, skipped 0"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("  updated `park2021`: title\n"),
        "{}",
        run.stderr
    );
    let after = read(book.path(), "content/sources.toml");
    assert!(
        after.contains("title = \"Memory Wars, Revised\""),
        "{after}"
    );
    assert!(
        after.contains("reliability = \"B\""),
        "the book's own grading is kept\n{after}"
    );
    assert!(after.contains("id = \"new2022\""));
    assert_eq!(
        after.matches("[[source]]").count(),
        before.matches("[[source]]").count() + 1
    );
    assert_eq!(briefbook(book.path(), &["check"]).code, 0);
}

#[test]
fn update_refuses_a_source_defined_in_a_brief() {
    let mut files = base_book();
    files.insert("content/chips/own.md".into(), "+++\ntitle = \"Own\"\ndate = \"2025-08-01\"\nsummary = \"S.\"\n\n[[sources]]\nid = \"park2021\"\ntitle = \"Mine\"\ndate = \"2021\"\n+++\n\nBody [@park2021].\n".into());
    let book = write_book(&files);
    let run = import(book.path(), "bibdesk.bib", true);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("the source `park2021` is defined in content/chips/own.md, which `--update` does not rewrite"), "{}", run.stderr);
}

#[test]
fn update_refuses_a_source_also_defined_in_a_brief() {
    let mut files = base_book();
    files.insert("content/chips/own.md".into(), "+++\ntitle = \"Own\"\ndate = \"2025-08-01\"\nsummary = \"S.\"\n\n[[sources]]\nid = \"ft-2025\"\ntitle = \"Beijing asks for HBM relief\"\npublisher = \"Financial Times\"\ndate = \"2025-08\"\n+++\n\nBody [@ft-2025].\n".into());
    files.insert("ft.json".into(), r#"[{"id": "ft-2025", "title": "Beijing asks again", "issued": {"date-parts": [[2025, 8]]}}]"#.into());
    let book = write_book(&files);
    assert_eq!(
        briefbook(book.path(), &["check"]).code,
        0,
        "the same source twice, identical, is one source"
    );
    let before = read(book.path(), "content/sources.toml");
    let run = briefbook(
        book.path(),
        &[
            "import",
            book.path().join("ft.json").to_str().unwrap(),
            "--update",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("the source `ft-2025` is defined in content/sources.toml and content/chips/own.md, which `--update` does not rewrite"), "{}", run.stderr);
    assert_eq!(read(book.path(), "content/sources.toml"), before);
}

#[test]
fn a_latin1_library_imports_with_a_warning() {
    let book = write_book(&base_book());
    write(
        book.path(),
        "latin1.bib",
        b"@misc{k, title = {Caf\xe9 society}, year = 2020}\n",
    );
    let run = briefbook(
        book.path(),
        &["import", book.path().join("latin1.bib").to_str().unwrap()],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("warning[import-changed]: the file is not UTF-8"),
        "{}",
        run.stderr
    );
    assert!(read(book.path(), "content/sources.toml").contains("title = \"Caf\u{fffd} society\""));
}
