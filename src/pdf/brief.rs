//! One brief in the PDF: heading and dates, bottom line, key judgments, body, claims and facts
//! tables, references numbered once, and "see also".

use std::fmt::Write;

use crate::analyse::rigor::{grade, likelihood_band};
use crate::markdown::Scan;
use crate::model::{claim_anchor, fact_anchor, reference_anchor, Claim, Fact, Source};
use crate::pdf::escape::{array, content, content_or_none, markup, string};
use crate::pdf::labels::{self, anchor};
use crate::pdf::Inputs;
use crate::read::book::Book;

pub fn brief(inputs: &Inputs, b: usize, level: usize, out: &mut String) {
    let brief = &inputs.book.briefs[b].brief;
    let path = &brief.path;
    let updated = brief.updated.map(|d| d.human());
    let _ = writeln!(
        out,
        "#brief-head(level: {level}, title: {}, name: {}, date: {}, updated: {}, authors: {})",
        content(&brief.header.title),
        string(path),
        content(&brief.date.human()),
        content_or_none(updated.as_deref()),
        array(&brief.authors),
    );
    if let Some(summary) = &brief.header.summary {
        let _ = writeln!(out, "#bottom-line({})", content(summary));
    }
    let judgments = key_judgment_items(inputs, b, false);
    if !judgments.is_empty() {
        let _ = writeln!(out, "#key-judgments(({},))", judgments.join(", "));
    }
    out.push_str(&inputs.brief_body(b, level));
    out.push('\n');
    let references = reference_ids(inputs.book, &inputs.scans[b], &inputs.resolved.cites[b]);
    claims(inputs, b, level + 1, &references, out);
    facts(inputs, b, level + 1, &references, out);
    reference_list(inputs, b, level + 1, &references, out);
    see_also(inputs, b, out);
}

/// The key judgments of a brief as list items, each linked to its claim's row; on the front
/// pages (`front`) each names its brief.
pub fn key_judgment_items(inputs: &Inputs, b: usize, front: bool) -> Vec<String> {
    let brief = &inputs.book.briefs[b].brief;
    brief
        .claims
        .iter()
        .filter(|c| c.key)
        .map(|c| {
            let target = anchor(&brief.path, &claim_anchor(c));
            let text = format!("#link(label({}))[{}]", string(&target), markup(&c.text));
            let qualifiers = qualifiers(c);
            let qualifiers = if qualifiers.is_empty() {
                String::new()
            } else {
                format!(
                    " #text(size: 0.85em)[{}]",
                    markup(&format!("({qualifiers})"))
                )
            };
            if front {
                format!(
                    "judgment([{text}{qualifiers}], {})",
                    content(&brief.header.title)
                )
            } else {
                format!("[{text}{qualifiers}]")
            }
        })
        .collect()
}

/// A claim's likelihood with its band and its confidence: `likely (55–80%); moderate confidence`.
fn qualifiers(claim: &Claim) -> String {
    let mut parts = Vec::new();
    if let Some(likelihood) = &claim.likelihood {
        match likelihood_band(likelihood) {
            Some((band, _)) => parts.push(format!("{likelihood}, {band}")),
            None => parts.push(likelihood.clone()),
        }
    }
    if let Some(confidence) = &claim.confidence {
        parts.push(format!("{confidence} confidence"));
    }
    parts.join("; ")
}

/// The sources of a brief's reference list, numbered once: those its body cites, in the order
/// first cited, then those only its claims and facts name.
pub fn reference_ids(book: &Book, scan: &Scan, cites: &[String]) -> Vec<String> {
    let mut ids: Vec<String> = scan.cited.clone();
    for id in cites {
        if !ids.contains(id) {
            ids.push(id.clone());
        }
    }
    ids.retain(|id| book.sources.contains_key(id));
    ids
}

/// A source's number in the reference list, linked to its entry.
fn source_number(path: &str, references: &[String], id: &str) -> String {
    match references.iter().position(|r| r == id) {
        Some(n) => format!(
            "#link(label({}))[#\"{}\";]",
            string(&anchor(path, &reference_anchor(id))),
            n + 1
        ),
        None => markup(id),
    }
}

