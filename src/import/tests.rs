//! The importer end to end on small files: what is imported, what is skipped or changed, where.

use super::*;

fn bib(text: &str) -> Read {
    read_bibtex(&SourceFile::new("refs.bib", text))
}

fn csl(text: &str) -> Read {
    read_csl_json(&SourceFile::new("items.json", text)).unwrap()
}

fn headlines(read: &Read) -> Vec<String> {
    read.diagnostics.iter().map(|d| d.headline()).collect()
}

#[test]
fn bibtex_entries_become_sources() {
    let read = bib("@article{Liu2025, author = {Liu, John and Tayir, Hassan}, title = {Beijing is not celebrating}, journal = {CNN}, date = {2025-08-17}, url = {https://example.com/cnn}, urldate = {2025-08-18}}\n@techreport{bernstein:h20, title = {China semis}, institution = {Bernstein}, year = {2025}, month = aug}\n");
    assert_eq!(headlines(&read), Vec::<String>::new());
    let s = &read.sources;
    assert_eq!(s[0].id, "liu2025");
    assert_eq!(s[0].authors, ["John Liu", "Hassan Tayir"]);
    assert_eq!(s[0].container.as_deref(), Some("CNN"));
    assert_eq!(s[0].date, "2025-08-17");
    assert_eq!(s[0].accessed.as_deref(), Some("2025-08-18"));
    assert_eq!(s[0].kind.as_deref(), Some("article"));
    assert_eq!(s[1].id, "bernstein:h20");
    assert_eq!(s[1].date, "2025-08");
    assert_eq!(s[1].publisher.as_deref(), Some("Bernstein"));
    assert_eq!(s[1].kind.as_deref(), Some("report"));
}

#[test]
fn entries_without_a_title_or_date_are_skipped_by_name_and_place() {
    let read = bib("@misc{ok, title = {T}, year = 2020}\n\n  @misc{nodate, title = {T}}\n@misc{notitle, year = 2020}\n@misc{later, title={L}, date={Forthcoming}}\n");
    assert_eq!(read.sources.len(), 1);
    assert_eq!(read.skipped, 3);
    assert_eq!(
        headlines(&read),
        [
            "refs.bib:3:3: warning[import-skipped]: `nodate` has no date (no `date`, `year` or `urldate`); the entry is skipped",
            "refs.bib:4:1: warning[import-skipped]: `notitle` has no title; the entry is skipped",
            "refs.bib:5:25: warning[import-skipped]: `later` has no date the book can hold: `Forthcoming` is not a date; the entry is skipped",
        ]
    );
    let read = read_csl_json(&SourceFile::new("x.json", r#"[{"id": "x", "title": "T"}]"#)).unwrap();
    assert_eq!(read.skipped, 1);
}

#[test]
fn the_accessed_date_stands_in_for_a_missing_one_and_says_so() {
    let read = bib("@online{w, title = {W}, url = {https://x.org}, urldate = {2024-02-03}}");
    assert_eq!(read.sources[0].date, "2024-02-03");
    assert_eq!(read.sources[0].kind.as_deref(), Some("webpage"));
    assert_eq!(read.diagnostics.len(), 1);
    assert!(read.diagnostics[0]
        .message
        .contains("the date it was accessed, 2024-02-03, is used"));
}

#[test]
fn everything_a_reader_needs_is_kept() {
    let read = bib(
        r"@incollection{c, author = {van Gennep, Arnold}, editor = {Doe, Jane and Roe, Rich}, title = {Rites}, subtitle = {of Passage}, booktitle = {Le \emph{De Anima}}, publisher = {P}, volume = 3, number = {2}, pages = {12--19}, doi = {10.1000/x\_y}, year = 1909}",
    );
    let s = &read.sources[0];
    assert_eq!(s.title, "Rites: of Passage");
    assert_eq!(s.authors, ["Arnold van Gennep"]);
    assert_eq!(s.container.as_deref(), Some("Le De Anima"));
    assert_eq!(s.publisher.as_deref(), Some("P"));
    assert_eq!(
        (s.volume.as_deref(), s.issue.as_deref(), s.pages.as_deref()),
        (Some("3"), Some("2"), Some("12–19"))
    );
    assert_eq!(s.doi.as_deref(), Some("10.1000/x_y"));
    assert_eq!(s.url, None, "a DOI makes up no URL");
    assert_eq!(s.note.as_deref(), Some("Edited by Jane Doe and Rich Roe."));
    assert_eq!(s.kind.as_deref(), Some("chapter"));
}

#[test]
fn the_same_reference_gives_the_same_source_by_either_route() {
    let from_bib = bib(
        r#"@article{same2020, author = {M{\"u}ller, J{\"o}rg and van Gennep, Arnold}, title = {On {Cu$_2$O}}, journaltitle = {Journal}, volume = {4}, number = {1}, pages = {1--9}, doi = {10.1/abc}, date = {2020-05}, url = {https://x.org/a}}"#,
    );
    let from_csl = csl(
        r#"[{"id": "same2020", "type": "article-journal", "title": "On Cu₂O", "author": [{"family": "Müller", "given": "Jörg"}, {"family": "Gennep", "given": "Arnold", "non-dropping-particle": "van"}], "container-title": "Journal", "volume": 4, "issue": "1", "page": "1–9", "DOI": "10.1/abc", "issued": {"date-parts": [[2020, 5]]}, "URL": "https://x.org/a"}]"#,
    );
    assert_eq!(from_bib.sources, from_csl.sources);
    assert!(from_bib.diagnostics.is_empty() && from_csl.diagnostics.is_empty());
}

#[test]
fn ids_people_can_type() {
    let read = csl(r#"[
        {"id": "http://zotero.org/users/123/items/ABCD1234", "title": "The Trump tariffs", "author": [{"family": "Liu", "given": "J."}], "issued": {"date-parts": [[2025]]}},
        {"id": "müller2020", "title": "A", "issued": {"date-parts": [[2020]]}},
        {"id": "mäller2020", "title": "B", "issued": {"date-parts": [[2020]]}},
        {"id": "Smith2020", "title": "C", "issued": {"date-parts": [[2020]]}},
        {"id": "smith2020", "title": "D", "issued": {"date-parts": [[2020]]}},
        {"id": 1.5e300, "title": "E", "issued": {"date-parts": [[2020]]}},
        {"id": "item-1.5e+300", "title": "F", "issued": {"date-parts": [[2020]]}}
    ]"#);
    let ids: Vec<&str> = read.sources.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "liu2025trump",
            "muller2020",
            "maller2020",
            "smith2020",
            "smith2020-2",
            "2020e",
            "item-1.5e-300"
        ]
    );
}

