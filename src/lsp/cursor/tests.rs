//! The completion contexts, each with the cursor marked `|` in a file's text.

use super::*;

/// The context at the `|` of `marked`, with the text it would replace.
fn want(path: &str, marked: &str) -> Option<(Want, String, bool)> {
    let offset = marked.find('|').expect("a cursor");
    let text = marked.replacen('|', "", 1);
    let cursor = at(&text, offset, path)?;
    let typed = text[cursor.replace.clone()].to_string();
    Some((cursor.want, typed, cursor.quote))
}

const TOML_HEAD: &str = "+++\ntitle = \"T\"\ndate = \"2025\"\n";

#[test]
fn citations_after_the_bracket_and_after_a_semicolon() {
    let body = |line: &str| format!("{TOML_HEAD}+++\n\n{line}\n");
    assert_eq!(
        want("c/a.md", &body("See [@cn|")),
        Some((Want::SourceId, "cn".into(), false))
    );
    assert_eq!(
        want("c/a.md", &body("See [@a; @|")),
        Some((Want::SourceId, String::new(), false))
    );
    assert_eq!(want("c/a.md", &body("See [@a, p|")), None);
    assert_eq!(want("c/a.md", &body("See [@a] and |")), None);
}

#[test]
fn links_paths_then_anchors() {
    let text = format!("{TOML_HEAD}+++\n\nSee [x](@/chips/su|");
    assert_eq!(
        want("c/a.md", &text),
        Some((Want::Path { prefix: "" }, "chips/su".into(), false))
    );
    let text = format!("{TOML_HEAD}+++\n\nSee [x](@/chips/supply.md#cap|");
    let anchor = Want::Anchor {
        path: "chips/supply.md".into(),
    };
    assert_eq!(want("c/a.md", &text), Some((anchor, "cap".into(), false)));
}

#[test]
fn fact_quotes() {
    let text = format!("{TOML_HEAD}+++\n\nShipped {{{{ fact(id=\"chips/h20.md#sh|");
    assert_eq!(
        want("c/a.md", &text),
        Some((Want::FactId, "chips/h20.md#sh".into(), false))
    );
}

#[test]
fn toml_fields_by_table() {
    let brief = format!("{TOML_HEAD}summ|\n+++\n");
    assert_eq!(
        want("c/a.md", &brief),
        Some((Want::Field(Table::Brief), "summ".into(), false))
    );
    let claim = format!("{TOML_HEAD}\n[[claims]]\nid = \"c\"\n|\n+++\n");
    assert_eq!(
        want("c/a.md", &claim),
        Some((Want::Field(Table::Claim), String::new(), false))
    );
    let chapter = "+++\nti|\n+++\n";
    assert_eq!(
        want("c/_index.md", chapter),
        Some((Want::Field(Table::Section), "ti".into(), false))
    );
    let registry = "[[source]]\nid = \"a\"\nreli|";
    assert_eq!(
        want("sources.toml", registry),
        Some((Want::Field(Table::Source), "reli".into(), false))
    );
}

#[test]
fn toml_values_quoted_or_not() {
    let claim = |line: &str| format!("{TOML_HEAD}\n[[claims]]\nid = \"c\"\n{line}\n+++\n");
    let value = |f: &str| Want::Value {
        field: f.into(),
        table: Table::Claim,
    };
    assert_eq!(
        want("c/a.md", &claim("confidence = \"mo|")),
        Some((value("confidence"), "mo".into(), false))
    );
    assert_eq!(
        want("c/a.md", &claim("likelihood = |")),
        Some((value("likelihood"), String::new(), true))
    );
    assert_eq!(
        want("c/a.md", &claim("sources = [\"cnn-2025\", \"f|")),
        Some((Want::SourceId, "f".into(), false))
    );
    assert_eq!(
        want("c/a.md", &claim("sources = [\n  \"a\",\n  |")),
        Some((Want::SourceId, String::new(), true))
    );
    assert_eq!(want("c/a.md", &claim("text = \"|")), None);
    assert_eq!(
        want("c/a.md", &claim("credibility = 2\nconfidence = |")),
        Some((value("confidence"), String::new(), true))
    );
    let fact = format!("{TOML_HEAD}\n[[facts]]\nsource = \"|\n+++\n");
    assert_eq!(
        want("c/a.md", &fact),
        Some((Want::SourceId, String::new(), false))
    );
    let related = format!("{TOML_HEAD}related = [\"@/ch|\n+++\n");
    assert_eq!(
        want("c/a.md", &related),
        Some((Want::Path { prefix: "" }, "ch".into(), false))
    );
    let registry = "[[source]]\nid = \"a\"\nkind = \"|";
    let kind = Want::Value {
        field: "kind".into(),
        table: Table::Source,
    };
    assert_eq!(
        want("sources.toml", registry),
        Some((kind, String::new(), false))
    );
}

#[test]
fn toml_inline_claims() {
    let text = format!("{TOML_HEAD}claims = [{{ id = \"c\", sources = [\"|\n+++\n");
    assert_eq!(
        want("c/a.md", &text),
        Some((Want::SourceId, String::new(), false))
    );
}

#[test]
fn yaml_fields_values_and_lists() {
    let head = "---\ntitle: T\ndate: 2025\n";
    let y = |rest: &str| format!("{head}{rest}\n---\n");
    assert_eq!(
        want("c/a.md", &y("tag|")),
        Some((Want::Field(Table::Brief), "tag".into(), false))
    );
    assert_eq!(
        want("c/a.md", &y("claims:\n  - id: c\n    conf|")),
        Some((Want::Field(Table::Claim), "conf".into(), false))
    );
    assert_eq!(
        want("c/a.md", &y("claims:\n  - |")),
        Some((Want::Field(Table::Claim), String::new(), false))
    );
    let status = Want::Value {
        field: "status".into(),
        table: Table::Claim,
    };
    assert_eq!(
        want("c/a.md", &y("claims:\n  - id: c\n    status: dis|")),
        Some((status, "dis".into(), false))
    );
    assert_eq!(
        want(
            "c/a.md",
            &y("claims:\n  - id: c\n    sources: [cnn-2025, f|")
        ),
        Some((Want::SourceId, "f".into(), false))
    );
    assert_eq!(
        want("c/a.md", &y("claims:\n  - id: c\n    sources:\n      - |")),
        Some((Want::SourceId, String::new(), false))
    );
    assert_eq!(
        want("c/a.md", &y("facts:\n  - source: ft|")),
        Some((Want::SourceId, "ft".into(), false))
    );
    assert_eq!(
        want("c/a.md", &y("sources:\n  - id: x\n    reliability: |")),
        Some((
            Want::Value {
                field: "reliability".into(),
                table: Table::Source
            },
            String::new(),
            false
        ))
    );
    assert_eq!(want("c/a.md", &y("extra:\n  colour: |")), None);
}
