//! The machine-readable book: `data/book.json` and `data/facts.csv` (FORMAT section 6).

use std::borrow::Cow;

use serde::Serialize;

use crate::analyse::resolve::Resolved;
use crate::model::date::PartialDate;
use crate::model::{Claim, Fact, Source};
use crate::read::book::Book;
use crate::render::OutputFile;

#[derive(Serialize)]
struct BookJson<'a> {
    format: &'static str,
    title: &'a str,
    base_url: &'a str,
    briefs: Vec<BriefJson<'a>>,
    sources: Vec<SourceJson<'a>>,
    claims: Vec<ClaimJson<'a>>,
    facts: Vec<FactJson<'a>>,
}

#[derive(Serialize)]
struct BriefJson<'a> {
    path: &'a str,
    url: &'a str,
    title: &'a str,
    summary: Option<&'a str>,
    date: PartialDate,
    updated: Option<PartialDate>,
    chapter: &'a str,
    authors: &'a [String],
    tags: &'a [String],
    related: Vec<&'a str>,
    linked_from: Vec<&'a str>,
    cites: &'a [String],
    revisions: &'a [crate::read::history::Revision],
}

#[derive(Serialize)]
struct SourceJson<'a> {
    id: &'a str,
    title: &'a str,
    date: PartialDate,
    publisher: Option<&'a str>,
    authors: &'a [String],
    url: Option<&'a str>,
    accessed: Option<PartialDate>,
    archived_url: Option<&'a str>,
    kind: &'a str,
    /// The label readers see: as written, else the default (`analyse::labels`).
    label: &'a str,
    container: Option<&'a str>,
    volume: Option<&'a str>,
    issue: Option<&'a str>,
    pages: Option<&'a str>,
    doi: Option<&'a str>,
    reliability: Option<&'a str>,
    status: &'a str,
    superseded_by: Option<&'a str>,
    note: Option<&'a str>,
    cited_by: Vec<CitedByJson<'a>>,
}

#[derive(Serialize)]
struct CitedByJson<'a> {
    brief: &'a str,
    count: usize,
    claims: &'a [String],
}

#[derive(Serialize)]
struct ClaimJson<'a> {
    brief: &'a str,
    id: &'a str,
    text: &'a str,
    sources: Vec<&'a str>,
    attributed_to: Option<&'a str>,
    confidence: Option<&'a str>,
    likelihood: Option<&'a str>,
    credibility: Option<i64>,
    key: bool,
    status: &'a str,
    date: Option<PartialDate>,
    /// Whether a source it rests on is retracted or superseded.
    at_risk: bool,
}

#[derive(Serialize)]
struct FactJson<'a> {
    brief: &'a str,
    subject: &'a str,
    metric: &'a str,
    value: serde_json::Value,
    unit: Option<&'a str>,
    as_of: Option<PartialDate>,
    source: &'a str,
    note: Option<&'a str>,
    id: Option<&'a str>,
    conflict: bool,
    at_risk: bool,
}

/// `data/book.json` and `data/facts.csv`.
pub fn exports(
    book: &Book,
    resolved: &Resolved,
    history: &crate::read::history::History,
) -> Vec<OutputFile> {
    let json = book_json(book, resolved, history);
    let mut bytes =
        crate::text::json_for_html(&serde_json::to_vec_pretty(&json).expect("the book serializes"));
    bytes.push(b'\n');
    vec![
        OutputFile {
            path: "data/book.json".into(),
            bytes,
        },
        OutputFile {
            path: "data/facts.csv".into(),
            bytes: facts_csv(&json.facts),
        },
    ]
}

fn book_json<'a>(
    book: &'a Book,
    resolved: &'a Resolved,
    history: &'a crate::read::history::History,
) -> BookJson<'a> {
    let path = |i: usize| book.briefs[i].brief.path.as_str();
    let mut briefs: Vec<BriefJson> = book
        .briefs
        .iter()
        .enumerate()
        .map(|(i, b)| BriefJson {
            path: &b.brief.path,
            url: &b.url,
            title: &b.brief.header.title,
            summary: b.brief.header.summary.as_deref(),
            date: b.brief.date,
            updated: b.brief.updated,
            chapter: &book.chapters[b.chapter].dir,
            authors: &b.brief.authors,
            tags: &b.brief.tags,
            related: resolved.related[i].iter().map(|&j| path(j)).collect(),
            linked_from: resolved.linked_from[i].iter().map(|&j| path(j)).collect(),
            cites: &resolved.cites[i],
            revisions: history
                .revisions
                .get(&b.brief.file.path)
                .map(Vec::as_slice)
                .unwrap_or_default(),
        })
        .collect();
    briefs.sort_by(|a, b| a.path.cmp(b.path));
    let sources = book
        .sources
        .values()
        .map(|s| source_json(s, book, resolved))
        .collect();
    let mut claims: Vec<ClaimJson> = book
        .briefs
        .iter()
        .flat_map(|b| {
            b.brief
                .claims
                .iter()
                .map(move |c| claim_json(book, &b.brief.path, c))
        })
        .collect();
    claims.sort_by(|a, b| (a.brief, a.id).cmp(&(b.brief, b.id)));
    let mut facts: Vec<FactJson> = book
        .briefs
        .iter()
        .enumerate()
        .flat_map(|(i, b)| {
            b.brief.facts.iter().enumerate().map(move |(k, f)| {
                fact_json(book, &b.brief.path, f, resolved.conflicts.contains((i, k)))
            })
        })
        .collect();
    facts.sort_by(|a, b| {
        (a.subject, a.metric, a.as_of, a.brief).cmp(&(b.subject, b.metric, b.as_of, b.brief))
    });
    BookJson {
        format: "briefbook/1",
        title: &book.config.title,
        base_url: &book.config.base_url,
        briefs,
        sources,
        claims,
        facts,
    }
}

