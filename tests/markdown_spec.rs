//! The CommonMark and GFM spec examples through our Markdown pass: rewriting events (heading ids,
//! citations, links, highlighting) must not lose or reorder any example's text.
//!
//! The spec files live beside the repository (`../shared/testdata/`, where CI puts a copy of
//! `shared/`), not in it. Each test requires the exact number of examples its file holds, so a
//! file that moved, shrank or stopped parsing fails. Without the files a test fails in CI and
//! elsewhere says SKIPPED (`common::tools`).

mod common;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use briefbook::diagnostic::SourceFile;
use briefbook::markdown::highlight::Highlighter;
use briefbook::markdown::{self, Context};

/// (markdown, line in the spec) of every example in a spec file.
fn examples(spec: &str) -> Vec<(String, usize)> {
    let fence = "````````````````````````````````";
    let mut out = Vec::new();
    let mut lines = spec.lines().enumerate();
    while let Some((n, line)) = lines.next() {
        if !(line.starts_with(fence) && line.contains("example")) {
            continue;
        }
        let mut markdown = String::new();
        for (_, l) in lines.by_ref() {
            if l == "." {
                break;
            }
            markdown.push_str(l);
            markdown.push('\n');
        }
        for (_, l) in lines.by_ref() {
            if l.starts_with(fence) {
                break;
            }
        }
        out.push((markdown.replace('→', "\t"), n + 1));
    }
    out
}

/// The text a reader sees: tags removed, the common entities decoded, white space folded.
fn visible_text(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = text
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `html` without the self-links the pass adds to headings.
fn without_self_links(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find(" <a class=\"self-link\" ") {
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        let end = after.find("</a>").map_or(after.len(), |e| e + 4);
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// The spec file `name`, or `None` (after saying SKIPPED, or failing in CI) when it is absent.
fn spec_file(name: &str) -> Option<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/testdata")
        .join(name);
    let text = std::fs::read_to_string(&path);
    let what = format!(
        "{} not found; the spec examples were not checked",
        path.display()
    );
    if !common::tools::available(&what, text.is_ok()) {
        return None;
    }
    text.ok()
}

/// Checks every example of the spec file `name`; returns how many it read, or `None` when the
/// file is absent outside CI.
fn check_spec(name: &str) -> Option<usize> {
    let spec = spec_file(name)?;
    let sources = BTreeMap::new();
    let urls = HashMap::new();
    let highlighter = Highlighter::new("css");
    let (no_facts, no_rows) = (Default::default(), Default::default());
    let cx = Context {
        allow_raw_html: true,
        ..Context::new(&sources, &urls, &no_facts, &no_rows, &highlighter)
    };
    let all = examples(&spec);
    let mut failures = Vec::new();
    for (markdown, line) in &all {
        let file = SourceFile::new("spec.md", markdown.clone());
        let ours = markdown::render_html(&file, markdown, 0, &cx);
        let mut plain = String::new();
        pulldown_cmark::html::push_html(
            &mut plain,
            pulldown_cmark::Parser::new_ext(markdown, markdown::options()),
        );
        // Headings carry a self-link (`#`) the plain writer does not make, and task boxes are
        // marks (☐, ☑) rather than form controls: decoration, not text.
        let ours = without_self_links(&ours).replace(['☐', '☑'], "");
        if visible_text(&ours) != visible_text(&plain) {
            failures.push(format!(
                "{name}:{line}\n  ours:  {}\n  plain: {}",
                visible_text(&ours),
                visible_text(&plain)
            ));
        }
    }
    eprintln!("{name}: {} examples checked", all.len());
    assert!(
        failures.is_empty(),
        "{} of {} examples differ:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
    Some(all.len())
}

#[test]
fn commonmark_examples_keep_their_text() {
    // CommonMark 0.31.2 has 652 examples.
    if let Some(n) = check_spec("commonmark-spec.txt") {
        assert_eq!(n, 652, "examples read from the CommonMark spec");
    }
}

#[test]
fn gfm_examples_keep_their_text() {
    // The GFM spec: 633 plain examples and 24 of its extensions (tables, strikethrough,
    // autolinks, the tag filter, and two `disabled` ones).
    if let Some(n) = check_spec("gfm-spec.txt") {
        assert_eq!(n, 657, "examples read from the GFM spec");
    }
}
