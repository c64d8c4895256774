//! The PDF edition (FORMAT section 9): the example book's PDF read back with poppler's tools
//! (text in reading order, contents with page numbers, metadata, embedded fonts) and with
//! lopdf (PDF/A identification, outline, internal links); byte-identical runs; hostile text
//! shown literally; theme overrides; nothing written on an error.

#![cfg(feature = "pdf")]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::tools::command_available;
use common::*;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `briefbook pdf` on the book at `root`, writing `out`.
fn make_pdf(root: &Path, out: &Path) -> Run {
    let out = out.to_str().expect("a UTF-8 path");
    briefbook(root, &["pdf", "-o", out])
}

fn example_pdf(dir: &Path) -> PathBuf {
    let out = dir.join("book.pdf");
    let run = make_pdf(&repo(), &out);
    assert_eq!(run.code, 0, "{}", run.stderr);
    out
}

fn tool(tool: &str, args: &[&str], pdf: &Path) -> String {
    let out = Command::new(tool)
        .args(args)
        .arg(pdf)
        .args(if tool == "pdftotext" {
            &["-"][..]
        } else {
            &[][..]
        })
        .output()
        .expect("run a poppler tool");
    assert!(
        out.status.success(),
        "{tool}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Text with every run of white space one space, and words split at a line's end joined.
fn flat(text: &str) -> String {
    let joined = text.replace("-\n", "");
    joined.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn poppler() -> bool {
    command_available("pdftotext", &["-v"])
}

/// The example book as the library compiles it: titles and key judgments to look for.
fn example_book() -> briefbook::pipeline::Compiled {
    let options = briefbook::pipeline::Options {
        root: repo(),
        ..Default::default()
    };
    briefbook::pipeline::compile(&options).unwrap_or_else(|e| panic!("{}", e.render_all()))
}

#[test]
fn every_brief_comes_in_reading_order_on_the_page_the_contents_give() {
    if !poppler() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pdf = example_pdf(dir.path());
    let text = tool("pdftotext", &["-layout"], &pdf);
    let pages: Vec<&str> = text.split('\u{c}').collect();
    let contents = pages
        .iter()
        .position(|p| p.trim_start().starts_with("Contents"))
        .expect("a contents page");
    let compiled = example_book();
    let mut last_page = contents;
    for b in &compiled.book.briefs {
        let title = &b.brief.header.title;
        // The contents line: the title, dot leaders, the page number.
        let line = pages[contents]
            .lines()
            .find(|l| flat(l).starts_with(&flat(title)))
            .unwrap_or_else(|| panic!("{title} is not in the contents:\n{}", pages[contents]));
        let number: usize = line
            .split_whitespace()
            .last()
            .unwrap()
            .parse()
            .expect("a page number");
        // The brief's heading is on that page, not before the last brief's.
        let page = &pages[number - 1];
        assert!(
            flat(page).contains(&flat(title)),
            "{title} is not on page {number}"
        );
        assert!(
            number > last_page,
            "{title} comes before the brief before it"
        );
        last_page = number - 1;
    }
}

#[test]
fn key_judgments_references_and_appendices_are_there() {
    if !poppler() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pdf = example_pdf(dir.path());
    let text = flat(&tool("pdftotext", &[], &pdf));
    let compiled = example_book();
    for b in &compiled.book.briefs {
        for claim in b.brief.claims.iter().filter(|c| c.key) {
            // Once on the front pages, once in the brief's box, once in its claims table.
            let count = text.matches(&flat(&claim.text)).count();
            assert!(
                count >= 3,
                "key judgment {:?} found {count} times",
                claim.text
            );
        }
    }
    for source in compiled.book.sources.values() {
        assert!(text.contains(&flat(&source.title)), "source {}", source.id);
    }
    for part in [
        "Key judgments",
        "Contents",
        "References",
        "Claims",
        "Facts",
        "Citation index",
        "Fact tables",
        "Method",
    ] {
        assert!(text.contains(part), "{part}");
    }
    assert!(text.contains("As of 17 August 2025"), "the as-of date");
}

#[test]
fn metadata_names_the_book_and_every_font_is_embedded() {
    if !poppler() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pdf = example_pdf(dir.path());
    let info = tool("pdfinfo", &[], &pdf);
    assert!(
        info.contains("Title:           The H20 Decision and China's AI Chips"),
        "{info}"
    );
    assert!(
        info.contains("Author:          Briefbook editors"),
        "{info}"
    );
    // Dated by the edition (the latest brief), never by the clock.
    assert!(
        info.contains("CreationDate:    Sun Aug 17 00:00:00 2025 UTC"),
        "{info}"
    );
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("a page count");
    assert!(pages >= 10, "{pages} pages");
    let fonts = tool("pdffonts", &[], &pdf);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "{fonts}");
    for row in rows {
        let columns: Vec<&str> = row.split_whitespace().collect();
        // name, type..., encoding, emb, sub, uni, object, generation: emb is fifth from the end.
        assert_eq!(columns[columns.len() - 5], "yes", "not embedded: {row}");
    }
}

/// The objects of a PDF: its catalog's entries, and every link annotation of its pages.
struct Read {
    doc: lopdf::Document,
}

impl Read {
    fn new(pdf: &Path) -> Read {
        Read {
            doc: lopdf::Document::load(pdf).expect("lopdf reads it"),
        }
    }

    fn catalog(&self) -> &lopdf::Dictionary {
        self.doc.catalog().expect("a catalog")
    }

    fn deref<'a>(&'a self, object: &'a lopdf::Object) -> &'a lopdf::Object {
        match object {
            lopdf::Object::Reference(id) => self.doc.get_object(*id).expect("the object"),
            other => other,
        }
    }

    fn metadata(&self) -> String {
        let object = self.deref(self.catalog().get(b"Metadata").expect("XMP metadata"));
        let stream = object.as_stream().expect("a stream");
        let bytes = stream
            .decompressed_content()
            .unwrap_or_else(|_| stream.content.clone());
        String::from_utf8_lossy(&bytes).into_owned()
    }

    /// (internal links, web links) over every page.
    fn links(&self) -> (usize, usize) {
        let (mut internal, mut web) = (0, 0);
        for page in self.doc.get_pages().values() {
            let page = self.doc.get_dictionary(*page).unwrap();
            let Ok(annots) = page.get(b"Annots") else {
                continue;
            };
            for annot in self.deref(annots).as_array().unwrap() {
                let annot = self.deref(annot).as_dict().unwrap();
                if annot.get(b"Dest").is_ok() {
                    internal += 1;
                    continue;
                }
                let Ok(action) = annot.get(b"A") else {
                    continue;
                };
                let action = self.deref(action).as_dict().unwrap();
                match action.get(b"S").and_then(|s| s.as_name()) {
                    Ok(b"GoTo") => internal += 1,
                    Ok(b"URI") => web += 1,
                    _ => {}
                }
            }
        }
        (internal, web)
    }
}

#[test]
fn it_is_pdf_a_2b_with_an_outline_and_internal_links() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = example_pdf(dir.path());
    let read = Read::new(&pdf);
    let xmp = read.metadata();
    let part = xmp.contains("<pdfaid:part>2</pdfaid:part>") || xmp.contains("pdfaid:part=\"2\"");
    let conformance = xmp.contains("<pdfaid:conformance>B</pdfaid:conformance>")
        || xmp.contains("pdfaid:conformance=\"B\"");
    assert!(part && conformance, "no PDF/A-2b identification in:\n{xmp}");
    assert!(xmp.contains("The H20 Decision"), "the title in XMP");
    assert!(
        xmp.contains(">en<") || xmp.contains("\"en\""),
        "the language in XMP:\n{xmp}"
    );
    // The outline: chapters and briefs as bookmarks.
    let outlines = read.deref(read.catalog().get(b"Outlines").expect("an outline"));
    let outlines = outlines.as_dict().unwrap();
    assert!(outlines.get(b"First").is_ok(), "the outline has entries");
    let (internal, web) = read.links();
    let compiled = example_book();
    let citations: usize = compiled
        .scans
        .iter()
        .map(|s| s.markers.values().map(Vec::len).sum::<usize>())
        .sum();
    // Every citation marker, contents line and key judgment is a link inside the document.
    assert!(
        internal > citations + compiled.book.briefs.len(),
        "{internal} internal links"
    );
    assert_eq!(
        web, 0,
        "the example book's sources have no URLs, so no web links"
    );
}

#[test]
fn two_runs_give_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.pdf"), dir.path().join("b.pdf"));
    assert_eq!(make_pdf(&repo(), &a).code, 0);
    assert_eq!(make_pdf(&repo(), &b).code, 0);
    let (a, b) = (std::fs::read(a).unwrap(), std::fs::read(b).unwrap());
    assert!(a.len() > 10_000);
    assert!(a == b, "two runs differ");
}

