//! The build, top to bottom: load, parse, assemble, scan Markdown, resolve, check, then render
//! each page straight into a staging folder that is swapped in when everything succeeded.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::analyse::resolve::{self, Resolved};
use crate::diagnostic::{Diagnostic, Diagnostics, SourceFile};
use crate::markdown::highlight::Highlighter;
use crate::markdown::{self, Scan};
use crate::output::Staging;
use crate::read::book::{Book, BookBrief, Parts};
use crate::read::config::{self, Config};
use crate::read::load::{self, BookFiles};
use crate::read::page::{self, Parsed};
use crate::render::{self, OutputFile, Renderer, Sink};

#[derive(Clone, Debug, Default)]
pub struct Options {
    pub root: PathBuf,
    /// Overrides `output_dir`.
    pub output: Option<PathBuf>,
    /// Overrides `base_url`.
    pub base_url: Option<String>,
    pub drafts: bool,
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
    pub resolved: Arc<Resolved>,
    pub history: crate::read::history::History,
    /// What changed since `--changes-since`, when asked for.
    pub changes: Option<crate::analyse::changes::Changes>,
    pub output_dir: PathBuf,
    pub warnings: Diagnostics,
    pub timings: Timings,
    /// Made when first rendered, and shared by the copies the server makes for an edit to bodies.
    derived: Arc<OnceLock<Result<Derived, Diagnostic>>>,
}

/// What rendering derives from a compile that an edit to bodies leaves alone: the compiled
/// templates, the page URLs, the quotable facts and the highlighter (with what it remembers).
/// The templates and the highlighter also outlast an edit to front matter (`share_derived`).
pub(crate) struct Derived {
    pub renderer: Arc<Renderer>,
    pub urls: HashMap<String, String>,
    pub facts: markdown::FactIndex,
    pub highlighter: Arc<Highlighter>,
}

impl Compiled {
    /// This compile made over for another state of the same files: the server's recompile
    /// after an edit to some briefs' front matter. What rendering derives is made again, unless
    /// `share_derived` hands it over.
    pub(crate) fn remade(
        &self,
        files: BookFiles,
        book: Book,
        scans: Vec<Arc<Scan>>,
        resolved: Resolved,
        warnings: Diagnostics,
    ) -> Compiled {
        Compiled {
            files,
            book,
            scans,
            resolved: Arc::new(resolved),
            history: self.history.clone(),
            changes: None,
            output_dir: self.output_dir.clone(),
            warnings,
            timings: Timings::default(),
            derived: Arc::default(),
        }
    }

    /// Takes `from`'s compiled templates and highlighter (the same templates and settings) with
    /// this book's page URLs and quotable facts, instead of compiling the templates again.
    pub(crate) fn share_derived(
        &self,
        from: &Compiled,
        urls: HashMap<String, String>,
        facts: markdown::FactIndex,
    ) {
        if let Some(Ok(old)) = from.derived.get() {
            let _ = self.derived.set(Ok(Derived {
                renderer: old.renderer.clone(),
                urls,
                facts,
                highlighter: old.highlighter.clone(),
            }));
        }
    }

