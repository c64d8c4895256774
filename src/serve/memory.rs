//! The site in memory, for the development server. Every rebuild is one `compile_with` that
//! takes over what the last one worked out (its loaded files, parses, scans, history); then
//! only what the edit can have changed is rendered: after an edit confined to some briefs'
//! bodies, their pages (every other page is shared with the last build, and the print edition
//! is made when asked for); after an edit to their front matter, first their pages, for the
//! server to show while it builds the rest; anything else, the whole site.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use crate::diagnostic::{Code, Diagnostic, Diagnostics, SourceFile};
use crate::pipeline::{self, Compiled, Options, Reuse, What};
use crate::read::load::BookFiles;
use crate::render::{OutputFile, RenderCache, Sink};

/// A site's files by path, shared between builds.
pub type Files = HashMap<String, Arc<Vec<u8>>>;

/// The path of the print edition, which a partial rebuild leaves to be made on request.
pub const PRINT: &str = "print/index.html";

pub struct MemorySite {
    pub files: Files,
    pub warnings: Diagnostics,
    /// What it was built from: the base of the next rebuild, and of the print edition.
    pub compiled: Arc<Compiled>,
    /// The templates and highlighter it was rendered with, kept while they stay the same.
    pub cache: Arc<RenderCache>,
    /// How many brief pages were rendered again, for a rebuild in part.
    pub partial: Option<usize>,
    /// Whether every page is up to date. Not after an edit to front matter, where only the
    /// edited briefs' pages are: other pages may show them (titles, tags, conflicts), and a
    /// full build must follow.
    pub complete: bool,
}

/// Builds the site into memory, never touching the output folder.
pub fn build(options: &Options) -> Result<MemorySite, Diagnostics> {
    let compiled = pipeline::compile(options)?;
    whole(compiled, None)
}

/// Builds again after a change. `edited` names the changed files when they are known: when they
/// are all pages of the last build (or the sources registry), only they are read again;
/// otherwise (or with `None`: not known, as after a failed build) the book is loaded from disk.
/// Either way the book is compiled and checked whole, reusing what did not change. Then: if
/// only some briefs' bodies changed, and not what other pages show of them, only their pages
/// are rendered (the result is `complete` when the last site was); if only some briefs
/// changed, their pages first (not `complete`: a full build should follow); else all.
pub fn rebuild(
    options: &Options,
    previous: Option<&MemorySite>,
    edited: Option<&[PathBuf]>,
) -> Result<MemorySite, Diagnostics> {
    let Some(previous) = previous else {
        return build(options);
    };
    let last = &previous.compiled;
    let edits = edited.and_then(|edited| read_edits(last, options, edited));
    // A change to files other than pages (site.toml, templates, a new file) may change what
    // git history is read: then nothing of the last compile is taken over but its templates.
    let reuse = Reuse {
        files: edits.as_ref().map(|edits| files_with(&last.files, edits)),
        history: edits.as_ref().map(|_| last.history.clone()),
        earlier: Some(last),
    };
    let compiled = pipeline::compile_with(options, reuse)?;
    // Only when the changed files are known pages can the rest of the last site stand: a
    // static file or an image may have changed without the compile seeing it.
    let Some(edits) = edits else {
        return whole(compiled, Some(previous));
    };
    if let Some(changed) = changed_bodies(last, &compiled) {
        return partial(compiled, previous, &changed);
    }
    match edited_briefs(last, &compiled, &edits) {
        Some(briefs) => first_pages(compiled, previous, &briefs),
        None => whole(compiled, Some(previous)),
    }
}

fn whole(compiled: Compiled, previous: Option<&MemorySite>) -> Result<MemorySite, Diagnostics> {
    let cache = render_cache(&compiled, previous)?;
    let sink = MemorySink::default();
    let errors = pipeline::render(&compiled, &cache, What::Site, &sink);
    finish(compiled, cache, sink, errors, None, true)
}

/// The last site with the pages of the briefs `changed` rendered again.
fn partial(
    compiled: Compiled,
    previous: &MemorySite,
    changed: &[usize],
) -> Result<MemorySite, Diagnostics> {
    if changed.is_empty() {
        // Saved without a change: the last site stands.
        let mut site = finish(
            compiled,
            previous.cache.clone(),
            MemorySink::default(),
            Vec::new(),
            Some(0),
            previous.complete,
        )?;
        site.files = previous.files.clone();
        return Ok(site);
    }
    let (sink, errors) = over_the_last_site(&compiled, previous, changed)?;
    // Pages left out of date by an earlier edit to front matter stay so.
    finish(
        compiled,
        previous.cache.clone(),
        sink,
        errors,
        Some(changed.len()),
        previous.complete,
    )
}

