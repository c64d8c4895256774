//! The validated book model: Cover, Chapter, Brief, Source, Claim and Fact. No HTML, no I/O.

pub mod date;
pub mod index_pages;

use std::sync::Arc;

use crate::diagnostic::{Diagnostic, SourceFile};
use crate::model::date::PartialDate;

/// Where a value was written, so later passes can point back at it.
#[derive(Clone, Debug)]
pub struct Origin {
    pub file: Arc<SourceFile>,
    pub offset: usize,
}

impl Origin {
    pub fn locate(&self, diagnostic: Diagnostic) -> Diagnostic {
        diagnostic.at(&self.file, self.offset)
    }

    /// `content/a.md:3:1`, for messages that name a second place.
    pub fn display(&self) -> String {
        let (line, column) = self.file.position(self.offset);
        format!("{}:{line}:{column}", self.file.path)
    }
}

/// A string with the place it was written.
#[derive(Clone, Debug)]
pub struct Located<T> {
    pub value: T,
    pub offset: usize,
}

pub const SOURCE_KINDS: &[&str] = &[
    "news",
    "article",
    "book",
    "chapter",
    "report",
    "webpage",
    "dataset",
    "statement",
    "interview",
    "filing",
    "other",
];
pub const SOURCE_STATUSES: &[&str] = &["active", "retracted", "superseded"];
pub const RELIABILITY: &[&str] = &["A", "B", "C", "D", "E", "F"];
pub const CONFIDENCE: &[&str] = &["low", "moderate", "high"];
pub const CLAIM_STATUSES: &[&str] = &["reported", "confirmed", "disputed", "retracted"];
pub const LIKELIHOOD: &[&str] = &[
    "almost no chance",
    "remote",
    "very unlikely",
    "highly improbable",
    "unlikely",
    "improbable",
    "roughly even chance",
    "roughly even odds",
    "likely",
    "probable",
    "very likely",
    "highly probable",
    "almost certain",
    "nearly certain",
];

/// A source of the book's registry.
#[derive(Clone, Debug)]
pub struct Source {
    pub id: String,
    pub title: String,
    pub date: PartialDate,
    pub publisher: Option<String>,
    pub authors: Vec<String>,
    pub url: Option<String>,
    pub accessed: Option<PartialDate>,
    pub archived_url: Option<String>,
    pub kind: String,
    /// The short name readers see, as written; `None` takes the default (see `analyse::labels`).
    pub label: Option<String>,
    /// The journal, outlet or book the piece appeared in.
    pub container: Option<String>,
    pub volume: Option<String>,
    pub issue: Option<String>,
    pub pages: Option<String>,
    /// A bare DOI (`10.1000/xyz`).
    pub doi: Option<String>,
    pub reliability: Option<String>,
    pub status: String,
    pub superseded_by: Option<Located<String>>,
    pub note: Option<String>,
    pub origin: Origin,
}

impl Source {
    /// A source with only its required fields, the rest at their defaults.
    pub fn new(id: &str, title: &str, date: PartialDate, origin: Origin) -> Source {
        Source {
            id: id.into(),
            title: title.into(),
            date,
            publisher: None,
            authors: Vec::new(),
            url: None,
            accessed: None,
            archived_url: None,
            kind: "other".into(),
            label: None,
            container: None,
            volume: None,
            issue: None,
            pages: None,
            doi: None,
            reliability: None,
            status: "active".into(),
            superseded_by: None,
            note: None,
            origin,
        }
    }

    /// Whether two definitions say the same thing (the place written does not count).
    pub fn same_fields(&self, other: &Source) -> bool {
        let key = |s: &Source| {
            (
                s.title.clone(),
                s.date,
                s.publisher.clone(),
                s.authors.clone(),
                s.url.clone(),
                s.accessed,
                s.archived_url.clone(),
                (s.kind.clone(), s.reliability.clone(), s.status.clone()),
                (s.label.clone(), s.container.clone(), s.doi.clone()),
                (s.volume.clone(), s.issue.clone(), s.pages.clone()),
                s.superseded_by.as_ref().map(|l| l.value.clone()),
                s.note.clone(),
            )
        };
        key(self) == key(other)
    }
}

#[derive(Clone, Debug)]
pub struct Claim {
    pub id: String,
    pub text: String,
    pub sources: Vec<Located<String>>,
    pub attributed_to: Option<String>,
    pub confidence: Option<String>,
    pub likelihood: Option<String>,
    pub credibility: Option<i64>,
    pub key: bool,
    pub status: String,
    pub date: Option<PartialDate>,
    pub offset: usize,
}

/// A fact's value as written: a number keeps its integer or decimal form.
#[derive(Clone, Debug, PartialEq)]
pub enum FactValue {
    Int(i64),
    Float(f64),
    Text(String),
}

