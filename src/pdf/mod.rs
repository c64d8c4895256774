//! The PDF edition: the compiled book as Typst markup (every text escaped), typeset in-process
//! with the bundled fonts into an archival (PDF/A-2b), byte-for-byte reproducible file.

mod appendix;
mod body;
mod brief;
mod document;
mod edition;
pub mod escape;
mod fonts;
mod labels;
pub mod theme;
mod world;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use typst::diag::{Severity, SourceDiagnostic};
use typst::layout::PagedDocument;
use typst::syntax::Span;
use typst::WorldExt;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use crate::analyse::resolve::Resolved;
use crate::diagnostic::{Code, Diagnostic, SourceFile};
use crate::markdown::{FactIndex, Scan};
use crate::read::history::History;

pub use document::language;
pub use edition::Edition;

use body::BodyContext;
use labels::Labels;
use world::BookWorld;

/// What the PDF is made of: the compiled book and its analysis.
pub struct Input<'a> {
    pub book: &'a crate::read::book::Book,
    pub scans: &'a [Arc<Scan>],
    pub resolved: &'a Resolved,
    pub facts: &'a FactIndex,
    pub history: &'a History,
    /// A book's own PDF theme files, by name (`parts.typ`), in the order they override.
    pub theme: &'a [(String, Arc<SourceFile>)],
}

/// What the document's parts read: the book, the labels it defines, its edition.
pub(crate) struct Inputs<'a> {
    pub book: &'a crate::read::book::Book,
    pub scans: &'a [Arc<Scan>],
    pub resolved: &'a Resolved,
    pub facts: &'a FactIndex,
    pub labels: Labels,
    pub edition: Edition,
    /// Content files images may show (co-located files), by path under `content/`.
    pub images: BTreeMap<String, PathBuf>,
}

impl Inputs<'_> {
    /// A brief's body as markup, its headings below `level`.
    pub fn brief_body(&self, b: usize, level: usize) -> String {
        let brief = &self.book.briefs[b].brief;
        let scan = &self.scans[b];
        self.body(
            &brief.path,
            brief.body(),
            &scan.cited,
            &scan.headings,
            level,
        )
    }

    /// A chapter's or the cover's introduction as markup.
    pub fn section_body(&self, path: &str, text: &str, level: usize) -> String {
        self.body(path, text, &[], &[], level)
    }

    fn body(
        &self,
        path: &str,
        text: &str,
        cited: &[String],
        headings: &[crate::markdown::Heading],
        level: usize,
    ) -> String {
        let cx = BodyContext {
            sources: &self.book.sources,
            page_path: path,
            cited,
            headings,
            level,
            facts: self.facts,
            labels: &self.labels,
            images: &self.images,
            allow_raw_html: self.book.config.allow_raw_html,
            footnote_prefix: path,
        };
        body::body(text, &cx)
    }
}

/// The Typst document briefbook writes for a book, before typesetting: the markup a theme's
/// `book.typ` and `parts.typ` are called from.
pub fn markup(input: &Input) -> String {
    document::document(&inputs(input))
}

