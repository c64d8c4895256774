//! The book-wide index pages: the citation index, claims, facts and tags.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::book::Book;
use crate::diagnostic::Diagnostic;
use crate::model::CLAIM_STATUSES;
use crate::render::{brief_link, context, page, Inputs, OutputFile, Renderer, Shared};
use crate::text::slugify;
use crate::views::*;

/// Every index page, each a result so one broken template does not hide the others' errors.
pub(crate) fn index_pages(
    renderer: &Renderer,
    shared: &Shared,
    inputs: &Inputs,
) -> Vec<Result<OutputFile, Diagnostic>> {
    let book = inputs.book;
    let cx = |url: &str, kind: &str, title: &str| context(shared, url, kind, title, "");
    let tags = tags(book);
    let list: Vec<TagView> = tags
        .iter()
        .map(|t| TagView {
            name: t.name,
            url: format!("{}index.html", t.url),
            count: t.briefs.len(),
        })
        .collect();
    let mut out = vec![
        page(
            renderer,
            cx("sources/", "sources", "Citation index"),
            "sources",
            &sources_view(inputs),
            "sources.html",
            "sources/",
        ),
        page(
            renderer,
            cx("claims/", "claims", "Claims"),
            "claims",
            &claims_view(book),
            "claims.html",
            "claims/",
        ),
        page(
            renderer,
            cx("facts/", "facts", "Facts"),
            "facts",
            &facts_view(inputs),
            "facts.html",
            "facts/",
        ),
        page(
            renderer,
            cx("tags/", "tags", "Tags"),
            "tags",
            &list,
            "tags.html",
            "tags/",
        ),
    ];
    for tag in &tags {
        let view = TagPageView {
            name: tag.name,
            briefs: tag
                .briefs
                .iter()
                .map(|&i| brief_link(&book.briefs[i]))
                .collect(),
        };
        let title = format!("Tag: {}", tag.name);
        out.push(page(
            renderer,
            cx(&tag.url, "tag", &title),
            "tag",
            &view,
            "tag.html",
            &tag.url,
        ));
    }
    out
}

#[derive(Serialize)]
struct SourcesView<'a> {
    cited: Vec<SourceEntry<'a>>,
    uncited: Vec<ReferenceView<'a>>,
}

#[derive(Serialize)]
struct SourceEntry<'a> {
    reference: ReferenceView<'a>,
    total: usize,
    cited_by: Vec<CitingBrief<'a>>,
}

#[derive(Serialize)]
struct CitingBrief<'a> {
    brief: LinkView<'a>,
    count: usize,
    claims: Vec<AnchorLink<'a>>,
    facts: Vec<AnchorLink<'a>>,
}

/// A link to a row of a brief's page: a claim or a fact.
#[derive(Serialize)]
struct AnchorLink<'a> {
    label: &'a str,
    url: String,
}

fn sources_view<'a>(inputs: &'a Inputs) -> SourcesView<'a> {
    let book = inputs.book;
    let mut cited = Vec::new();
    let mut uncited = Vec::new();
    for source in book.sources.values() {
        let reference = ReferenceView::new(source, None, Vec::new());
        let Some(uses) = inputs.resolved.cited_by.get(&source.id) else {
            uncited.push(reference);
            continue;
        };
        let cited_by: Vec<CitingBrief> = uses
            .iter()
            .map(|u| {
                let b = &book.briefs[u.brief];
                let claims = u
                    .claims
                    .iter()
                    .map(|id| AnchorLink {
                        label: id,
                        url: format!("{}index.html#claim-{id}", b.url),
                    })
                    .collect();
                let facts = u
                    .facts
                    .iter()
                    .map(|&k| {
                        let f = &b.brief.facts[k];
                        AnchorLink {
                            label: &f.metric,
                            url: format!("{}index.html#{}", b.url, fact_anchor(f, k)),
                        }
                    })
                    .collect();
                CitingBrief {
                    brief: brief_link(b),
                    count: u.count,
                    claims,
                    facts,
                }
            })
            .collect();
        let total = uses.iter().map(|u| u.count).sum();
        cited.push(SourceEntry {
            reference,
            total,
            cited_by,
        });
    }
    SourcesView { cited, uncited }
}

#[derive(Serialize)]
struct ClaimGroup<'a> {
    status: &'static str,
    claims: Vec<ClaimEntry<'a>>,
}

#[derive(Serialize)]
struct ClaimEntry<'a> {
    claim: ClaimView<'a>,
    brief: LinkView<'a>,
    url: String,
}

