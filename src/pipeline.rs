//! The build, top to bottom: `compile` reads, parses, assembles, scans, resolves and checks the
//! book; `write` renders everything the site holds (`site`) into a staging folder that is swapped
//! in when all of it succeeded. The server and `check` call the same `compile`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::analyse::changes::Changes;
use crate::analyse::resolve::{self, Resolved};
use crate::diagnostic::{Code, Diagnostic, Diagnostics, SourceFile};
use crate::markdown::book::Scanned;
use crate::markdown::{self, FactIndex, RowIds, Scan};
use crate::output::counted::Counted;
use crate::output::Staging;
use crate::read::book::{Book, BookBrief};
use crate::read::config::{self, Config};
use crate::read::history::{self, History};
use crate::read::load::{self, BookFiles};
use crate::read::parts::{self, Earlier};
use crate::render::{self, OutputFile, RenderCache, Sink};

#[derive(Clone, Debug, Default)]
pub struct Options {
    pub root: PathBuf,
    /// Overrides `output_dir`.
    pub output: Option<PathBuf>,
    /// Overrides `base_url`.
    pub base_url: Option<String>,
    pub drafts: bool,
    /// Take over a non-empty output folder briefbook did not write (`build --force`).
    pub force: bool,
}

/// How long each phase took.
#[derive(Debug, Default, Clone)]
pub struct Timings {
    pub phases: Vec<(&'static str, Duration)>,
}

impl Timings {
    fn lap(&mut self, name: &'static str, since: &mut Instant) {
        self.phases.push((name, since.elapsed()));
        *since = Instant::now();
    }
}

/// A book read, checked and resolved: everything but its pages.
#[derive(Clone)]
pub struct Compiled {
    pub files: BookFiles,
    pub book: Book,
    /// The scan of each brief's body, by brief index.
    pub scans: Vec<Arc<Scan>>,
    /// Cross-references resolved, and the book-wide checks.
    pub analysis: Arc<Analysis>,
    pub history: History,
    /// Content path to URL for every page `@/` links may name.
    pub urls: Arc<HashMap<String, String>>,
    /// The facts prose may quote.
    pub facts: Arc<FactIndex>,
    /// The ids of each brief's rows, which its headings may not take.
    pub row_ids: Arc<RowIds>,
    /// The old URLs that redirect because git saw their briefs renamed.
    pub moved: Vec<history::Moved>,
    /// What changed since `--changes-since`, when asked for (`git::changes_since`).
    pub changes: Option<Changes>,
    /// Whether the site is to hold the PDF edition, `book.pdf` (`build --pdf`).
    pub pdf: bool,
    pub output_dir: PathBuf,
    /// Whether writing may take over a folder briefbook did not write (`Options::force`).
    pub force: bool,
    pub warnings: Diagnostics,
    pub timings: Timings,
}

/// What analysing a book found: its links, citations and conflicts resolved (with the errors
/// that resolving met), and the editorial warnings and rigor checks, for the day it was made.
pub struct Analysis {
    pub resolved: Resolved,
    pub checks: Vec<Diagnostic>,
    pub today: jiff::civil::Date,
}

/// Resolves the book and runs every book-wide check.
fn analyse(
    book: &Book,
    scanned: &Scanned,
    failed: &[String],
    today: jiff::civil::Date,
) -> Analysis {
    let resolved = resolve::resolve(book, &scanned.briefs, &scanned.section_anchors, failed);
    let (mut checks, rigor) = rayon::join(
        || crate::analyse::warnings::warnings(book, &resolved, today, failed.is_empty()),
        || crate::analyse::rigor::check(book),
    );
    checks.extend(rigor);
    Analysis {
        resolved,
        checks,
        today,
    }
}

/// Whether an earlier compile's analysis holds for this one: the same day, settings, registry
/// and chapters, the same briefs in the same order with the same front matter, and bodies that
/// show other pages the same headings, citations and links. Analysis reads nothing else.
fn analysis_stands(
    old: &Compiled,
    files: &BookFiles,
    book: &Book,
    scans: &[Arc<Scan>],
    today: jiff::civil::Date,
) -> bool {
    let same_settings = old.analysis.today == today
        && old.files.config.text == files.config.text
        && old.book.config.base_url == book.config.base_url
        && text_of(&old.files.sources_file) == text_of(&files.sources_file);
    let same_sections = old.book.chapters.len() == book.chapters.len()
        && old.book.cover.file.text == book.cover.file.text
        && old.book.chapters.iter().zip(&book.chapters).all(|(a, b)| {
            a.section.path == b.section.path && a.section.file.text == b.section.file.text
        });
    same_settings
        && same_sections
        && old.book.briefs.len() == book.briefs.len()
        && (0..book.briefs.len()).all(|i| {
            let (was, now) = (&old.book.briefs[i], &book.briefs[i]);
            let same_brief = Arc::ptr_eq(&was.brief, &now.brief)
                || (was.brief.path == now.brief.path
                    && was.url == now.url
                    && front_matter(&was.brief) == front_matter(&now.brief));
            let same_body =
                Arc::ptr_eq(&old.scans[i], &scans[i]) || old.scans[i].shows_the_same(&scans[i]);
            same_brief && same_body
        })
}

fn text_of(file: &Option<Arc<SourceFile>>) -> Option<&str> {
    file.as_ref().map(|f| f.text.as_str())
}

/// A brief's front matter as written.
fn front_matter(brief: &crate::model::Brief) -> &str {
    brief
        .file
        .text
        .get(..brief.header.body_offset)
        .unwrap_or("")
}

/// What a compile may take over from an earlier compile of the same book instead of working it
/// out again. The result is the same as a compile from scratch of the same files.
#[derive(Default)]
pub struct Reuse<'a> {
    /// The book's files as loaded already (the server's: the last load with the edited files
    /// read again). Without them the book is loaded from disk.
    pub files: Option<BookFiles>,
    /// The git history as read already. Without it, it is read again.
    pub history: Option<History>,
    /// An earlier compile. With `history` (its history), a brief whose text is unchanged keeps
    /// its parse, and its scan too while what bodies are scanned against (page URLs, quotable
    /// facts, sources) is unchanged.
    pub earlier: Option<&'a Compiled>,
}

