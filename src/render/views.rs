//! View structs: the small, borrowed shapes templates see. URLs are relative to the site root;
//! templates prefix them with `root`, so every link works from a sub-path and from disk.

use serde::Serialize;

use crate::analyse::conflicts::FactRef;
use crate::analyse::labels::Labels;
use crate::markdown::Heading;
use crate::model::date::PartialDate;
use crate::model::{fact_anchor, Claim, Fact, Source};

#[derive(Serialize)]
pub struct SiteView<'a> {
    pub title: &'a str,
    pub base_url: &'a str,
    pub description: &'a str,
    pub language: &'a str,
    pub extra: &'a serde_json::Value,
    /// Whether `highlight.css` exists ("css" highlighting).
    pub highlight_css: bool,
    /// The commit the site is built from, when the book is in git.
    pub build: Option<&'a crate::read::history::Head>,
    /// Whether the site holds the PDF edition, `book.pdf` (`build --pdf`).
    pub pdf: bool,
}

#[derive(Serialize, Clone)]
pub struct DateView {
    /// As written: `2025-08-17`, `2025-08` or `2025`.
    pub iso: String,
    /// For readers: `17 August 2025`, `August 2025`, `2025`.
    pub human: String,
}

impl From<PartialDate> for DateView {
    fn from(date: PartialDate) -> Self {
        DateView {
            iso: date.to_string(),
            human: date.human(),
        }
    }
}

/// A link to another page of the book.
#[derive(Serialize, Clone)]
pub struct LinkView<'a> {
    pub title: &'a str,
    pub url: String,
    pub summary: Option<&'a str>,
    pub date: Option<DateView>,
}

/// A chapter in the book's contents.
#[derive(Serialize)]
pub struct ChapterNav<'a> {
    pub title: &'a str,
    pub url: String,
    pub depth: usize,
    pub brief_count: usize,
}

#[derive(Serialize)]
pub struct ChapterView<'a> {
    pub title: &'a str,
    pub summary: Option<&'a str>,
    pub content: &'a str,
    pub url: String,
    pub extra: &'a serde_json::Value,
    pub briefs: Vec<LinkView<'a>>,
    pub chapters: Vec<LinkView<'a>>,
    pub parents: Vec<LinkView<'a>>,
}

#[derive(Serialize)]
pub struct CoverChapter<'a> {
    pub title: &'a str,
    pub summary: Option<&'a str>,
    pub url: String,
    pub depth: usize,
    pub briefs: Vec<LinkView<'a>>,
}

/// A key judgment as the cover lists it.
#[derive(Serialize)]
pub struct KeyJudgment<'a> {
    pub text: &'a str,
    pub url: String,
    pub brief: &'a str,
    pub likelihood: Option<&'a str>,
    pub band: Option<&'static str>,
    pub confidence: Option<&'a str>,
}

/// A chapter's key judgments.
#[derive(Serialize)]
pub struct KeyJudgments<'a> {
    pub chapter: &'a str,
    pub judgments: Vec<KeyJudgment<'a>>,
}

#[derive(Serialize)]
pub struct Counts {
    pub chapters: usize,
    pub briefs: usize,
    pub sources: usize,
    pub claims: usize,
    pub facts: usize,
}

#[derive(Serialize)]
pub struct CoverView<'a> {
    pub title: &'a str,
    pub summary: Option<&'a str>,
    pub content: &'a str,
    pub extra: &'a serde_json::Value,
    pub chapters: Vec<CoverChapter<'a>>,
    pub counts: Counts,
    pub key_judgments: Vec<KeyJudgments<'a>>,
    /// The edition the changes page compares with, when the build made one.
    pub changes_since: Option<&'a str>,
}

/// A source as a reference list entry.
#[derive(Serialize)]
pub struct ReferenceView<'a> {
    pub id: &'a str,
    /// The name readers see it by ("Liu 2025").
    pub label: &'a str,
    /// Its entry's id in a brief's references: `ref-<id>`.
    pub anchor: String,
    /// The reference's number in a brief's list: its citation number for a source cited in
    /// the body, the next ones for sources named only by claims or facts.
    pub number: Option<usize>,
    pub title: &'a str,
    pub authors: &'a [String],
    pub publisher: Option<&'a str>,
    /// Where it appeared: the journal, outlet or book, with volume, issue and pages.
    pub container: Option<&'a str>,
    pub volume: Option<&'a str>,
    pub issue: Option<&'a str>,
    pub pages: Option<&'a str>,
    pub doi: Option<&'a str>,
    pub date: DateView,
    pub url: Option<&'a str>,
    pub accessed: Option<DateView>,
    pub archived_url: Option<&'a str>,
    pub kind: &'a str,
    pub reliability: Option<&'a str>,
    pub status: &'a str,
    pub superseded_by: Option<&'a str>,
    /// The label of the source that replaces it.
    pub superseded_by_label: Option<&'a str>,
    pub note: Option<&'a str>,
    /// Ids of the markers citing it on this page, for back-links.
    pub backlinks: Vec<&'a str>,
}

