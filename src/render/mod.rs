//! Rendering pages with Tera: views in, (relative path, bytes) handed to a sink. Writes nothing itself.

pub mod indexes;
pub mod json_ld;
pub mod print;
pub mod theme;
pub mod views;

use std::error::Error as _;
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera};

use crate::analyse::resolve::Resolved;
use crate::diagnostic::{Code, Diagnostic};
use crate::markdown::highlight::Highlighter;
use crate::markdown::{self, Scan};
use crate::model::fact_anchor;
use crate::model::index_pages::IndexPage;
use crate::read::book::{Book, BookBrief};
use crate::render::views::*;

/// A file of the built site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Relative to the output folder, with `/` separators.
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Tera with the default theme and the book's overrides, compiled once.
pub struct Renderer {
    tera: Tera,
}

impl Renderer {
    /// `overrides` replace the built-in templates by name; later entries win.
    pub fn new(overrides: &[(String, String)]) -> Result<Self, Diagnostic> {
        let mut templates: Vec<(String, String)> = crate::render::theme::TEMPLATES
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect();
        for (name, text) in overrides {
            templates.retain(|(n, _)| n != name);
            templates.push((name.clone(), text.clone()));
        }
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        // Tera's own escaper also rewrites `/`, which bloats every URL for no safety gain.
        tera.set_escape_fn(crate::text::escape_html);
        tera.add_raw_templates(templates)
            .map_err(|e| template_error(&e))?;
        Ok(Renderer { tera })
    }

    pub(crate) fn render(&self, template: &str, context: &Context) -> Result<Vec<u8>, Diagnostic> {
        // Rendered into a buffer sized for a typical page: Tera's own starts at 2 KB and is
        // copied as it doubles, and it checks as UTF-8 what only Strings were written into.
        let mut bytes = Vec::with_capacity(PAGE_SIZE_HINT);
        self.tera
            .render_to(template, context, &mut bytes)
            .map_err(|e| template_error(&e))?;
        Ok(bytes)
    }
}

/// What rendering keeps from one compile of a book to the next: the compiled templates and the
/// highlighter (with the styles it has matched). A build makes its own; the server keeps one
/// across edits and makes a new one only when the templates or the highlight theme change.
pub struct RenderCache {
    pub renderer: Renderer,
    pub highlighter: Highlighter,
    /// What the cache was made from, to tell whether it still serves.
    templates: Vec<(String, String)>,
    highlight_theme: String,
}

impl RenderCache {
    pub fn new(templates: &[(String, String)], highlight_theme: &str) -> Result<Self, Diagnostic> {
        Ok(RenderCache {
            renderer: Renderer::new(templates)?,
            highlighter: Highlighter::new(highlight_theme),
            templates: templates.to_vec(),
            highlight_theme: highlight_theme.to_string(),
        })
    }

    /// `kept` when it was made from the same templates and highlight theme; else a new cache.
    pub fn kept_or_new(
        kept: Option<&Arc<RenderCache>>,
        templates: &[(String, String)],
        highlight_theme: &str,
    ) -> Result<Arc<RenderCache>, Diagnostic> {
        match kept {
            Some(cache)
                if cache.templates == templates && cache.highlight_theme == highlight_theme =>
            {
                Ok(cache.clone())
            }
            _ => Ok(Arc::new(RenderCache::new(templates, highlight_theme)?)),
        }
    }
}

/// The buffer a page is rendered into at first: a brief's page is 10 to 30 KB.
const PAGE_SIZE_HINT: usize = 32 * 1024;

/// How many rows of a long list one template context holds.
const ROWS_PER_CHUNK: usize = 256;