/// What a successful build wrote.
pub struct Built {
    pub pages: usize,
    pub output_dir: PathBuf,
    pub warnings: Diagnostics,
    pub timings: Timings,
}

/// Builds the site and writes it; on any error the previous output is left as it was.
pub fn build(options: &Options) -> Result<Built, Diagnostics> {
    write(compile(options)?)
}

/// Every error and warning, writing nothing and running no template.
pub fn check(options: &Options) -> Diagnostics {
    match compile(options) {
        Ok(compiled) => compiled.warnings,
        Err(all) => all,
    }
}

/// Reads, parses, assembles, scans and resolves the book, collecting every problem.
pub fn compile(options: &Options) -> Result<Compiled, Diagnostics> {
    compile_with(options, Reuse::default())
}

/// `compile`, taking over what `reuse` holds. The only compile: `build`, `check` and the server
/// all come through here, so every check runs on every path.
pub fn compile_with(options: &Options, reuse: Reuse) -> Result<Compiled, Diagnostics> {
    let mut timings = Timings::default();
    let mut clock = Instant::now();
    let mut diagnostics = Diagnostics::default();

    let config_file = match &reuse.files {
        Some(files) => files.config.clone(),
        None => load::read_config(&options.root).map_err(|d| Diagnostics::from_iter([d]))?,
    };
    let config = read_config(&config_file, options, &mut diagnostics);
    let output_dir = options
        .output
        .clone()
        .unwrap_or_else(|| options.root.join(&config.output_dir));
    if let Err(d) = crate::output::check_output_dir(&options.root, &output_dir) {
        diagnostics.push(d);
    }
    let files = match reuse.files {
        Some(files) => files,
        None => load::load(&options.root, config_file, &config.theme).map_err(|error| {
            diagnostics.push(error);
            std::mem::take(&mut diagnostics)
        })?,
    };
    diagnostics.extend(files.problems.iter().cloned());
    timings.lap("load", &mut clock);

    // Parses carry the dates their compile's git history gave them: an earlier compile serves
    // only together with that history.
    let earlier_compile = reuse.earlier.filter(|_| reuse.history.is_some());
    let earlier = earlier_compile.map_or_else(Earlier::default, |c| Earlier::of(&c.book));
    let (parts, failed) = parts::parse(&files, &earlier, &mut diagnostics);
    timings.lap("front matter", &mut clock);

    let (mut book, problems) = Book::assemble(config, parts, options.drafts);
    diagnostics.extend(problems);
    let history = reuse.history.unwrap_or_else(|| {
        history::read_if_enabled(&options.root, book.config.git, &mut diagnostics)
    });
    history::date_briefs(&mut book, &history);
    let moved = history::alias_moves(&mut book, &history);
    let urls = markdown::book::page_urls(&book, &failed);
    let facts = markdown::book::fact_index(&book);
    let row_ids = markdown::book::row_ids(&book);
    let kept = kept_scans(earlier_compile, &book, &urls, &facts, &row_ids);
    let scanned = markdown::book::scan(&book, &urls, &facts, &row_ids, &kept, &mut diagnostics);
    timings.lap("markdown scan", &mut clock);

    let today = book
        .config
        .reference_date
        .unwrap_or_else(|| jiff::ZonedDateTime::now().date());
    let analysis = match earlier_compile.filter(|old| {
        failed.is_empty() && analysis_stands(old, &files, &book, &scanned.briefs, today)
    }) {
        Some(old) => old.analysis.clone(),
        None => Arc::new(analyse(&book, &scanned, &failed, today)),
    };
    diagnostics.extend(analysis.resolved.diagnostics.iter().cloned());
    let misspelled = misspelled_fields(&diagnostics);
    let checks = analysis
        .checks
        .iter()
        .filter(|d| !follows_a_misspelling(d, &misspelled));
    diagnostics.extend(checks.cloned());
    diagnostics.extend(crate::analyse::local_links::check_book(
        &book,
        &files.statics,
        &scanned,
        failed.is_empty(),
    ));
    timings.lap("resolve", &mut clock);

    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    Ok(Compiled {
        files,
        book,
        scans: scanned.briefs,
        analysis,
        history,
        urls: Arc::new(urls),
        facts: Arc::new(facts),
        row_ids: Arc::new(row_ids),
        moved,
        changes: None,
        pdf: false,
        output_dir,
        force: options.force,
        warnings: diagnostics,
        timings,
    })
}

