//! The importer: BibTeX/BibLaTeX and CSL-JSON (what Zotero and other reference managers
//! export) turned into `[[source]]` tables for the book's registry, entry by entry. An entry the
//! book could not accept is skipped with a located warning; every other one is imported, and
//! every value written is one `check` accepts.

mod apply;
mod bib_entry;
mod bib_parse;
mod clean;
mod crossref;
mod csl_read;
pub mod dates;
mod ids;
mod kinds;
pub mod latex;
mod links;
mod names;
mod registry;
mod toml_out;

use std::collections::HashSet;
use std::sync::Arc;

use crate::diagnostic::{Code, Diagnostic, SourceFile};

pub use apply::{import, Outcome};
pub use toml_out::to_toml;

/// A source read from a reference manager's file, ready to be written as a `[[source]]` table
/// (its fields in the order they are written).
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Imported {
    pub id: String,
    pub title: String,
    pub date: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub volume: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issue: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pages: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doi: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accessed: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archived_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reliability: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub superseded_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// An entry made into a source, before its id is known to be unique.
pub struct Candidate {
    /// The key as the file writes it.
    pub key: String,
    /// The id it asks for.
    pub id: String,
    /// Where the entry is, for warnings about it as a whole.
    pub offset: usize,
    pub source: Imported,
}

/// What a file gave: its sources with unique ids, each valid for the book, and a warning for
/// every entry skipped or changed.
#[derive(Debug, Default)]
pub struct Read {
    pub sources: Vec<Imported>,
    pub diagnostics: Vec<Diagnostic>,
    /// Entries skipped (each has an `import-skipped` warning).
    pub skipped: usize,
}

/// Reads BibTeX or BibLaTeX.
pub fn read_bibtex(file: &Arc<SourceFile>) -> Read {
    let (entries, mut diagnostics) = bib_parse::parse(file);
    let (inherited, problems) = crossref::inherit(&entries, file);
    diagnostics.extend(problems);
    let mut candidates = Vec::new();
    for (entry, inherited) in entries.iter().zip(&inherited) {
        match bib_entry::convert(entry, inherited, file) {
            Some(Ok((candidate, notes))) => {
                candidates.push(candidate);
                diagnostics.extend(notes);
            }
            Some(Err(skipped)) => diagnostics.push(skipped),
            None => {}
        }
    }
    finish(candidates, file, diagnostics)
}

/// Reads a CSL-JSON list of items; an error when the file is not CSL-JSON at all.
pub fn read_csl_json(file: &Arc<SourceFile>) -> Result<Read, Diagnostic> {
    let (candidates, diagnostics) = csl_read::read(file)?;
    Ok(finish(candidates, file, diagnostics))
}

/// Unique ids (a key used twice: the second skipped; keys that differ only in case or accents:
/// the later ones suffixed), and each source checked by reading it back as the book would.
fn finish(candidates: Vec<Candidate>, file: &SourceFile, mut diagnostics: Vec<Diagnostic>) -> Read {
    let mut ids = ids::Ids::default();
    let mut keys = HashSet::new();
    let mut sources = Vec::new();
    for Candidate {
        key,
        id,
        offset,
        mut source,
    } in candidates
    {
        let warn = |code, message: String| Diagnostic::warning(code, message).at(file, offset);
        if !keys.insert(key.clone()) {
            diagnostics.push(warn(Code::ImportSkipped, format!("`{key}` is the key of an earlier entry too; the first is kept and this one is skipped")));
            continue;
        }
        // What the book assumes anyway is not written, so a round trip gives the same tables.
        source.kind = source.kind.filter(|k| k != "other");
        source.status = source.status.filter(|s| s != "active");
        source.id = ids.unique(id.clone());
        if source.id != id {
            diagnostics.push(warn(
                Code::ImportChanged,
                format!(
                    "`{key}`: the id `{id}` is taken by an earlier entry; this one is `{}`",
                    source.id
                ),
            ));
        }
        match toml_out::check(&source) {
            Ok(()) => sources.push(source),
            Err(reason) => diagnostics.push(warn(
                Code::ImportSkipped,
                format!("`{key}` would not pass `check` ({reason}); the entry is skipped"),
            )),
        }
    }
    let skipped = diagnostics
        .iter()
        .filter(|d| d.code == Code::ImportSkipped)
        .count();
    diagnostics.sort_by_key(|d| (d.line, d.column));
    Read {
        sources,
        diagnostics,
        skipped,
    }
}

#[cfg(test)]
mod tests;