/// Renders a long list through a row template (which sees `root` and `rows`) in chunks, in
/// parallel, and returns the rows' HTML: no context holds the whole list, so a 30,000-row
/// facts table costs a few megabytes of template values rather than hundreds.
pub(crate) fn render_rows<T: Serialize + Sync>(
    renderer: &Renderer,
    template: &str,
    root: &str,
    rows: &[T],
) -> Result<String, Diagnostic> {
    let pieces: Vec<Vec<u8>> = rows
        .par_chunks(ROWS_PER_CHUNK)
        .map(|chunk| {
            let mut cx = Context::new();
            cx.insert("root", root);
            cx.insert("rows", chunk);
            renderer.render(template, &cx)
        })
        .collect::<Result<_, _>>()?;
    // Tera writes only strings, so the rows are UTF-8.
    String::from_utf8(pieces.concat())
        .map_err(|e| Diagnostic::error(Code::Template, format!("rows that are not UTF-8: {e}")))
}

fn template_error(error: &tera::Error) -> Diagnostic {
    let mut message = error.to_string();
    let mut cause = error.source();
    while let Some(inner) = cause {
        message.push_str(": ");
        message.push_str(&inner.to_string());
        cause = inner.source();
    }
    Diagnostic::error(Code::Template, message)
}

/// Where rendered files go: the staging folder of a build, or memory for tests and the server.
/// Called from several threads at once.
pub trait Sink: Sync {
    /// Writes a whole file.
    fn write(&self, file: OutputFile) -> Result<(), Diagnostic>;
    /// Adds to the end of a file, creating it if needed: for pages written in parts so that
    /// they are never whole in memory (the print edition of a large book).
    fn append(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic>;
    /// Copies a file of the book (a static or co-located file) to `path`: read and written
    /// whole, unless the sink can have the system copy it.
    fn copy(&self, from: &std::path::Path, path: &str) -> Result<(), Diagnostic> {
        let bytes = std::fs::read(from).map_err(|e| {
            Diagnostic::error(Code::Io, format!("cannot read {}: {e}", from.display()))
        })?;
        self.write(OutputFile {
            path: path.to_string(),
            bytes,
        })
    }
}

/// What the renderer needs besides the templates.
pub struct Inputs<'a> {
    pub book: &'a Book,
    /// The scan of each brief's body, by brief index.
    pub scans: &'a [Arc<Scan>],
    pub resolved: &'a Resolved,
    /// What rendering a body to HTML needs; `page_url` is set per page.
    pub markdown: markdown::Context<'a>,
    pub highlight_css: bool,
    pub history: &'a crate::read::history::History,
    pub changes: Option<&'a crate::analyse::changes::Changes>,
}

impl Inputs<'_> {
    /// A page's body as HTML, rendered when the page is (never kept for the whole book).
    pub(crate) fn body_html(
        &self,
        file: &crate::diagnostic::SourceFile,
        header: &crate::model::PageHeader,
        page: (&str, &str),
    ) -> String {
        self.body_html_with(file, header, page, "", 0)
    }

    /// A body as HTML for another page than its own: its ids under `id_prefix`, its headings
    /// `heading_offset` levels down. `page` is the page's URL and the body's content path.
    pub(crate) fn body_html_with(
        &self,
        file: &crate::diagnostic::SourceFile,
        header: &crate::model::PageHeader,
        page: (&str, &str),
        id_prefix: &str,
        heading_offset: u8,
    ) -> String {
        let (page_url, page_path) = page;
        let cx = markdown::Context {
            page_url,
            page_path,
            id_prefix,
            heading_offset,
            ..self.markdown
        };
        let body = file.text.get(header.body_offset..).unwrap_or("");
        markdown::render_html(file, body, header.body_offset, &cx)
    }
}

/// Every page of the site into `sink`, in parallel: each brief's page with the print edition
/// (one pass over the bodies), the chapters, the index pages and tag pages, the cover and the
/// 404 page. Returns the errors (none when all went well).
pub fn pages(renderer: &Renderer, inputs: &Inputs, sink: &dyn Sink) -> Vec<Diagnostic> {
    with_shared(inputs, |shared| all_pages(renderer, shared, inputs, sink))
}