impl<'a> ReferenceView<'a> {
    pub fn new(
        source: &'a Source,
        labels: &'a Labels,
        number: Option<usize>,
        backlinks: Vec<&'a str>,
    ) -> Self {
        let superseded_by = source.superseded_by.as_ref().map(|l| l.value.as_str());
        ReferenceView {
            id: &source.id,
            label: labels.of(&source.id),
            anchor: crate::model::reference_anchor(&source.id),
            number,
            title: &source.title,
            authors: &source.authors,
            publisher: source.publisher.as_deref(),
            container: source.container.as_deref(),
            volume: source.volume.as_deref(),
            issue: source.issue.as_deref(),
            pages: source.pages.as_deref(),
            doi: source.doi.as_deref(),
            date: source.date.into(),
            url: source.url.as_deref(),
            accessed: source.accessed.map(Into::into),
            archived_url: source.archived_url.as_deref(),
            kind: &source.kind,
            reliability: source.reliability.as_deref(),
            status: &source.status,
            superseded_by,
            superseded_by_label: superseded_by.map(|id| labels.of(id)),
            note: source.note.as_deref(),
            backlinks,
        }
    }
}

/// A source named by a claim or fact.
#[derive(Serialize)]
pub struct SourceRef<'a> {
    pub id: &'a str,
    /// The name readers see it by ("Liu 2025").
    pub label: &'a str,
    pub title: &'a str,
    pub number: Option<usize>,
    /// The source's reliability letter, A to F.
    pub reliability: Option<&'a str>,
    /// active, retracted or superseded.
    pub status: &'a str,
}

impl<'a> SourceRef<'a> {
    /// The source `id` of `sources`, with its number in this page's references if it has one.
    pub fn new(
        sources: &'a std::collections::BTreeMap<String, Source>,
        labels: &'a Labels,
        id: &'a str,
        number: Option<usize>,
    ) -> Self {
        let source = sources.get(id);
        SourceRef {
            id,
            label: labels.of(id),
            title: source.map_or(id, |s| s.title.as_str()),
            number,
            reliability: source.and_then(|s| s.reliability.as_deref()),
            status: source.map_or("active", |s| s.status.as_str()),
        }
    }

    pub fn withdrawn(&self) -> bool {
        self.status != "active"
    }
}

#[derive(Serialize)]
pub struct ClaimView<'a> {
    pub id: &'a str,
    /// Its row's id on its brief's page: `claim-<id>`.
    pub anchor: String,
    pub text: &'a str,
    pub attributed_to: Option<&'a str>,
    pub confidence: Option<&'a str>,
    pub likelihood: Option<&'a str>,
    pub credibility: Option<i64>,
    pub key: bool,
    pub status: &'a str,
    pub date: Option<DateView>,
    pub sources: Vec<SourceRef<'a>>,
    /// The likelihood's probability band (`55–80%`).
    pub band: Option<&'static str>,
    /// The Admiralty pair for each source (`B2`), where there is a grade.
    pub grades: Vec<String>,
    /// Whether a source it rests on is retracted or superseded.
    pub at_risk: bool,
}

impl<'a> ClaimView<'a> {
    pub fn new(claim: &'a Claim, sources: Vec<SourceRef<'a>>) -> Self {
        let grades = sources
            .iter()
            .filter_map(|s| {
                let letter = s.reliability;
                (letter.is_some() || claim.credibility.is_some()).then(|| {
                    format!(
                        "{}{}",
                        letter.unwrap_or("?"),
                        claim.credibility.map_or("?".to_string(), |n| n.to_string())
                    )
                })
            })
            .collect();
        let at_risk = sources.iter().any(SourceRef::withdrawn);
        ClaimView {
            id: &claim.id,
            anchor: crate::model::claim_anchor(claim),
            text: &claim.text,
            attributed_to: claim.attributed_to.as_deref(),
            confidence: claim.confidence.as_deref(),
            likelihood: claim.likelihood.as_deref(),
            credibility: claim.credibility,
            key: claim.key,
            status: &claim.status,
            date: claim.date.map(Into::into),
            sources,
            band: claim
                .likelihood
                .as_deref()
                .and_then(crate::analyse::rigor::likelihood_band)
                .map(|(band, _)| band),
            grades,
            at_risk,
        }
    }
}

