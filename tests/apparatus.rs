//! The briefing apparatus: index pages, exports and every link between pages.

mod common;

use common::*;
use serde_json::Value;

fn built() -> tempfile::TempDir {
    let book = write_book(&base_book());
    let run = briefbook(book.path(), &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    book
}

fn book_json(book: &tempfile::TempDir) -> Value {
    serde_json::from_str(&read(book.path(), "public/data/book.json")).expect("book.json parses")
}

#[test]
fn every_internal_link_and_fragment_resolves() {
    let book = built();
    let broken = broken_links(&book.path().join("public"));
    assert!(broken.is_empty(), "{broken:#?}");
}

#[test]
fn book_json_lists_briefs_sources_claims_and_facts_as_specified() {
    let book = built();
    let json = book_json(&book);
    assert_eq!(json["format"], "briefbook/1");
    assert_eq!(json["base_url"], "https://example.org/book/");
    let paths: Vec<&str> = json["briefs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        ["chips/h20.md", "chips/supply.md"],
        "briefs sorted by path"
    );
    let h20 = &json["briefs"][0];
    assert_eq!(h20["url"], "chips/h20/");
    assert_eq!(h20["chapter"], "chips");
    assert_eq!(h20["updated"], Value::Null);
    assert_eq!(h20["related"], serde_json::json!(["chips/supply.md"]));
    assert_eq!(h20["linked_from"], serde_json::json!(["chips/supply.md"]));
    assert_eq!(h20["cites"], serde_json::json!(["cnn-2025", "ft-2025"]));
    let supply = &json["briefs"][1];
    assert_eq!(
        supply["authors"],
        serde_json::json!([]),
        "missing lists are []"
    );
    assert_eq!(supply["date"], "2025-08", "dates as written");
}

#[test]
fn cited_by_counts_body_citations_and_lists_claim_only_citers() {
    let mut files = base_book();
    // A brief that names cnn-2025 only through a claim, never in its body.
    files.insert(
        "content/chips/claims-only.md".into(),
        "+++\ntitle = \"Claims only\"\ndate = \"2025\"\nsummary = \"s\"\n[[claims]]\nid = \"b\"\ntext = \"t\"\nsources = [\"cnn-2025\"]\n[[claims]]\nid = \"a\"\ntext = \"t\"\nsources = [\"cnn-2025\", \"ft-2025\"]\n+++\nNo citations here.\n".into(),
    );
    let book = write_book(&files);
    assert_eq!(briefbook(book.path(), &["build"]).code, 0);
    let json = book_json(&book);
    let sources = json["sources"].as_array().unwrap();
    let ids: Vec<&str> = sources.iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["cnn-2025", "ft-2025"], "sources sorted by id");
    assert_eq!(
        sources[0]["cited_by"],
        serde_json::json!([
            {"brief": "chips/claims-only.md", "count": 0, "claims": ["b", "a"]},
            {"brief": "chips/h20.md", "count": 1, "claims": ["lukewarm"]},
        ])
    );
    assert_eq!(
        sources[1]["cited_by"][1],
        serde_json::json!({"brief": "chips/h20.md", "count": 1, "claims": []})
    );
    assert_eq!(
        sources[1]["cited_by"][2],
        serde_json::json!({"brief": "chips/supply.md", "count": 1, "claims": []})
    );
    assert_eq!(sources[0]["publisher"], "CNN");
    assert_eq!(sources[1]["url"], Value::Null);
    assert_eq!(sources[1]["kind"], "other");
    let claims: Vec<(&str, &str)> = json["claims"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["brief"].as_str().unwrap(), c["id"].as_str().unwrap()))
        .collect();
    assert_eq!(
        claims,
        [
            ("chips/claims-only.md", "a"),
            ("chips/claims-only.md", "b"),
            ("chips/h20.md", "lukewarm")
        ]
    );
    assert_eq!(json["claims"][2]["status"], "reported");
    assert_eq!(json["claims"][2]["likelihood"], Value::Null);
}

