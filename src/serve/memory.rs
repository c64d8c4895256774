//! The site in memory, for the development server: built whole; after an edit confined to the
//! bodies of some briefs, only their pages again (every other page is shared with the last
//! build, and the print edition is made when asked for); after an edit to their front matter,
//! first their pages from a recompiled book, for the server to show while it builds the rest.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use crate::diagnostic::{Code, Diagnostic, Diagnostics, SourceFile};
use crate::markdown;
use crate::pipeline::{self, file_copies, Compiled, Options};
use crate::render::{self, OutputFile, Sink};
use crate::serve::recompile::Recompiled;

/// A site's files by path, shared between builds.
pub type Files = HashMap<String, Arc<Vec<u8>>>;

/// The path of the print edition, which a partial rebuild leaves to be made on request.
pub const PRINT: &str = "print/index.html";

pub struct MemorySite {
    pub files: Files,
    pub warnings: Diagnostics,
    /// What it was built from: the base of the next partial rebuild, and of the print edition.
    pub compiled: Arc<Compiled>,
    /// How many brief pages were rendered again, for a partial rebuild.
    pub partial: Option<usize>,
    /// Whether every page is up to date. Not after an edit to front matter, where only the
    /// edited briefs' pages are: other pages may show them (titles, tags, conflicts), and a
    /// full build must follow.
    pub complete: bool,
}

/// Builds the site into memory, never touching the output folder.
pub fn build(options: &Options) -> Result<MemorySite, Diagnostics> {
    rebuild(options, None, &[])
}

/// Builds again after a change. `edited` are the files the change touched, when known. If they
/// are all briefs whose bodies alone changed, the last compile is patched and only their pages
/// are rendered (the result is `complete` when the last site was). If they are all briefs of
/// the last book with new front matter, the book is recompiled from the last one and only their
/// pages are rendered: the result is not `complete`, and a full build should follow. Anything
/// else builds everything.
pub fn rebuild(
    options: &Options,
    previous: Option<&MemorySite>,
    edited: &[PathBuf],
) -> Result<MemorySite, Diagnostics> {
    if let Some(previous) = previous {
        if let Some(patched) = patch(previous, options, edited) {
            return patched;
        }
        if let Some(first) = first_pages(previous, options, edited) {
            return first;
        }
    }
    let compiled = pipeline::compile(options)?;
    let changed = previous.and_then(|p| changed_bodies(&p.compiled, &compiled).map(|c| (p, c)));
    match changed {
        Some((previous, changed)) => partial(compiled, previous, &changed),
        None => whole(compiled),
    }
}

fn whole(compiled: Compiled) -> Result<MemorySite, Diagnostics> {
    let sink = MemorySink::default();
    let mut errors = Vec::new();
    for (from, rel) in file_copies(&compiled) {
        let copied = std::fs::read(from)
            .map_err(|e| {
                Diagnostic::error(Code::Io, format!("cannot read {}: {e}", from.display()))
            })
            .and_then(|bytes| {
                sink.write(OutputFile {
                    path: rel.to_string(),
                    bytes,
                })
            });
        errors.extend(copied.err());
    }
    errors.extend(pipeline::render_site(&compiled, &sink));
    finish(compiled, sink, errors, None, true)
}

fn partial(
    compiled: Compiled,
    previous: &MemorySite,
    changed: &[usize],
) -> Result<MemorySite, Diagnostics> {
    let sink = MemorySink {
        files: Mutex::new(previous.files.clone()),
    };
    let errors = pipeline::with_renderer(&compiled, |renderer, inputs| {
        let mut errors = render::render_briefs(renderer, inputs, changed, &sink);
        errors.extend(
            sink.write(crate::data::search::index(inputs.book, inputs.scans))
                .err(),
        );
        errors
    })
    .unwrap_or_else(|e| vec![e]);
    if let Ok(mut files) = sink.files.lock() {
        files.remove(PRINT);
    }
    // Pages left out of date by an earlier edit to front matter stay so.
    finish(
        compiled,
        sink,
        errors,
        Some(changed.len()),
        previous.complete,
    )
}

/// After an edit to some briefs' front matter: the book recompiled from the last one and only
/// the edited briefs' pages rendered, over the last site's other pages (which may now be out
/// of date: `complete` is false). `None` when the edit is not only that or the recompile does
/// not apply (`recompile`).
fn first_pages(
    previous: &MemorySite,
    options: &Options,
    edited: &[PathBuf],
) -> Option<Result<MemorySite, Diagnostics>> {
    let edits = read_edits(&previous.compiled, options, edited)?;
    if edits.is_empty() {
        return None;
    }
    let edits: Vec<(usize, Arc<SourceFile>)> =
        edits.into_iter().map(|e| (e.index, e.file)).collect();
    let Recompiled { compiled, edited } =
        crate::serve::recompile::recompile(&previous.compiled, &edits, options.drafts)?;
    let sink = MemorySink {
        files: Mutex::new(previous.files.clone()),
    };
    let errors = pipeline::with_renderer(&compiled, |renderer, inputs| {
        render::render_briefs(renderer, inputs, &edited, &sink)
    })
    .unwrap_or_else(|e| vec![e]);
    if let Ok(mut files) = sink.files.lock() {
        files.remove(PRINT);
    }
    Some(finish(compiled, sink, errors, Some(edited.len()), false))
}

