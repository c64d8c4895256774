//! One file given to `briefbook import`, as BibTeX and as CSL-JSON: reading it must not panic
//! (cycles of `crossref`, `xdata` and `@string` included), and every source it gives must be one
//! the book's reader accepts, as `check` would.
#![no_main]

use briefbook::diagnostic::SourceFile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let file = SourceFile::new("f.bib", String::from_utf8_lossy(data).into_owned());
    let bib = briefbook::import::read_bibtex(&file);
    let csl = briefbook::import::read_csl_json(&file).unwrap_or_default();
    for source in bib.sources.iter().chain(&csl.sources) {
        let written = SourceFile::new("sources.toml", briefbook::import::to_toml(std::slice::from_ref(source)));
        let read = briefbook::read::page::parse_sources_file(written);
        assert!(read.diagnostics.is_empty(), "{source:?}: {:?}", read.diagnostics);
    }
});
