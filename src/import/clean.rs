//! The checks every imported value passes, whichever file it came from: a date the book reads,
//! a web address, a bare DOI, one of the allowed words. What is changed or dropped is said in a
//! warning at the value's place, naming the entry.

use crate::diagnostic::{Code, Diagnostic, SourceFile};
use crate::import::{dates, links};

/// The warnings of one entry, each naming it.
pub struct Notes<'f> {
    pub file: &'f SourceFile,
    pub key: String,
    pub diagnostics: Vec<Diagnostic>,
}

impl<'f> Notes<'f> {
    pub fn new(file: &'f SourceFile, key: &str) -> Self {
        Notes {
            file,
            key: key.to_string(),
            diagnostics: Vec::new(),
        }
    }

    /// A value changed or dropped so the book accepts it.
    pub fn changed(&mut self, at: usize, message: impl std::fmt::Display) {
        let d = Diagnostic::warning(Code::ImportChanged, format!("`{}`: {message}", self.key));
        self.diagnostics.push(d.at(self.file, at));
    }

    /// The warning that the entry is left out.
    pub fn skipped(&self, at: usize, message: impl std::fmt::Display) -> Diagnostic {
        Diagnostic::warning(
            Code::ImportSkipped,
            format!("`{}` {message}; the entry is skipped", self.key),
        )
        .at(self.file, at)
    }

    /// `accessed`: a date, or nothing (said) when it cannot be one.
    pub fn optional_date(&mut self, raw: &str, at: usize, field: &str) -> Option<String> {
        match dates::from_text(raw) {
            Ok(d) => {
                if let Some(change) = d.change {
                    self.changed(at, format!("{field}: {change}"));
                }
                Some(d.date.to_string())
            }
            Err(reason) => {
                self.changed(at, format!("{field}: {reason}; dropped"));
                None
            }
        }
    }

    pub fn url(&mut self, raw: &str, at: usize, field: &str) -> Option<String> {
        match links::web_url(raw) {
            Ok((url, change)) => {
                if let Some(change) = change {
                    self.changed(at, format!("{field}: {change}"));
                }
                Some(url)
            }
            Err(reason) => {
                self.changed(at, format!("{field}: {reason}; dropped"));
                None
            }
        }
    }

    pub fn doi(&mut self, raw: &str, at: usize) -> Option<String> {
        links::doi(raw)
            .map_err(|reason| self.changed(at, format!("doi: {reason}; dropped")))
            .ok()
    }

    /// A value that must be one of `allowed` (a reliability letter, a status, a kind).
    pub fn one_of(
        &mut self,
        raw: &str,
        at: usize,
        field: &str,
        allowed: &[&str],
    ) -> Option<String> {
        let value = raw.trim();
        if allowed.contains(&value) {
            return Some(value.to_string());
        }
        self.changed(
            at,
            format!(
                "{field}: `{value}` is not one of {}; dropped",
                allowed.join(", ")
            ),
        );
        None
    }
}

/// `Title: Subtitle`, without doubling a colon or a question mark.
pub fn with_subtitle(title: String, subtitle: Option<String>) -> String {
    match subtitle.filter(|s| !s.is_empty()) {
        Some(sub) if title.ends_with(['?', '!', ':', '.']) => format!("{title} {sub}"),
        Some(sub) => format!("{title}: {sub}"),
        None => title,
    }
}

/// Editors, which the book has no field for, kept in the note: `Edited by A and B.`
pub fn note_with_editors(note: Option<String>, editors: &[String]) -> Option<String> {
    if editors.is_empty() {
        return note;
    }
    let names = match editors {
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
        [] => String::new(),
    };
    let edited = format!("Edited by {names}.");
    Some(match note.filter(|n| !n.is_empty()) {
        Some(n) if n.contains(&edited) => n,
        Some(n) => format!("{edited} {n}"),
        None => edited,
    })
}