#[test]
fn pages_render_to_png_in_the_test_output_folder() {
    if !command_available("pdftoppm", &["-v"]) {
        return;
    }
    let out = repo().join("target/pdf-pages");
    std::fs::create_dir_all(&out).unwrap();
    let pdf = example_pdf(&out);
    let prefix = out.join("page");
    let status = Command::new("pdftoppm")
        .args(["-png", "-r", "60", "-f", "1", "-l", "6"])
        .arg(&pdf)
        .arg(&prefix)
        .status()
        .unwrap();
    assert!(status.success());
    let pngs = std::fs::read_dir(&out)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "png")
        })
        .count();
    assert!(pngs >= 6, "{pngs} pages rendered");
    eprintln!("pages rendered into {}", out.display());
}

/// Typst's markup and code, and Markdown's, in one line: none of it may act.
const T: &str = r#"#panic("pwned") $x^2$ *b* _i_ [@x] <l> @r \ `c` ~ // c /* d */ = - + #"s" \u{41} ] [ #set page(width: 1cm) #read("/etc/passwd") {{ x }}"#;

/// `T` with Markdown's punctuation escaped, as a body writes it to mean the same text.
fn in_markdown(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_punctuation() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn toml(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

/// A book with `T` in every field a reader sees, and in every construct of a body.
fn hostile_book() -> std::collections::BTreeMap<String, String> {
    let t = toml(T);
    let m = in_markdown(T);
    let mut files = base_book();
    files.insert(
        "site.toml".into(),
        format!("title = \"{t}\"\nbase_url = \"https://example.org/\"\ndescription = \"{t}\"\n[check]\nreference_date = \"2025-09-01\"\n"),
    );
    files.insert(
        "content/_index.md".into(),
        format!("+++\ntitle = \"{t}\"\n+++\n{m}\n"),
    );
    files.insert(
        "content/chips/_index.md".into(),
        format!("+++\ntitle = \"{t}\"\nsummary = \"{t}\"\n+++\n{m}\n"),
    );
    files.insert(
        "content/sources.toml".into(),
        format!("[[source]]\nid = \"evil\"\ntitle = \"{t}\"\npublisher = \"{t}\"\nauthors = [\"{t}\"]\ndate = \"2025\"\nnote = \"{t}\"\nurl = \"https://example.org/a?q=[x]*_$#y\"\n\n{SOURCES}"),
    );
    let body = [
        format!("## {m}"),
        format!("{m} [@evil]"),
        format!("- {m}\n- *{m}*\n\n1. **{m}**\n2. ~~{m}~~"),
        format!(
            "| {m} | b |\n|---|---|\n| {m} | `{}` |",
            T.replace('`', "'").replace('|', "/")
        ),
        format!("```typst\n{T}\n```"),
        format!(
            "Note[^n] and [a link]({}).\n\n[^n]: {m}",
            "https://example.org/#[x]"
        ),
        format!("> {m}"),
    ]
    .join("\n\n");
    files.insert(
        "content/chips/h20.md".into(),
        format!(
            "+++\ntitle = \"{t}\"\ndate = \"2025-08-17\"\nsummary = \"{t}\"\nauthors = [\"{t}\"]\n\n[[claims]]\nid = \"c1\"\nkey = true\ntext = \"{t}\"\nattributed_to = \"{t}\"\nsources = [\"evil\"]\n\n[[facts]]\nid = \"f1\"\nsubject = \"{t}\"\nmetric = \"{t}\"\nvalue = \"{t}\"\nunit = \"{t}\"\nnote = \"{t}\"\nsource = \"evil\"\n+++\n\n{body}\n"
        ),
    );
    files
}

/// Text compared without white space or hyphens, which line breaking may add or take.
fn bare(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && *c != '-' && *c != '\u{AD}')
        .collect()
}

#[test]
fn hostile_text_comes_out_literally_in_every_field() {
    let book = write_book(&hostile_book());
    let out = book.path().join("out.pdf");
    let run = make_pdf(book.path(), &out);
    assert_eq!(run.code, 0, "{}", run.stderr);
    if !poppler() {
        return;
    }
    let text = tool("pdftotext", &[], &out);
    let (all, t) = (bare(&text), bare(T));
    // Title page, running heads, chapter, brief, bottom line, key judgments (twice), claim,
    // attribution, fact subject, measure, value, unit, note, source title, publisher, author,
    // body paragraphs, list items, table cells, code, footnote, quote, the cover's introduction.
    let count = all.matches(&t).count();
    assert!(
        count >= 20,
        "the hostile line came out literally {count} times:\n{text}"
    );
    assert!(!text.contains("pwned\n") || text.contains("#panic(\"pwned\")"));
    let info = tool("pdfinfo", &[], &out);
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap();
    assert!(pages < 30, "`#set page` must not act: {pages} pages");
    assert!(
        info.contains("#panic(\"pwned\")"),
        "the title in the metadata:\n{info}"
    );
}

#[test]
fn a_book_with_errors_writes_no_pdf() {
    let mut files = base_book();
    files.insert(
        "content/chips/h20.md".into(),
        H20.replace("[@cnn-2025]", "[@nobody]"),
    );
    let book = write_book(&files);
    let out = book.path().join("book.pdf");
    let run = make_pdf(book.path(), &out);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("unknown source `nobody`"),
        "{}",
        run.stderr
    );
    assert!(!out.exists(), "nothing is written");
}