/// After an edit to some briefs' front matter: only their pages rendered, over the last
/// site's other pages (which may now be out of date: `complete` is false).
fn first_pages(
    compiled: Compiled,
    previous: &MemorySite,
    briefs: &[usize],
) -> Result<MemorySite, Diagnostics> {
    let (sink, errors) = over_the_last_site(&compiled, previous, briefs)?;
    finish(
        compiled,
        previous.cache.clone(),
        sink,
        errors,
        Some(briefs.len()),
        false,
    )
}

/// The last site's files with the pages of `briefs` (and the search index) rendered again; the
/// print edition is dropped, to be made again when asked for.
fn over_the_last_site(
    compiled: &Compiled,
    previous: &MemorySite,
    briefs: &[usize],
) -> Result<(MemorySink, Vec<Diagnostic>), Diagnostics> {
    let cache = render_cache(compiled, Some(previous))?;
    let sink = MemorySink {
        files: Mutex::new(previous.files.clone()),
    };
    let errors = pipeline::render(compiled, &cache, What::Briefs(briefs), &sink);
    if let Ok(mut files) = sink.files.lock() {
        files.remove(PRINT);
    }
    Ok((sink, errors))
}

/// The last site's templates and highlighter while the book's templates and highlight theme
/// are the same; new ones otherwise.
fn render_cache(
    compiled: &Compiled,
    previous: Option<&MemorySite>,
) -> Result<Arc<RenderCache>, Diagnostics> {
    let kept = previous.map(|p| &p.cache);
    RenderCache::kept_or_new(
        kept,
        &compiled.files.templates,
        &compiled.book.config.highlight_theme,
    )
    .map_err(|error| {
        let mut all = compiled.warnings.clone();
        all.push(error);
        all
    })
}

/// An edited page of the last build, read again.
struct Edit {
    /// Its path relative to `content/`.
    path: String,
    file: Arc<SourceFile>,
}

/// The edited files, read as the loader reads them (UTF-8 checked, named from the book root).
/// `None` unless every one is a page or the sources registry of the last build and can be read:
/// anything else (a new or removed file, a template, site.toml) loads the book from disk.
fn read_edits(last: &Compiled, options: &Options, edited: &[PathBuf]) -> Option<Vec<Edit>> {
    let root = options
        .root
        .canonicalize()
        .unwrap_or_else(|_| options.root.clone());
    let loaded = |path: &str| {
        last.files.pages.iter().any(|(p, _)| p == path)
            || last
                .files
                .sources_file
                .as_ref()
                .is_some_and(|f| f.path == format!("content/{path}"))
    };
    let mut edits = Vec::new();
    for path in edited {
        let file = crate::read::load::read_text(&root, path).ok()?;
        let path = file.path.strip_prefix("content/")?.to_string();
        if !loaded(&path) {
            return None;
        }
        edits.push(Edit { path, file });
    }
    Some(edits)
}

/// The last build's loaded files with the edited ones' new text.
fn files_with(files: &BookFiles, edits: &[Edit]) -> BookFiles {
    let mut files = files.clone();
    for edit in edits {
        if let Some(page) = files.pages.iter_mut().find(|(p, _)| *p == edit.path) {
            page.1 = edit.file.clone();
        } else if let Some(registry) = files.sources_file.as_mut() {
            *registry = edit.file.clone();
        }
    }
    files
}

/// The indexes in the new book of the edited briefs, when every edit is a brief that keeps its
/// URL: their pages are the ones to show first. `None` for anything else.
fn edited_briefs(last: &Compiled, new: &Compiled, edits: &[Edit]) -> Option<Vec<usize>> {
    let mut briefs = Vec::new();
    for edit in edits {
        let (&now, &was) = (
            new.book.brief_index.get(&edit.path)?,
            last.book.brief_index.get(&edit.path)?,
        );
        if new.book.briefs[now].url != last.book.briefs[was].url {
            return None;
        }
        briefs.push(now);
    }
    briefs.sort_unstable();
    briefs.dedup();
    (!briefs.is_empty()).then_some(briefs)
}