/// site.toml's settings with `--base-url` applied (held to site.toml's rules). When site.toml
/// is broken, content is still checked with what stands of it, or with neutral settings.
fn read_config(file: &Arc<SourceFile>, options: &Options, diagnostics: &mut Diagnostics) -> Config {
    let (config, problems) = config::parse(file);
    diagnostics.extend(problems);
    let mut config = config.unwrap_or_else(Config::neutral);
    if let Some(base_url) = &options.base_url {
        if let Err(usage) = config::set_base_url_from_flag(&mut config, base_url) {
            diagnostics.push(usage);
        }
    }
    config
}

/// (file, field) for each unknown field whose suggestion is a known one (`sumary` → `summary`).
fn misspelled_fields(diagnostics: &Diagnostics) -> Vec<(String, &'static str)> {
    let suggested = |d: &Diagnostic| {
        let help = d.help.as_deref()?;
        ["summary"]
            .into_iter()
            .find(|field| help == format!("did you mean `{field}`?"))
    };
    diagnostics
        .iter()
        .filter(|d| d.code == Code::UnknownField)
        .filter_map(|d| Some((d.file.clone()?, suggested(d)?)))
        .collect()
}

/// Whether a warning only repeats a misspelling already reported: a brief whose `sumary` is an
/// unknown field has no summary, but one message says so.
fn follows_a_misspelling(d: &Diagnostic, misspelled: &[(String, &'static str)]) -> bool {
    let field = match d.code {
        Code::MissingSummary => "summary",
        _ => return false,
    };
    d.file
        .as_ref()
        .is_some_and(|file| misspelled.iter().any(|(f, m)| f == file && *m == field))
}

/// Which briefs keep their scan from `earlier`: those whose parse was kept (the same text),
/// while what a body is scanned against (page URLs, quotable facts, row ids, sources) is
/// unchanged.
fn kept_scans<'a>(
    earlier: Option<&'a Compiled>,
    book: &Book,
    urls: &HashMap<String, String>,
    facts: &FactIndex,
    row_ids: &RowIds,
) -> impl Fn(&BookBrief) -> Option<Arc<Scan>> + Sync + 'a {
    let earlier = earlier.filter(|old| {
        *old.urls == *urls
            && *old.facts == *facts
            && *old.row_ids == *row_ids
            && same_sources(&book.sources, &old.book.sources)
    });
    move |b: &BookBrief| {
        let old = earlier?;
        let was = *old.book.brief_index.get(&b.brief.path)?;
        Arc::ptr_eq(&b.brief, &old.book.briefs[was].brief).then(|| old.scans[was].clone())
    }
}

