//! The compile thread: compiles a book with the editor's unsaved texts in place of its files,
//! reusing the last compile (`Reuse`), and publishes the diagnostics of every file of the book,
//! clearing those of files that no longer have any. Edits that arrive during a compile are
//! taken together afterwards: only the latest texts are compiled.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender};
use std::sync::Arc;

use lsp_types::{PublishDiagnosticsParams, Uri};

use crate::diagnostic::{Code, Diagnostic, Diagnostics, SourceFile};
use crate::lsp::knowledge::Knowledge;
use crate::lsp::transport::Client;
use crate::lsp::workspace::{Overlay, Snapshot, Snapshots};
use crate::lsp::{actions, uri};
use crate::pipeline::{self, Compiled, Options, Reuse};
use crate::read::load::{self, BookFiles};

/// A request to compile a book again.
pub struct Job {
    pub root: PathBuf,
    /// The open documents of the book, by path from its root.
    pub overlays: HashMap<String, Overlay>,
    /// Files to read from disk again (saved, or closed without saving).
    pub reread: Vec<String>,
    /// Read the whole book from disk again (files created or deleted outside the editor).
    pub reload: bool,
}

/// What the thread keeps of each book between compiles.
#[derive(Default)]
struct BookState {
    /// The files as last read from disk.
    disk: Option<BookFiles>,
    last_good: Option<Arc<Compiled>>,
    partial: Option<Knowledge>,
    /// The diagnostics last published, by file.
    published: HashMap<String, Published>,
}

/// A file's diagnostics as last published: for which text, what was found, what was shown.
struct Published {
    text: Option<Arc<SourceFile>>,
    found: Vec<Diagnostic>,
    shown: Vec<lsp_types::Diagnostic>,
}

/// Starts the compile thread; send it jobs.
pub fn start(client: Client, snapshots: Snapshots) -> Sender<Job> {
    let (jobs, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || run(&receiver, &client, &snapshots));
    jobs
}

fn run(receiver: &Receiver<Job>, client: &Client, snapshots: &Snapshots) {
    let mut books: HashMap<PathBuf, BookState> = HashMap::new();
    while let Ok(first) = receiver.recv() {
        for job in coalesce(first, receiver) {
            let state = books.entry(job.root.clone()).or_default();
            // A panic is a bug in a compile: report it, keep the thread.
            let done = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                compile(&job, state, client, snapshots)
            }));
            if let Err(panic) = done {
                internal_error(client, state, &job, panic.as_ref());
            }
        }
    }
}

/// A compile that panicked (a bug) is shown as `serve` shows it: an `internal` error, here on
/// site.toml, and the thread goes on with the next edit.
fn internal_error(
    client: &Client,
    state: &mut BookState,
    job: &Job,
    panic: &(dyn std::any::Any + Send),
) {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".into());
    let error = Diagnostic::error(Code::Internal, format!("the compile panicked: {what}"))
        .in_file("site.toml")
        .with_help("this is a bug in briefbook: please report it with the book that causes it");
    let problems = Diagnostics::from_iter([error]);
    publish(
        client,
        state,
        &job.root,
        &HashMap::new(),
        &job.overlays,
        problems,
    );
}

/// The jobs waiting, one per book: the latest texts, every file to read again.
fn coalesce(first: Job, receiver: &Receiver<Job>) -> Vec<Job> {
    let mut jobs: Vec<Job> = vec![first];
    while let Ok(next) = receiver.try_recv() {
        match jobs.iter_mut().find(|j| j.root == next.root) {
            Some(job) => {
                job.overlays = next.overlays;
                job.reread.extend(next.reread);
                job.reload |= next.reload;
            }
            None => jobs.push(next),
        }
    }
    jobs
}

