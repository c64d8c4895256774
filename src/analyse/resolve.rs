//! Cross-references checked and inverted: anchors, related briefs, source ids, backlinks,
//! the citation index and fact conflicts. Everything here is linear in the size of the book.

use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};

use crate::analyse::conflicts::Conflicts;
use crate::analyse::labels::{self, Labels};
use crate::diagnostic::{Code, Diagnostic};
use crate::markdown::Scan;
use crate::read::book::Book;

/// One brief's use of one source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CitedBy {
    pub brief: usize,
    /// Citations of the source in the brief's body.
    pub count: usize,
    /// The brief's claims that list the source.
    pub claims: Vec<String>,
    /// The brief's facts that rest on the source (their indexes in the brief).
    pub facts: Vec<usize>,
}

#[derive(Debug, Default, Clone)]
pub struct Resolved {
    /// Per brief: the briefs that link to it or list it as related, in path order.
    pub linked_from: Vec<Vec<usize>>,
    /// Per brief: its `related` briefs that exist, in the order written.
    pub related: Vec<Vec<usize>>,
    /// Per brief: every source it cites in its body, claims or facts, sorted by id.
    pub cites: Vec<Vec<String>>,
    /// Per source id: the briefs that cite it, in path order.
    pub cited_by: BTreeMap<String, Vec<CitedBy>>,
    pub conflicts: Conflicts,
    /// Every source's label, the name readers see it by.
    pub labels: Labels,
    pub diagnostics: Vec<Diagnostic>,
}

/// Resolves the book against its rendered bodies (`bodies[i]` belongs to `book.briefs[i]`;
/// `section_anchors` maps a chapter's or the cover's content path to its heading ids;
/// `failed` lists pages that did not parse, whose problems were reported already).
pub fn resolve(
    book: &Book,
    bodies: &[std::sync::Arc<Scan>],
    section_anchors: &HashMap<String, Vec<String>>,
    failed: &[String],
) -> Resolved {
    let mut r = Resolved {
        linked_from: vec![Vec::new(); book.briefs.len()],
        related: vec![Vec::new(); book.briefs.len()],
        cites: vec![Vec::new(); book.briefs.len()],
        ..Resolved::default()
    };
    // Conflicts read only the facts: found while the rest is resolved.
    let (conflicts, ()) = rayon::join(
        || Conflicts::find(book),
        || {
            check_links(book, bodies, section_anchors, failed, &mut r);
            collect_related(book, failed, &mut r);
            check_source_ids(book, &mut r);
            index_citations(book, bodies, &mut r);
        },
    );
    r.conflicts = conflicts;
    let (labels, twice) = labels::assign(&book.sources);
    r.labels = labels;
    r.diagnostics.extend(twice);
    r
}

/// Anchors a brief's page has: its headings, its notes, and the rows and parts the templates
/// write.
pub fn brief_anchors(book: &Book, index: usize, body: &Scan) -> HashSet<String> {
    let brief = &book.briefs[index].brief;
    let mut anchors: HashSet<String> = body.headings.iter().map(|h| h.id.clone()).collect();
    anchors.extend(body.note_ids.iter().cloned());
    anchors.extend(body.markers.values().flatten().cloned());
    anchors.extend(crate::markdown::TEMPLATE_IDS.iter().map(|s| s.to_string()));
    anchors.extend(brief.claims.iter().map(crate::model::claim_anchor));
    anchors.extend(
        brief
            .facts
            .iter()
            .filter_map(|f| f.id.as_ref())
            .map(|id| format!("fact-{id}")),
    );
    anchors.extend(
        body.cited
            .iter()
            .map(|id| crate::model::reference_anchor(id)),
    );
    anchors
}

fn check_links(
    book: &Book,
    bodies: &[std::sync::Arc<Scan>],
    sections: &HashMap<String, Vec<String>>,
    failed: &[String],
    r: &mut Resolved,
) {
    // Anchors only of the briefs that links name an anchor in: a set per brief of the book
    // would cost more than the whole check.
    let mut targets: Vec<usize> = bodies
        .iter()
        .flat_map(|body| body.links.iter())
        .filter(|link| link.anchor.is_some())
        .filter_map(|link| book.brief_index.get(&link.path).copied())
        .collect();
    targets.sort_unstable();
    targets.dedup();
    let anchors: HashMap<usize, HashSet<String>> = targets
        .into_par_iter()
        .map(|i| (i, brief_anchors(book, i, &bodies[i])))
        .collect();
    for (from, body) in bodies.iter().enumerate() {
        let file = &book.briefs[from].brief.file;
        for link in &body.links {
            let to = book.brief_index.get(&link.path).copied();
            if let Some(to) = to.filter(|&to| to != from) {
                r.linked_from[to].push(from);
            }
            let Some(anchor) = &link.anchor else { continue };
            if failed.contains(&link.path) {
                continue;
            }
            let mut known: Vec<&str> = match to {
                Some(to) => anchors[&to].iter().map(String::as_str).collect(),
                None => sections
                    .get(&link.path)
                    .map(|a| a.iter().map(String::as_str).collect())
                    .unwrap_or_default(),
            };
            if !known.contains(&anchor.as_str()) {
                known.sort_unstable();
                let d = Diagnostic::error(
                    Code::BrokenAnchor,
                    format!("`@/{}` has no anchor `#{anchor}`", link.path),
                )
                .at(file, link.offset)
                .suggest(anchor, known);
                r.diagnostics.push(d);
            }
        }
    }
}