fn part_heading(path: &str, level: usize, title: &str, name: &str, out: &mut String) {
    let _ = writeln!(
        out,
        "#brief-part(level: {level}, title: {}, name: {})",
        content(title),
        string(&anchor(path, name))
    );
}

fn claims(inputs: &Inputs, b: usize, level: usize, references: &[String], out: &mut String) {
    let brief = &inputs.book.briefs[b].brief;
    if brief.claims.is_empty() {
        return;
    }
    part_heading(&brief.path, level, "Claims", "claims", out);
    let rows: Vec<String> = brief
        .claims
        .iter()
        .map(|c| claim_row(inputs, &brief.path, c, references))
        .collect();
    let _ = writeln!(out, "#claims-table({})", rows.join(",\n"));
}

fn claim_row(inputs: &Inputs, path: &str, claim: &Claim, references: &[String]) -> String {
    let mut text = format!(
        "#anchor({}){}",
        string(&anchor(path, &claim_anchor(claim))),
        markup(&claim.text)
    );
    if let Some(who) = &claim.attributed_to {
        text.push_str(&format!(
            " #text(size: 0.9em, fill: luma(90))[{}]",
            markup(&format!("— {who}"))
        ));
    }
    if claim.key {
        text.push_str(&format!(
            " #text(size: 0.85em)[{}]",
            markup("(key judgment)")
        ));
    }
    let sources: Vec<String> = claim
        .sources
        .iter()
        .map(|s| {
            let source = inputs.book.sources.get(&s.value);
            let grade = grade(source, claim.credibility)
                .map(|g| markup(&format!(" {g}")))
                .unwrap_or_default();
            format!(
                "{}{grade}{}",
                source_number(path, references, &s.value),
                withdrawn(source)
            )
        })
        .collect();
    format!(
        "([{text}], [{}], [{}], [{}])",
        to_method(&qualifiers(claim)),
        markup(&claim.status),
        sources.join("#\", \";")
    )
}

/// A likelihood or confidence, linked to the method appendix that says what it means.
fn to_method(text: &str) -> String {
    if text.is_empty() {
        return String::new();
    }
    format!("#link(label({}))[{}]", string(labels::METHOD), markup(text))
}

/// A flag for a retracted or superseded source, or nothing.
pub fn withdrawn(source: Option<&Source>) -> String {
    match source.map(|s| s.status.as_str()) {
        Some(status @ ("retracted" | "superseded")) => {
            format!(" #flag({})", content(&format!("({status})")))
        }
        _ => String::new(),
    }
}

fn facts(inputs: &Inputs, b: usize, level: usize, references: &[String], out: &mut String) {
    let brief = &inputs.book.briefs[b].brief;
    if brief.facts.is_empty() {
        return;
    }
    part_heading(&brief.path, level, "Facts", "facts", out);
    let rows: Vec<String> = brief
        .facts
        .iter()
        .enumerate()
        .map(|(k, f)| {
            let source = source_number(&brief.path, references, &f.source.value);
            let flag = conflict(inputs, (b, k));
            let anchor = string(&anchor(&brief.path, &fact_anchor(f, k)));
            format!(
                "([#anchor({anchor}){}], [{}], [{}{flag}], [{}], [{source}{}])",
                markup(&f.subject),
                metric(f),
                markup(&value(f)),
                markup(&f.as_of.map(|d| d.human()).unwrap_or_default()),
                withdrawn(inputs.book.sources.get(&f.source.value)),
            )
        })
        .collect();
    let _ = writeln!(out, "#facts-table({})", rows.join(",\n"));
}

/// A fact's measure, with its note beneath.
pub fn metric(fact: &Fact) -> String {
    match &fact.note {
        Some(note) => format!(
            "{} #linebreak() #text(size: 0.9em, fill: luma(90))[{}]",
            markup(&fact.metric),
            markup(note)
        ),
        None => markup(&fact.metric),
    }
}