    pub(crate) fn derived(&self) -> Result<&Derived, Diagnostic> {
        self.derived
            .get_or_init(|| {
                Ok(Derived {
                    renderer: Arc::new(Renderer::new(&self.files.templates)?),
                    urls: page_urls(&self.book, &[]),
                    facts: fact_index(&self.book),
                    highlighter: Arc::new(Highlighter::new(&self.book.config.highlight_theme)),
                })
            })
            .as_ref()
            .map_err(Clone::clone)
    }
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

/// Renders a compiled book into a staging folder and swaps it in; on any error (a template,
/// a file that vanished since loading, a full disk) the previous output is left as it was.
pub fn write(mut compiled: Compiled) -> Result<Built, Diagnostics> {
    let mut clock = Instant::now();
    let with_warnings = |error: Diagnostic| {
        let mut all = compiled.warnings.clone();
        all.push(error);
        all
    };
    let staging = Staging::create(&compiled.output_dir).map_err(with_warnings)?;
    let sink = Counted::new(&staging);
    copy_files(&compiled, &staging).map_err(with_warnings)?;
    let errors = render_site(&compiled, &sink);
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
    let _ = std::thread::Builder::new().spawn(move || drop(compiled));
    Ok(built)
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
    let mut timings = Timings::default();
    let mut clock = Instant::now();
    let mut diagnostics = Diagnostics::default();

    let config_file = load::read_config(&options.root).map_err(|d| Diagnostics::from_iter([d]))?;
    let (config, config_problems) = config::parse(&config_file);
    diagnostics.extend(config_problems);
    let mut config = config.unwrap_or_else(|| fallback_config(&config_file));
    if let Some(base_url) = &options.base_url {
        config.base_url = if base_url.ends_with('/') {
            base_url.clone()
        } else {
            format!("{base_url}/")
        };
    }
    let output_dir = options
        .output
        .clone()
        .unwrap_or_else(|| options.root.join(&config.output_dir));
    if let Err(d) = crate::output::check_output_dir(&options.root, &output_dir) {
        diagnostics.push(d);
    }
    let files = match load::load(&options.root, config_file, &config.theme) {
        Ok(files) => files,
        Err(error) => {
            diagnostics.push(error);
            return Err(diagnostics);
        }
    };
    diagnostics.extend(files.problems.iter().cloned());
    timings.lap("load", &mut clock);

    let (parts, failed) = parse_files(&files, &mut diagnostics);
    timings.lap("front matter", &mut clock);

    let (mut book, problems) = Book::assemble(config, parts, options.drafts);
    diagnostics.extend(problems);
    let history = read_history(&options.root, book.config.git, &mut diagnostics);
    dates_from_history(&mut book, &history);
    let urls = page_urls(&book, &failed);
    let (scans, section_anchors) = scan_bodies(&book, &urls, &mut diagnostics, &|_| None);
    timings.lap("markdown scan", &mut clock);

    let resolved = resolve::resolve(&book, &scans, &section_anchors, &failed);
    diagnostics.extend(resolved.diagnostics.iter().cloned());
    let today = book
        .config
        .reference_date
        .unwrap_or_else(|| jiff::ZonedDateTime::now().date());
    let (warnings, rigor) = rayon::join(
        || crate::analyse::warnings::warnings(&book, &resolved, today),
        || crate::analyse::rigor::check(&book),
    );
    diagnostics.extend(warnings);
    diagnostics.extend(rigor);
    timings.lap("resolve", &mut clock);

    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    Ok(Compiled {
        files,
        book,
        scans,
        resolved: Arc::new(resolved),
        history,
        changes: None,
        output_dir,
        warnings: diagnostics,
        timings,
        derived: Arc::default(),
    })
}

/// The book's git history when `[git] enabled` allows it: by default, when the book is in a git
/// work tree. Anything that stops git from helping is one warning, never an error.
fn read_history(
    root: &Path,
    enabled: Option<bool>,
    diagnostics: &mut Diagnostics,
) -> crate::read::history::History {
    let in_a_repository = || {
        let start = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        start.ancestors().any(|dir| dir.join(".git").exists())
    };
    if enabled == Some(false) || (enabled.is_none() && !in_a_repository()) {
        return Default::default();
    }
    crate::read::history::read(root).unwrap_or_else(|warning| {
        diagnostics.push(warning.in_file("site.toml"));
        Default::default()
    })
}

/// A brief without `updated` takes the date of the last commit that touched its file.
pub(crate) fn dates_from_history(book: &mut Book, history: &crate::read::history::History) {
    for b in &mut book.briefs {
        if b.brief.updated.is_none() {
            if let Some(last) = history
                .revisions
                .get(&b.brief.file.path)
                .and_then(|r| r.first())
            {
                let date = b.brief.date;
                Arc::make_mut(&mut b.brief).updated = Some(last.date).filter(|d| *d > date);
            }
        }
    }
}

/// When site.toml is broken, content is still checked with neutral settings.
fn fallback_config(file: &Arc<SourceFile>) -> Config {
    let stub = SourceFile::new(file.path.clone(), "title = \"\"\nbase_url = \"/\"\n");
    config::parse(&stub)
        .0
        .expect("the fallback configuration is valid")
}

/// Parses every content file in parallel; returns the parts and the paths that failed.
fn parse_files(files: &BookFiles, diagnostics: &mut Diagnostics) -> (Parts, Vec<String>) {
    enum Any {
        Section(Parsed<crate::model::Section>),
        Brief(Parsed<crate::model::Brief>),
    }
    let parsed: Vec<(String, Any)> = files
        .pages
        .par_iter()
        .map(|(path, file)| {
            let is_section = path == "_index.md" || path.ends_with("/_index.md");
            let any = if is_section {
                Any::Section(page::parse_section(path, file.clone()))
            } else {
                Any::Brief(page::parse_brief(path, file.clone()))
            };
            (path.clone(), any)
        })
        .collect();
    let mut parts = Parts {
        sections: Vec::new(),
        briefs: Vec::new(),
        registry_sources: Vec::new(),
        assets: files.assets.clone(),
    };
    let mut failed = Vec::new();
    for (path, any) in parsed {
        let ok = match any {
            Any::Section(p) => {
                diagnostics.extend(p.diagnostics);
                p.value.map(|s| parts.sections.push(s)).is_some()
            }
            Any::Brief(p) => {
                diagnostics.extend(p.diagnostics);
                p.value.map(|b| parts.briefs.push(Arc::new(b))).is_some()
            }
        };
        if !ok {
            failed.push(path);
        }
    }
    if let Some(file) = &files.sources_file {
        let p = page::parse_sources_file(file.clone());
        diagnostics.extend(p.diagnostics);
        parts.registry_sources = p.value.unwrap_or_default();
    }
    (parts, failed)
}

/// Content path to URL for every page `@/` links may name.
pub(crate) fn page_urls(book: &Book, failed: &[String]) -> HashMap<String, String> {
    let mut urls: HashMap<String, String> = book
        .briefs
        .iter()
        .map(|b| (b.brief.path.clone(), b.url.clone()))
        .collect();
    urls.extend(
        book.chapters
            .iter()
            .map(|c| (c.section.path.clone(), c.url.clone())),
    );
    urls.insert("_index.md".into(), String::new());
    // Pages that failed to parse were reported already; links to them are not errors twice.
    urls.extend(failed.iter().map(|p| (p.clone(), String::new())));
    urls
}

/// Scans every body: the briefs' scans, and the heading ids of the cover and chapters. `kept`
/// may hand back a brief's scan from an earlier compile instead (with its diagnostics).
pub(crate) fn scan_bodies(
    book: &Book,
    urls: &HashMap<String, String>,
    diagnostics: &mut Diagnostics,
    kept: &(dyn Fn(&BookBrief) -> Option<Arc<Scan>> + Sync),
) -> (Vec<Arc<Scan>>, HashMap<String, Vec<String>>) {
    let highlighter = Highlighter::new(&book.config.highlight_theme);
    let facts = fact_index(book);
    let base = markdown_context(book, urls, &highlighter, &facts);
    let scans: Vec<Arc<Scan>> = book
        .briefs
        .par_iter()
        .map(|b| {
            if let Some(scan) = kept(b) {
                return scan;
            }
            let h = &b.brief.header;
            Arc::new(markdown::scan(
                &b.brief.file,
                b.brief.body(),
                h.body_offset,
                &markdown::Context {
                    page_url: &b.url,
                    page_path: &b.brief.path,
                    ..base
                },
            ))
        })
        .collect();
    let sections: Vec<(&crate::model::Section, &str)> = std::iter::once((&book.cover, ""))
        .chain(book.chapters.iter().map(|c| (&c.section, c.url.as_str())))
        .collect();
    let section_scans: Vec<(String, Scan)> = sections
        .par_iter()
        .map(|(s, url)| {
            let cx = markdown::Context {
                page_url: url,
                page_path: &s.path,
                ..base
            };
            (
                s.path.clone(),
                markdown::scan(&s.file, s.body(), s.header.body_offset, &cx),
            )
        })
        .collect();
    for scan in scans
        .iter()
        .map(|s| &**s)
        .chain(section_scans.iter().map(|(_, s)| s))
    {
        diagnostics.extend(scan.diagnostics.iter().cloned());
    }
    let anchors = section_scans
        .into_iter()
        .map(|(path, s)| (path, s.headings.into_iter().map(|h| h.id).collect()))
        .collect();
    (scans, anchors)
}

/// Every fact with an id, as prose quotes it: the value with its unit, and its brief's page.
pub(crate) fn fact_index(book: &Book) -> markdown::FactIndex {
    let mut index = markdown::FactIndex::new();
    for b in &book.briefs {
        for fact in &b.brief.facts {
            let Some(id) = &fact.id else { continue };
            let value = fact.value.display();
            let display = match fact.unit.as_deref() {
                Some("%") => format!("{value}%"),
                Some(unit) => format!("{value} {unit}"),
                None => value,
            };
            index.insert(
                (b.brief.path.clone(), id.clone()),
                markdown::QuotedFact {
                    display,
                    page_url: b.url.clone(),
                },
            );
        }
    }
    index
}

pub(crate) fn markdown_context<'a>(
    book: &'a Book,
    urls: &'a HashMap<String, String>,
    highlighter: &'a Highlighter,
    facts: &'a markdown::FactIndex,
) -> markdown::Context<'a> {
    markdown::Context {
        sources: &book.sources,
        urls,
        page_url: "",
        page_path: "",
        facts,
        highlighter,
        allow_raw_html: book.config.allow_raw_html,
        id_prefix: "",
        heading_offset: 0,
    }
}

