//! The search text as readers read it, from a body's scan.

use std::collections::BTreeMap;

use super::*;
use crate::diagnostic::SourceFile;
use crate::markdown::highlight::Highlighter;
use crate::markdown::{Context, FactIndex, QuotedFact};
use crate::model::date::PartialDate;
use crate::model::{Origin, Source};

fn source(id: &str, publisher: &str) -> Source {
    let origin = Origin {
        file: SourceFile::new("content/sources.toml", ""),
        offset: 0,
    };
    let date = PartialDate::parse("2025-03").unwrap();
    Source {
        publisher: Some(publisher.into()),
        ..Source::new(id, "A report", date, origin)
    }
}

/// The search text of `body` (a brief at `chips/h20.md` that may quote its fact `units` and
/// `supply/huawei.md#output`).
fn search_text(body: &str) -> String {
    let sources: BTreeMap<String, Source> = [source("cnn", "CNN"), source("ft", "FT")]
        .into_iter()
        .map(|s| (s.id.clone(), s))
        .collect();
    let urls = [
        ("chips/h20.md", "chips/h20/"),
        ("supply/huawei.md", "supply/huawei/"),
    ]
    .into_iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    let quoted = |display: &str, page: &str| QuotedFact {
        display: display.into(),
        page_url: page.into(),
    };
    let facts: FactIndex = [
        (
            ("chips/h20.md", "units"),
            quoted("1,500,000 units", "chips/h20/"),
        ),
        (
            ("supply/huawei.md", "output"),
            quoted("45%", "supply/huawei/"),
        ),
    ]
    .into_iter()
    .map(|((p, f), q)| ((p.to_string(), f.to_string()), q))
    .collect();
    let highlighter = Highlighter::new("css");
    let no_rows = Default::default();
    let cx = Context {
        page_url: "chips/h20/",
        page_path: "chips/h20.md",
        ..Context::new(&sources, &urls, &facts, &no_rows, &highlighter)
    };
    let file = SourceFile::new("content/chips/h20.md", body);
    let scan = crate::markdown::scan(&file, body, 0, &cx);
    assert!(scan.diagnostics.is_empty(), "{:?}", scan.diagnostics);
    let (labels, _) = crate::analyse::labels::assign(&sources);
    with_labels(&scan, &labels)
}

#[test]
fn quoted_facts_are_their_values_with_units() {
    assert_eq!(
        search_text("Shipments reached {{ fact(id=\"units\") }} in 2025; Huawei made {{ fact(id=\"supply/huawei.md#output\") }} of them."),
        "Shipments reached 1,500,000 units in 2025; Huawei made 45% of them."
    );
}

#[test]
fn citations_are_their_labels_without_gaps() {
    assert_eq!(
        search_text("The ban was lifted [@cnn]. Beijing wants HBM [@ft, p. 2] now."),
        "The ban was lifted CNN 2025. Beijing wants HBM FT 2025 now."
    );
    assert_eq!(
        search_text("Both [@cnn; @ft] agree, and again[@cnn]then."),
        "Both CNN 2025; FT 2025 agree, and again CNN 2025 then."
    );
}

#[test]
fn no_markdown_syntax_reaches_the_text() {
    let body = "# The *decision*\n\nA **bold** and _em_ [link](https://example.com/x) to\n\
                [the brief](@/chips/h20.md), `code` and ![a chart](chart.png).\n\n\
                ```rust\nlet hidden = 1;\n```\n\n    indented hidden code\n\n- [x] done\n- item\n\n| a | b |\n|---|---|\n| c | d |\n";
    let text = search_text(body);
    assert_eq!(
        text,
        "The decision A bold and em link to the brief, code and a chart. done item a b c d"
    );
    for syntax in ["#", "*", "_", "](", "http", "```", "hidden", "[x]", "|"] {
        assert!(!text.contains(syntax), "{syntax} in {text}");
    }
}

#[test]
fn the_index_rows_hold_the_labelled_text() {
    let scan = Scan {
        text: "lifted . Then".into(),
        cited: vec!["cnn".into()],
        text_citations: vec![(7, 0)],
        ..Scan::default()
    };
    let sources = [("cnn".to_string(), source("cnn", "CNN"))].into();
    let (labels, _) = crate::analyse::labels::assign(&sources);
    assert_eq!(with_labels(&scan, &labels), "lifted CNN 2025. Then");
}