/// Whether two books' sources look the same to a body: the same ids with the same titles.
fn same_sources(
    a: &std::collections::BTreeMap<String, crate::model::Source>,
    b: &std::collections::BTreeMap<String, crate::model::Source>,
) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|((ia, sa), (ib, sb))| ia == ib && sa.title == sb.title)
}

/// Renders a compiled book into a staging folder and swaps it in; on any error (a template,
/// a file that vanished since loading, a full disk) the previous output is left as it was.
pub fn write(mut compiled: Compiled) -> Result<Built, Diagnostics> {
    let mut clock = Instant::now();
    let with_warnings = |error: Diagnostic| {
        let mut all = compiled.warnings.clone();
        all.push(error);
        all
    };
    let cache = RenderCache::new(
        &compiled.files.templates,
        &compiled.book.config.highlight_theme,
    )
    .map_err(with_warnings)?;
    let staging = Staging::create(&compiled.output_dir, compiled.force).map_err(with_warnings)?;
    let sink = Counted::new(&staging);
    let errors = render(&compiled, &cache, What::Site, &sink);
    let pages = sink.count();
    if !errors.is_empty() {
        let mut all = compiled.warnings.clone();
        all.extend(errors);
        return Err(all);
    }
    staging.commit().map_err(with_warnings)?;
    compiled.timings.lap("render and write", &mut clock);
    let built = Built {
        pages,
        output_dir: std::mem::take(&mut compiled.output_dir),
        warnings: std::mem::take(&mut compiled.warnings),
        timings: std::mem::take(&mut compiled.timings),
    };
    // Freeing a large book's millions of values takes a core some 60 ms at 10,000 briefs; the
    // site is written by now, so that is done aside (or by the system, when the command exits).
    // A thread that cannot be made hands the book back, to be freed here.
    let _ = std::thread::Builder::new().spawn(move || drop((compiled, cache)));
    Ok(built)
}

/// What to render of a compiled book.
pub enum What<'a> {
    /// Everything the site holds (`site`).
    Site,
    /// The pages of these briefs (by index in the book) and the search index: what an edit to
    /// those briefs changes, for the server.
    Briefs(&'a [usize]),
    /// The print edition alone, which the server makes when it is asked for.
    PrintEdition,
}