fn all_pages(
    renderer: &Renderer,
    shared: &Shared,
    inputs: &Inputs,
    sink: &dyn Sink,
) -> Vec<Diagnostic> {
    let emit = |page: Result<OutputFile, Diagnostic>| page.and_then(|file| sink.write(file)).err();
    let book = inputs.book;
    // The brief pages and the print edition are the largest part; the other pages are made
    // alongside, to keep both cores busy while the print edition's parts are joined.
    let (mut errors, others) = rayon::join(
        || print::brief_pages_with_print_edition(renderer, shared, inputs, sink),
        || {
            let chapters = (0..book.chapters.len())
                .into_par_iter()
                .filter_map(|i| emit(chapter_page(renderer, shared, inputs, i)));
            let indexes = indexes::index_pages(renderer, shared, inputs)
                .into_par_iter()
                .filter_map(emit);
            let more = [
                cover_page(renderer, shared, inputs),
                not_found_page(renderer, shared, inputs),
            ]
            .into_par_iter()
            .filter_map(emit);
            chapters.chain(indexes).chain(more).collect::<Vec<_>>()
        },
    );
    errors.extend(others);
    // One broken template fails every page that uses it: report it once.
    errors.sort_by(|a, b| a.message.cmp(&b.message));
    errors.dedup_by(|a, b| a.message == b.message);
    errors
}

/// The book-wide values every page template sees.
fn site_view<'a>(inputs: &Inputs<'a>) -> SiteView<'a> {
    let config = &inputs.book.config;
    SiteView {
        title: &config.title,
        base_url: &config.base_url,
        description: &config.description,
        language: &config.language,
        extra: &config.extra,
        highlight_css: inputs.highlight_css,
        build: inputs.history.head.as_ref(),
    }
}

/// Only the pages of the briefs `which` (the server's rebuild after edits to them).
pub fn brief_pages(
    renderer: &Renderer,
    inputs: &Inputs,
    which: &[usize],
    sink: &dyn Sink,
) -> Vec<Diagnostic> {
    with_shared(inputs, |shared| {
        brief_pages_of(renderer, shared, inputs, which, sink)
    })
}

fn brief_pages_of(
    renderer: &Renderer,
    shared: &Shared,
    inputs: &Inputs,
    which: &[usize],
    sink: &dyn Sink,
) -> Vec<Diagnostic> {
    which
        .par_iter()
        .filter_map(|&i| {
            let b = &inputs.book.briefs[i];
            let html = inputs.body_html(&b.brief.file, &b.brief.header, (&b.url, &b.brief.path));
            brief_page(renderer, shared, &brief_view(inputs, i, &html), &b.url)
                .and_then(|file| sink.write(file))
                .err()
        })
        .collect()
}

/// Only the print edition (the server makes it when it is asked for).
pub fn print_edition(
    renderer: &Renderer,
    inputs: &Inputs,
    sink: &dyn Sink,
) -> Result<(), Diagnostic> {
    let errors = with_shared(inputs, |shared| {
        print::print_edition_alone(renderer, shared, inputs, sink)
    });
    errors.into_iter().next().map_or(Ok(()), Err)
}

/// Runs `work` with the values every page shares.
fn with_shared<T>(inputs: &Inputs, work: impl FnOnce(&Shared) -> T) -> T {
    let (site, contents, indexes) = (site_view(inputs), contents(inputs.book), index_links());
    work(&Shared {
        site: &site,
        contents: &contents,
        indexes: &indexes,
    })
}

pub(crate) struct Shared<'a> {
    pub site: &'a SiteView<'a>,
    pub contents: &'a [ChapterNav<'a>],
    /// The index pages the navigation lists.
    pub indexes: &'a [IndexLink],
}

/// The index pages the navigation lists, from the table of index pages.
fn index_links() -> Vec<IndexLink> {
    IndexPage::ALL
        .iter()
        .filter_map(|page| {
            let label = page.nav_label()?;
            Some(IndexLink {
                label,
                url: format!("{}index.html", page.url()),
            })
        })
        .collect()
}

