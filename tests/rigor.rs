//! Analytic rigor: likelihood, grading, key judgments, withdrawn sources, weak support and
//! quoted facts, each warning and error at its exact place.

mod common;

use common::*;

fn check_json(files: &std::collections::BTreeMap<String, String>) -> (i32, Vec<serde_json::Value>) {
    let book = write_book(files);
    let run = briefbook(book.path(), &["check", "--format", "json"]);
    let list: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    (run.code, list.as_array().unwrap().clone())
}

fn find<'a>(list: &'a [serde_json::Value], code: &str) -> Vec<&'a serde_json::Value> {
    list.iter().filter(|d| d["code"] == code).collect()
}

fn place(d: &serde_json::Value) -> String {
    format!(
        "{}:{}:{}",
        d["file"].as_str().unwrap_or(""),
        d["line"],
        d["column"]
    )
}

const RETRACTED: &str = "[[source]]\nid = \"cnn-2025\"\ntitle = \"China is cool on the H20\"\ndate = \"2025-08-17\"\nreliability = \"B\"\nstatus = \"retracted\"\n\n[[source]]\nid = \"ft-2025\"\ntitle = \"Beijing asks for HBM relief\"\npublisher = \"Financial Times\"\ndate = \"2025-08\"\nstatus = \"superseded\"\nsuperseded_by = \"cnn-2025\"\n";

