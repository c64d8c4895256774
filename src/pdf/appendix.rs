//! The appendices: the citation index (every source with what cites it), the fact tables of
//! the whole book, and the method (likelihood, confidence, grading).

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::analyse::rigor::{CREDIBILITY_SCALE, LIKELIHOOD_BANDS, RELIABILITY_SCALE};
use crate::model::{claim_anchor, fact_anchor, Source};
use crate::pdf::brief::{conflict, metric, source_entry, value};
use crate::pdf::escape::{content, markup, string};
use crate::pdf::labels::{self, anchor};
use crate::pdf::Inputs;

pub fn appendices(inputs: &Inputs, out: &mut String) {
    citation_index(inputs, out);
    fact_tables(inputs, out);
    method(out);
}

fn appendix(title: &str, name: &str, out: &mut String) {
    let _ = writeln!(out, "#appendix({}, {})", content(title), string(name));
}

/// Sources in the order readers look them up (by title), each with the briefs and claims that
/// rest on it.
fn citation_index(inputs: &Inputs, out: &mut String) {
    let book = inputs.book;
    if book.sources.is_empty() {
        return;
    }
    appendix("Citation index", labels::CITATION_INDEX, out);
    let mut sources: Vec<&Source> = book.sources.values().collect();
    sources.sort_by_cached_key(|s| (s.title.to_lowercase(), s.id.clone()));
    for source in sources {
        let _ = writeln!(
            out,
            "#index-entry([#anchor({}){}], [{}])",
            string(&labels::source(&source.id)),
            source_entry(source, inputs.resolved.labels.of(&source.id)),
            uses(inputs, &source.id)
        );
    }
}

/// What cites a source: each brief (linked) with its count of citations and its claims.
fn uses(inputs: &Inputs, id: &str) -> String {
    let Some(cited_by) = inputs.resolved.cited_by.get(id).filter(|c| !c.is_empty()) else {
        return markup("Not cited.");
    };
    let entries: Vec<String> = cited_by
        .iter()
        .map(|c| {
            let brief = &inputs.book.briefs[c.brief].brief;
            let mut entry = format!(
                "#link(label({}))[{}]",
                string(&brief.path),
                markup(&brief.header.title)
            );
            let mut what = Vec::new();
            if c.count > 0 {
                what.push(markup(&format!("{} citation(s)", c.count)));
            }
            let claims: Vec<String> = c
                .claims
                .iter()
                .filter_map(|id| brief.claims.iter().find(|k| &k.id == id))
                .map(|k| {
                    let target = anchor(&brief.path, &claim_anchor(k));
                    format!("#link(label({}))[{}]", string(&target), markup(&k.id))
                })
                .collect();
            if !claims.is_empty() {
                what.push(format!("{}{}", markup("claims "), claims.join("#\", \";")));
            }
            if !c.facts.is_empty() {
                what.push(markup(&format!("{} fact(s)", c.facts.len())));
            }
            if !what.is_empty() {
                entry.push_str(&format!(
                    "{}{}{}",
                    markup(" ("),
                    what.join("#\"; \";"),
                    markup(")")
                ));
            }
            entry
        })
        .collect();
    // One brief a line: a source cited across a whole book stays readable.
    format!(
        "{}#linebreak(){}",
        markup("Cited in:"),
        entries.join("#linebreak()")
    )
}

/// Every fact of the book, grouped by subject, conflicts flagged.
fn fact_tables(inputs: &Inputs, out: &mut String) {
    let book = inputs.book;
    let mut by_subject: BTreeMap<&str, Vec<(usize, usize)>> = BTreeMap::new();
    for (b, brief) in book.briefs.iter().enumerate() {
        for (f, fact) in brief.brief.facts.iter().enumerate() {
            by_subject.entry(&fact.subject).or_default().push((b, f));
        }
    }
    if by_subject.is_empty() {
        return;
    }
    appendix("Fact tables", labels::FACT_TABLES, out);
    for (subject, facts) in by_subject {
        let rows: Vec<String> = facts
            .iter()
            .map(|&(b, f)| {
                let brief = &book.briefs[b].brief;
                let fact = &brief.facts[f];
                let row = anchor(&brief.path, &fact_anchor(fact, f));
                let source = book
                    .sources
                    .get(&fact.source.value)
                    .map_or(fact.source.value.as_str(), |s| s.title.as_str());
                format!(
                    "([{}], [{}{}], [{}], [#link(label({}))[{}]], [{}])",
                    metric(fact),
                    markup(&value(fact)),
                    conflict(inputs, (b, f)),
                    markup(&fact.as_of.map(|d| d.human()).unwrap_or_default()),
                    string(&row),
                    markup(&brief.header.title),
                    markup(source),
                )
            })
            .collect();
        let _ = writeln!(
            out,
            "#fact-group({}, {})",
            content(subject),
            rows.join(",\n")
        );
    }
}

/// How the book states likelihood, confidence and grades: the method page of the site.
fn method(out: &mut String) {
    appendix("Method", labels::METHOD, out);
    let bands: Vec<String> = LIKELIHOOD_BANDS
        .iter()
        .map(|(one, two, band)| format!("{}, {}, {}", content(band), content(one), content(two)))
        .collect();
    let reliability: Vec<String> = RELIABILITY_SCALE
        .iter()
        .map(|(letter, meaning)| format!("{}, {}", content(letter), content(meaning)))
        .collect();
    let credibility: Vec<String> = CREDIBILITY_SCALE
        .iter()
        .map(|(n, meaning)| format!("{}, {}", content(&n.to_string()), content(meaning)))
        .collect();
    let _ = writeln!(
        out,
        "#method(bands: ({},), reliability: ({},), credibility: ({},))",
        bands.join(", "),
        reliability.join(", "),
        credibility.join(", ")
    );
}
