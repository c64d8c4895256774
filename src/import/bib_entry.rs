//! A BibTeX/BibLaTeX entry (with what it inherits) made into a source: title with subtitle,
//! the first date the book can hold, names, container, volume, issue, pages, DOI, URL, kind.

use super::bib_parse::{RawEntry, RawField};
use super::clean::{note_with_editors, with_subtitle, Notes};
use super::{dates, ids, kinds, latex, links, names, Candidate, Imported};
use crate::diagnostic::{Diagnostic, SourceFile};
use crate::model::{RELIABILITY, SOURCE_STATUSES};

/// Entry types that hold data for others and are no reference themselves.
const NOT_SOURCES: &[&str] = &["xdata", "set"];

/// The entry as a candidate source, or the warning that skips it. Changes go into `notes`.
pub fn convert(
    entry: &RawEntry,
    inherited: &[RawField],
    file: &SourceFile,
) -> Option<Result<(Candidate, Vec<Diagnostic>), Diagnostic>> {
    if NOT_SOURCES.contains(&entry.entry_type.as_str()) {
        return None;
    }
    let fields = Fields { entry, inherited };
    let mut notes = Notes::new(file, &entry.key);
    Some(build(&fields, &mut notes).map(|c| (c, notes.diagnostics)))
}

struct Fields<'a> {
    entry: &'a RawEntry,
    inherited: &'a [RawField],
}

impl Fields<'_> {
    fn raw(&self, name: &str) -> Option<&RawField> {
        self.entry
            .get(name)
            .or_else(|| self.inherited.iter().find(|f| f.name == name))
            .filter(|f| !f.value.trim().is_empty())
    }

    /// The field as plain text.
    fn text(&self, name: &str) -> Option<String> {
        self.raw(name)
            .map(|f| latex::to_text(&f.value))
            .filter(|t| !t.is_empty())
    }

    fn first_text(&self, names: &[&str]) -> Option<String> {
        names.iter().find_map(|n| self.text(n))
    }
}

fn build(f: &Fields, notes: &mut Notes) -> Result<Candidate, Diagnostic> {
    let entry = f.entry;
    let Some(title) = f.text("title") else {
        return Err(notes.skipped(entry.offset, "has no title"));
    };
    let title = with_subtitle(title, f.text("subtitle"));
    let (date, year) = issued(f, notes)?;
    let authors = f
        .raw("author")
        .map(|a| names::bibtex_names(&a.value))
        .unwrap_or_default();
    let editors = f
        .raw("editor")
        .map(|a| names::bibtex_names(&a.value))
        .unwrap_or_default();
    let container = f
        .first_text(&["journaltitle", "journal", "booktitle"])
        .map(|c| with_subtitle(c, f.first_text(&["journalsubtitle", "booksubtitle"])));
    let (url, doi) = url_and_doi(f, notes);
    let howpublished = f
        .text("howpublished")
        .filter(|h| links::web_url(h).is_err());
    let subtype = f.text("entrysubtype");
    let kind = kinds::from_bibtex(&entry.entry_type, subtype.as_deref(), url.is_some());
    let custom = |notes: &mut Notes, name: &str, allowed: &[&str]| {
        f.raw(name)
            .and_then(|r| notes.one_of(&latex::to_text(&r.value), r.offset, name, allowed))
    };
    let source = Imported {
        title: title.clone(),
        date,
        kind: Some(kind.to_string()),
        publisher: f
            .first_text(&["publisher", "institution", "organization", "school"])
            .or(howpublished),
        container,
        volume: f.text("volume"),
        issue: f.first_text(&["issue", "number"]),
        pages: f.text("pages"),
        doi,
        url,
        accessed: f
            .raw("urldate")
            .and_then(|u| notes.optional_date(&without_braces(&u.value), u.offset, "urldate")),
        reliability: custom(notes, "reliability", RELIABILITY),
        status: custom(notes, "status", SOURCE_STATUSES),
        note: note_with_editors(f.text("note"), &editors),
        authors,
        ..Imported::default()
    };
    let family = first_family(&source.authors);
    Ok(Candidate {
        key: entry.key.clone(),
        id: ids::from_key(&entry.key)
            .unwrap_or_else(|| ids::made(family.as_deref(), &year, &title)),
        offset: entry.offset,
        source,
    })
}

