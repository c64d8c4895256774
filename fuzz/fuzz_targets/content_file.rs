//! One content file, end to end: split the front matter, parse and validate it, then scan and
//! render the body with and without raw HTML; as the one brief of a book, typeset the book's PDF
//! when it compiles. Any panic is a bug, and so is a book that compiles but does not typeset.
#![no_main]

use std::collections::{BTreeMap, HashMap};

use briefbook::diagnostic::SourceFile;
use briefbook::markdown::highlight::Highlighter;
use briefbook::markdown::{self, Context};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let file = SourceFile::new("content/c/x.md", text.clone());
    let parsed = briefbook::read::page::parse_brief("c/x.md", file.clone());
    let _ = briefbook::read::page::parse_section("c/_index.md", file.clone());
    let _ = briefbook::read::page::parse_sources_file(file.clone());
    let sources = BTreeMap::new();
    let urls = HashMap::new();
    let highlighter = Highlighter::new("css");
    let (body, offset) = parsed.value.as_ref().map_or((text.as_str(), 0), |b| (b.body(), b.header.body_offset));
    for raw in [false, true] {
        let (facts, rows) = (Default::default(), Default::default());
        let cx = Context { page_url: "c/x/", allow_raw_html: raw, ..Context::new(&sources, &urls, &facts, &rows, &highlighter) };
        let _ = markdown::scan(&file, body, offset, &cx);
        let _ = markdown::render_html(&file, body, offset, &cx);
    }
    pdf(&text);
});

/// The PDF edition of a book whose one brief is `text`: every text escaped, nothing a brief
/// holds may make the typesetter fail.
fn pdf(text: &str) {
    let Ok(dir) = tempfile::tempdir() else { return };
    let files = [
        ("site.toml", "title = \"Fuzz\"\nbase_url = \"https://example.org/\"\n"),
        ("content/_index.md", "+++\ntitle = \"Fuzz\"\n+++\n"),
        ("content/c/_index.md", "+++\ntitle = \"C\"\n+++\n"),
        ("content/c/x.md", text),
    ];
    for (path, text) in files {
        let path = dir.path().join(path);
        let _ = std::fs::create_dir_all(path.parent().unwrap());
        if std::fs::write(path, text).is_err() {
            return;
        }
    }
    let options = briefbook::pipeline::Options { root: dir.path().to_path_buf(), ..Default::default() };
    if let Ok(compiled) = briefbook::pipeline::compile(&options) {
        if let Err(e) = briefbook::pipeline::pdf(&compiled) {
            panic!("a book that compiles does not typeset: {}", e.message);
        }
    }
}