/// The PDF edition of a compiled book. Errors are a theme file that does not compile (located
/// in that file) or, for a document briefbook generated wrongly, an internal error.
pub fn typeset(input: &Input) -> Result<Typeset, Diagnostic> {
    let mut clock = std::time::Instant::now();
    let mut phases = Vec::new();
    let mut lap = |name: &'static str| {
        phases.push((name, clock.elapsed()));
        clock = std::time::Instant::now();
    };
    let inputs = inputs(input);
    let fonts = fonts::Fonts::bundled();
    let (markup, replaced) = fonts::displayable(document::document(&inputs), &fonts);
    let theme = theme::files(input.theme);
    lap("pdf markup");
    let world = BookWorld::new(
        markup,
        &theme
            .iter()
            .map(|f| (f.name.clone(), f.file.text.clone()))
            .collect::<Vec<_>>(),
        inputs.images.clone(),
        inputs.edition.datetime(),
        fonts,
    );
    lap("pdf world");
    let document = typst::compile::<PagedDocument>(&world)
        .output
        .map_err(|errors| located(&world, &theme, &errors))?;
    let options = PdfOptions {
        ident: typst::foundations::Smart::Custom(&input.book.config.title),
        timestamp: Some(Timestamp::new_utc(inputs.edition.datetime())),
        page_ranges: None,
        standards: PdfStandards::new(&[PdfStandard::A_2b])
            .map_err(|e| Diagnostic::error(Code::Internal, e.to_string()))?,
    };
    lap("pdf layout");
    let bytes =
        typst_pdf::pdf(&document, &options).map_err(|errors| located(&world, &theme, &errors))?;
    lap("pdf export");
    Ok(Typeset {
        bytes,
        replaced,
        phases,
    })
}

/// A typeset PDF edition.
pub struct Typeset {
    pub bytes: Vec<u8>,
    /// How many characters of the book no bundled font can show, printed as U+FFFD.
    pub replaced: usize,
    /// How long each step took: writing the markup, loading fonts, layout, writing the PDF.
    pub phases: Vec<(&'static str, std::time::Duration)>,
}

fn inputs<'a>(input: &Input<'a>) -> Inputs<'a> {
    let book = input.book;
    let mut labels = Labels::of(book, input.scans);
    for (b, brief) in book.briefs.iter().enumerate() {
        let cites = &input.resolved.cites[b];
        for id in brief::reference_ids(book, &input.scans[b], cites) {
            labels.insert(labels::anchor(&brief.brief.path, &format!("ref-{id}")));
        }
    }
    let images = input
        .book
        .assets
        .iter()
        .map(|(file, _)| (file.rel.clone(), file.from.clone()))
        .collect();
    Inputs {
        book,
        scans: input.scans,
        resolved: input.resolved,
        facts: input.facts,
        labels,
        edition: Edition::of(book, input.history),
        images,
    }
}

/// The first error of the typesetter as a diagnostic: in a theme file, a template error at its
/// line; anywhere else, briefbook's own fault.
fn located(
    world: &BookWorld,
    theme: &[theme::ThemeFile],
    errors: &[SourceDiagnostic],
) -> Diagnostic {
    let Some(error) = errors
        .iter()
        .find(|e| e.severity == Severity::Error)
        .or(errors.first())
    else {
        return Diagnostic::error(Code::Internal, "the typesetter failed without saying why");
    };
    let hints = error
        .hints
        .iter()
        .map(|h| h.as_str())
        .collect::<Vec<_>>()
        .join("; ");
    let in_theme = span_theme_file(error.span, theme);
    let mut d = match in_theme {
        Some((file, offset)) => {
            Diagnostic::error(Code::Template, format!("the PDF theme: {}", error.message))
                .at(&file.file, offset)
        }
        None => {
            let at = world
                .range(error.span)
                .map(|r| {
                    let text = world.main_source().text();
                    let rest = text.get(r.start..).unwrap_or("");
                    let excerpt: String = rest.chars().take(80).collect();
                    format!(" (at `{excerpt}`)")
                })
                .unwrap_or_default();
            Diagnostic::error(
                Code::Internal,
                format!("typesetting the PDF failed: {}{at}", error.message),
            )
        }
    };
    if !hints.is_empty() {
        d = d.with_help(hints);
    }
    d
}

/// The theme file a span points into, with the byte offset there.
fn span_theme_file(span: Span, theme: &[theme::ThemeFile]) -> Option<(&theme::ThemeFile, usize)> {
    let name = BookWorld::theme_name(span.id()?)?;
    let file = theme.iter().find(|f| f.name == name)?;
    let source = typst::syntax::Source::new(span.id()?, file.file.text.clone());
    let range = source.range(span)?;
    Some((file, range.start))
}