/// Claims grouped by status (reported, confirmed, disputed, retracted), each by brief path then id.
fn claims_view(book: &Book) -> Vec<ClaimGroup<'_>> {
    let mut by_path: Vec<usize> = (0..book.briefs.len()).collect();
    by_path.sort_by(|&a, &b| book.briefs[a].brief.path.cmp(&book.briefs[b].brief.path));
    CLAIM_STATUSES
        .iter()
        .map(|&status| {
            let mut claims = Vec::new();
            for &i in &by_path {
                let b = &book.briefs[i];
                let mut own: Vec<_> = b
                    .brief
                    .claims
                    .iter()
                    .filter(|c| c.status == status)
                    .collect();
                own.sort_by(|x, y| x.id.cmp(&y.id));
                for c in own {
                    let sources = c
                        .sources
                        .iter()
                        .map(|s| SourceRef {
                            id: &s.value,
                            title: book.sources.get(&s.value).map_or(&s.value, |x| &x.title),
                            number: None,
                        })
                        .collect();
                    claims.push(ClaimEntry {
                        claim: ClaimView::new(c, sources),
                        brief: brief_link(b),
                        url: format!("{}index.html#claim-{}", b.url, c.id),
                    });
                }
            }
            ClaimGroup { status, claims }
        })
        .filter(|g| !g.claims.is_empty())
        .collect()
}

#[derive(Serialize)]
struct SubjectTable<'a> {
    subject: &'a str,
    anchor: String,
    rows: Vec<FactRow<'a>>,
}

#[derive(Serialize)]
struct FactRow<'a> {
    /// The row's id on the facts page.
    row: String,
    fact: FactView<'a>,
    brief: LinkView<'a>,
    url: String,
    /// Links to the disagreeing rows on this page.
    twins: Vec<AnchorLink<'a>>,
}

/// The facts page id of a fact's row: its brief's URL and its anchor.
fn row_id(book: &Book, brief: usize, fact: usize) -> String {
    let b = &book.briefs[brief];
    format!(
        "{}-{}",
        b.url.trim_end_matches('/').replace('/', "-"),
        fact_anchor(&b.brief.facts[fact], fact)
    )
}

/// One table per subject; rows by metric, as-of date, then brief path.
fn facts_view<'a>(inputs: &'a Inputs) -> Vec<SubjectTable<'a>> {
    let book = inputs.book;
    let mut subjects: BTreeMap<&str, Vec<(usize, usize)>> = BTreeMap::new();
    for (i, b) in book.briefs.iter().enumerate() {
        for (k, f) in b.brief.facts.iter().enumerate() {
            subjects.entry(&f.subject).or_default().push((i, k));
        }
    }
    subjects
        .into_iter()
        .map(|(subject, mut facts)| {
            let fact = |(i, k): (usize, usize)| {
                (&book.briefs[i].brief.facts[k], &book.briefs[i].brief.path)
            };
            facts.sort_by(|&x, &y| {
                let ((a, ap), (b, bp)) = (fact(x), fact(y));
                (&a.metric, a.as_of, ap).cmp(&(&b.metric, b.as_of, bp))
            });
            let rows = facts
                .into_iter()
                .map(|(i, k)| {
                    let b = &book.briefs[i];
                    let f = &b.brief.facts[k];
                    let (twins, total) = inputs.resolved.conflicts.twins((i, k));
                    let links: Vec<AnchorLink> = twins
                        .iter()
                        .map(|&(ti, tk)| AnchorLink {
                            label: &book.briefs[ti].brief.header.title,
                            url: format!("#{}", row_id(book, ti, tk)),
                        })
                        .collect();
                    let source = SourceRef {
                        id: &f.source.value,
                        title: book
                            .sources
                            .get(&f.source.value)
                            .map_or(&f.source.value, |s| &s.title),
                        number: None,
                    };
                    let brief_twins = twins
                        .iter()
                        .map(|&(ti, tk)| crate::render::fact_link(book, ti, tk))
                        .collect();
                    FactRow {
                        row: row_id(book, i, k),
                        fact: FactView::new(f, k, source, (brief_twins, total)),
                        brief: brief_link(b),
                        url: format!("{}index.html#{}", b.url, fact_anchor(f, k)),
                        twins: links,
                    }
                })
                .collect();
            SubjectTable {
                subject,
                anchor: format!("subject-{}", slugify(subject)),
                rows,
            }
        })
        .collect()
}

#[derive(Serialize)]
struct TagView<'a> {
    name: &'a str,
    url: String,
    count: usize,
}

#[derive(Serialize)]
struct TagPageView<'a> {
    name: &'a str,
    briefs: Vec<LinkView<'a>>,
}

pub(crate) struct Tag<'a> {
    pub name: &'a str,
    pub url: String,
    /// Briefs in reading order.
    pub briefs: Vec<usize>,
}

/// Tags by slug; spellings that slugify alike are one tag, named by its first spelling in byte order.
pub(crate) fn tags(book: &Book) -> Vec<Tag<'_>> {
    let mut by_slug: BTreeMap<String, Tag> = BTreeMap::new();
    for (i, b) in book.briefs.iter().enumerate() {
        for name in &b.brief.tags {
            let slug = slugify(name);
            let tag = by_slug.entry(slug.clone()).or_insert_with(|| Tag {
                name,
                url: format!("tags/{slug}/"),
                briefs: Vec::new(),
            });
            if name.as_str() < tag.name {
                tag.name = name;
            }
            if tag.briefs.last() != Some(&i) {
                tag.briefs.push(i);
            }
        }
    }
    by_slug.into_values().collect()
}

/// The URL of a tag's page, relative to the site root.
pub fn tag_url(name: &str) -> String {
    format!("tags/{}/index.html", slugify(name))
}