/// The context every page shares; `root` is the way back to the site root.
pub(crate) fn context(
    shared: &Shared,
    url: &str,
    kind: &str,
    title: &str,
    description: &str,
) -> Context {
    let mut cx = Context::new();
    cx.insert("config", shared.site);
    cx.insert("contents", shared.contents);
    cx.insert("indexes", shared.indexes);
    cx.insert("root", &crate::text::root_prefix(url));
    cx.insert("kind", kind);
    cx.insert("page_title", title);
    cx.insert("description", description);
    cx.insert("canonical", &format!("{}{url}", shared.site.base_url));
    cx
}

pub(crate) fn page<T: Serialize>(
    renderer: &Renderer,
    mut cx: Context,
    key: &str,
    view: &T,
    template: &str,
    url: &str,
) -> Result<OutputFile, Diagnostic> {
    cx.insert(key, view);
    let bytes = renderer
        .render(template, &cx)
        .map_err(|d| d.with_help(format!("while rendering {url}index.html")))?;
    Ok(OutputFile {
        path: format!("{url}index.html"),
        bytes,
    })
}

fn contents(book: &Book) -> Vec<ChapterNav<'_>> {
    book.chapters
        .iter()
        .map(|c| ChapterNav {
            title: &c.section.header.title,
            url: format!("{}index.html", c.url),
            depth: c.depth,
            brief_count: c.briefs.len(),
        })
        .collect()
}

pub(crate) fn brief_link(b: &BookBrief) -> LinkView<'_> {
    LinkView {
        title: &b.brief.header.title,
        url: format!("{}index.html", b.url),
        summary: b.brief.header.summary.as_deref(),
        date: Some(b.brief.updated.unwrap_or(b.brief.date).into()),
    }
}

fn chapter_link(book: &Book, index: usize) -> LinkView<'_> {
    let c = &book.chapters[index];
    LinkView {
        title: &c.section.header.title,
        url: format!("{}index.html", c.url),
        summary: c.section.header.summary.as_deref(),
        date: None,
    }
}

/// A brief's own page from its view.
pub(crate) fn brief_page(
    renderer: &Renderer,
    shared: &Shared,
    view: &BriefView,
    url: &str,
) -> Result<OutputFile, Diagnostic> {
    brief_page_value(renderer, shared, &mut view_value(view)?, url)
}

/// A brief's own page from its view made a JSON value, which the page's context borrows and
/// gives back (the print edition uses it next): Tera copies whatever `Context::insert` is given.
pub(crate) fn brief_page_value(
    renderer: &Renderer,
    shared: &Shared,
    view: &mut serde_json::Value,
    url: &str,
) -> Result<OutputFile, Diagnostic> {
    let text = |key: &str| {
        view.get(key)
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_string()
    };
    let mut cx = context(shared, url, "brief", &text("title"), &text("summary"));
    cx.extend(context_of("brief", std::mem::take(view)));
    let bytes = renderer
        .render("brief.html", &cx)
        .map_err(|d| d.with_help(format!("while rendering {url}index.html")));
    *view = cx.remove("brief").unwrap_or_default();
    Ok(OutputFile {
        path: format!("{url}index.html"),
        bytes: bytes?,
    })
}

/// A view as the JSON value Tera reads.
pub(crate) fn view_value<T: Serialize>(view: &T) -> Result<serde_json::Value, Diagnostic> {
    serde_json::to_value(view).map_err(|e| {
        Diagnostic::error(
            Code::Template,
            format!("cannot pass a view to templates: {e}"),
        )
    })
}

/// A context holding `value` under `key`, without copying it.
pub(crate) fn context_of(key: &str, value: serde_json::Value) -> Context {
    let mut object = serde_json::Map::new();
    object.insert(key.to_string(), value);
    Context::from_value(serde_json::Value::Object(object)).unwrap_or_default()
}