#[test]
fn build_pdf_puts_the_pdf_into_the_site_and_the_cover_links_it() {
    let book = write_book(&base_book());
    let site = book.path().join("public");
    let run = briefbook(book.path(), &["build", "--pdf"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let pdf = std::fs::read(site.join("book.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(read(&site, "index.html").contains("href=\"./book.pdf\""));
    assert!(read(&site, "print/index.html").contains("href=\"../book.pdf\""));
    // Without --pdf there is no PDF, and no link to one.
    let run = briefbook(book.path(), &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!site.join("book.pdf").exists());
    assert!(!read(&site, "index.html").contains("book.pdf"));
}

/// A theme's `book.typ` of its own: US letter paper, the default pieces.
const LETTER: &str = r#"#let ink = black
#let accent = blue
#let muted = gray
#let rule = gray
#let book(title: none, body) = {
  set page(paper: "us-letter", footer: context counter(page).display())
  body
}
"#;

#[test]
fn a_book_overrides_the_pdf_theme_file_by_file() {
    if !poppler() {
        return;
    }
    let mut files = base_book();
    files.insert("templates/pdf/book.typ".into(), LETTER.into());
    let book = write_book(&files);
    let out = book.path().join("book.pdf");
    let run = make_pdf(book.path(), &out);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let info = tool("pdfinfo", &[], &out);
    assert!(info.contains("612 x 792 pts (letter)"), "{info}");
    // The default parts.typ still made the pieces.
    assert!(tool("pdftotext", &[], &out).contains("Citation index"));
}

#[test]
fn a_broken_theme_file_is_an_error_at_its_line() {
    let mut files = base_book();
    files.insert(
        "themes/default/pdf/parts.typ".into(),
        "#import \"book.typ\": *\n\n#let anchor(name) = [#metadata(none)#label(name)]\n#let title-page(..args) = undefined-thing\n".into(),
    );
    let book = write_book(&files);
    let out = book.path().join("book.pdf");
    let run = make_pdf(book.path(), &out);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("error[template]"), "{}", run.stderr);
    assert!(
        run.stderr.contains("themes/default/pdf/parts.typ:4"),
        "{}",
        run.stderr
    );
    assert!(!out.exists());
}

