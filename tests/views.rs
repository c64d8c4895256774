//! The theme contract, as data: what each kind of page hands its template, for the example book,
//! kept as JSON snapshots in `tests/snapshots/`. A change to a view (a field added, renamed or
//! reshaped) changes a snapshot, so it shows in review. Update them with
//! `INSTA_UPDATE=always cargo test --test views` (or `cargo insta review`).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;

use briefbook::diagnostic::Diagnostic;
use briefbook::pipeline::{self, Options, What};
use briefbook::render::{theme, OutputFile, RenderCache, Sink};

/// The pages whose contexts are kept: one of each kind.
const PAGES: &[(&str, &str)] = &[
    ("cover", "index.html"),
    ("chapter", "policy/index.html"),
    ("brief", "policy/h20-reversal/index.html"),
    ("sources", "sources/index.html"),
    ("claims", "claims/index.html"),
    ("facts", "facts/index.html"),
    ("tags", "tags/index.html"),
    ("tag", "tags/nvidia/index.html"),
    ("search", "search/index.html"),
    ("method", "method/index.html"),
    ("print", "print/index.html"),
    ("not_found", "404.html"),
];

/// Files in memory, by path.
#[derive(Default)]
struct Memory(Mutex<BTreeMap<String, Vec<u8>>>);

impl Sink for Memory {
    fn write(&self, file: OutputFile) -> Result<(), Diagnostic> {
        self.0.lock().unwrap().insert(file.path, file.bytes);
        Ok(())
    }
    fn append(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        let mut files = self.0.lock().unwrap();
        files
            .entry(path.to_string())
            .or_default()
            .extend_from_slice(bytes);
        Ok(())
    }
}

/// Every template replaced by one that prints its whole context as JSON (Tera's
/// `__tera_context`). The print edition's frame keeps the place its items go; each item and
/// each chunk of rows prints its own context, one JSON document a line.
fn context_printing_templates() -> Vec<(String, String)> {
    theme::TEMPLATES
        .iter()
        .filter(|(name, _)| *name != "macros.html")
        .map(|(name, _)| {
            let text = match *name {
                "print.html" => "{{ __tera_context | safe }}\n{{ print_body | safe }}",
                _ => "{{ __tera_context | safe }}\n",
            };
            (name.to_string(), text.to_string())
        })
        .collect()
}

/// The example book at the repository's root, copied out of git so that no commit or history
/// date enters the views.
fn example_book() -> tempfile::TempDir {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let copy = tempfile::tempdir().unwrap();
    std::fs::copy(here.join("site.toml"), copy.path().join("site.toml")).unwrap();
    for entry in walkdir::WalkDir::new(here.join("content")) {
        let entry = entry.unwrap();
        let to = copy.path().join(entry.path().strip_prefix(here).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            std::fs::copy(entry.path(), &to).unwrap();
        }
    }
    copy
}

/// Each JSON document of a rendered page, pretty-printed, with row contexts that a page holds as
/// strings (rendered rows) unfolded so that they read as data too.
fn pretty(page: &[u8]) -> String {
    let text = std::str::from_utf8(page).unwrap();
    let mut out = String::new();
    let documents = serde_json::Deserializer::from_str(text).into_iter::<serde_json::Value>();
    for document in documents {
        let mut value = document.unwrap_or_else(|e| panic!("{e} in\n{text}"));
        unfold(&mut value);
        out.push_str(&serde_json::to_string_pretty(&value).unwrap());
        out.push('\n');
    }
    out
}

/// Strings that hold JSON documents (rows rendered by a context-printing row template) become
/// the list of those documents.
fn unfold(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::String(s) if s.starts_with('{') => {
            let documents: Result<Vec<serde_json::Value>, _> =
                serde_json::Deserializer::from_str(s).into_iter().collect();
            if let Ok(mut documents) = documents {
                documents.iter_mut().for_each(unfold);
                *value = serde_json::Value::Array(documents);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(unfold),
        serde_json::Value::Object(map) => map.values_mut().for_each(unfold),
        _ => {}
    }
}

#[test]
fn every_kind_of_page_gets_the_view_the_snapshot_holds() {
    let book = example_book();
    let options = Options {
        root: book.path().to_path_buf(),
        ..Options::default()
    };
    let compiled = pipeline::compile(&options).unwrap_or_else(|e| panic!("{}", e.render_all()));
    let cache = RenderCache::new(&context_printing_templates(), "css").unwrap();
    let sink = Memory::default();
    let errors = pipeline::render(&compiled, &cache, What::Site, &sink);
    assert!(errors.is_empty(), "{errors:?}");
    let files = sink.0.into_inner().unwrap();
    for (name, path) in PAGES {
        let page = files.get(*path).unwrap_or_else(|| panic!("no {path}"));
        insta::assert_snapshot!(*name, pretty(page));
    }
}