impl FactValue {
    /// The value for reading, with thousands separators: `1,500,000`, `23.5`, `about half`.
    pub fn display(&self) -> String {
        match self {
            FactValue::Int(i) => group_thousands(&i.to_string()),
            FactValue::Float(f) => {
                let text = f.to_string();
                match text.split_once('.') {
                    Some((whole, fraction)) => format!("{}.{fraction}", group_thousands(whole)),
                    None => group_thousands(&text),
                }
            }
            FactValue::Text(t) => t.clone(),
        }
    }

    pub fn to_json(&self) -> serde_json::Value {
        match self {
            FactValue::Int(i) => serde_json::Value::from(*i),
            FactValue::Float(f) => {
                serde_json::Number::from_f64(*f).map_or(serde_json::Value::Null, Into::into)
            }
            FactValue::Text(t) => serde_json::Value::from(t.as_str()),
        }
    }

    /// The value as plain text, as a CSV cell or a comparison key.
    pub fn raw(&self) -> String {
        match self {
            FactValue::Int(i) => i.to_string(),
            FactValue::Float(f) => f.to_string(),
            FactValue::Text(t) => t.clone(),
        }
    }
}

fn group_thousands(digits: &str) -> String {
    let (sign, digits) = digits.strip_prefix('-').map_or(("", digits), |d| ("-", d));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{sign}{out}")
}

#[derive(Clone, Debug)]
pub struct Fact {
    pub id: Option<String>,
    pub subject: String,
    pub metric: String,
    pub value: FactValue,
    pub unit: Option<String>,
    pub as_of: Option<PartialDate>,
    pub source: Located<String>,
    pub note: Option<String>,
    pub offset: usize,
}

/// What every page shares: title, summary, order, draft flag, free values and the body.
#[derive(Clone, Debug)]
pub struct PageHeader {
    pub title: String,
    pub summary: Option<String>,
    pub weight: Option<i64>,
    pub draft: bool,
    pub extra: serde_json::Value,
    /// Where the body starts in the page's file; the body itself is the rest of the file's text
    /// (`Brief::body`, `Section::body`), not a second copy of it.
    pub body_offset: usize,
}

#[derive(Clone, Debug)]
pub struct Brief {
    /// Path relative to `content/`: `chips/h20.md` or `chips/h20/index.md`.
    pub path: String,
    pub file: Arc<SourceFile>,
    pub header: PageHeader,
    pub date: PartialDate,
    /// Where `updated` (else `date`) is written, for staleness warnings.
    pub date_offset: usize,
    pub updated: Option<PartialDate>,
    pub slug: Option<String>,
    pub authors: Vec<String>,
    pub tags: Vec<String>,
    pub related: Vec<Located<String>>,
    /// Old site paths (`policy/h20/`, normalised: no leading slash, one trailing slash) at which
    /// a page redirects to this brief.
    pub aliases: Vec<Located<String>>,
    pub sources: Vec<Source>,
    pub claims: Vec<Claim>,
    pub facts: Vec<Fact>,
}

/// A chapter (`_index.md` of a folder) or the cover (`content/_index.md`).
#[derive(Clone, Debug)]
pub struct Section {
    /// Path relative to `content/`: `_index.md` or `chips/_index.md`.
    pub path: String,
    pub file: Arc<SourceFile>,
    pub header: PageHeader,
}

impl Brief {
    /// The Markdown body: the file's text after its front matter.
    pub fn body(&self) -> &str {
        self.file.text.get(self.header.body_offset..).unwrap_or("")
    }
}

impl Section {
    pub fn body(&self) -> &str {
        self.file.text.get(self.header.body_offset..).unwrap_or("")
    }
}

/// `claim-<id>`: a claim's row on its brief's page.
pub fn claim_anchor(claim: &Claim) -> String {
    format!("claim-{}", claim.id)
}

/// `ref-<id>`: a source's entry in a brief's references.
pub fn reference_anchor(source_id: &str) -> String {
    format!("ref-{source_id}")
}

/// `fact-<id>`, or `fact-<n>` (1-based) for a fact without an id.
pub fn fact_anchor(fact: &Fact, index: usize) -> String {
    match &fact.id {
        Some(id) => format!("fact-{id}"),
        None => format!("fact-{}", index + 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_with_thousands_separators() {
        assert_eq!(FactValue::Int(1500000).display(), "1,500,000");
        assert_eq!(FactValue::Int(-700000).display(), "-700,000");
        assert_eq!(FactValue::Int(17).display(), "17");
        assert_eq!(FactValue::Float(23000.5).display(), "23,000.5");
        assert_eq!(FactValue::Float(23.0).display(), "23");
        assert_eq!(FactValue::Text("3-4 years".into()).display(), "3-4 years");
    }
}
