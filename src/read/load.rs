//! Reading a book from disk: site.toml, content/, static/ and templates. The only input I/O.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::diagnostic::{Code, Diagnostic, SourceFile};

/// Everything the build needs from disk, read into memory (static files are only listed).
#[derive(Clone)]
pub struct BookFiles {
    pub root: PathBuf,
    pub config: Arc<SourceFile>,
    /// Markdown files, by path relative to `content/`, sorted.
    pub pages: Vec<(String, Arc<SourceFile>)>,
    pub sources_file: Option<Arc<SourceFile>>,
    /// Other files under `content/` (co-located images, PDFs), relative to `content/`.
    pub assets: Vec<FileRef>,
    /// Files copied to the output root: the theme's `static/`, then the book's `static/`.
    pub statics: Vec<FileRef>,
    /// Template overrides: the theme's folder, then the book's `templates/` (later ones win).
    pub templates: Vec<(String, String)>,
    /// Files that could not be read and links not followed: reported, while the rest builds on.
    pub problems: Vec<Diagnostic>,
}

/// A file to copy: where it is on disk and its path relative to its folder.
#[derive(Clone, Debug)]
pub struct FileRef {
    pub from: PathBuf,
    pub rel: String,
}

/// Reads site.toml only: the build needs the theme name before it lists theme files.
pub fn read_config(root: &Path) -> Result<Arc<SourceFile>, Diagnostic> {
    read_text(root, &root.join("site.toml"))
}

/// Reads the book at `root` with the theme named in its configuration. Only a missing
/// `content/` fails outright; unreadable files are reported in `problems`.
pub fn load(root: &Path, config: Arc<SourceFile>, theme: &str) -> Result<BookFiles, Diagnostic> {
    let mut warnings = Vec::new();
    let content = root.join("content");
    if !content.is_dir() {
        return Err(
            Diagnostic::error(Code::Io, "the book has no content/ folder")
                .in_file("content/")
                .with_help("create content/_index.md for the cover and a folder per chapter"),
        );
    }
    let entries = walk(root, &content, &mut warnings);
    let (markdown, other): (Vec<_>, Vec<_>) =
        entries.into_iter().partition(|f| f.rel.ends_with(".md"));
    let read: Vec<Result<(String, Arc<SourceFile>), Diagnostic>> = markdown
        .par_iter()
        .map(|f| read_text(root, &f.from).map(|file| (f.rel.clone(), file)))
        .collect();
    let mut errors = warnings;
    let mut pages = Vec::new();
    for result in read {
        match result {
            Ok(page) => pages.push(page),
            Err(e) => errors.push(e),
        }
    }
    let (sources, assets): (Vec<_>, Vec<_>) =
        other.into_iter().partition(|f| f.rel == "sources.toml");
    let sources_file = match sources.first() {
        Some(f) => match read_text(root, &f.from) {
            Ok(file) => Some(file),
            Err(e) => {
                errors.push(e);
                None
            }
        },
        None => None,
    };
    let theme_dir = root.join("themes").join(theme);
    let mut statics = walk(root, &theme_dir.join("static"), &mut errors);
    statics.extend(walk(root, &root.join("static"), &mut errors));
    let mut templates = Vec::new();
    for dir in [theme_dir.join("templates"), root.join("templates")] {
        for f in walk(root, &dir, &mut errors) {
            match read_text(root, &f.from) {
                Ok(file) => templates.push((f.rel, file.text.clone())),
                Err(e) => errors.push(e),
            }
        }
    }
    Ok(BookFiles {
        root: root.to_path_buf(),
        config,
        pages,
        sources_file,
        assets,
        statics,
        templates,
        problems: errors,
    })
}

/// Files below `dir`, sorted, skipping hidden entries and `_x` files other than `_index.md`.
/// Symbolic links are followed while they stay inside the book (`root`); one that leads out of
/// it, or loops, is named in a warning and not followed.
fn walk(root: &Path, dir: &Path, warnings: &mut Vec<Diagnostic>) -> Vec<FileRef> {
    if !dir.is_dir() {
        return Vec::new();
    }
    let book = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let shown = |path: &Path| {
        path.strip_prefix(root)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/")
    };
    let mut outside = Vec::new();
    let walker = WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            if e.depth() > 0 && e.file_name().to_string_lossy().starts_with('.') {
                return false;
            }
            let leaves = e.path_is_symlink()
                && !e
                    .path()
                    .canonicalize()
                    .is_ok_and(|target| target.starts_with(&book));
            if leaves {
                outside.push(e.path().to_path_buf());
            }
            !leaves
        });
    let mut files = Vec::new();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                let path = err.path().map(shown).unwrap_or_default();
                let message = if err.loop_ancestor().is_some() {
                    "symbolic link loops back to a folder above it; not followed".to_string()
                } else {
                    format!("cannot read: {err}")
                };
                warnings.push(
                    Diagnostic::warning(
                        if err.loop_ancestor().is_some() {
                            Code::Symlink
                        } else {
                            Code::Io
                        },
                        message,
                    )
                    .in_file(path),
                );
                continue;
            }
        };
        let name = entry.file_name().to_string_lossy();
        if entry.file_type().is_file() && !(name.starts_with('_') && name != "_index.md") {
            let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            files.push(FileRef {
                from: entry.path().to_path_buf(),
                rel,
            });
        }
    }
    for path in outside {
        warnings.push(
            Diagnostic::warning(
                Code::Symlink,
                "symbolic link leads outside the book; not followed",
            )
            .in_file(shown(&path)),
        );
    }
    files
}

/// Reads a UTF-8 text file, naming it (relative to the book root) on failure.
pub(crate) fn read_text(root: &Path, path: &Path) -> Result<Arc<SourceFile>, Diagnostic> {
    let display = path
        .strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/");
    let bytes = std::fs::read(path).map_err(|err| {
        Diagnostic::error(Code::Io, format!("cannot read the file: {err}")).in_file(display.clone())
    })?;
    let text = String::from_utf8(bytes).map_err(|err| {
        Diagnostic::error(
            Code::Encoding,
            format!(
                "the file is not UTF-8 text (invalid byte at offset {})",
                err.utf8_error().valid_up_to()
            ),
        )
        .in_file(display.clone())
        .with_help("save the file as UTF-8")
    })?;
    Ok(SourceFile::new(display, text))
}
