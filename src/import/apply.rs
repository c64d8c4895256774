//! `briefbook import FILE [--update]`: reads the file, sets its sources against the book's (an
//! id the book has is an error, or with `--update` that source updated), and writes the sources
//! file once, whole, or not at all.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::registry::{self, Existing};
use super::{toml_out, Imported, Read};
use crate::diagnostic::{Code, Diagnostic, SourceFile};

/// What an import did.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Ids added to the book.
    pub imported: Vec<String>,
    /// Ids updated, with the fields that changed.
    pub updated: Vec<(String, Vec<&'static str>)>,
    /// Ids the file has as the book has them already.
    pub unchanged: usize,
    pub skipped: usize,
    /// Every entry skipped or changed, located in the file.
    pub warnings: Vec<Diagnostic>,
}

impl Outcome {
    /// `imported 3, updated 1, unchanged 0, skipped 2`.
    pub fn summary(&self) -> String {
        format!(
            "imported {}, updated {}, unchanged {}, skipped {}",
            self.imported.len(),
            self.updated.len(),
            self.unchanged,
            self.skipped
        )
    }
}

/// The one registry the book reads (FORMAT section 3); `--into` may only name it.
const REGISTRY: &str = "content/sources.toml";

/// `into` unless it names a file the book never reads (a brief, `site.toml`, a file outside the
/// book): written there, the sources would be lost, or the book broken, with "imported" said.
fn refuse_unread_target(into: &Path) -> Result<(), Diagnostic> {
    let mut parts = Vec::new();
    for part in into.components() {
        match part {
            std::path::Component::Normal(name) => parts.push(name.to_string_lossy().into_owned()),
            std::path::Component::CurDir => {}
            // `..` or a root: not a path inside the book as the registry's is.
            _ => return Err(unread(into)),
        }
    }
    if parts.join("/") == REGISTRY {
        return Ok(());
    }
    Err(unread(into))
}

fn unread(into: &Path) -> Diagnostic {
    Diagnostic::error(
        Code::Usage,
        format!(
            "--into {} is not a file the book reads its sources from",
            into.display()
        ),
    )
    .with_help(format!(
        "sources go into {REGISTRY} (or a brief's own `sources`); leave out --into"
    ))
}

/// Imports `file` (`.bib`, `.bibtex`, `.biblatex` or `.json`) into `into` (relative to `root`).
/// On an error nothing is written, and the warnings come with the errors.
pub fn import(
    root: &Path,
    file: &Path,
    into: &Path,
    update: bool,
) -> Result<Outcome, Vec<Diagnostic>> {
    refuse_unread_target(into).map_err(|d| vec![d])?;
    let read = read_file(file).map_err(|d| vec![d])?;
    let target = root.join(into);
    let existing = registry::existing(root, &target);
    let shown = file.display().to_string();
    let mut outcome = Outcome {
        skipped: read.skipped,
        warnings: read.diagnostics,
        ..Outcome::default()
    };
    let sources = known_successors(read.sources, &existing, &shown, &mut outcome.warnings);
    let mut plan = Plan::default();
    for source in sources {
        match existing.get(&source.id) {
            None => plan.add(source, &mut outcome),
            Some(old) if !update => plan.errors.push(clash(&source.id, old, &shown)),
            Some(old) if !same_file(root, &old.path, &target) || old.also.is_some() => {
                plan.errors.push(elsewhere(&source.id, old, &shown))
            }
            Some(old) => plan.update(old, source, &shown, &mut outcome),
        }
    }
    if !plan.errors.is_empty() {
        plan.errors.extend(outcome.warnings);
        return Err(plan.errors);
    }
    if !plan.added.is_empty() || !plan.replacements.is_empty() {
        write(&target, plan.replacements, &plan.added).map_err(|d| vec![d])?;
    }
    Ok(outcome)
}

/// What an import will write, and what stops it.
#[derive(Default)]
struct Plan {
    added: Vec<Imported>,
    /// (offset of the old table, the new table)
    replacements: Vec<(usize, String)>,
    errors: Vec<Diagnostic>,
}

impl Plan {
    fn add(&mut self, source: Imported, outcome: &mut Outcome) {
        outcome.imported.push(source.id.clone());
        self.added.push(source);
    }