/// The date of publication: `date`, else `year` (with `month`), else (said) the date the
/// source was accessed. Returns the date and its year (for a made id).
fn issued(f: &Fields, notes: &mut Notes) -> Result<(String, String), Diagnostic> {
    let mut reason = None;
    let tries = [
        f.raw("date").map(|d| (without_braces(&d.value), d.offset)),
        f.raw("year")
            .map(|y| (year_and_month(f, &without_braces(&y.value)), y.offset)),
    ];
    for (text, at) in tries.into_iter().flatten() {
        match dates::from_text(&text) {
            Ok(d) => {
                if let Some(change) = d.change {
                    notes.changed(at, format!("date: {change}"));
                }
                let date = d.date.to_string();
                return Ok((date.clone(), date[..4].to_string()));
            }
            Err(e) => {
                reason.get_or_insert((e, at));
            }
        }
    }
    if let Some(u) = f.raw("urldate") {
        if let Ok(d) = dates::from_text(&without_braces(&u.value)) {
            let date = d.date.to_string();
            let why = reason
                .as_ref()
                .map_or("no date or year".to_string(), |(e, _)| e.clone());
            notes.changed(
                u.offset,
                format!("{why}; the date it was accessed, {date}, is used as its date"),
            );
            return Ok((date.clone(), date[..4].to_string()));
        }
    }
    Err(match reason {
        Some((e, at)) => notes.skipped(at, format!("has no date the book can hold: {e}")),
        None => notes.skipped(
            f.entry.offset,
            "has no date (no `date`, `year` or `urldate`)",
        ),
    })
}

/// A date as written, its braces gone (`~` in a date is EDTF's "approximate", not a tie).
fn without_braces(value: &str) -> String {
    value.chars().filter(|c| !matches!(c, '{' | '}')).collect()
}

/// `2025` and `aug` as `2025-08`; a year that is not four digits is left to the date reader.
fn year_and_month(f: &Fields, year: &str) -> String {
    let month = f
        .text("month")
        .and_then(|m| dates::month_number(&m))
        .filter(|m| (1..=12).contains(m));
    match month {
        Some(m) if year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit()) => {
            format!("{year}-{m:02}")
        }
        _ => year.to_string(),
    }
}

/// The URL (from `url`, a URL in `howpublished`, or an arXiv eprint) and the DOI (from `doi`,
/// or from a `doi.org` URL). A DOI never makes up a URL: the book links DOIs itself.
fn url_and_doi(f: &Fields, notes: &mut Notes) -> (Option<String>, Option<String>) {
    let url = match (f.raw("url"), f.raw("howpublished")) {
        (Some(u), _) => notes.url(&u.value, u.offset, "url"),
        (None, Some(h)) => links::web_url(&latex::to_text(&h.value))
            .ok()
            .map(|(u, _)| u),
        (None, None) => arxiv(f),
    };
    let doi = match f.raw("doi") {
        Some(d) => notes.doi(&d.value, d.offset),
        None => url.as_deref().and_then(links::doi_in_url),
    };
    (url, doi)
}

fn arxiv(f: &Fields) -> Option<String> {
    let kind = f.text("eprinttype").or_else(|| f.text("archiveprefix"))?;
    let id = f.raw("eprint")?.value.trim().to_string();
    let ok = kind.eq_ignore_ascii_case("arxiv")
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '/' | '-'));
    ok.then(|| format!("https://arxiv.org/abs/{id}"))
}

/// The family name of the first author, for a made id.
pub fn first_family(authors: &[String]) -> Option<String> {
    authors
        .first()
        .map(|a| crate::data::csl::split_name(a).family)
}