/// The PDF of a book whose one brief has `body`, when the book compiles.
fn typeset_body(body: &str) -> Option<Result<Vec<u8>, briefbook::diagnostic::Diagnostic>> {
    let mut files = base_book();
    files.remove("content/chips/supply.md");
    files.insert(
        "content/chips/h20.md".into(),
        format!(
            "+++\ntitle = \"{}\"\ndate = \"2025\"\n+++\n{body}",
            toml(body.lines().next().unwrap_or(""))
        ),
    );
    let book = write_book(&files);
    let options = briefbook::pipeline::Options {
        root: book.path().to_path_buf(),
        ..Default::default()
    };
    let compiled = briefbook::pipeline::compile(&options).ok()?;
    Some(briefbook::pipeline::pdf(&compiled).map(|(bytes, _, _)| bytes))
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 24, ..Default::default() })]

    /// Markdown's and Typst's punctuation in any arrangement: a book that compiles typesets.
    #[test]
    fn any_body_that_compiles_typesets(body in r#"([#$*_\[\]<>@\\`~/=+"'{}()|:;.!^ -]|[a-z0-9]{1,4}|\n|\n\n|\n- |\n1. |\n## |\n```\n|\n> ){0,60}"#) {
        if let Some(result) = typeset_body(&body) {
            let pdf = result.map_err(|e| format!("{}: {}", e.message, e.help.unwrap_or_default()));
            proptest::prop_assert!(pdf.is_ok(), "{body:?}: {pdf:?}");
        }
    }
}