fn source_json<'a>(s: &'a Source, book: &'a Book, resolved: &'a Resolved) -> SourceJson<'a> {
    let cited_by = resolved
        .cited_by
        .get(&s.id)
        .map(|list| {
            list.iter()
                .map(|c| CitedByJson {
                    brief: &book.briefs[c.brief].brief.path,
                    count: c.count,
                    claims: &c.claims,
                })
                .collect()
        })
        .unwrap_or_default();
    SourceJson {
        id: &s.id,
        title: &s.title,
        date: s.date,
        publisher: s.publisher.as_deref(),
        authors: &s.authors,
        url: s.url.as_deref(),
        accessed: s.accessed,
        archived_url: s.archived_url.as_deref(),
        kind: &s.kind,
        label: resolved.labels.of(&s.id),
        container: s.container.as_deref(),
        volume: s.volume.as_deref(),
        issue: s.issue.as_deref(),
        pages: s.pages.as_deref(),
        doi: s.doi.as_deref(),
        reliability: s.reliability.as_deref(),
        status: &s.status,
        superseded_by: s.superseded_by.as_ref().map(|l| l.value.as_str()),
        note: s.note.as_deref(),
        cited_by,
    }
}

fn claim_json<'a>(book: &Book, brief: &'a str, c: &'a Claim) -> ClaimJson<'a> {
    ClaimJson {
        brief,
        id: &c.id,
        text: &c.text,
        sources: c.sources.iter().map(|s| s.value.as_str()).collect(),
        attributed_to: c.attributed_to.as_deref(),
        confidence: c.confidence.as_deref(),
        likelihood: c.likelihood.as_deref(),
        credibility: c.credibility,
        key: c.key,
        status: &c.status,
        date: c.date,
        at_risk: crate::analyse::rigor::claim_at_risk(book, c),
    }
}

fn fact_json<'a>(book: &Book, brief: &'a str, f: &'a Fact, conflict: bool) -> FactJson<'a> {
    FactJson {
        brief,
        subject: &f.subject,
        metric: &f.metric,
        value: f.value.to_json(),
        unit: f.unit.as_deref(),
        as_of: f.as_of,
        source: &f.source.value,
        note: f.note.as_deref(),
        id: f.id.as_deref(),
        conflict,
        at_risk: book
            .sources
            .get(&f.source.value)
            .is_some_and(crate::analyse::rigor::withdrawn),
    }
}

/// The facts, in book.json's order, as CSV: subject, metric, value, unit, as_of, source, brief, note, conflict.
/// Text that a spreadsheet would take for a formula is defused (`defused`); a value that is a
/// number is written as the number.
fn facts_csv(facts: &[FactJson]) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let header = [
        "subject", "metric", "value", "unit", "as_of", "source", "brief", "note", "conflict",
    ];
    writer.write_record(header).expect("writing to memory");
    for f in facts {
        let value = match &f.value {
            serde_json::Value::String(s) => defused(s),
            other => Cow::Owned(other.to_string()),
        };
        let as_of = f.as_of.map(|d| d.to_string()).unwrap_or_default();
        let conflict = if f.conflict { "true" } else { "false" };
        let record = [
            defused(f.subject),
            defused(f.metric),
            value,
            defused(f.unit.unwrap_or("")),
            Cow::Owned(as_of),
            defused(f.source),
            defused(f.brief),
            defused(f.note.unwrap_or("")),
            Cow::Borrowed(conflict),
        ];
        writer
            .write_record(record.iter().map(|cell| cell.as_bytes()))
            .expect("writing to memory");
    }
    writer.into_inner().expect("writing to memory")
}

/// Text a spreadsheet would run as a formula (it starts with `=`, `+`, `-`, `@`, a tab or a
/// carriage return) with a `'` before it, which spreadsheets read as "this cell is text"
/// (OWASP, CSV injection). The csv writer quotes what needs quoting.
fn defused(text: &str) -> Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::defused;

    #[test]
    fn formula_text_is_defused_and_other_text_kept() {
        for formula in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(defused(formula), format!("'{formula}"));
        }
        for text in ["", "1", "a=b", " =1", "'=1", "Nvidia H20"] {
            assert_eq!(defused(text), text);
        }
    }
}