fn compile(job: &Job, state: &mut BookState, client: &Client, snapshots: &Snapshots) {
    let disk = match read_disk(job, state) {
        Ok(disk) => disk,
        Err(problem) => {
            let (files, problems) = (HashMap::new(), Diagnostics::from_iter([problem]));
            publish(client, state, &job.root, &files, &job.overlays, problems);
            return;
        }
    };
    let files = with_overlays(disk, &job.overlays);
    let options = Options {
        root: job.root.clone(),
        ..Options::default()
    };
    let last = state.last_good.clone();
    // The last compile's git history holds while site.toml (which can turn git off) is the same.
    let history = last
        .as_ref()
        .filter(|c| c.files.config.text == files.config.text)
        .map(|c| c.history.clone());
    let reuse = Reuse {
        files: Some(files.clone()),
        history,
        earlier: last.as_deref(),
    };
    let outcome = pipeline::compile_with(&options, reuse);
    let diagnostics = match outcome {
        Ok(compiled) => {
            let warnings = compiled.warnings.clone();
            state.last_good = Some(Arc::new(compiled));
            state.partial = None;
            warnings
        }
        Err(problems) => problems,
    };
    // A book that has not compiled cleanly yet: what of it parses, for completion and hover.
    // The first time before the diagnostics go out (so that a request that follows them finds
    // it), later after them (it is a whole parse, and the last one serves meanwhile).
    let first_partial = state.last_good.is_none() && state.partial.is_none();
    if first_partial {
        state.partial = Knowledge::partial(&files, None);
    }
    // Requests see the new compile before the editor hears of its diagnostics.
    share(snapshots, &job.root, state, &files);
    let texts = texts_by_path(&files);
    publish(client, state, &job.root, &texts, &job.overlays, diagnostics);
    if state.last_good.is_none() && !first_partial {
        state.partial = Knowledge::partial(&files, state.partial.as_ref());
        share(snapshots, &job.root, state, &files);
    }
}

fn share(snapshots: &Snapshots, root: &Path, state: &BookState, files: &BookFiles) {
    let knowledge = match &state.last_good {
        Some(c) => Some(Knowledge::Compiled(c.clone())),
        None => state.partial.clone(),
    };
    let snapshot = Snapshot {
        knowledge,
        files: Some(files.clone()),
    };
    let mut snapshots = snapshots.lock().unwrap_or_else(|e| e.into_inner());
    snapshots.insert(root.to_path_buf(), snapshot);
}

/// The book's files on disk: read whole the first time and on `reload`, else the last reading
/// with the files named in `reread` read again.
fn read_disk(job: &Job, state: &mut BookState) -> Result<BookFiles, Diagnostic> {
    let known = |files: &BookFiles, rel: &str| {
        files.config.path == rel
            || files.pages.iter().any(|(_, f)| f.path == rel)
            || files.sources_file.as_ref().is_some_and(|f| f.path == rel)
    };
    let mut disk = match state.disk.take() {
        Some(disk) if !job.reload && job.reread.iter().all(|r| known(&disk, r)) => disk,
        _ => load_all(&job.root)?,
    };
    for rel in &job.reread {
        match load::read_text(&job.root, &job.root.join(rel)) {
            Ok(file) => replace(&mut disk, file),
            // Gone or unreadable: read the whole book again, which reports it if it matters.
            Err(_) => {
                disk = load_all(&job.root)?;
                break;
            }
        }
    }
    state.disk = Some(disk.clone());
    Ok(disk)
}

fn load_all(root: &Path) -> Result<BookFiles, Diagnostic> {
    let config = load::read_config(root)?;
    let theme = crate::read::config::parse(&config)
        .0
        .map_or_else(|| "default".to_string(), |c| c.theme);
    load::load(root, config, &theme)
}

/// Puts `file` in place of the file of the same path (a page, the registry or site.toml); a
/// new page under `content/` joins the pages in their order.
fn replace(files: &mut BookFiles, file: Arc<SourceFile>) {
    if file.path == files.config.path {
        files.config = file;
    } else if file.path == "content/sources.toml" {
        files.sources_file = Some(file);
    } else if let Some(page) = files.pages.iter_mut().find(|(_, f)| f.path == file.path) {
        page.1 = file;
    } else if let Some(rel) = file.path.strip_prefix("content/") {
        if rel.ends_with(".md") && !is_skipped(rel) {
            let at = files.pages.partition_point(|(p, _)| p.as_str() < rel);
            files.pages.insert(at, (rel.to_string(), file));
        }
    }
}

/// Files the loader skips: hidden ones and `_x` files other than `_index.md`.
fn is_skipped(rel: &str) -> bool {
    rel.split('/').any(|part| part.starts_with('.'))
        || rel
            .rsplit('/')
            .next()
            .is_some_and(|name| name.starts_with('_') && name != "_index.md")
}