#[test]
fn awkward_bodies_typeset() {
    let bodies = [
        "[^a]\n\n[^a]: Note with [^a] itself.",
        "| a |\n|---|\n| [^n] |\n\n[^n]: *deep* `x`",
        "- [ ] open\n- [x] done\n\n---\n\n1. one\n   - nested\n     > quote\n",
        // A missing local image or page is an error at compile now (missing-file): web ones stay.
        "![x](https://example.org/a.png) [rel](../) [chapter](../index.html#top)",
        "<div>html</div>\n\n<b>inline</b>",
        "```\n\n```\n\n    indented\n\n`` ` ``",
        "# Level one\n\n###### Six\n\nText\\\nbreak",
        "\u{202E}rtl \u{FEFF} bom \u{1F600} emoji 中文",
    ];
    for body in bodies {
        let result = typeset_body(body).expect("the book compiles");
        assert!(result.is_ok(), "{body:?}: {:?}", result.err());
    }
}

#[test]
fn no_page_ends_with_a_heading() {
    if !poppler() {
        return;
    }
    let sections: Vec<String> = (1..=120)
        .map(|n| {
            let words = "The analysts weighed the evidence and found it wanting in places. "
                .repeat(n % 7 + 1);
            format!("## Section {n} heading\n\n{words}\n")
        })
        .collect();
    let mut files = base_book();
    files.insert(
        "content/chips/h20.md".into(),
        format!(
            "+++\ntitle = \"Long\"\ndate = \"2025\"\n+++\n{}",
            sections.join("\n")
        ),
    );
    let book = write_book(&files);
    let out = book.path().join("book.pdf");
    assert_eq!(make_pdf(book.path(), &out).code, 0);
    let text = tool("pdftotext", &["-layout"], &out);
    let mut checked = 0;
    for page in text.split('\u{c}') {
        // The last line above the page number.
        let lines: Vec<&str> = page
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        if lines.len() < 2 {
            continue;
        }
        let last = lines[lines.len() - 2];
        assert!(
            !last.ends_with("heading"),
            "a page ends with the heading {last:?}"
        );
        checked += 1;
    }
    assert!(checked >= 4, "{checked} pages");
}

