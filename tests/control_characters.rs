//! Control characters and noncharacters in the book's text never reach a page, feed or data
//! file: values are written with U+FFFD in their place, and a body holding one is an error at
//! its place (CommonMark asks for U+FFFD in place of U+0000; no HTML or XML file may hold it).

mod common;

use std::collections::{BTreeMap, HashMap};

use briefbook::diagnostic::SourceFile;
use briefbook::markdown::highlight::Highlighter;
use briefbook::markdown::{self, Context};
use common::*;

/// What XML 1.0 forbids (C0 controls but tab, line feed and carriage return; U+FFFE, U+FFFF)
/// and HTML calls a parse error (also DEL, the C1 controls and the other noncharacters).
fn invalid_in_html_or_xml(c: char) -> bool {
    let n = u32::from(c);
    (n < 0x20 && !matches!(c, '\t' | '\n' | '\r'))
        || (0x7f..=0x9f).contains(&n)
        || (0xfdd0..=0xfdef).contains(&n)
        || n & 0xfffe == 0xfffe
}

/// The characters of the hostile values, as TOML and YAML escapes.
const ESCAPES: [&str; 6] = ["\\u0000", "\\u0001", "\\b", "\\u000B", "\\u001B", "\\u0085"];

fn book() -> BTreeMap<String, String> {
    let all = ESCAPES.concat();
    let mut files = base_book();
    files.insert(
        "site.toml".into(),
        SITE.replace(
            "title = \"Test book\"",
            &format!("title = \"Test{all}book\"\ndescription = \"A{all}B\""),
        ),
    );
    files.insert(
        "content/chips/h20.md".into(),
        H20.replace("The H20 decision", "A\\u0000B")
            .replace("Washington allowed", &format!("Washington{all}allowed"))
            .replace("\"export controls\"", &format!("\"export{all}controls\""))
            .replace("summary = ", "authors = [\"An\\u000Bauthor\"]\nsummary = "),
    );
    files.insert(
        "content/chips/supply.md".into(),
        SUPPLY.replace("title: Supply", "title: \"Sup\\x01ply\\x1b\\u0085\""),
    );
    files
}

#[test]
fn values_with_control_characters_make_valid_pages_feeds_and_data() {
    let book = write_book(&book());
    let run = briefbook(book.path(), &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let site = snapshot(&book.path().join("public"));
    let mut checked = 0;
    for (path, bytes) in &site {
        if !(path.ends_with(".html") || path.ends_with(".xml") || path.ends_with(".json")) {
            continue;
        }
        let text = String::from_utf8(bytes.clone()).unwrap_or_else(|_| panic!("{path}"));
        let bad: Vec<String> = text
            .chars()
            .filter(|&c| invalid_in_html_or_xml(c))
            .map(|c| format!("U+{:04X}", u32::from(c)))
            .collect();
        assert!(bad.is_empty(), "{path} holds {bad:?}");
        if path.ends_with(".json") {
            serde_json::from_str::<serde_json::Value>(&text)
                .unwrap_or_else(|e| panic!("{path}: {e}"));
        }
        checked += 1;
    }
    assert!(checked > 10, "only {checked} files checked");
    let atom = read(book.path(), "public/atom.xml");
    assert!(atom.contains("<title>A\u{fffd}B</title>"), "{atom}");
    assert!(atom.contains("<name>An\u{fffd}author</name>"), "{atom}");
    let page = read(book.path(), "public/chips/h20/index.html");
    assert!(page.contains("A\u{fffd}B"), "the title keeps its place");
    // JSON keeps the values as written: its escapes are valid anywhere.
    let json: serde_json::Value =
        serde_json::from_str(&read(book.path(), "public/data/book.json")).unwrap();
    let titles: Vec<&str> = json["briefs"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|b| b["title"].as_str())
        .collect();
    assert!(titles.contains(&"A\u{0}B"), "{titles:?}");
    assert!(titles.contains(&"Sup\u{1}ply\u{1b}\u{85}"), "{titles:?}");
}

#[test]
fn a_control_character_in_a_body_is_a_warning_where_it_stands_and_the_page_builds() {
    let mut files = base_book();
    files.insert(
        "content/chips/supply.md".into(),
        SUPPLY.replace("Huawei is short", "Huawei abc\u{0}de is \u{b}short"),
    );
    let book = write_book(&files);
    let run = briefbook(book.path(), &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = read(book.path(), "public/chips/supply/index.html");
    assert!(page.contains("abc\u{fffd}de is \u{fffd}short"), "{page}");
    for expected in [
        "content/chips/supply.md:16:11: warning[control-character]: U+0000, a control character, is shown as U+FFFD",
        "content/chips/supply.md:16:18: warning[control-character]: U+000B, a control character, is shown as U+FFFD",
        "16 | Huawei abc␀de is ␋short of capacity",
    ] {
        assert!(run.stderr.contains(expected), "{expected}\n{}", run.stderr);
    }
}

#[test]
fn a_body_renders_them_as_replacement_characters() {
    let sources = BTreeMap::new();
    let urls = HashMap::new();
    let highlighter = Highlighter::new("css");
    let body = "abc\u{0}de &#1; `x\u{7f}y`\n\n```\ncode\u{1b}[2J\n```\n\n<b>\u{85}</b>\n";
    let file = SourceFile::new("content/c/x.md", body);
    for raw in [false, true] {
        let (no_facts, no_rows) = (Default::default(), Default::default());
        let cx = Context {
            page_url: "c/x/",
            page_path: "c/x.md",
            allow_raw_html: raw,
            ..Context::new(&sources, &urls, &no_facts, &no_rows, &highlighter)
        };
        let html = markdown::render_html(&file, body, 0, &cx);
        assert!(html.contains("abc\u{fffd}de"), "{html}");
        assert!(
            !html.chars().any(invalid_in_html_or_xml),
            "raw HTML {raw}: {html:?}"
        );
        let scan = markdown::scan(&file, body, 0, &cx);
        let columns: Vec<Option<usize>> = scan.diagnostics.iter().map(|d| d.column).collect();
        assert_eq!(columns, [Some(4), Some(15), Some(5), Some(4)]);
    }
}