#[test]
fn conflicts_are_flagged_on_both_sides_and_nowhere_else() {
    let mut files = base_book();
    // Same subject and metric as the others but another as_of: no conflict.
    files.insert(
        "content/chips/later.md".into(),
        "+++\ntitle = \"Later\"\ndate = \"2025\"\nsummary = \"s\"\n[[facts]]\nsubject = \"Nvidia H20\"\nmetric = \"Shipments to China\"\nvalue = 9\nas_of = \"2026\"\nsource = \"ft-2025\"\n[[facts]]\nsubject = \"Another\"\nmetric = \"Same twice\"\nvalue = 2.5\nsource = \"ft-2025\"\n[[facts]]\nsubject = \"Another\"\nmetric = \"Same twice\"\nvalue = 2.5\nsource = \"cnn-2025\"\n+++\n".into(),
    );
    let book = write_book(&files);
    assert_eq!(briefbook(book.path(), &["build"]).code, 0);
    let json = book_json(&book);
    let facts: Vec<(String, String, Value, bool)> = json["facts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["subject"].as_str().unwrap().into(),
                f["brief"].as_str().unwrap().into(),
                f["value"].clone(),
                f["conflict"].as_bool().unwrap(),
            )
        })
        .collect();
    let expected = [
        ("Another", "chips/later.md", serde_json::json!(2.5), false),
        ("Another", "chips/later.md", serde_json::json!(2.5), false),
        (
            "Nvidia H20",
            "chips/h20.md",
            serde_json::json!(1500000),
            true,
        ),
        (
            "Nvidia H20",
            "chips/supply.md",
            serde_json::json!(1200000),
            true,
        ),
        ("Nvidia H20", "chips/later.md", serde_json::json!(9), false),
    ];
    let expected: Vec<(String, String, Value, bool)> = expected
        .into_iter()
        .map(|(s, b, v, c)| (s.into(), b.into(), v, c))
        .collect();
    assert_eq!(facts, expected, "sorted by subject, metric, as_of, brief");
    let csv = read(book.path(), "public/data/facts.csv");
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("subject,metric,value,unit,as_of,source,brief,note,conflict")
    );
    assert_eq!(
        lines.nth(2),
        Some("Nvidia H20,Shipments to China,1500000,units,2025,cnn-2025,chips/h20.md,,true")
    );
    let facts_page = read(book.path(), "public/facts/index.html");
    assert_eq!(facts_page.matches("<tr id=").count(), 5);
    assert_eq!(facts_page.matches(" class=\"conflict\"").count(), 2);
    // The flag says what disagrees: the other value, its brief (linked to its row), its source.
    assert!(
        facts_page.contains(
            "1,500,000\u{a0}units here; 1,200,000\u{a0}units in <a href=\"#chips-supply-fact-1\"><cite>Supply</cite></a>, Financial Times 2025"
        ),
        "{facts_page}"
    );
    let h20 = read(book.path(), "public/chips/h20/index.html");
    assert!(
        h20.contains("1,500,000\u{a0}units here; 1,200,000\u{a0}units in <a href=\"../../chips/supply/index.html#fact-1\"><cite>Supply</cite></a>, Financial Times 2025"),
        "{h20}"
    );
}

