//! The build, top to bottom: load, parse, assemble, render Markdown, resolve, check, render, write.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::book::{Book, Parts};
use crate::config::{self, Config};
use crate::diagnostic::{Diagnostic, Diagnostics, SourceFile};
use crate::highlight::Highlighter;
use crate::load::{self, BookFiles};
use crate::markdown::{self, Rendered};
use crate::page::{self, Parsed};
use crate::render::{self, OutputFile, Renderer};
use crate::resolve::{self, Resolved};

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

/// A book that compiled: its pages and files to copy, with its warnings.
pub struct Site {
    pub files: Vec<OutputFile>,
    /// (source file, path in the output)
    pub copies: Vec<(PathBuf, String)>,
    pub output_dir: PathBuf,
    pub warnings: Diagnostics,
    pub timings: Timings,
}

/// Builds the site and writes it; on any error nothing is written.
pub fn build(options: &Options) -> Result<Site, Diagnostics> {
    let mut site = compile(options, true)?;
    let mut clock = Instant::now();
    crate::output::write_site(&site.output_dir, &site.files, &site.copies)
        .map_err(|d| one(d, &site.warnings))?;
    site.timings.lap("write", &mut clock);
    Ok(site)
}

/// Every error and warning, writing nothing.
pub fn check(options: &Options) -> Diagnostics {
    match compile(options, false) {
        Ok(site) => site.warnings,
        Err(all) => all,
    }
}

fn one(error: Diagnostic, warnings: &Diagnostics) -> Diagnostics {
    let mut all = warnings.clone();
    all.push(error);
    all
}

/// Everything but writing. With `render_pages` false (for `check`), templates are not run.
pub fn compile(options: &Options, render_pages: bool) -> Result<Site, Diagnostics> {
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

    let (book, problems) = Book::assemble(config, parts, options.drafts);
    diagnostics.extend(problems);
    let highlighter = Highlighter::new(&book.config.highlight_theme);
    let bodies = render_markdown(&book, &failed, &highlighter);
    timings.lap("markdown", &mut clock);

    for body in bodies.briefs.iter().chain(&bodies.sections) {
        diagnostics.extend(body.diagnostics.iter().cloned());
    }
    let resolved = resolve::resolve(&book, &bodies.briefs, &bodies.section_anchors, &failed);
    diagnostics.extend(resolved.diagnostics.iter().cloned());
    let today = book
        .config
        .reference_date
        .unwrap_or_else(|| jiff::ZonedDateTime::now().date());
    diagnostics.extend(crate::check::warnings(&book, &resolved, today));
    timings.lap("resolve", &mut clock);

    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    let mut site = Site {
        files: Vec::new(),
        copies: copies(&files, &book),
        output_dir,
        warnings: diagnostics,
        timings,
    };
    if render_pages {
        site.files = render_site(&files, &book, &bodies, &resolved).map_err(|errors| {
            let mut all = site.warnings.clone();
            all.extend(errors);
            all
        })?;
        site.timings.lap("templates", &mut clock);
    }
    Ok(site)
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
                p.value.map(|b| parts.briefs.push(b)).is_some()
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

struct Bodies {
    briefs: Vec<Rendered>,
    /// The cover first, then each chapter.
    sections: Vec<Rendered>,
    section_anchors: HashMap<String, Vec<String>>,
}

fn render_markdown(book: &Book, failed: &[String], highlighter: &Highlighter) -> Bodies {
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
    let base = markdown::Context {
        sources: &book.sources,
        urls: &urls,
        page_url: "",
        highlighter,
        allow_raw_html: book.config.allow_raw_html,
    };
    let context = |page_url| markdown::Context { page_url, ..base };
    let briefs = book
        .briefs
        .par_iter()
        .map(|b| {
            let h = &b.brief.header;
            markdown::render(&b.brief.file, &h.body, h.body_offset, &context(&b.url))
        })
        .collect();
    let sections: Vec<Rendered> = std::iter::once((&book.cover, ""))
        .chain(book.chapters.iter().map(|c| (&c.section, c.url.as_str())))
        .collect::<Vec<_>>()
        .par_iter()
        .map(|(s, url)| {
            markdown::render(&s.file, &s.header.body, s.header.body_offset, &context(url))
        })
        .collect();
    let section_anchors = std::iter::once(&book.cover)
        .chain(book.chapters.iter().map(|c| &c.section))
        .zip(&sections)
        .map(|(s, r)| {
            (
                s.path.clone(),
                r.headings.iter().map(|h| h.id.clone()).collect(),
            )
        })
        .collect();
    Bodies {
        briefs,
        sections,
        section_anchors,
    }
}

fn render_site(
    files: &BookFiles,
    book: &Book,
    bodies: &Bodies,
    resolved: &Resolved,
) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    let renderer = Renderer::new(&files.templates).map_err(|d| vec![d])?;
    let css_mode = book.config.highlight_theme == "css";
    let inputs = render::Inputs {
        book,
        bodies: &bodies.briefs,
        cover: &bodies.sections[0],
        chapters: &bodies.sections[1..],
        resolved,
        highlight_css: css_mode,
    };
    let mut pages = render::render_pages(&renderer, &inputs)?;
    pages.extend(crate::export::exports(book, resolved));
    let overridden = |path: &str| files.statics.iter().any(|f| f.rel == path);
    for (path, text) in crate::theme::STATIC {
        if !overridden(path) {
            pages.push(OutputFile {
                path: path.to_string(),
                bytes: text.as_bytes().to_vec(),
            });
        }
    }
    if css_mode {
        pages.push(OutputFile {
            path: "highlight.css".into(),
            bytes: Highlighter::stylesheet().into_bytes(),
        });
    }
    pages.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(pages)
}

/// Static files, then co-located content files, as (from, to) pairs.
fn copies(files: &BookFiles, book: &Book) -> Vec<(PathBuf, String)> {
    files
        .statics
        .iter()
        .map(|f| (f.from.clone(), f.rel.clone()))
        .chain(
            book.assets
                .iter()
                .map(|(f, dest)| (f.from.clone(), dest.clone())),
        )
        .collect()
}

/// The book root given on the command line, or the current folder.
pub fn root_or_current(root: Option<&Path>) -> PathBuf {
    root.map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}