/// An edited brief file, read again.
struct Edit {
    /// The brief's index in the last compile's book.
    index: usize,
    file: Arc<SourceFile>,
}

/// The edited files, read as the loader reads them (UTF-8 checked, named from the book root),
/// leaving out those saved without a change. `None` unless every one is a brief of the last
/// compile that can be read: anything else takes the whole path, which reports it.
fn read_edits(old: &Compiled, options: &Options, edited: &[PathBuf]) -> Option<Vec<Edit>> {
    let root = options
        .root
        .canonicalize()
        .unwrap_or_else(|_| options.root.clone());
    let mut edits = Vec::new();
    for path in edited {
        let file = crate::read::load::read_text(&root, path).ok()?;
        let &index = old
            .book
            .brief_index
            .get(file.path.strip_prefix("content/")?)?;
        if file.text != old.book.briefs[index].brief.file.text {
            edits.push(Edit { index, file });
        }
    }
    Some(edits)
}

fn finish(
    compiled: Compiled,
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
        partial,
        complete,
    })
}

/// The last compile with the edited briefs' bodies swapped in, rendered in part; `None` when the
/// edit reaches beyond bodies (front matter, headings, links, citations, an error, another file).
fn patch(
    previous: &MemorySite,
    options: &Options,
    edited: &[PathBuf],
) -> Option<Result<MemorySite, Diagnostics>> {
    let old = &previous.compiled;
    let book = &old.book;
    let derived = old.derived().ok()?;
    let base =
        pipeline::markdown_context(book, &derived.urls, &derived.highlighter, &derived.facts);
    let mut edits = Vec::new();
    for Edit { index: i, file } in read_edits(old, options, edited)? {
        let brief = &book.briefs[i].brief;
        let offset = brief.header.body_offset;
        if file.text.get(..offset)? != &brief.file.text[..offset] {
            return None;
        }
        let cx = markdown::Context {
            page_url: &book.briefs[i].url,
            page_path: &brief.path,
            ..base
        };
        let scan = markdown::scan(&file, &file.text[offset..], offset, &cx);
        if !same_interface(&scan, &old.scans[i])
            || scan.diagnostics.iter().any(Diagnostic::is_error)
        {
            return None;
        }
        edits.push((i, file, scan));
    }
    if edits.is_empty() {
        // Saved without a change: the last site stands, no copy needed.
        let site = MemorySite {
            files: previous.files.clone(),
            warnings: Diagnostics::default(),
            compiled: old.clone(),
            partial: Some(0),
            complete: previous.complete,
        };
        return Some(Ok(site));
    }
    let mut compiled = (**old).clone();
    let changed: Vec<usize> = edits.iter().map(|(i, _, _)| *i).collect();
    for (i, file, scan) in edits {
        // Only this brief is copied; the rest stay shared with the last compile.
        let brief = Arc::make_mut(&mut compiled.book.briefs[i].brief);
        // The body's own warnings (an unsafe link, say) are replaced by the new scan's.
        let body_line = file.position(brief.header.body_offset).0;
        let path = file.path.clone();
        compiled.warnings = std::mem::take(&mut compiled.warnings)
            .into_iter()
            .filter(|d| {
                d.file.as_deref() != Some(&path) || d.line.is_none_or(|line| line < body_line)
            })
            .chain(scan.diagnostics.iter().cloned())
            .collect();
        brief.file = file;
        compiled.scans[i] = Arc::new(scan);
    }
    Some(partial(compiled, previous, &changed))
}

/// The print edition of a compiled book.
pub fn print_edition(compiled: &Compiled) -> Result<Vec<u8>, Diagnostic> {
    let sink = MemorySink::default();
    pipeline::with_renderer(compiled, |renderer, inputs| {
        render::render_print(renderer, inputs, &sink)
    })??;
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
            if !same_interface(&old.scans[i], &new.scans[i]) {
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

/// Whether two scans of a body show other pages the same: its headings (anchors), its citations
/// and their markers (reference lists, the citation index) and where it links (backlinks).
fn same_interface(a: &markdown::Scan, b: &markdown::Scan) -> bool {
    a.headings == b.headings
        && a.cited == b.cited
        && a.markers == b.markers
        && a.links
            .iter()
            .map(|l| (&l.path, &l.anchor))
            .eq(b.links.iter().map(|l| (&l.path, &l.anchor)))
}