/// Every page, the exports and the theme's files, into `sink`; returns the errors.
pub fn render_site(compiled: &Compiled, sink: &dyn Sink) -> Vec<Diagnostic> {
    with_renderer(compiled, |renderer, inputs| {
        render_everything(compiled, renderer, inputs, sink)
    })
    .unwrap_or_else(|e| vec![e])
}

/// Runs `work` with the templates compiled and everything rendering needs.
pub(crate) fn with_renderer<T>(
    compiled: &Compiled,
    work: impl FnOnce(&Renderer, &render::Inputs) -> T,
) -> Result<T, Diagnostic> {
    let Compiled {
        book,
        scans,
        resolved,
        history,
        changes,
        ..
    } = compiled;
    let derived = compiled.derived()?;
    let inputs = render::Inputs {
        book,
        scans,
        resolved,
        markdown: markdown_context(book, &derived.urls, &derived.highlighter, &derived.facts),
        highlight_css: book.config.highlight_theme == "css",
        history,
        changes: changes.as_ref(),
    };
    Ok(work(&derived.renderer, &inputs))
}

fn render_everything(
    compiled: &Compiled,
    renderer: &Renderer,
    inputs: &render::Inputs,
    sink: &dyn Sink,
) -> Vec<Diagnostic> {
    let Compiled {
        files,
        book,
        scans,
        resolved,
        history,
        ..
    } = compiled;
    let css_mode = inputs.highlight_css;
    // The data files are serial jobs: make them beside the pages, and hand each to the sink as
    // soon as it exists so that none waits in memory for the others.
    let (mut errors, data_errors) = rayon::join(
        || render::render_pages(renderer, inputs, sink),
        || {
            let tag_urls: Vec<String> = crate::render::indexes::tags(book)
                .into_iter()
                .map(|t| t.url)
                .collect();
            let makers: [&dyn Fn() -> Vec<OutputFile>; 5] = [
                &|| crate::data::export::exports(book, resolved, history),
                &|| vec![crate::data::feeds::atom(book)],
                &|| vec![crate::data::search::index(book, scans)],
                &|| vec![crate::data::csl::csl_json(book)],
                &|| vec![crate::data::feeds::sitemap(book, &tag_urls)],
            ];
            makers
                .iter()
                .flat_map(|make| make())
                .filter_map(|file| sink.write(file).err())
                .collect::<Vec<_>>()
        },
    );
    errors.extend(data_errors);
    let mut extra = Vec::new();
    let overridden = |path: &str| files.statics.iter().any(|f| f.rel == path);
    for (path, text) in crate::render::theme::STATIC {
        if !overridden(path) {
            extra.push(OutputFile {
                path: path.to_string(),
                bytes: text.as_bytes().to_vec(),
            });
        }
    }
    if css_mode {
        extra.push(OutputFile {
            path: "highlight.css".into(),
            bytes: Highlighter::stylesheet().into_bytes(),
        });
    }
    errors.extend(extra.into_iter().filter_map(|file| sink.write(file).err()));
    errors
}

