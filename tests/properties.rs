//! Property tests: whatever a content file holds, parsing gives a value or located errors and
//! never panics, and rendering never panics.

use std::collections::{BTreeMap, HashMap};

use briefbook::diagnostic::SourceFile;
use briefbook::markdown::highlight::Highlighter;
use briefbook::markdown::{self, Context};
use briefbook::read::page;
use proptest::prelude::*;

/// Parses `text` as a brief and renders its body; every diagnostic must point inside the file.
fn parse_and_render(text: &str) {
    let file = SourceFile::new("content/c/x.md", text.to_string());
    let parsed = page::parse_brief("c/x.md", file.clone());
    let lines = text.lines().count().max(1) + 1;
    for d in &parsed.diagnostics {
        assert_eq!(d.file.as_deref(), Some("content/c/x.md"));
        if let Some(line) = d.line {
            assert!(
                line >= 1 && line <= lines,
                "line {line} outside a file of {lines} lines: {d:?}"
            );
        }
    }
    assert!(
        parsed.value.is_some() || !parsed.diagnostics.is_empty(),
        "no value and no error"
    );
    let sources = BTreeMap::new();
    let urls = HashMap::new();
    let highlighter = Highlighter::new("css");
    for raw in [false, true] {
        let cx = Context {
            sources: &sources,
            urls: &urls,
            page_url: "c/x/",
            page_path: "",
            facts: &Default::default(),
            row_ids: &Default::default(),
            highlighter: &highlighter,
            allow_raw_html: raw,
            id_prefix: "",
            heading_offset: 0,
        };
        let (body, offset) = parsed
            .value
            .as_ref()
            .map_or((text, 0), |b| (b.body(), b.header.body_offset));
        let _ = markdown::scan(&file, body, offset, &cx);
        let _ = markdown::render_html(&file, body, offset, &cx);
    }
}

const FIELDS: &[&str] = &[
    "title = \"A\"",
    "date = \"2025-08-17\"",
    "date = 2025",
    "date = \"2025-13\"",
    "summary = \"s\"",
    "tags = [\"a\", 1]",
    "weight = \"x\"",
    "related = [\"@/c/y.md\"]",
    "draft = true",
    "slug = \"Bad Slug\"",
    "extra = 3",
    "[extra]\nk = 1",
    "[[claims]]\nid = \"c1\"\ntext = \"t\"\nsources = [\"s\"]",
    "[[claims]]\nid = \"C 1\"\nconfidence = \"sure\"",
    "[[facts]]\nsubject = \"s\"\nmetric = \"m\"\nvalue = 1.5\nsource = \"x\"",
    "[[facts]]\nvalue = [1]",
    "[[sources]]\nid = \"s\"\ntitle = \"t\"\ndate = \"2025\"\nurl = \"javascript:x\"",
    "titel = \"typo\"",
    "= broken",
];

const BODIES: &[&str] = &[
    "Text [@s] and [@a; @b, p. 4].",
    "[x](@/c/y.md#z)",
    "```rust\nfn main() {}\n```",
    "<script>x</script>",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "[^1]\n\n[^1]: note",
    "## H {#id}\n## H {#id}",
    "[@",
    "[@]",
    "[@;;]",
    "`[@x]`",
    "![i](javascript:x)",
    "<javascript:alert(1)>",
    "- [ ] task",
    "~~gone~~",
    "\u{0}\u{feff}\r\n",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn html_passes_never_panic(html in "[<>\"= a-z0-9/#.:&;ü-]{0,200}") {
        // The allowlist check and the print edition's mover read any text without panicking;
        // what passes the check holds no tag outside the allowlist.
        if briefbook::markdown::sanitize::within_allowlist(&html) {
            prop_assert!(!html.contains("<script") && !html.contains("href=\"javascript:"));
        }
        let moved = briefbook::markdown::relocate::relocate(
            &html,
            &briefbook::markdown::relocate::Move { from: "a/b/", to: "print/", id_prefix: "p-", heading_offset: 2 },
        );
        prop_assert!(html.is_empty() || !moved.is_empty());
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        parse_and_render(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn arbitrary_text_after_a_delimiter_never_panics(text in "\\PC{0,300}", yaml in any::<bool>()) {
        let delimiter = if yaml { "---" } else { "+++" };
        parse_and_render(&format!("{delimiter}\n{text}"));
        parse_and_render(&format!("{delimiter}\n{text}\n{delimiter}\n{text}"));
    }

    #[test]
    fn near_valid_front_matter_never_panics(
        fields in proptest::collection::vec(proptest::sample::select(FIELDS), 0..8),
        bodies in proptest::collection::vec(proptest::sample::select(BODIES), 0..6),
        cut in any::<prop::sample::Index>(),
        insert in any::<char>(),
    ) {
        let mut text = format!("+++\n{}\n+++\n{}", fields.join("\n"), bodies.join("\n\n"));
        parse_and_render(&text);
        // One more mutation: a character inserted anywhere.
        let mut at = cut.index(text.len() + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        text.insert(at, insert);
        parse_and_render(&text);
    }

    #[test]
    fn yaml_front_matter_never_panics(
        lines in proptest::collection::vec("[a-z_]{1,8}: ?[\\[\\]{}\"'a-z0-9 :,-]{0,20}", 0..8),
        indent in proptest::collection::vec(0usize..4, 8),
    ) {
        let body: Vec<String> = lines.iter().zip(&indent).map(|(l, i)| format!("{}{l}", " ".repeat(*i))).collect();
        parse_and_render(&format!("---\n{}\n---\nText", body.join("\n")));
    }
}
