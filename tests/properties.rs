//! Property tests: whatever a content file holds, parsing gives a value or errors located inside
//! the file and never panics; scanning and rendering agree on the ids they give, keep every
//! diagnostic inside the file and write no character a page may not hold; the print edition's
//! mover gives the bytes a second rendering would; and valid front matter reads back as written,
//! in TOML and in YAML alike. Case counts stay modest so that `cargo test` stays quick.

use std::collections::{BTreeMap, HashMap};

use briefbook::diagnostic::{Diagnostic, SourceFile};
use briefbook::markdown::highlight::Highlighter;
use briefbook::markdown::relocate::{relocate, Move};
use briefbook::markdown::{self, Context, FactIndex, RowIds};
use briefbook::model::date::PartialDate;
use briefbook::model::{Origin, Source};
use briefbook::read::page;
use proptest::prelude::*;

/// What a body's context needs: one known source (`s`) and one other page (`c/y.md`).
struct Book {
    sources: BTreeMap<String, Source>,
    urls: HashMap<String, String>,
    facts: FactIndex,
    row_ids: RowIds,
    highlighter: Highlighter,
}

impl Book {
    fn new() -> Book {
        let source = Source::new(
            "s",
            "A <source>",
            PartialDate::parse("2025").unwrap(),
            Origin {
                file: SourceFile::new("content/sources.toml", ""),
                offset: 0,
            },
        );
        Book {
            sources: [("s".to_string(), source)].into(),
            urls: [
                ("c/x.md".to_string(), "c/x/".to_string()),
                ("c/y.md".to_string(), "c/y/".to_string()),
            ]
            .into(),
            facts: FactIndex::new(),
            row_ids: RowIds::new(),
            highlighter: Highlighter::new("css"),
        }
    }

    /// The context of the brief's own page, or (`print`) of its place in the print edition.
    fn cx(&self, raw: bool, print: bool) -> Context<'_> {
        Context {
            page_url: if print { "print/" } else { "c/x/" },
            page_path: "c/x.md",
            allow_raw_html: raw,
            id_prefix: if print { "c-x-" } else { "" },
            heading_offset: if print { 2 } else { 0 },
            rebase_from: print.then_some("c/x/"),
            ..Context::new(
                &self.sources,
                &self.urls,
                &self.facts,
                &self.row_ids,
                &self.highlighter,
            )
        }
    }
}

/// Asserts that a diagnostic names the file and points at a line it has, at most one column
/// past the line's end.
fn assert_inside(d: &Diagnostic, file: &SourceFile) {
    assert_eq!(d.file.as_deref(), Some(file.path.as_str()), "{d:?}");
    let Some(line) = d.line else { return };
    let lines: Vec<&str> = file.text.split('\n').collect();
    assert!(
        (1..=lines.len()).contains(&line),
        "line {line} of {}: {d:?}",
        lines.len()
    );
    let width = lines[line - 1].chars().count();
    let column = d.column.expect("a line comes with a column");
    assert!(
        (1..=width + 1).contains(&column),
        "column {column} of {width}: {d:?}"
    );
}

/// Whether no page may hold `c` (XML 1.0 and the HTML parser's errors agree on these).
fn forbidden_in_a_page(c: char) -> bool {
    let n = u32::from(c);
    (n < 0x20 && !matches!(c, '\t' | '\n' | '\r'))
        || (0x7f..=0x9f).contains(&n)
        || n & 0xfffe == 0xfffe
}

/// Asserts that HTML rendered without raw HTML can run no script: no script element, no event
/// handler, and only safe URLs.
fn assert_inert(html: &str) {
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        let Some(len) = briefbook::text::tag_length(&rest[start..]) else {
            break;
        };
        let tag = rest[start + 1..start + len - 1].to_ascii_lowercase();
        assert!(!tag.starts_with("script"), "<{tag}> in {html:?}");
        for (name, value) in attributes(&tag) {
            assert!(!name.starts_with("on"), "<{tag}> in {html:?}");
            if matches!(name, "href" | "src") {
                assert!(safe_in_a_browser(value), "<{tag}> in {html:?}");
            }
        }
        rest = &rest[start + len..];
    }
}

/// Whether a browser would follow `url` (an attribute value) with http, https or mailto, or as
/// a relative URL: its scheme read as browsers read it (leading controls and spaces dropped,
/// tabs and line breaks removed, a letter then letters, digits, `+`, `-` or `.` before `:`).
fn safe_in_a_browser(url: &str) -> bool {
    let without_entities = url
        .replace("&amp;", "")
        .replace("&quot;", "")
        .replace("&#39;", "");
    if without_entities.contains('&') {
        return false; // An entity could spell a colon; our writer makes none but these.
    }
    let url: String = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let Some((scheme, _)) = url.split_once(':') else {
        return true;
    };
    let is_scheme = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    !is_scheme
        || matches!(
            scheme.to_ascii_lowercase().as_str(),
            "http" | "https" | "mailto"
        )
}

/// Every `id` the HTML gives, its entities decoded.
fn ids(html: &str) -> Vec<String> {
    html.match_indices(" id=\"")
        .filter_map(|(at, _)| html[at + 5..].split('"').next())
        .map(|id| {
            id.replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&")
        })
        .collect()
}