    /// The book's source updated from the file's, when anything changed.
    fn update(&mut self, old: &Existing, source: Imported, shown: &str, outcome: &mut Outcome) {
        let (merged, changed) = registry::merge(&old.source, &source);
        if changed.is_empty() {
            outcome.unchanged += 1;
            return;
        }
        match toml_out::check(&merged) {
            Ok(()) => {
                self.replacements
                    .push((old.offset, toml_out::table(&merged)));
                outcome.updated.push((source.id, changed));
            }
            Err(reason) => self.errors.push(
                Diagnostic::error(
                    Code::Import,
                    format!(
                        "updating `{}` would give a source the book refuses: {reason}",
                        source.id
                    ),
                )
                .in_file(shown.to_string()),
            ),
        }
    }
}

/// `superseded_by` kept only when it names a source of the book or of the file: `check` refuses
/// one that names nothing.
fn known_successors(
    mut sources: Vec<Imported>,
    existing: &HashMap<String, Existing>,
    shown: &str,
    warnings: &mut Vec<Diagnostic>,
) -> Vec<Imported> {
    let ids: HashSet<String> = sources.iter().map(|s| s.id.clone()).collect();
    for source in &mut sources {
        let Some(next) = source.superseded_by.take() else {
            continue;
        };
        if ids.contains(&next) || existing.contains_key(&next) {
            source.superseded_by = Some(next);
        } else {
            let message = format!(
                "`{}`: superseded_by names `{next}`, which neither the book nor the file has; dropped",
                source.id
            );
            warnings
                .push(Diagnostic::warning(Code::ImportChanged, message).in_file(shown.to_string()));
        }
    }
    sources
}

fn read_file(file: &Path) -> Result<Read, Diagnostic> {
    let shown = file.display().to_string();
    let bytes = std::fs::read(file)
        .map_err(|e| Diagnostic::error(Code::Io, format!("cannot read {shown}: {e}")))?;
    // A library saved in Latin-1 still imports: its stray bytes show as U+FFFD.
    let text = String::from_utf8_lossy(&bytes);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text).to_string();
    let source = SourceFile::new(shown.clone(), text);
    let extension = file
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let mut read = match extension.as_str() {
        "bib" | "bibtex" | "biblatex" => super::read_bibtex(&source),
        "json" => super::read_csl_json(&source)?,
        _ => {
            return Err(Diagnostic::error(
                Code::Usage,
                format!("{shown}: import reads .bib (BibTeX, BibLaTeX) or .json (CSL-JSON)"),
            ))
        }
    };
    if std::str::from_utf8(&bytes).is_err() {
        let message = "the file is not UTF-8: the bytes that are not are read as U+FFFD (�); save the library as UTF-8 to keep them";
        read.diagnostics.insert(
            0,
            Diagnostic::warning(Code::ImportChanged, message).in_file(shown),
        );
    }
    Ok(read)
}

fn clash(id: &str, old: &Existing, shown: &str) -> Diagnostic {
    Diagnostic::error(
        Code::DuplicateId,
        format!(
            "the source id `{id}` is already used in the book ({})",
            old.path
        ),
    )
    .in_file(shown.to_string())
    .with_help("import with `--update` to update it from the file, or change the entry's key")
}

fn elsewhere(id: &str, old: &Existing, shown: &str) -> Diagnostic {
    let place = match &old.also {
        Some(other) => format!("{} and {other}", old.path),
        None => old.path.clone(),
    };
    Diagnostic::error(
        Code::DuplicateId,
        format!("the source `{id}` is defined in {place}, which `--update` does not rewrite"),
    )
    .in_file(shown.to_string())
    .with_help("update it there by hand, or keep it in the sources file alone")
}

fn same_file(root: &Path, path: &str, target: &Path) -> bool {
    let canonical = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    canonical(&root.join(path)) == canonical(target)
}

/// The sources file with its updated tables replaced and the new ones appended, written whole
/// and renamed into place: a full disk leaves the registry as it was.
fn write(
    target: &Path,
    replacements: Vec<(usize, String)>,
    added: &[Imported],
) -> Result<(), Diagnostic> {
    let old = std::fs::read_to_string(target).unwrap_or_default();
    let mut content = registry::replace_tables(&old, replacements);
    content.push_str(&toml_out::to_toml(added));
    if let Some(dir) = target.parent() {
        std::fs::create_dir_all(dir).map_err(|e| {
            Diagnostic::error(Code::Io, format!("cannot create {}: {e}", dir.display()))
        })?;
    }
    crate::output::book_file::replace(target, content.as_bytes()).map_err(|e| {
        Diagnostic::error(
            Code::Io,
            format!("cannot write {}: {e}; it is unchanged", target.display()),
        )
    })
}