/// Renders `what` of a compiled book into `sink` with the templates and highlighter of `cache`;
/// returns the errors (none when all went well).
pub fn render(
    compiled: &Compiled,
    cache: &RenderCache,
    what: What,
    sink: &dyn Sink,
) -> Vec<Diagnostic> {
    let Compiled { book, scans, .. } = compiled;
    let inputs = render::Inputs {
        book,
        scans,
        resolved: &compiled.analysis.resolved,
        markdown: markdown::book::context(
            book,
            &compiled.urls,
            &compiled.facts,
            &compiled.row_ids,
            &cache.highlighter,
        ),
        highlight_css: book.config.highlight_theme == "css",
        history: &compiled.history,
        changes: compiled.changes.as_ref(),
        pdf: compiled.pdf,
    };
    let renderer = &cache.renderer;
    match what {
        What::Site => site(compiled, cache, &inputs, sink),
        What::Briefs(which) => {
            let mut errors = render::brief_pages(renderer, &inputs, which, sink);
            let labels = &compiled.analysis.resolved.labels;
            errors.extend(
                sink.write(crate::data::search::index_reusing(
                    book,
                    scans,
                    labels,
                    &cache.search,
                ))
                .err(),
            );
            // A title may have changed: the sidebar's tree is rewritten with the search index.
            errors.extend(sink.write(render::toc::script(book)).err());
            errors
        }
        What::PrintEdition => render::print_edition(renderer, &inputs, sink)
            .err()
            .into_iter()
            .collect(),
    }
}

/// Everything a site holds, in the order it is written (a later file wins over an earlier one
/// of the same path): the book's static and co-located files; every page (briefs with the print
/// edition, chapters, indexes and tags, cover, 404) and the redirects from old URLs; the data
/// files (book.json and facts.csv, the feed, the search index, the sidebar's tree, CSL-JSON, the sitemap); the
/// theme's static files.
fn site(
    compiled: &Compiled,
    cache: &RenderCache,
    inputs: &render::Inputs,
    sink: &dyn Sink,
) -> Vec<Diagnostic> {
    let Compiled { book, scans, .. } = compiled;
    let renderer = &cache.renderer;
    let mut errors: Vec<Diagnostic> = book_files(compiled)
        .par_iter()
        .filter_map(|(from, path)| sink.copy(from, path).err())
        .collect();
    // The redirects and data files are serial jobs: made beside the pages, and each handed to the sink as
    // soon as it exists, so that none waits in memory for the others.
    let tag_urls = || -> Vec<String> {
        let tags = render::indexes::tags(book);
        tags.into_iter().map(|t| t.url).collect()
    };
    let data_files: [&(dyn Fn() -> Vec<OutputFile> + Sync); 7] = [
        &|| render::redirects::pages(book),
        &|| crate::data::export::exports(book, &compiled.analysis.resolved, &compiled.history),
        &|| vec![crate::data::feeds::atom(book)],
        &|| {
            let labels = &compiled.analysis.resolved.labels;
            vec![crate::data::search::index_reusing(
                book,
                scans,
                labels,
                &cache.search,
            )]
        },
        &|| vec![render::toc::script(book)],
        &|| vec![crate::data::csl::csl_json(book)],
        &|| {
            let with_changes = compiled.changes.is_some();
            vec![crate::data::feeds::sitemap(book, &tag_urls(), with_changes)]
        },
    ];
    // The PDF edition, when asked for, is typeset beside the pages: it takes longer than all of
    // them, and on one core of its own it adds little to the build's wall time.
    let pdf = || {
        let file = compiled.pdf.then(|| pdf_file(compiled));
        file.and_then(|file| file.and_then(|file| sink.write(file)).err())
    };
    let ((pages, data), pdf) = rayon::join(
        || {
            rayon::join(
                || render::pages(renderer, inputs, sink),
                || {
                    let files = data_files.iter().flat_map(|make| make());
                    files
                        .filter_map(|file| sink.write(file).err())
                        .collect::<Vec<_>>()
                },
            )
        },
        pdf,
    );
    errors.extend(pages);
    errors.extend(data);
    errors.extend(pdf);
    let theme_files = theme_files(compiled, inputs.highlight_css);
    errors.extend(
        theme_files
            .into_iter()
            .filter_map(|file| sink.write(file).err()),
    );
    errors
}