#[test]
fn the_citation_index_lists_every_use_and_the_uncited_apart() {
    let mut files = base_book();
    files.insert(
        "content/sources.toml".into(),
        format!(
            "{SOURCES}\n[[source]]\nid = \"unused\"\ntitle = \"Never cited\"\ndate = \"2024\"\n"
        ),
    );
    let book = write_book(&files);
    assert_eq!(briefbook(book.path(), &["build"]).code, 0);
    let index = read(book.path(), "public/sources/index.html");
    assert!(index.contains(r#"<section class="source status-active" id="cnn-2025""#));
    assert!(
        index.contains(r#"<a href="../chips/h20/index.html#claim-lukewarm">Beijing&#39;s response was lukewarm.</a>"#),
        "{index}"
    );
    assert!(index.contains("2 citations in 2 briefs"), "{index}");
    let uncited = &index[index
        .find("Sources nothing cites")
        .expect("uncited section")..];
    assert!(
        uncited.contains(r#"<li id="unused"><strong class="ref-label">Never cited 2024</strong>."#)
    );
    // Headed by labels, in label order, each title once; ids only in anchors.
    let cnn = index
        .find(r#"<h2 id="h-cnn-2025">CNN 2025</h2>"#)
        .expect("CNN's entry");
    let ft = index
        .find(r#"<h2 id="h-ft-2025">Financial Times 2025</h2>"#)
        .expect("FT's entry");
    assert!(cnn < ft);
    assert_eq!(
        index.matches("China is cool on the H20").count(),
        1,
        "{index}"
    );
    assert!(!index.contains(">cnn-2025<"));
    let h20 = read(book.path(), "public/chips/h20/index.html");
    assert!(h20.contains(
        r#"<a class="index-link" href="../../sources/index.html#cnn-2025">Cited by</a>"#
    ));
    assert!(h20.contains(r#"<a href="../../tags/export-controls/index.html">export controls</a>"#));
    let claims = read(book.path(), "public/claims/index.html");
    assert!(claims.contains(r#"<a href="../chips/h20/index.html#claim-lukewarm">Beijing&#39;s response was lukewarm.</a>"#), "{claims}");
    let tag = read(book.path(), "public/tags/export-controls/index.html");
    assert!(tag.contains("The H20 decision"));
}

#[test]
fn duplicate_claim_ids_are_errors_at_the_second() {
    let mut files = base_book();
    files.insert(
        "content/chips/h20.md".into(),
        H20.replace(
            "[[facts]]",
            "[[claims]]\nid = \"lukewarm\"\ntext = \"again\"\nsources = [\"ft-2025\"]\n\n[[facts]]",
        ),
    );
    let book = write_book(&files);
    let run = briefbook(book.path(), &["check"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("content/chips/h20.md:14:1: error[duplicate-id]: the claim id `lukewarm` is already used on line 8 of this brief"), "{}", run.stderr);
}

#[test]
fn the_link_checker_finds_missing_files_and_fragments() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a/index.html", br##"<p id="here"><a href="../b/index.html#nowhere">x</a> <a href="#here">y</a> <a href="../c/index.html">z</a></p>"##);
    write(dir.path(), "b/index.html", br#"<p id="somewhere"></p>"#);
    assert_eq!(
        broken_links(dir.path()),
        [
            "a/index.html -> ../b/index.html#nowhere",
            "a/index.html -> ../c/index.html"
        ]
    );
}

#[test]
fn a_large_conflict_group_names_three_twins_and_counts_the_rest() {
    let mut files = base_book();
    for (i, value) in [10, 20, 30, 40, 40].iter().enumerate() {
        files.insert(
            format!("content/chips/g{i}.md"),
            format!("+++\ntitle = \"G{i}\"\ndate = \"2025\"\nsummary = \"s\"\n[[facts]]\nid = \"x\"\nsubject = \"Group\"\nmetric = \"m\"\nvalue = {value}\nsource = \"ft-2025\"\n+++\n"),
        );
    }
    let book = write_book(&files);
    let run = briefbook(book.path(), &["check", "--format", "json"]);
    let list: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let warnings: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "fact-conflict" && d["file"] == "content/chips/g0.md")
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    // g0 (10) disagrees with g1, g2, g3 and g4; the message names three and counts one more.
    assert_eq!(warnings.len(), 1);
    assert!(
        warnings[0].starts_with("Group / m: 10 here conflicts with 20 (content/chips/g1.md:"),
        "{}",
        warnings[0]
    );
    assert!(warnings[0].ends_with(" and 1 more"), "{}", warnings[0]);
    assert_eq!(briefbook(book.path(), &["build"]).code, 0);
    let g3 = read(book.path(), "public/chips/g3/index.html");
    // g3 (40) agrees with g4: three twins disagree (10, 20, 30), none left over.
    assert_eq!(g3.matches("index.html#fact-x\"><cite>G").count(), 3, "{g3}");
    assert!(!g3.contains(" more</a>"));
    let g0 = read(book.path(), "public/chips/g0/index.html");
    assert!(
        g0.contains(r##"and <a href="../../facts/index.html#subject-group">1 more</a>"##),
        "{g0}"
    );
}

#[test]
fn readers_meet_sources_by_label_and_every_reference_is_numbered() {
    let mut files = base_book();
    files.insert(
        "content/sources.toml".into(),
        format!("{SOURCES}\n[[source]]\nid = \"csis-2025\"\ntitle = \"Chokepoints\"\nauthors = [\"Gregory C. Allen\"]\ndate = \"2025-05\"\n"),
    );
    // Cited only by a claim: still numbered in the brief's references, after the body's two.
    files.insert(
        "content/chips/h20.md".into(),
        H20.replace(
            "sources = [\"cnn-2025\"]",
            "sources = [\"cnn-2025\", \"csis-2025\"]",
        ),
    );
    let book = write_book(&files);
    let run = briefbook(book.path(), &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let h20 = read(book.path(), "public/chips/h20/index.html");
    let references = &h20[h20.find("<h2 id=\"references\">").expect("references")..];
    for (n, label) in [
        (1, "CNN 2025"),
        (2, "Financial Times 2025"),
        (3, "Allen 2025"),
    ] {
        let entry = format!(
            "<span class=\"ref-number\">[{n}]</span> <strong class=\"ref-label\">{label}</strong>."
        );
        assert!(references.contains(&entry), "{entry} in {references}");
    }
    assert!(h20.contains(r##"<a href="#ref-csis-2025" title="Chokepoints">Allen 2025</a>"##));
    assert!(
        !h20.contains(">csis-2025<") && !h20.contains(">cnn-2025<"),
        "no id shown"
    );
    let json: serde_json::Value =
        serde_json::from_str(&read(book.path(), "public/data/book.json")).unwrap();
    let labels: Vec<(&str, &str)> = json["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["id"].as_str().unwrap(), s["label"].as_str().unwrap()))
        .collect();
    assert_eq!(
        labels,
        [
            ("cnn-2025", "CNN 2025"),
            ("csis-2025", "Allen 2025"),
            ("ft-2025", "Financial Times 2025")
        ]
    );
}

#[test]
fn a_label_written_twice_is_an_error_naming_both_places() {
    let mut files = base_book();
    files.insert(
        "content/sources.toml".into(),
        SOURCES.replace(
            "reliability = \"B\"",
            "reliability = \"B\"\nlabel = \"Press 2025\"",
        ) + "label = \"Press 2025\"\n",
    );
    let book = write_book(&files);
    let run = briefbook(book.path(), &["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("content/sources.toml:10:1: error[duplicate-label]: the label `Press 2025` of source `ft-2025` is the label of source `cnn-2025` too (content/sources.toml:1:1)"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_reference_shows_where_it_appeared_and_its_doi_as_a_link() {
    let mut files = base_book();
    files.insert(
        "content/sources.toml".into(),
        format!("{SOURCES}\n[[source]]\nid = \"jx-2024\"\ntitle = \"Chip supply\"\nauthors = [\"Ann Lee\"]\ndate = \"2024\"\nkind = \"article\"\ncontainer = \"Journal of X\"\nvolume = 12\nissue = \"3\"\npages = \"1–9\"\ndoi = \"10.1000/xyz\"\n"),
    );
    let h20 = H20.replace(
        "The ban was lifted [@cnn-2025].",
        "The ban was lifted [@cnn-2025; @jx-2024].",
    );
    files.insert("content/chips/h20.md".into(), h20);
    let book = write_book(&files);
    let run = briefbook(book.path(), &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = read(book.path(), "public/chips/h20/index.html");
    assert!(page.contains("<i>Journal of X</i> 12 (3): 1–9."), "{page}");
    assert!(
        page.contains(r#"<a href="https://doi.org/10.1000/xyz">doi:10.1000/xyz</a>"#),
        "{page}"
    );
}