/// The `name="value"` pairs of a tag's inside (our writer quotes every value).
fn attributes(tag: &str) -> Vec<(&str, &str)> {
    let mut pairs = Vec::new();
    let mut rest = tag.trim_start_matches(|c: char| c.is_ascii_alphanumeric() || c == '/');
    while let Some(eq) = rest.find("=\"") {
        let name = rest[..eq].trim();
        let value_end = rest[eq + 2..].find('"').map_or(rest.len(), |e| eq + 2 + e);
        pairs.push((name, &rest[eq + 2..value_end]));
        rest = rest.get(value_end + 1..).unwrap_or_default();
    }
    pairs
}

/// Parses `text` as a brief, then scans and renders its body (or the whole text, when it did
/// not parse) with and without raw HTML, checking what each step promises.
fn parse_and_render(text: &str) {
    let file = SourceFile::new("content/c/x.md", text.to_string());
    let parsed = page::parse_brief("c/x.md", file.clone());
    parsed
        .diagnostics
        .iter()
        .for_each(|d| assert_inside(d, &file));
    assert!(
        parsed.value.is_some() || parsed.diagnostics.iter().any(Diagnostic::is_error),
        "no value and no error"
    );
    let (body, offset) = parsed
        .value
        .as_ref()
        .map_or((text, 0), |b| (b.body(), b.header.body_offset));
    let book = Book::new();
    for raw in [false, true] {
        let cx = book.cx(raw, false);
        let scan = markdown::scan(&file, body, offset, &cx);
        scan.diagnostics
            .iter()
            .for_each(|d| assert_inside(d, &file));
        let html = markdown::render_html(&file, body, offset, &cx);
        let bad: Vec<char> = html.chars().filter(|&c| forbidden_in_a_page(c)).collect();
        assert!(bad.is_empty(), "{bad:?} in {html:?}");
        let ids = ids(&html);
        for heading in &scan.headings {
            assert!(
                ids.contains(&heading.id),
                "the scan's `{}` is not in {html:?}",
                heading.id
            );
        }
        if !raw {
            assert_inert(&html);
        }
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
    "Text [@s] and [@a; @s, p. 4].",
    "[x](@/c/y.md#z) and [y](@/c/nope.md)",
    "[up](../y/index.html) ![pic](pic.png) [out](https://e.org/a)",
    "```rust\nfn main() {}\n```",
    "<script>x</script>",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "[^1] and [^a b] and [^a-b]\n\n[^1]: note\n\n[^a b]: one\n\n[^a-b]: two",
    "## H {#id}\n## H {#id}",
    "# Same\n\n# Same\n\n### references",
    "[@",
    "[@]",
    "[@;;]",
    "`[@x]`",
    "![i](javascript:x)",
    "<javascript:alert(1)>",
    "- [ ] task",
    "~~gone~~",
    "\u{0}\u{feff}\r\n",
    "a\u{1b}[2J &#1; \u{85}",
];

/// The print edition moves a body's HTML instead of rendering it again: both must give the
/// same bytes.
fn assert_moves_as_it_renders(body: &str) {
    let file = SourceFile::new("content/c/x.md", body.to_string());
    let book = Book::new();
    let html = markdown::render_html(&file, body, 0, &book.cx(false, false));
    let to_print = Move {
        from: "c/x/",
        to: "print/",
        id_prefix: "c-x-",
        heading_offset: 2,
        inside: None,
    };
    let again = markdown::render_html(&file, body, 0, &book.cx(false, true));
    assert_eq!(relocate(&html, &to_print), again);
}

/// Bodies whose links do not depend on the page they are on. (Relative URLs the writer typed,
/// such as `../y/index.html`, are rebased only by the mover: rendering again keeps them.)
fn movable_body() -> impl Strategy<Value = String> {
    let movable: Vec<&str> = BODIES
        .iter()
        .copied()
        .filter(|b| !b.contains("../y/"))
        .collect();
    proptest::collection::vec(proptest::sample::select(movable), 0..6)
        .prop_map(|parts| parts.join("\n\n"))
}

/// A string a writer might type: no control or format characters, not blank.
fn text() -> impl Strategy<Value = String> {
    "[^\\p{C}]{0,12}[a-zA-Z0-9ü][^\\p{C}]{0,12}"
}

/// A valid date at one of its three precisions, as written.
fn date() -> impl Strategy<Value = String> {
    (1i16..=9999, 0usize..3, 1u8..=12, 1u8..=28).prop_map(|(y, precision, m, d)| match precision {
        0 => format!("{y:04}"),
        1 => format!("{y:04}-{m:02}"),
        _ => format!("{y:04}-{m:02}-{d:02}"),
    })
}

/// The front matter of a valid brief, in TOML or YAML (`yaml`), its strings written as JSON
/// strings (valid in both).
fn front_matter(
    yaml: bool,
    title: &str,
    date: &str,
    summary: &Option<String>,
    tags: &[String],
    weight: Option<i64>,
) -> String {
    let q = |s: &str| serde_json::to_string(s).unwrap();
    let (delimiter, sep) = if yaml { ("---", ":") } else { ("+++", " =") };
    let mut lines = vec![
        format!("title{sep} {}", q(title)),
        format!("date{sep} {}", q(date)),
    ];
    if let Some(summary) = summary {
        lines.push(format!("summary{sep} {}", q(summary)));
    }
    let tags: Vec<String> = tags.iter().map(|t| q(t)).collect();
    lines.push(format!("tags{sep} [{}]", tags.join(", ")));
    if let Some(weight) = weight {
        lines.push(format!("weight{sep} {weight}"));
    }
    format!("{delimiter}\n{}\n{delimiter}\n", lines.join("\n"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn the_mover_keeps_the_text_between_tags(html in "[<>\"= a-z0-9/#.:&;ü-]{0,200}") {
        // The allowlist check and the mover read any text without panicking; what passes the
        // check holds no script; moving changes tags only, never the text between them.
        if markdown::sanitize::within_allowlist(&html) {
            prop_assert!(!html.contains("<script") && !html.contains("href=\"javascript:"));
        }
        let moved = relocate(
            &html,
            &Move {
                from: "a/b/",
                to: "print/",
                id_prefix: "p-",
                heading_offset: 2,
                inside: None,
            },
        );
        prop_assert_eq!(between_tags(&moved), between_tags(&html));
    }

    #[test]
    fn arbitrary_bytes_are_read_soundly(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        parse_and_render(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn arbitrary_text_after_a_delimiter_is_read_soundly(text in "\\PC{0,300}", yaml in any::<bool>()) {
        let delimiter = if yaml { "---" } else { "+++" };
        parse_and_render(&format!("{delimiter}\n{text}"));
        parse_and_render(&format!("{delimiter}\n{text}\n{delimiter}\n{text}"));
    }

    #[test]
    fn near_valid_front_matter_is_read_soundly(
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
    fn yaml_front_matter_is_read_soundly(
        lines in proptest::collection::vec("[a-z_]{1,8}: ?[\\[\\]{}\"'a-z0-9 :,-]{0,20}", 0..8),
        indent in proptest::collection::vec(0usize..4, 8),
    ) {
        let body: Vec<String> = lines.iter().zip(&indent).map(|(l, i)| format!("{}{l}", " ".repeat(*i))).collect();
        parse_and_render(&format!("---\n{}\n---\nText", body.join("\n")));
    }

    #[test]
    fn the_print_edition_moves_what_it_would_render(body in movable_body(), text in "\\PC{0,40}") {
        assert_moves_as_it_renders(&format!("{body}\n\n{text}"));
    }

    #[test]
    fn valid_front_matter_reads_back_as_written_in_toml_and_yaml(
        title in text(),
        date in date(),
        summary in proptest::option::of(text()),
        tags in proptest::collection::vec(text(), 0..4),
        weight in proptest::option::of(any::<i64>()),
        body in proptest::collection::vec(proptest::sample::select(BODIES), 0..3),
    ) {
        let body = body.join("\n\n");
        for yaml in [false, true] {
            let text = front_matter(yaml, &title, &date, &summary, &tags, weight) + &body;
            let file = SourceFile::new("content/c/x.md", text.clone());
            let parsed = page::parse_brief("c/x.md", file);
            let Some(brief) = parsed.value else {
                panic!("refused: {:?}\n{text}", parsed.diagnostics);
            };
            prop_assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
            prop_assert_eq!(&brief.header.title, &title);
            prop_assert_eq!(brief.date.to_string(), date.clone());
            prop_assert_eq!(&brief.header.summary, &summary);
            prop_assert_eq!(&brief.tags, &tags);
            prop_assert_eq!(brief.header.weight, weight);
            prop_assert_eq!(brief.body(), body.as_str());
        }
    }

    #[test]
    fn dates_exist_exactly_when_the_calendar_has_them(
        year in -5i16..10_005,
        month in proptest::option::of(0u8..=255),
        day in proptest::option::of(0u8..=255),
    ) {
        let made = PartialDate::from_parts(year, month, day);
        let exists = (1..=9999).contains(&year)
            && match (month, day) {
                (None, None) => true,
                (Some(m), None) => (1..=12).contains(&m),
                (None, Some(_)) => false,
                (Some(m), Some(d)) => i8::try_from(m)
                    .ok()
                    .zip(i8::try_from(d).ok())
                    .is_some_and(|(m, d)| jiff::civil::Date::new(year, m, d).is_ok()),
            };
        prop_assert_eq!(made.is_ok(), exists, "{} {:?} {:?}", year, month, day);
        if let Ok(date) = made {
            // What it prints, it reads back.
            prop_assert_eq!(PartialDate::parse(&date.to_string()), Ok(date));
        }
    }
}

/// The text between tags, tags counted but not read (tags end as the mover ends them).
fn between_tags(html: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        parts.push(&rest[..start]);
        let Some(len) = briefbook::text::tag_length(&rest[start..]) else {
            rest = &rest[start..];
            break;
        };
        rest = &rest[start + len..];
    }
    parts.push(rest);
    parts
}
