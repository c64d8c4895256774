//! Rendering with Tera: the renderer and what it keeps between compiles, the inputs and shared
//! context of every page, row templates, and the sink pages go to. Writes nothing itself.

pub mod indexes;
pub mod json_ld;
pub mod kept_rows;
pub mod nav;
pub mod pages;
pub mod print;
mod print_links;
pub mod redirects;
pub mod theme;
pub mod toc;
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
use crate::model::index_pages::IndexPage;
use crate::read::book::Book;
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
    /// Which book-wide names the templates use (`nav`).
    named: nav::Named,
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
        let named = nav::named(&templates);
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        // Tera's own escaper also rewrites `/`, which bloats every URL for no safety gain.
        tera.set_escape_fn(crate::text::escape_html);
        tera.add_raw_templates(templates)
            .map_err(|e| template_error(&e))?;
        Ok(Renderer { tera, named })
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
    /// The search index's rows, kept by the server from one edit to the next.
    pub search: kept_rows::KeptRows,
    /// What the cache was made from, to tell whether it still serves.
    templates: Vec<(String, String)>,
    highlight_theme: String,
}

impl RenderCache {
    pub fn new(templates: &[(String, String)], highlight_theme: &str) -> Result<Self, Diagnostic> {
        Ok(RenderCache {
            renderer: Renderer::new(templates)?,
            highlighter: Highlighter::new(highlight_theme),
            search: kept_rows::KeptRows::default(),
            templates: templates.to_vec(),
            highlight_theme: highlight_theme.to_string(),
        })
    }

    /// `kept` when it was made from the same templates and highlight theme; else a new cache,
    /// which keeps what the next edit can use again (the server's).
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
            _ => {
                let mut cache = RenderCache::new(templates, highlight_theme)?;
                cache.search = kept_rows::KeptRows::keeping();
                Ok(Arc::new(cache))
            }
        }
    }
}

pub(crate) use pages::{brief_link, brief_page_value, brief_view, fact_link};
pub use pages::{brief_pages, pages, print_edition};

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
    // Each piece is freed as soon as it is copied, so the rows are not held twice.
    let mut rows = Vec::with_capacity(pieces.iter().map(Vec::len).sum());
    for piece in pieces {
        rows.extend_from_slice(&piece);
    }
    // Tera writes only strings, so the rows are UTF-8.
    String::from_utf8(rows)
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
    /// Whether the site holds `book.pdf`, which the cover and the print edition then link.
    pub pdf: bool,
}

impl Inputs<'_> {
    /// A page's body as HTML, rendered when the page is (never kept for the whole book).
    pub(crate) fn body_html(
        &self,
        file: &crate::diagnostic::SourceFile,
        header: &crate::model::PageHeader,
        page: (&str, &str),
    ) -> String {
        let (page_url, page_path) = page;
        let cx = markdown::Context {
            page_url,
            page_path,
            ..self.markdown
        };
        let body = file.text.get(header.body_offset..).unwrap_or("");
        markdown::render_html(file, body, header.body_offset, &cx)
    }

    /// A body as HTML for another page than its own (the print edition): its ids under
    /// `id_prefix`, its headings `heading_offset` levels down, its relative links rebased.
    /// `page` is (URL of the page shown on, content path); `home` the URL of the body's own page.
    pub(crate) fn body_html_with(
        &self,
        file: &crate::diagnostic::SourceFile,
        header: &crate::model::PageHeader,
        page: (&str, &str),
        home: &str,
        id_prefix: &str,
        heading_offset: u8,
    ) -> String {
        let (page_url, page_path) = page;
        let cx = markdown::Context {
            page_url,
            page_path,
            id_prefix,
            heading_offset,
            rebase_from: Some(home),
            ..self.markdown
        };
        let body = file.text.get(header.body_offset..).unwrap_or("");
        markdown::render_html(file, body, header.body_offset, &cx)
    }
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
        pdf: inputs.pdf,
    }
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

/// Runs `work` with the values every page shares; returns its errors and the contents'.
fn with_shared(
    renderer: &Renderer,
    inputs: &Inputs,
    work: impl FnOnce(&Shared) -> Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    let indexes = index_links(inputs.changes.is_some());
    let (site, contents) = (site_view(inputs), contents(inputs.book));
    let edition = edition(inputs.book);
    let mut base = Context::new();
    base.insert("config", &site);
    base.insert("indexes", &indexes);
    base.insert("edition", &edition);
    let (nav, nav_error) = match renderer.named.contents_html {
        true => nav::Nav::render(renderer, inputs.book, &base, &contents),
        false => (nav::Nav::default(), None),
    };
    if renderer.named.contents {
        base.insert("contents", &contents);
    }
    let mut errors = work(&Shared {
        site: &site,
        nav: &nav,
        base,
    });
    errors.extend(nav_error);
    errors
}

pub(crate) struct Shared<'a> {
    pub site: &'a SiteView<'a>,
    /// `contents` rendered once for each `root`.
    pub nav: &'a nav::Nav,
    /// What every page's context holds, made Tera values once: `config`, `contents`,
    /// `indexes` (the index pages the navigation lists) and `edition` (the latest date or
    /// update of any brief, for the masthead).
    pub base: Context,
}

fn edition(book: &Book) -> Option<DateView> {
    book.briefs
        .iter()
        .map(|b| b.brief.updated.unwrap_or(b.brief.date))
        .max()
        .map(Into::into)
}

/// The index pages the navigation lists, from the table of index pages: the changes page
/// when it is made (`with_changes`).
fn index_links(with_changes: bool) -> Vec<IndexLink> {
    IndexPage::ALL
        .iter()
        .filter(|page| page.made(with_changes))
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
    let mut cx = shared.base.clone();
    let root = crate::text::root_prefix(url);
    // Empty when `contents.html` failed (reported once) rather than missing on every page.
    cx.insert("contents_html", shared.nav.html(&root).unwrap_or_default());
    cx.insert("root", &root);
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
    render_page(renderer, &cx, template, url)
}

/// The page at `url` (`<url>index.html`) rendered by `template` from `cx`; an error says which
/// page it was.
pub(crate) fn render_page(
    renderer: &Renderer,
    cx: &Context,
    template: &str,
    url: &str,
) -> Result<OutputFile, Diagnostic> {
    let bytes = renderer
        .render(template, cx)
        .map_err(|d| d.with_help(format!("while rendering {url}index.html")))?;
    Ok(OutputFile {
        path: format!("{url}index.html"),
        bytes,
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