#[derive(Serialize)]
pub struct FactView<'a> {
    pub id: Option<&'a str>,
    pub anchor: String,
    pub subject: &'a str,
    pub metric: &'a str,
    pub value: String,
    pub unit: Option<&'a str>,
    /// The value with its unit, joined by no-break spaces so that they never wrap apart.
    pub quantity: String,
    pub as_of: Option<DateView>,
    pub note: Option<&'a str>,
    pub source: SourceRef<'a>,
    pub conflict: bool,
    /// Whether its source is retracted or superseded.
    pub at_risk: bool,
    /// Up to three of the facts that disagree with this one.
    pub conflicts_with: Vec<ConflictView<'a>>,
    /// How many more disagree than `conflicts_with` names.
    pub more_conflicts: usize,
    /// The anchor of the fact's subject table on the facts page.
    pub subject_anchor: String,
}

impl<'a> FactView<'a> {
    /// `twins`: the named disagreeing facts, and how many disagree in all.
    pub fn new(
        fact: &'a Fact,
        index: usize,
        source: SourceRef<'a>,
        twins: (Vec<ConflictView<'a>>, usize),
    ) -> Self {
        let (conflicts_with, total) = twins;
        let at_risk = source.withdrawn();
        FactView {
            id: fact.id.as_deref(),
            anchor: fact_anchor(fact, index),
            subject: &fact.subject,
            metric: &fact.metric,
            value: fact.value.display(),
            unit: fact.unit.as_deref(),
            quantity: quantity(fact),
            as_of: fact.as_of.map(Into::into),
            note: fact.note.as_deref(),
            source,
            conflict: total > 0,
            at_risk,
            more_conflicts: total - conflicts_with.len(),
            subject_anchor: format!("subject-{}", crate::text::slugify(&fact.subject)),
            conflicts_with,
        }
    }
}

/// A fact that disagrees with another, as its flag names it: "650,000 t in *Huawei's output*,
/// Liu 2025".
#[derive(Serialize)]
pub struct ConflictView<'a> {
    /// The other fact's value with its unit (`FactView::quantity`).
    pub quantity: String,
    /// The title of the brief that gives it.
    pub title: &'a str,
    /// Its row: on its brief's page (from the site root), or on the page showing the flag.
    pub url: String,
    /// The label of its source.
    pub source: &'a str,
}

impl<'a> ConflictView<'a> {
    /// The fact `twin` of `book`, its row at `url`.
    pub fn new(
        book: &'a crate::read::book::Book,
        labels: &'a Labels,
        twin: FactRef,
        url: String,
    ) -> Self {
        let b = &book.briefs[twin.0].brief;
        let fact = &b.facts[twin.1];
        ConflictView {
            quantity: quantity(fact),
            title: &b.header.title,
            url,
            source: labels.of(&fact.source.value),
        }
    }
}

/// A fact's value and unit, the number never apart from its unit ("1,238\u{a0}USD/t", "45%").
/// Only that join is unbreakable: a value written as text ("between 600,000 and 800,000") or a
/// unit of several words wraps as prose, or a narrow table could not fit it.
pub fn quantity(fact: &Fact) -> String {
    let value = fact.value.display();
    match fact.unit.as_deref() {
        Some("%") => format!("{value}%"),
        Some(unit) => format!("{value}\u{a0}{unit}"),
        None => value,
    }
}

/// An index page in the navigation: what it is called and where it is, from the site root.
#[derive(Serialize)]
pub struct IndexLink {
    pub label: &'static str,
    pub url: String,
}

/// A tag and the URL of its page.
#[derive(Serialize)]
pub struct TagLink<'a> {
    pub name: &'a str,
    pub url: String,
}

#[derive(Serialize)]
pub struct BriefView<'a> {
    pub path: &'a str,
    pub title: &'a str,
    pub summary: Option<&'a str>,
    pub date: DateView,
    pub updated: Option<DateView>,
    pub authors: &'a [String],
    pub tags: Vec<TagLink<'a>>,
    pub content: &'a str,
    pub toc: &'a [Heading],
    pub url: String,
    pub extra: &'a serde_json::Value,
    pub chapter: LinkView<'a>,
    pub references: Vec<ReferenceView<'a>>,
    pub claims: Vec<ClaimView<'a>>,
    pub facts: Vec<FactView<'a>>,
    pub related: Vec<LinkView<'a>>,
    pub linked_from: Vec<LinkView<'a>>,
    pub previous: Option<LinkView<'a>>,
    pub next: Option<LinkView<'a>>,
    /// The brief's JSON-LD (schema.org), escaped for a script element.
    pub json_ld: String,
    /// Commits that touched the brief's file, newest first (empty outside git).
    pub revisions: &'a [crate::read::history::Revision],
}