/// The files with the editor's unsaved texts in place of those on disk.
fn with_overlays(mut files: BookFiles, overlays: &HashMap<String, Overlay>) -> BookFiles {
    let mut open: Vec<(&String, &Overlay)> = overlays.iter().collect();
    open.sort_by_key(|(rel, _)| *rel);
    for (_, overlay) in open {
        replace(&mut files, overlay.file.clone());
    }
    files
}

/// Every text file of the book by its path from the root, to place diagnostics in.
fn texts_by_path(files: &BookFiles) -> HashMap<String, Arc<SourceFile>> {
    let pages = files.pages.iter().map(|(_, f)| f.clone());
    let all = std::iter::once(files.config.clone())
        .chain(pages)
        .chain(files.sources_file.clone());
    all.map(|f| (f.path.clone(), f)).collect()
}

/// Publishes each file's diagnostics, where they changed, and clears those of files that had
/// some and have none now. A diagnostic without a file (or naming a folder) goes to site.toml.
fn publish(
    client: &Client,
    state: &mut BookState,
    root: &Path,
    texts: &HashMap<String, Arc<SourceFile>>,
    overlays: &HashMap<String, Overlay>,
    diagnostics: Diagnostics,
) {
    let now = by_file(diagnostics);
    let uri_of = |rel: &str| match overlays.get(rel) {
        Some(o) => Some(o.uri.clone()),
        None => uri::from_path(&root.join(rel)),
    };
    let version = |rel: &str| overlays.get(rel).map(|o| o.version);
    let gone: Vec<String> = state
        .published
        .keys()
        .filter(|rel| !now.contains_key(*rel))
        .cloned()
        .collect();
    for rel in gone {
        state.published.remove(&rel);
        if let Some(uri) = uri_of(&rel) {
            send(client, uri, Vec::new(), version(&rel));
        }
    }
    for (rel, found) in now {
        let text = texts.get(&rel);
        let same = state.published.get(&rel).is_some_and(|p| {
            p.found == found && p.text.as_ref().map(Arc::as_ptr) == text.map(Arc::as_ptr)
        });
        // Unchanged diagnostics of an unchanged text are not sent again, but to an open
        // document, whose new version should see them confirmed.
        if same && version(&rel).is_none() {
            continue;
        }
        let shown: Vec<lsp_types::Diagnostic> = match state.published.get(&rel) {
            Some(p) if same => p.shown.clone(),
            _ => found
                .iter()
                .map(|d| actions::to_lsp(d, text.map(|t| &**t)))
                .collect(),
        };
        if let Some(uri) = uri_of(&rel) {
            send(client, uri, shown.clone(), version(&rel));
        }
        let text = text.cloned();
        state
            .published
            .insert(rel, Published { text, found, shown });
    }
    // Every open document hears after each compile, with its version, even when it has no
    // diagnostics: the editor then knows the list is current.
    for (rel, overlay) in overlays {
        if !state.published.contains_key(rel) {
            send(
                client,
                overlay.uri.clone(),
                Vec::new(),
                Some(overlay.version),
            );
        }
    }
}

/// The diagnostics by file (site.toml for those without one), each file's in `check`'s order
/// without repeats.
fn by_file(diagnostics: Diagnostics) -> HashMap<String, Vec<Diagnostic>> {
    let mut files: HashMap<String, Vec<Diagnostic>> = HashMap::new();
    for d in diagnostics {
        let rel = match &d.file {
            Some(file) if !file.ends_with('/') => file.clone(),
            _ => "site.toml".to_string(),
        };
        files.entry(rel).or_default().push(d);
    }
    for list in files.values_mut() {
        list.sort_by(|a, b| {
            (a.line, a.column, a.severity, &a.message)
                .cmp(&(b.line, b.column, b.severity, &b.message))
        });
        list.dedup();
    }
    files
}

fn send(client: &Client, uri: Uri, diagnostics: Vec<lsp_types::Diagnostic>, version: Option<i32>) {
    client.notify(
        "textDocument/publishDiagnostics",
        PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        },
    );
}