pub(crate) fn brief_view<'a>(inputs: &'a Inputs, i: usize, html: &'a str) -> BriefView<'a> {
    let book = inputs.book;
    let b = &book.briefs[i];
    let brief = &b.brief;
    let body = &inputs.scans[i];
    let number = |id: &str| body.cited.iter().position(|c| c == id).map(|n| n + 1);
    let source_ref = |id: &'a str| SourceRef::new(&book.sources, id, number(id));
    // Body citations in number order, then sources named only by claims or facts.
    let mut reference_ids: Vec<&str> = body.cited.iter().map(String::as_str).collect();
    for id in &inputs.resolved.cites[i] {
        if !reference_ids.contains(&id.as_str()) {
            reference_ids.push(id);
        }
    }
    let references = reference_ids
        .into_iter()
        .filter_map(|id| book.sources.get(id))
        .map(|s| {
            let backlinks = body
                .markers
                .get(&s.id)
                .map(|m| m.iter().map(String::as_str).collect())
                .unwrap_or_default();
            ReferenceView::new(s, number(&s.id), backlinks)
        })
        .collect();
    let claims = brief
        .claims
        .iter()
        .map(|c| ClaimView::new(c, c.sources.iter().map(|s| source_ref(&s.value)).collect()))
        .collect();
    let facts = brief
        .facts
        .iter()
        .enumerate()
        .map(|(k, f)| {
            let (named, total) = inputs.resolved.conflicts.twins((i, k));
            let links = named
                .iter()
                .map(|&(tb, tf)| fact_link(book, tb, tf))
                .collect();
            FactView::new(f, k, source_ref(&f.source.value), (links, total))
        })
        .collect();
    let links = |list: &[usize]| {
        list.iter()
            .map(|&j| brief_link(&book.briefs[j]))
            .collect::<Vec<_>>()
    };
    BriefView {
        path: &brief.path,
        title: &brief.header.title,
        summary: brief.header.summary.as_deref(),
        date: brief.date.into(),
        updated: brief.updated.map(Into::into),
        authors: &brief.authors,
        tags: brief
            .tags
            .iter()
            .map(|name| TagLink {
                name,
                url: crate::render::indexes::tag_url(name),
            })
            .collect(),
        content: html,
        toc: &body.headings,
        url: format!("{}index.html", b.url),
        extra: &brief.header.extra,
        chapter: chapter_link(book, b.chapter),
        references,
        claims,
        facts,
        related: links(&inputs.resolved.related[i]),
        linked_from: links(&inputs.resolved.linked_from[i]),
        previous: i.checked_sub(1).map(|j| brief_link(&book.briefs[j])),
        next: book.briefs.get(i + 1).map(brief_link),
        json_ld: crate::render::json_ld::json_ld(book, b, &inputs.resolved.cites[i]),
        revisions: inputs
            .history
            .revisions
            .get(&brief.file.path)
            .map(Vec::as_slice)
            .unwrap_or_default(),
    }
}

/// A link to a fact's row on its brief's page.
pub(crate) fn fact_link(book: &Book, brief: usize, fact: usize) -> LinkView<'_> {
    let b = &book.briefs[brief];
    let f = &b.brief.facts[fact];
    LinkView {
        title: &b.brief.header.title,
        url: format!("{}index.html#{}", b.url, fact_anchor(f, fact)),
        summary: None,
        date: f.as_of.map(Into::into),
    }
}