#[test]
fn everything_resting_on_a_withdrawn_source_is_flagged_and_reported() {
    let mut files = base_book();
    files.insert("content/sources.toml".into(), RETRACTED.into());
    let (code, list) = check_json(&files);
    assert_eq!(
        code, 1,
        "a claim whose every source is retracted is an error"
    );
    let error = find(&list, "retracted-support");
    assert_eq!(error.len(), 1);
    assert_eq!(place(error[0]), "content/chips/h20.md:8:1");
    let warnings: Vec<String> = find(&list, "withdrawn-source")
        .iter()
        .map(|d| format!("{} {}", place(d), d["message"].as_str().unwrap()))
        .collect();
    assert_eq!(
        warnings,
        [
            "content/chips/h20.md:8:1 the claim `lukewarm` rests on the retracted source `cnn-2025`",
            "content/chips/h20.md:14:1 the fact `Nvidia H20 / Shipments to China` rests on the retracted source `cnn-2025`",
            "content/chips/supply.md:6:5 the fact `Nvidia H20 / Shipments to China` rests on the superseded source `ft-2025`",
        ]
    );
    // Retracting the claim itself answers the error; the pages and data flag what is at risk.
    files.insert(
        "content/chips/h20.md".into(),
        H20.replace(
            "confidence = \"moderate\"",
            "confidence = \"moderate\"\nstatus = \"retracted\"",
        ),
    );
    let book = write_book(&files);
    let run = briefbook(book.path(), &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let h20 = read(book.path(), "public/chips/h20/index.html");
    assert!(
        h20.contains("<tr id=\"claim-lukewarm\" class=\"status-retracted at-risk\">"),
        "{h20}"
    );
    assert!(h20.contains("rests on a withdrawn source"));
    let sources = read(book.path(), "public/sources/index.html");
    assert!(sources.contains("Superseded by <a href=\"#cnn-2025\">China is cool 2025</a>: what follows rests on it and needs review."), "{sources}");
    let json: serde_json::Value =
        serde_json::from_str(&read(book.path(), "public/data/book.json")).unwrap();
    assert_eq!(json["claims"][0]["at_risk"], true);
    assert!(json["facts"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["at_risk"] == true));
    assert_eq!(json["sources"][1]["superseded_by"], "cnn-2025");
}

#[test]
fn superseded_by_must_name_a_known_source() {
    let mut files = base_book();
    files.insert(
        "content/sources.toml".into(),
        format!("{SOURCES}status = \"superseded\"\nsuperseded_by = \"cnn-2026\"\n"),
    );
    let (code, list) = check_json(&files);
    assert_eq!(code, 1);
    let error = find(&list, "unknown-source");
    assert_eq!(place(error[0]), "content/sources.toml:15:17");
    assert_eq!(error[0]["help"], "did you mean `cnn-2025`?");
}

#[test]
fn high_confidence_on_weak_support_is_a_warning() {
    let mut files = base_book();
    let sources = format!("{SOURCES}\n[[source]]\nid = \"blog\"\ntitle = \"A blog\"\ndate = \"2025\"\nreliability = \"E\"\n");
    files.insert("content/sources.toml".into(), sources);
    let claims = "[[claims]]\nid = \"weak-e\"\ntext = \"t\"\nsources = [\"blog\"]\nconfidence = \"high\"\n\n[[claims]]\nid = \"ungraded\"\ntext = \"t\"\nsources = [\"ft-2025\"]\nconfidence = \"high\"\n\n[[claims]]\nid = \"fine\"\ntext = \"t\"\nsources = [\"cnn-2025\", \"blog\"]\nconfidence = \"high\"\n\n[[facts]]";
    files.insert(
        "content/chips/h20.md".into(),
        H20.replacen("[[facts]]", claims, 1),
    );
    let (_, list) = check_json(&files);
    let weak: Vec<String> = find(&list, "weak-support")
        .iter()
        .map(|d| format!("{} {}", place(d), d["message"].as_str().unwrap()))
        .collect();
    assert_eq!(
        weak,
        [
            "content/chips/h20.md:14:1 the claim `weak-e` is held with high confidence on weak support",
            "content/chips/h20.md:20:1 the claim `ungraded` is held with high confidence on weak support",
        ]
    );
}

#[test]
fn mixing_likelihood_vocabularies_is_a_warning_naming_both() {
    let mut files = base_book();
    files.insert(
        "content/chips/h20.md".into(),
        H20.replace("confidence = \"moderate\"", "likelihood = \"likely\""),
    );
    files.insert("content/chips/supply.md".into(), SUPPLY.replace("---\n\n## Capacity", "claims:\n  - id: c\n    text: t\n    sources: [ft-2025]\n    likelihood: probable\n---\n\n## Capacity"));
    let (_, list) = check_json(&files);
    let mixed = find(&list, "mixed-likelihood");
    assert_eq!(mixed.len(), 1);
    assert_eq!(mixed[0]["message"], "the book mixes both likelihood vocabularies: `likely` (content/chips/h20.md:8:1) and `probable` (content/chips/supply.md:13:5)");
}

#[test]
fn likelihood_grades_and_key_judgments_read_the_same_everywhere() {
    let mut files = base_book();
    files.insert(
        "content/chips/h20.md".into(),
        H20.replace(
            "confidence = \"moderate\"",
            "confidence = \"moderate\"\nlikelihood = \"very likely\"\ncredibility = 2\nkey = true",
        ),
    );
    let book = write_book(&files);
    assert_eq!(briefbook(book.path(), &["build"]).code, 0);
    let h20 = read(book.path(), "public/chips/h20/index.html");
    let key_box = &h20[h20
        .find("<h2 id=\"key-judgments\">")
        .expect("a key judgments box")
        ..h20.find("<div class=\"body\">").unwrap()];
    // The judgment is text, apart from its qualifiers; a link leads to its row.
    assert!(
        key_box.contains("<p class=\"judgment\">Beijing&#39;s response was lukewarm.</p>"),
        "{key_box}"
    );
    assert!(key_box.contains("href=\"#claim-lukewarm\""), "{key_box}");
    let likelihood = "<span class=\"badge likelihood\"><span class=\"visually-hidden\">Likelihood: </span>very likely <span class=\"band\">80–95%</span></span>";
    let grade = "<span class=\"visually-hidden\">Grade: </span>B2</span>";
    assert!(
        key_box.contains(likelihood) && key_box.contains(grade),
        "{key_box}"
    );
    let claims = read(book.path(), "public/claims/index.html");
    assert!(
        claims.contains(likelihood) && claims.contains(grade),
        "the claims index reads the same"
    );
    let cover = read(book.path(), "public/index.html");
    assert!(
        cover.contains("<h2 id=\"key-judgments\">Key judgments</h2>\n<h3>Chips</h3>"),
        "{cover}"
    );
    let method = read(book.path(), "public/method/index.html");
    for anchor in [
        "id=\"likelihood\"",
        "id=\"confidence\"",
        "id=\"grading\"",
        "<td>80–95%</td><td>very likely</td><td>highly probable</td>",
    ] {
        assert!(method.contains(anchor), "{anchor}");
    }
    assert!(broken_links(&book.path().join("public")).is_empty());
}

#[test]
fn quoted_facts_render_their_value_linked_to_their_row() {
    let mut files = base_book();
    files.insert(
        "content/chips/supply.md".into(),
        SUPPLY.replace("    source: ft-2025\n", "    source: ft-2025\n    id: supply\n  - subject: Share\n    metric: m\n    value: 17\n    unit: \"%\"\n    source: ft-2025\n    id: share\n")
            .replace("Huawei is short of capacity [@ft-2025].", "Here {{ fact(id=\"supply\") }} and {{fact( id = \"share\" )}}, there {{ fact(id=\"chips/h20.md#shipments\") }}; in code `{{ fact(id=\"nope\") }}`."),
    );
    let book = write_book(&files);
    let run = briefbook(book.path(), &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = read(book.path(), "public/chips/supply/index.html");
    assert!(page.contains("Here <a class=\"quoted-fact\" href=\"#fact-supply\">1,200,000\u{a0}units</a> and <a class=\"quoted-fact\" href=\"#fact-share\">17%</a>"), "{page}");
    assert!(page.contains("there <a class=\"quoted-fact\" href=\"../h20/index.html#fact-shipments\">1,500,000\u{a0}units</a>"), "{page}");
    let code = &page[page.find("in code <code>").expect("the code span")..];
    assert!(
        code.starts_with("in code <code>{{ fact(id=") && code.contains("nope"),
        "code stays literal: {}",
        &code[..60.min(code.len())]
    );
    assert!(broken_links(&book.path().join("public")).is_empty());
}

#[test]
fn unknown_and_malformed_quoted_facts_are_located_errors() {
    let mut files = base_book();
    files.insert("content/chips/h20.md".into(), H20.replace("Code stays literal: `[@nothing]`.", "It was {{ fact(id=\"shipment\") }} and {{ fact(id=\"chips/supply.md#x\") }} and {{ fact(shipments) }}."));
    let (code, list) = check_json(&files);
    assert_eq!(code, 1);
    let unknown: Vec<String> = find(&list, "unknown-fact")
        .iter()
        .map(|d| format!("{} {}", place(d), d["message"].as_str().unwrap()))
        .collect();
    assert_eq!(
        unknown,
        [
            "content/chips/h20.md:27:8 `shipment` is not a fact with an id in this brief",
            "content/chips/h20.md:27:38 `chips/supply.md#x` is not a fact with an id in `@/chips/supply.md`",
        ]
    );
    assert_eq!(
        find(&list, "unknown-fact")[0]["help"],
        "did you mean `shipments`?"
    );
    let malformed = find(&list, "invalid-fact-quote");
    assert_eq!(malformed.len(), 1, "{list:?}");
    assert_eq!(place(malformed[0]), "content/chips/h20.md:27:77");
}