/// A fact's value and unit: `700,000 units`.
pub fn value(fact: &Fact) -> String {
    match &fact.unit {
        Some(unit) => format!("{} {unit}", fact.value.display()),
        None => fact.value.display(),
    }
}

/// The flag of a fact that other facts contradict, linking to the first of them.
pub fn conflict(inputs: &Inputs, fact: (usize, usize)) -> String {
    let (named, total) = inputs.resolved.conflicts.twins(fact);
    if total == 0 {
        return String::new();
    }
    let links: Vec<String> = named
        .iter()
        .map(|&(b, f)| {
            let twin = &inputs.book.briefs[b].brief;
            let target = anchor(&twin.path, &fact_anchor(&twin.facts[f], f));
            let shown = format!("{} in {}", value(&twin.facts[f]), twin.header.title);
            format!("#link(label({}))[{}]", string(&target), markup(&shown))
        })
        .collect();
    let more = total.saturating_sub(named.len());
    let more = if more > 0 {
        markup(&format!(" and {more} more"))
    } else {
        String::new()
    };
    format!(
        " #linebreak() #flag[{}{}{more}]",
        markup("conflicts with "),
        links.join("#\"; \";")
    )
}

fn reference_list(
    inputs: &Inputs,
    b: usize,
    level: usize,
    references: &[String],
    out: &mut String,
) {
    if references.is_empty() {
        return;
    }
    let path = &inputs.book.briefs[b].brief.path;
    part_heading(path, level, "References", "references", out);
    let entries: Vec<String> = references
        .iter()
        .enumerate()
        .filter_map(|(n, id)| {
            let source = inputs.book.sources.get(id)?;
            let name = string(&anchor(path, &reference_anchor(id)));
            let index = format!(
                " #link(label({}))[{}]",
                string(&labels::source(id)),
                markup("(index)")
            );
            Some(format!(
                "[{}], [#anchor({name}){}{index}]",
                markup(&format!("{}.", n + 1)),
                source_entry(source, inputs.resolved.labels.of(id))
            ))
        })
        .collect();
    let _ = writeln!(out, "#references({})", entries.join(",\n"));
}

/// A source as a reference: its label (`Liu 2025`, as the site shows it), authors, title,
/// publisher, date, grade, its web address.
pub fn source_entry(source: &Source, label: &str) -> String {
    let mut entry = format!("#strong[{}]{}", markup(label), markup(". "));
    if !source.authors.is_empty() {
        entry.push_str(&markup(&format!("{}. ", source.authors.join(", "))));
    }
    entry.push_str(&format!("#emph[{}]", markup(&source.title)));
    let mut tail = Vec::new();
    tail.extend(source.publisher.clone());
    tail.push(source.date.human());
    if let Some(grade) = &source.reliability {
        tail.push(format!("reliability {grade}"));
    }
    entry.push_str(&markup(&format!(". {}.", tail.join(", "))));
    if let Some(url) = &source.url {
        entry.push_str(&format!(" #link({})[{}]", string(url), markup(url)));
    }
    if let Some(url) = &source.archived_url {
        entry.push_str(&format!(
            " {}#link({})[{}]",
            markup("(archived: "),
            string(url),
            markup(url)
        ));
        entry.push_str(&markup(")"));
    }
    entry.push_str(&withdrawn(Some(source)));
    entry
}

/// Links to the brief's related briefs.
fn see_also(inputs: &Inputs, b: usize, out: &mut String) {
    let related = &inputs.resolved.related[b];
    if related.is_empty() {
        return;
    }
    let links: Vec<String> = related
        .iter()
        .map(|&r| {
            let other = &inputs.book.briefs[r].brief;
            format!(
                "[#link(label({}))[{}]]",
                string(&other.path),
                markup(&other.header.title)
            )
        })
        .collect();
    let _ = writeln!(out, "#see-also({})", links.join(", "));
}