fn chapter_page(
    renderer: &Renderer,
    shared: &Shared,
    inputs: &Inputs,
    i: usize,
) -> Result<OutputFile, Diagnostic> {
    let book = inputs.book;
    let c = &book.chapters[i];
    let mut parents = Vec::new();
    let mut up = c.parent;
    while let Some(p) = up {
        parents.insert(0, chapter_link(book, p));
        up = book.chapters[p].parent;
    }
    let html = inputs.body_html(
        &c.section.file,
        &c.section.header,
        (&c.url, &c.section.path),
    );
    let view = ChapterView {
        title: &c.section.header.title,
        summary: c.section.header.summary.as_deref(),
        content: &html,
        url: format!("{}index.html", c.url),
        extra: &c.section.header.extra,
        briefs: c
            .briefs
            .iter()
            .map(|&b| brief_link(&book.briefs[b]))
            .collect(),
        chapters: c.children.iter().map(|&k| chapter_link(book, k)).collect(),
        parents,
    };
    let cx = context(
        shared,
        &c.url,
        "chapter",
        &c.section.header.title,
        c.section.header.summary.as_deref().unwrap_or(""),
    );
    page(renderer, cx, "chapter", &view, "chapter.html", &c.url)
}

fn cover_page(
    renderer: &Renderer,
    shared: &Shared,
    inputs: &Inputs,
) -> Result<OutputFile, Diagnostic> {
    let book = inputs.book;
    let chapters = book
        .chapters
        .iter()
        .map(|c| CoverChapter {
            title: &c.section.header.title,
            summary: c.section.header.summary.as_deref(),
            url: format!("{}index.html", c.url),
            depth: c.depth,
            briefs: c
                .briefs
                .iter()
                .map(|&b| brief_link(&book.briefs[b]))
                .collect(),
        })
        .collect();
    let counts = Counts {
        chapters: book.chapters.len(),
        briefs: book.briefs.len(),
        sources: book.sources.len(),
        claims: book.briefs.iter().map(|b| b.brief.claims.len()).sum(),
        facts: book.briefs.iter().map(|b| b.brief.facts.len()).sum(),
    };
    let key_judgments = key_judgments(book);
    let header = &book.cover.header;
    let html = inputs.body_html(&book.cover.file, header, ("", &book.cover.path));
    let view = CoverView {
        title: &header.title,
        summary: header.summary.as_deref(),
        content: &html,
        extra: &header.extra,
        chapters,
        counts,
        key_judgments,
    };
    let description = header.summary.as_deref().unwrap_or(shared.site.description);
    let cx = context(shared, "", "cover", &header.title, description);
    page(renderer, cx, "cover", &view, "cover.html", "")
}

/// The key judgments of the book, by chapter in reading order.
fn key_judgments(book: &Book) -> Vec<KeyJudgments<'_>> {
    book.chapters
        .iter()
        .map(|c| KeyJudgments {
            chapter: &c.section.header.title,
            judgments: c
                .briefs
                .iter()
                .flat_map(|&i| {
                    let b = &book.briefs[i];
                    b.brief
                        .claims
                        .iter()
                        .filter(|claim| claim.key)
                        .map(move |claim| KeyJudgment {
                            text: &claim.text,
                            url: format!(
                                "{}index.html#{}",
                                b.url,
                                crate::model::claim_anchor(claim)
                            ),
                            brief: &b.brief.header.title,
                            likelihood: claim.likelihood.as_deref(),
                            band: claim
                                .likelihood
                                .as_deref()
                                .and_then(crate::analyse::rigor::likelihood_band)
                                .map(|(band, _)| band),
                            confidence: claim.confidence.as_deref(),
                        })
                })
                .collect(),
        })
        .filter(|k| !k.judgments.is_empty())
        .collect()
}

/// The 404 page is served at any path, so its links are absolute under `base_url`.
fn not_found_page(
    renderer: &Renderer,
    shared: &Shared,
    inputs: &Inputs,
) -> Result<OutputFile, Diagnostic> {
    let mut cx = context(
        shared,
        "404.html",
        "404",
        "Page not found",
        shared.site.description,
    );
    cx.insert("root", &inputs.book.config.base_url);
    let bytes = renderer.render("404.html", &cx)?;
    Ok(OutputFile {
        path: "404.html".into(),
        bytes,
    })
}