/// The running heads and page numbers are drawn from marks on each page (docs/pdf.md): every page
/// after the title page ends with its own number, and every later brief of a chapter starts a
/// page, its title the first line under the running head.
#[test]
fn every_page_has_its_own_number_and_a_later_brief_starts_a_page() {
    if !poppler() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pdf = example_pdf(dir.path());
    let text = tool("pdftotext", &["-layout"], &pdf);
    let pages: Vec<Vec<&str>> = text
        .split('\u{c}')
        .map(|p| p.lines().map(str::trim).filter(|l| !l.is_empty()).collect())
        .filter(|p: &Vec<&str>| !p.is_empty())
        .collect();
    for (i, page) in pages.iter().enumerate().skip(1) {
        assert_eq!(
            page.last().copied(),
            Some((i + 1).to_string().as_str()),
            "page {} is numbered wrongly:\n{page:#?}",
            i + 1
        );
    }
    let compiled = example_book();
    let book = &compiled.book;
    let mut later = 0;
    for chapter in &book.chapters {
        for &b in chapter.briefs.iter().skip(1) {
            let title = flat(&book.briefs[b].brief.header.title);
            let starts = pages.iter().any(|p| {
                // The running head (book title, chapter) is the first line; the title comes next.
                p.len() > 2 && flat(&p[1..3].join(" ")).starts_with(&title)
            });
            assert!(starts, "{title} does not start a page");
            later += 1;
        }
    }
    assert!(later >= 3, "{later} later briefs");
}

/// References and the citation index name a source by its label, as the site does.
#[test]
fn sources_are_named_by_the_sites_labels() {
    if !poppler() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let text = flat(&tool("pdftotext", &[], &example_pdf(dir.path())));
    let compiled = example_book();
    let labels = &compiled.analysis.resolved.labels;
    for (id, source) in &compiled.book.sources {
        let named = format!("{}. {}", labels.of(id), source.title);
        let led = format!("{}. {}", labels.of(id), source.authors.join(", "));
        assert!(
            text.contains(&flat(&named)) || text.contains(&flat(&led)),
            "{id} is not named {:?}",
            labels.of(id)
        );
    }
}

/// The example book's Typst document, with the compile it was made from.
fn example_markup() -> (briefbook::pipeline::Compiled, String) {
    let compiled = example_book();
    let markup = briefbook::pipeline::pdf_markup(&compiled);
    (compiled, markup)
}

#[test]
fn each_chapter_opening_and_each_later_brief_is_a_page_run_of_its_own() {
    let (compiled, markup) = example_markup();
    let book = &compiled.book;
    let runs: Vec<&str> = markup
        .lines()
        .filter_map(|l| l.strip_prefix("#[#set bibliography(title: "))
        .collect();
    // One run per chapter, and one per brief but the first of its chapter.
    let briefs: usize = book
        .chapters
        .iter()
        .map(|c| c.briefs.len().saturating_sub(1))
        .sum();
    assert_eq!(runs.len(), book.chapters.len() + briefs, "{runs:?}");
    let distinct: std::collections::HashSet<_> = runs.iter().collect();
    assert_eq!(
        distinct.len(),
        runs.len(),
        "two runs share a name: {runs:?}"
    );
    // Only a later brief's run starts a new page; every run is closed.
    let breaks = markup.matches("#pagebreak(weak: true)\n").count();
    assert_eq!(breaks, briefs);
    assert_eq!(markup.matches("\n]\n").count(), runs.len());
}