fn collect_related(book: &Book, failed: &[String], r: &mut Resolved) {
    for (from, b) in book.briefs.iter().enumerate() {
        for related in &b.brief.related {
            let path = related.value.strip_prefix("@/").unwrap_or(&related.value);
            match book.brief_index.get(path) {
                Some(&to) => {
                    r.related[from].push(to);
                    if to != from {
                        r.linked_from[to].push(from);
                    }
                }
                None if failed.iter().any(|f| f == path) => {}
                None => {
                    let d = Diagnostic::error(
                        Code::BrokenLink,
                        format!(
                            "related brief `{}` is not a brief of this book",
                            related.value
                        ),
                    )
                    .at(&b.brief.file, related.offset)
                    .suggest(path, book.brief_index.keys().map(String::as_str));
                    let d = if d.help.is_some() {
                        d
                    } else {
                        d.with_help("write a path from content/, such as `@/chips/h20.md`")
                    };
                    r.diagnostics.push(d);
                }
            }
        }
    }
    for list in &mut r.linked_from {
        list.sort_by(|&a, &b| book.briefs[a].brief.path.cmp(&book.briefs[b].brief.path));
        list.dedup();
    }
}

fn check_source_ids(book: &Book, r: &mut Resolved) {
    let known = |id: &str| book.sources.contains_key(id);
    let ids = || book.sources.keys().map(String::as_str);
    let unknown: Vec<Vec<Diagnostic>> = book
        .briefs
        .par_iter()
        .map(|b| {
            let brief = &b.brief;
            let claim_sources = brief
                .claims
                .iter()
                .flat_map(|c| c.sources.iter().map(move |s| (s, "claim", c.id.as_str())));
            let fact_sources = brief
                .facts
                .iter()
                .map(|f| (&f.source, "fact", f.metric.as_str()));
            claim_sources
                .chain(fact_sources)
                .filter(|(source, _, _)| !known(&source.value))
                .map(|(source, what, name)| {
                    Diagnostic::error(
                        Code::UnknownSource,
                        format!(
                            "the {what} `{name}` names the unknown source `{}`",
                            source.value
                        ),
                    )
                    .at(&brief.file, source.offset)
                    .suggest(&source.value, ids())
                })
                .collect()
        })
        .collect();
    r.diagnostics.extend(unknown.into_iter().flatten());
}

fn index_citations(book: &Book, bodies: &[std::sync::Arc<Scan>], r: &mut Resolved) {
    let mut order: Vec<usize> = (0..book.briefs.len()).collect();
    order.sort_by(|&a, &b| book.briefs[a].brief.path.cmp(&book.briefs[b].brief.path));
    // Each brief's uses are found in parallel, then filed in path order.
    let uses: Vec<(usize, BTreeMap<String, CitedBy>)> = order
        .into_par_iter()
        .map(|i| (i, sources_used(book, i, &bodies[i])))
        .collect();
    for (i, uses) in uses {
        r.cites[i] = uses.keys().cloned().collect();
        for (id, cited) in uses {
            r.cited_by.entry(id).or_default().push(cited);
        }
    }
}

/// The registry's sources brief `i` uses, and how: in its body, its claims and its facts.
fn sources_used(book: &Book, i: usize, body: &Scan) -> BTreeMap<String, CitedBy> {
    let brief = &book.briefs[i].brief;
    let mut uses: BTreeMap<String, CitedBy> = BTreeMap::new();
    let fresh = || CitedBy {
        brief: i,
        count: 0,
        claims: Vec::new(),
        facts: Vec::new(),
    };
    for (id, markers) in &body.markers {
        uses.entry(id.clone()).or_insert_with(fresh).count += markers.len();
    }
    for claim in &brief.claims {
        for s in &claim.sources {
            let cited = uses.entry(s.value.clone()).or_insert_with(fresh);
            if !cited.claims.contains(&claim.id) {
                cited.claims.push(claim.id.clone());
            }
        }
    }
    for (k, fact) in brief.facts.iter().enumerate() {
        uses.entry(fact.source.value.clone())
            .or_insert_with(fresh)
            .facts
            .push(k);
    }
    // Unknown ids were reported already; the index holds only sources of the registry.
    uses.retain(|id, _| book.sources.contains_key(id));
    uses
}