#[test]
fn a_duplicate_key_keeps_the_first() {
    let read = bib("@misc{k, title={First}, year=2020}\n@misc{k, title={Second}, year=2021}\n");
    assert_eq!(read.sources.len(), 1);
    assert_eq!(read.sources[0].title, "First");
    assert_eq!(headlines(&read), ["refs.bib:2:1: warning[import-skipped]: `k` is the key of an earlier entry too; the first is kept and this one is skipped"]);
}

#[test]
fn values_the_book_refuses_are_fixed_or_dropped_with_a_warning() {
    let read = bib(
        r"@misc{a, title={A}, date={1970/1980}, url={www.x.com/page}}
@misc{b, title={B}, year=2020, url={javascript:alert(1)}, reliability={Z}, status={gone}, doi={nope}}
@misc{c, title={C}, date={2021-04-08T00:39:34Z}, url={https://x.org/978-3-030-29007-8\_8}}
",
    );
    let s = &read.sources;
    assert_eq!(
        (s[0].date.as_str(), s[0].url.as_deref()),
        ("1970", Some("https://www.x.com/page"))
    );
    assert_eq!(
        (
            s[1].url.as_deref(),
            s[1].reliability.as_deref(),
            s[1].status.as_deref(),
            s[1].doi.as_deref()
        ),
        (None, None, None, None)
    );
    assert_eq!(
        (s[2].date.as_str(), s[2].url.as_deref()),
        ("2021-04-08", Some("https://x.org/978-3-030-29007-8_8"))
    );
    assert_eq!(read.diagnostics.len(), 6, "{:#?}", headlines(&read));
    assert!(read
        .diagnostics
        .iter()
        .all(|d| d.code == Code::ImportChanged));
}

#[test]
fn csl_dates_and_seasons() {
    let read = csl(r#"[
        {"id": "a", "title": "A", "issued": {"raw": "2019-05-01/2019-05-03"}},
        {"id": "b", "title": "B", "issued": {"date-parts": [[2017, 21]]}, "accessed": {"date-parts": [[2020, 2, 30]]}}
    ]"#);
    assert_eq!(read.sources[0].date, "2019-05-01");
    assert_eq!(read.sources[1].date, "2017");
    assert_eq!(read.sources[1].accessed.as_deref(), Some("2020-02"));
    assert_eq!(read.diagnostics.len(), 3);
}

#[test]
fn a_broken_item_is_skipped_and_the_rest_imported() {
    let read = csl("[\n  {\"id\": \"a\", \"title\": \"A\", \"issued\": {\"date-parts\": [[2020]]}},\n  {\"id\": \"b\", \"title\": \"B\", \"issued\": {\"date-parts\": [[2020]]} oops},\n  3\n]");
    assert_eq!(read.sources.len(), 1);
    assert_eq!(read.skipped, 2);
    assert!(
        headlines(&read)[0]
            .starts_with("items.json:3:3: warning[import-skipped]: `item 2` is not valid JSON"),
        "{:?}",
        headlines(&read)
    );
    let err = read_csl_json(&SourceFile::new("x.json", "nope")).unwrap_err();
    assert_eq!(
        err.headline(),
        "x.json:1:1: error[syntax]: invalid CSL-JSON: expected a list of items (`[`)"
    );
}

#[test]
fn crossref_cycles_do_not_crash() {
    for text in [
        "@article{a, title={A}, year={2020}, crossref={a}}",
        "@article{a, title={A}, year={2020}, crossref={b}}\n@article{b, title={B}, year={2020}, crossref={a}}",
        "@xdata{x, xdata={x}}\n@article{a, title={A}, year={2020}, xdata={x}}",
        "@string{a = b # b}\n@string{b = a # a}\n@misc{m, title = a, year = 2020}",
    ] {
        let read = bib(text);
        assert!(!read.sources.is_empty(), "{text}");
        assert!(!read.diagnostics.is_empty(), "{text}");
    }
}

#[test]
fn any_bytes_never_panic_and_every_source_read_passes_check() {
    use proptest::prelude::*;
    let pieces = prop::collection::vec(
        prop::sample::select(vec![
            "@",
            "@misc{",
            "@string{",
            "k",
            ",",
            "=",
            "{",
            "}",
            "(",
            ")",
            "\"",
            "#",
            " ",
            "\n",
            "title",
            "year",
            "date",
            "2020",
            "1970/1980",
            "author",
            " and ",
            "\\'",
            "$",
            "crossref",
            "url",
            "doi",
            "10.1/x",
            "www.x.com",
            "javascript:x",
            "[",
            "]",
            "\"id\":",
            "\"title\":",
            "\"issued\":",
            "{\"date-parts\":[[2020,2,30]]}",
            "ü",
            "~",
            "--",
            "\\",
        ]),
        0..60,
    );
    proptest!(ProptestConfig::with_cases(512), |(parts in pieces)| {
        let text = parts.concat();
        let file = SourceFile::new("f.bib", text);
        for read in [read_bibtex(&file), read_csl_json(&file).unwrap_or_default()] {
            for s in &read.sources {
                prop_assert_eq!(toml_out::check(s), Ok(()));
            }
        }
    });
}

#[test]
fn random_bytes_never_panic() {
    use proptest::prelude::*;
    proptest!(ProptestConfig::with_cases(512), |(bytes in prop::collection::vec(any::<u8>(), 0..400))| {
        let file = SourceFile::new("f", String::from_utf8_lossy(&bytes).into_owned());
        let _ = read_bibtex(&file);
        let _ = read_csl_json(&file);
    });
}

#[test]
fn csl_keeps_the_container_beside_the_publisher_and_reads_zotero_extra() {
    let read = csl(
        r#"[{"id": "http://zotero.org/users/1/items/X", "type": "article-journal", "title": "T", "container-title": "Journal", "publisher": "Society", "note": "Citation Key: Liu2025\nreliability: Z\nA note", "issued": {"date-parts": [[2025]]}}]"#,
    );
    let s = &read.sources[0];
    assert_eq!(
        (s.container.as_deref(), s.publisher.as_deref()),
        (Some("Journal"), Some("Society"))
    );
    assert_eq!(s.id, "liu2025");
    assert_eq!(s.note.as_deref(), Some("A note"));
    assert_eq!(s.reliability, None);
    assert_eq!(
        headlines(&read).len(),
        1,
        "the grade Z is dropped with a warning"
    );
}