/// A sink that counts the files written through it, whole or in parts.
struct Counted<'a> {
    inner: &'a dyn Sink,
    files: std::sync::atomic::AtomicUsize,
    /// The files written in parts, each counted once.
    in_parts: Mutex<HashSet<String>>,
}

impl<'a> Counted<'a> {
    fn new(inner: &'a dyn Sink) -> Self {
        Counted {
            inner,
            files: Default::default(),
            in_parts: Default::default(),
        }
    }

    fn count(self) -> usize {
        let in_parts = self.in_parts.into_inner().map_or(0, |paths| paths.len());
        self.files.into_inner() + in_parts
    }
}

impl Sink for Counted<'_> {
    fn write(&self, file: OutputFile) -> Result<(), Diagnostic> {
        self.files
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.inner.write(file)
    }
    fn append(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        if let Ok(mut paths) = self.in_parts.lock() {
            if !paths.contains(path) {
                paths.insert(path.to_string());
            }
        }
        self.inner.append(path, bytes)
    }
}

/// Static files, then co-located content files, as (from, path in the site). Pages written
/// later win over a static file of the same path.
pub(crate) fn file_copies(compiled: &Compiled) -> Vec<(&PathBuf, &str)> {
    let statics = compiled
        .files
        .statics
        .iter()
        .map(|f| (&f.from, f.rel.as_str()));
    let assets = compiled
        .book
        .assets
        .iter()
        .map(|(f, dest)| (&f.from, dest.as_str()));
    statics.chain(assets).collect()
}

fn copy_files(compiled: &Compiled, staging: &Staging) -> Result<(), Diagnostic> {
    file_copies(compiled)
        .par_iter()
        .try_for_each(|(from, rel)| staging.copy(from, rel))
}

/// The book root given on the command line, or the current folder.
pub fn root_or_current(root: Option<&Path>) -> PathBuf {
    root.map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}