fn finish(
    compiled: Compiled,
    cache: Arc<RenderCache>,
    sink: MemorySink,
    errors: Vec<Diagnostic>,
    partial: Option<usize>,
    complete: bool,
) -> Result<MemorySite, Diagnostics> {
    if !errors.is_empty() {
        let mut all = compiled.warnings;
        all.extend(errors);
        return Err(all);
    }
    let files = sink.files.into_inner().map_err(|_| {
        Diagnostics::from_iter([Diagnostic::error(Code::Io, "a rendering thread panicked")])
    })?;
    let warnings = compiled.warnings.clone();
    Ok(MemorySite {
        files,
        warnings,
        compiled: Arc::new(compiled),
        cache,
        partial,
        complete,
    })
}

/// The print edition of a site built in memory.
pub fn print_edition(compiled: &Compiled, cache: &RenderCache) -> Result<Vec<u8>, Diagnostic> {
    let sink = MemorySink::default();
    let errors = pipeline::render(compiled, cache, What::PrintEdition, &sink);
    if let Some(error) = errors.into_iter().next() {
        return Err(error);
    }
    let mut files = sink
        .files
        .into_inner()
        .map_err(|_| Diagnostic::error(Code::Io, "a rendering thread panicked"))?;
    files
        .remove(PRINT)
        .map(|bytes| Arc::try_unwrap(bytes).unwrap_or_else(|shared| (*shared).clone()))
        .ok_or_else(|| Diagnostic::error(Code::Template, "the print edition was not written"))
}

/// The briefs whose bodies alone changed between two compiles of a book, if that is all that
/// changed: the same configuration, templates and files, the same briefs with the same front
/// matter, the same chapters and cover, and in each changed body the same headings, links and
/// citations (which other pages show). `None` when anything else changed.
pub fn changed_bodies(old: &Compiled, new: &Compiled) -> Option<Vec<usize>> {
    let (a, b) = (&old.files, &new.files);
    let same_files = a.config.text == b.config.text
        && a.templates == b.templates
        && a.sources_file.as_ref().map(|f| &f.text) == b.sources_file.as_ref().map(|f| &f.text)
        && paths(&a.statics) == paths(&b.statics)
        && paths(&a.assets) == paths(&b.assets)
        && a.pages.len() == b.pages.len();
    if !same_files || old.book.briefs.len() != new.book.briefs.len() {
        return None;
    }
    let sections_same =
        a.pages.iter().zip(&b.pages).all(|((pa, fa), (pb, fb))| {
            pa == pb && (!pa.ends_with("_index.md") || fa.text == fb.text)
        });
    if !sections_same {
        return None;
    }
    let mut changed = Vec::new();
    for (i, (x, y)) in old.book.briefs.iter().zip(&new.book.briefs).enumerate() {
        let (fx, fy) = (&x.brief.file.text, &y.brief.file.text);
        if x.brief.path != y.brief.path
            || x.url != y.url
            || x.brief.header.body_offset != y.brief.header.body_offset
        {
            return None;
        }
        if fx[..x.brief.header.body_offset] != fy[..y.brief.header.body_offset] {
            return None;
        }
        if fx != fy {
            if !old.scans[i].shows_the_same(&new.scans[i]) {
                return None;
            }
            changed.push(i);
        }
    }
    Some(changed)
}

fn paths(files: &[crate::read::load::FileRef]) -> Vec<&str> {
    files.iter().map(|f| f.rel.as_str()).collect()
}

/// A sink that keeps files in memory.
#[derive(Default)]
struct MemorySink {
    files: Mutex<Files>,
}

impl MemorySink {
    fn files(&self) -> Result<std::sync::MutexGuard<'_, Files>, Diagnostic> {
        self.files
            .lock()
            .map_err(|_| Diagnostic::error(Code::Io, "a rendering thread panicked"))
    }
}

impl Sink for MemorySink {
    fn write(&self, file: OutputFile) -> Result<(), Diagnostic> {
        self.files()?.insert(file.path, Arc::new(file.bytes));
        Ok(())
    }
    fn append(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        let mut files = self.files()?;
        let entry = files.entry(path.to_string()).or_default();
        Arc::make_mut(entry).extend_from_slice(bytes);
        Ok(())
    }
}
