//! Reading a book from disk: site.toml, content/, static/ and templates. The only input I/O.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::diagnostic::{Code, Diagnostic, SourceFile};
use crate::read::walk::{shown, Walker};

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
    /// Files copied to the output root: the theme folder's `static/`, then the book's `static/`
    /// (a book's file replaces its theme's file of the same path).
    pub statics: Vec<FileRef>,
    /// Template overrides: the theme's folder, then the book's `templates/` (later ones win).
    pub templates: Vec<(String, String)>,
    /// The PDF edition's theme files (`themes/<name>/pdf/`, then `pdf/` under the theme's and
    /// the book's `templates/`), by name: Typst, not Tera, so kept apart from `templates`.
    pub pdf_theme: Vec<(String, Arc<SourceFile>)>,
    /// What loading met: errors for every input that could not be read (so that nothing is
    /// published without it), warnings for links not followed.
    pub problems: Vec<Diagnostic>,
}

/// A file to copy: where it is on disk and its path relative to its folder.
#[derive(Clone, Debug)]
pub struct FileRef {
    pub from: PathBuf,
    pub rel: String,
    /// Its path relative to the book, for messages: `static/logo.png`.
    pub shown: String,
}

/// Reads site.toml only: the build needs the theme name before it lists theme files.
pub fn read_config(root: &Path) -> Result<Arc<SourceFile>, Diagnostic> {
    read_text(root, &root.join("site.toml"))
}

/// Reads the book at `root` with the theme named in its configuration. Only a missing
/// `content/` fails outright; everything else is reported in `problems`.
pub fn load(root: &Path, config: Arc<SourceFile>, theme: &str) -> Result<BookFiles, Diagnostic> {
    let mut problems = Vec::new();
    let content = root.join("content");
    if !content.is_dir() {
        return Err(
            Diagnostic::error(Code::Io, "the book has no content/ folder")
                .in_file("content/")
                .with_help("create content/_index.md for the cover and a folder per chapter"),
        );
    }
    let walker = Walker::new(root);
    let entries = walker.walk(&content, &mut problems);
    let (markdown, other): (Vec<_>, Vec<_>) =
        entries.into_iter().partition(|f| f.rel.ends_with(".md"));
    let read: Vec<Result<(String, Arc<SourceFile>), Diagnostic>> = markdown
        .par_iter()
        .map(|f| read_text(root, &f.from).map(|file| (f.rel.clone(), file)))
        .collect();
    let mut pages = Vec::new();
    for result in read {
        match result {
            Ok(page) => pages.push(page),
            Err(e) => problems.push(e),
        }
    }
    let (sources, assets): (Vec<_>, Vec<_>) =
        other.into_iter().partition(|f| f.rel == "sources.toml");
    let sources_file = sources_file(root, sources.first(), &mut problems);
    let theme_dir = theme_folder(root, &config, theme, &mut problems);
    let statics = statics(&walker, theme_dir.as_deref(), &mut problems);
    let mut templates = Vec::new();
    let mut pdf_theme = Vec::new();
    // (folder, whether all of it is the PDF theme); in a templates folder only its `pdf/` is.
    let pdf_dir = theme_dir.iter().map(|t| (t.join("pdf"), true));
    let template_dirs = theme_dir.iter().map(|t| (t.join("templates"), false));
    let dirs = pdf_dir
        .chain(template_dirs)
        .chain([(root.join("templates"), false)]);
    for (dir, all_pdf) in dirs {
        for f in walker.walk(&dir, &mut problems) {
            let file = match read_text(root, &f.from) {
                Ok(file) => file,
                Err(e) => {
                    problems.push(e);
                    continue;
                }
            };
            let pdf_name = if all_pdf {
                Some(f.rel.as_str())
            } else {
                f.rel.strip_prefix("pdf/")
            };
            match pdf_name {
                Some(name) => pdf_theme.push((name.to_string(), file)),
                None => templates.push((f.rel, file.text.clone())),
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
        pdf_theme,
        problems,
    })
}

/// The registry, read; `content/sources.toml` as a folder would otherwise be copied into the
/// site as if it were a chapter's files, and its sources silently unknown.
fn sources_file(
    root: &Path,
    file: Option<&FileRef>,
    problems: &mut Vec<Diagnostic>,
) -> Option<Arc<SourceFile>> {
    if root.join("content/sources.toml").is_dir() {
        problems.push(
            Diagnostic::error(Code::Io, "the source registry is a folder, not a file")
                .in_file("content/sources.toml")
                .with_help("make content/sources.toml one file of [[source]] tables"),
        );
    }
    match read_text(root, &file?.from) {
        Ok(file) => Some(file),
        Err(e) => {
            problems.push(e);
            None
        }
    }
}

/// The folder of the theme site.toml names, when it exists; the built-in `default` needs none.
/// A theme name that is no folder of `themes/` is an error at its line, with the nearest name.
fn theme_folder(
    root: &Path,
    config: &SourceFile,
    theme: &str,
    problems: &mut Vec<Diagnostic>,
) -> Option<PathBuf> {
    let themes = root.join("themes");
    let dir = themes.join(theme);
    if theme == "default" || dir.is_dir() {
        return Some(dir);
    }
    let mut names = vec!["default".to_string()];
    if let Ok(entries) = std::fs::read_dir(&themes) {
        let folders = entries.flatten().filter(|e| e.path().is_dir());
        names.extend(folders.map(|e| e.file_name().to_string_lossy().into_owned()));
    }
    names.retain(|n| !n.starts_with('.'));
    names.sort();
    names.dedup();
    let error = Diagnostic::error(
        Code::InvalidValue,
        format!("there is no theme `{theme}`: themes/{theme}/ is not a folder"),
    );
    let error = match crate::read::config::value_offset(config, "theme") {
        Some(offset) => error.at(config, offset),
        None => error.in_file(config.path.clone()),
    };
    let error = error.suggest(theme, names.iter().map(String::as_str));
    problems.push(if error.help.is_some() {
        error
    } else {
        error.with_help(format!("the themes are: {}", names.join(", ")))
    });
    None
}

/// The theme folder's static files, then the book's; a book's file replaces its theme's file
/// of the same path (both would be copied at once, and either could end up in the site).
fn statics(walker: &Walker, theme: Option<&Path>, problems: &mut Vec<Diagnostic>) -> Vec<FileRef> {
    let own = walker.walk(&walker.root.join("static"), problems);
    let mut statics = match theme {
        Some(theme) => walker.walk(&theme.join("static"), problems),
        None => Vec::new(),
    };
    let replaced: std::collections::HashSet<&str> = own.iter().map(|f| f.rel.as_str()).collect();
    statics.retain(|f| !replaced.contains(f.rel.as_str()));
    statics.extend(own);
    statics
}
/// Reads a UTF-8 text file, naming it (relative to the book root) on failure.
pub(crate) fn read_text(root: &Path, path: &Path) -> Result<Arc<SourceFile>, Diagnostic> {
    let display = shown(root, path);
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