/// The PDF edition of a compiled book (section 9 of the format): the same book, analysis and
/// diagnostics as the site.
/// Also says how many characters no bundled font can show (printed as U+FFFD), and adds the
/// typesetting's phases to the compile's timings.
#[cfg(feature = "pdf")]
pub fn pdf(compiled: &Compiled) -> Result<(Vec<u8>, usize, Timings), Diagnostic> {
    let typeset = crate::pdf::typeset(&pdf_input(compiled))?;
    let mut timings = compiled.timings.clone();
    timings.phases.extend(typeset.phases);
    Ok((typeset.bytes, typeset.replaced, timings))
}

/// The Typst markup of the PDF edition, before typesetting (see `pdf::markup`).
#[cfg(feature = "pdf")]
pub fn pdf_markup(compiled: &Compiled) -> String {
    crate::pdf::markup(&pdf_input(compiled))
}

#[cfg(feature = "pdf")]
fn pdf_input(compiled: &Compiled) -> crate::pdf::Input<'_> {
    crate::pdf::Input {
        book: &compiled.book,
        scans: &compiled.scans,
        resolved: &compiled.analysis.resolved,
        facts: &compiled.facts,
        history: &compiled.history,
        theme: &compiled.files.pdf_theme,
    }
}

/// Without the `pdf` feature there is no typesetter: asking for the PDF is a usage error.
#[cfg(not(feature = "pdf"))]
pub fn pdf(_compiled: &Compiled) -> Result<(Vec<u8>, usize, Timings), Diagnostic> {
    Err(Diagnostic::error(
        Code::Usage,
        "this briefbook was built without the PDF edition",
    )
    .with_help("build briefbook with its default features (the `pdf` feature) to make PDFs"))
}

/// `book.pdf`, the site's copy of the PDF edition.
fn pdf_file(compiled: &Compiled) -> Result<OutputFile, Diagnostic> {
    Ok(OutputFile {
        path: "book.pdf".to_string(),
        bytes: pdf(compiled)?.0,
    })
}

/// The book's own files copied into the site, as (from, path in the site): static files, then
/// co-located content files.
pub fn book_files(compiled: &Compiled) -> Vec<(&Path, &str)> {
    let statics = compiled.files.statics.iter();
    let statics = statics.map(|f| (f.from.as_path(), f.rel.as_str()));
    let assets = compiled.book.assets.iter();
    let assets = assets.map(|(f, dest)| (f.from.as_path(), dest.as_str()));
    statics.chain(assets).collect()
}

/// The default theme's static files that the book does not override, and the highlighting
/// stylesheet in "css" mode.
fn theme_files(compiled: &Compiled, highlight_css: bool) -> Vec<OutputFile> {
    let overridden = |path: &str| compiled.files.statics.iter().any(|f| f.rel == path);
    let mut files: Vec<OutputFile> = render::theme::STATIC
        .iter()
        .filter(|(path, _)| !overridden(path))
        .map(|(path, text)| OutputFile {
            path: path.to_string(),
            bytes: text.as_bytes().to_vec(),
        })
        .collect();
    if highlight_css {
        files.push(OutputFile {
            path: "highlight.css".into(),
            bytes: crate::markdown::highlight::Highlighter::stylesheet().into_bytes(),
        });
    }
    files
}

/// The book root given on the command line, or the current folder.
pub fn root_or_current(root: Option<&Path>) -> PathBuf {
    root.map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}
