//! The book-wide index pages: the citation index, claims, facts and tags.
//!
//! Their long lists (tens of thousands of rows in a large book) go through row templates in
//! chunks (`render_rows`), so no template context holds a whole list.

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;

use crate::analyse::conflicts::FactRef;
use crate::diagnostic::Diagnostic;
use crate::model::fact_anchor;
use crate::model::index_pages::IndexPage;
use crate::model::CLAIM_STATUSES;
use crate::read::book::Book;
use crate::render::views::*;
use crate::render::{
    brief_link, context, context_of, fact_link, page, render_page, render_rows, view_value, Inputs,
    OutputFile, Renderer, Shared,
};
use crate::text::slugify;

/// Index pages sit one folder below the root.
const ROOT: &str = "../";

/// What becomes of a page once made: written, or its error returned.
pub(crate) type Emit<'a> = dyn Fn(Result<OutputFile, Diagnostic>) -> Option<Diagnostic> + Sync + 'a;

/// Every index page, each handed to `emit` as soon as it is made (so that no page waits for the
/// others in memory), and one broken template does not hide the others' errors.
pub(crate) fn index_pages(
    renderer: &Renderer,
    shared: &Shared,
    inputs: &Inputs,
    emit: &Emit,
) -> Vec<Diagnostic> {
    let book = inputs.book;
    let tags = tags(book);
    let list: Vec<TagView> = tags
        .iter()
        .map(|t| TagView {
            name: t.name,
            url: format!("{}index.html", t.url),
            count: t.briefs.len(),
        })
        .collect();
    // The three book-wide indexes are the largest pages: made side by side, each written and
    // its rows freed before the next is made on that thread.
    let (sources, (claims, facts)) = rayon::join(
        || {
            emit(with_rows(
                renderer,
                shared,
                sources_view(renderer, inputs),
                IndexPage::Sources,
            ))
        },
        || {
            rayon::join(
                || {
                    emit(with_rows(
                        renderer,
                        shared,
                        claims_view(renderer, inputs),
                        IndexPage::Claims,
                    ))
                },
                || {
                    emit(with_rows(
                        renderer,
                        shared,
                        facts_view(renderer, inputs),
                        IndexPage::Facts,
                    ))
                },
            )
        },
    );
    let mut out = vec![
        index_page(renderer, shared, IndexPage::Tags, &list),
        index_page(renderer, shared, IndexPage::Search, &()),
        index_page(renderer, shared, IndexPage::Method, &MethodView::default()),
    ];
    if let Some(changes) = inputs.changes {
        out.push(index_page(renderer, shared, IndexPage::Changes, changes));
    }
    let mut errors: Vec<Diagnostic> = [sources, claims, facts].into_iter().flatten().collect();
    errors.extend(out.into_iter().filter_map(emit));
    errors.par_extend(tags.par_iter().filter_map(|tag| {
        let briefs = tag
            .briefs
            .iter()
            .map(|&i| brief_link(&book.briefs[i]))
            .collect();
        let view = TagPageView {
            name: tag.name,
            briefs,
        };
        let title = format!("Tag: {}", tag.name);
        emit(page(
            renderer,
            context(shared, &tag.url, "tag", &title, ""),
            "tag",
            &view,
            "tag.html",
            &tag.url,
        ))
    }));
    errors
}

/// A book-wide page whose view (with its rows rendered) may have failed. The view is made a
/// Tera value and dropped before the page is rendered: its rows (tens of megabytes in a large
/// book) are held twice at most, not three times.
fn with_rows<T: Serialize>(
    renderer: &Renderer,
    shared: &Shared,
    view: Result<T, Diagnostic>,
    index: IndexPage,
) -> Result<OutputFile, Diagnostic> {
    let value = view_value(&view?)?;
    let (name, url) = (index.name(), index.url());
    let mut cx = context(shared, &url, name, index.title(), "");
    cx.extend(context_of(name, value));
    render_page(renderer, &cx, &index.template(), &url)
}

/// A book-wide page: at its URL, of its kind, rendered by its template with its view under its
/// name (`IndexPage`).
fn index_page<T: Serialize>(
    renderer: &Renderer,
    shared: &Shared,
    index: IndexPage,
    view: &T,
) -> Result<OutputFile, Diagnostic> {
    let (name, url) = (index.name(), index.url());
    let cx = context(shared, &url, name, index.title(), "");
    page(renderer, cx, name, view, &index.template(), &url)
}

#[derive(Serialize)]
struct SourcesView<'a> {
    /// How many sources are cited.
    cited_count: usize,
    /// The cited sources' entries as HTML, rendered by `sources_rows.html`.
    cited: String,
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

/// A link to a row of a page: a claim, a fact, or a row of the facts index.
#[derive(Serialize)]
struct AnchorLink<'a> {
    label: &'a str,
    url: String,
}

fn sources_view<'a>(
    renderer: &Renderer,
    inputs: &'a Inputs,
) -> Result<SourcesView<'a>, Diagnostic> {
    let book = inputs.book;
    let labels = &inputs.resolved.labels;
    // Readers look a source up by the label they met it by.
    let mut by_label: Vec<&crate::model::Source> = book.sources.values().collect();
    by_label.sort_by_cached_key(|s| {
        let label = labels.of(&s.id);
        (label.to_lowercase(), label, &s.id)
    });
    let (cited, uncited): (Vec<_>, Vec<_>) = by_label
        .into_iter()
        .partition(|s| inputs.resolved.cited_by.contains_key(&s.id));
    let entries: Vec<SourceEntry> = cited
        .iter()
        .map(|source| {
            let uses = &inputs.resolved.cited_by[&source.id];
            let cited_by = uses.iter().map(|u| citing_brief(book, u)).collect();
            let total = uses.iter().map(|u| u.count).sum();
            SourceEntry {
                reference: ReferenceView::new(source, labels, None, Vec::new()),
                total,
                cited_by,
            }
        })
        .collect();
    let view = SourcesView {
        cited_count: entries.len(),
        cited: render_rows(renderer, "sources_rows.html", ROOT, &entries)?,
        uncited: uncited
            .into_iter()
            .map(|s| ReferenceView::new(s, labels, None, Vec::new()))
            .collect(),
    };
    Ok(view)
}

fn citing_brief<'a>(
    book: &'a Book,
    cited: &'a crate::analyse::resolve::CitedBy,
) -> CitingBrief<'a> {
    let b = &book.briefs[cited.brief];
    // Claims by their text, as readers know them.
    let claims = cited
        .claims
        .iter()
        .map(|id| AnchorLink {
            label: b
                .brief
                .claims
                .iter()
                .find(|c| &c.id == id)
                .map_or(id.as_str(), |c| c.text.as_str()),
            url: format!("{}index.html#claim-{id}", b.url),
        })
        .collect();
    let facts = cited
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
        count: cited.count,
        claims,
        facts,
    }
}

#[derive(Serialize)]
struct ClaimGroup {
    status: &'static str,
    count: usize,
    /// The group's rows as HTML, rendered by `claims_rows.html`.
    rows: String,
}

#[derive(Serialize)]
struct ClaimEntry<'a> {
    claim: ClaimView<'a>,
    brief: LinkView<'a>,
    url: String,
}

/// Claims grouped by status (reported, confirmed, disputed, retracted), each by brief path then id.
fn claims_view(renderer: &Renderer, inputs: &Inputs) -> Result<Vec<ClaimGroup>, Diagnostic> {
    let book = inputs.book;
    let mut by_path: Vec<usize> = (0..book.briefs.len()).collect();
    by_path.sort_by(|&a, &b| book.briefs[a].brief.path.cmp(&book.briefs[b].brief.path));
    let mut groups = Vec::new();
    for &status in CLAIM_STATUSES {
        let mut entries = Vec::new();
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
                    .map(|s| source_ref(inputs, &s.value))
                    .collect();
                let url = format!("{}index.html#{}", b.url, crate::model::claim_anchor(c));
                entries.push(ClaimEntry {
                    claim: ClaimView::new(c, sources),
                    brief: brief_link(b),
                    url,
                });
            }
        }
        if !entries.is_empty() {
            let rows = render_rows(renderer, "claims_rows.html", ROOT, &entries)?;
            groups.push(ClaimGroup {
                status,
                count: entries.len(),
                rows,
            });
        }
    }
    Ok(groups)
}

/// A source named on an index page (no citation number there).
fn source_ref<'a>(inputs: &'a Inputs, id: &'a str) -> SourceRef<'a> {
    SourceRef::new(&inputs.book.sources, &inputs.resolved.labels, id, None)
}

#[derive(Serialize)]
struct SubjectTable<'a> {
    subject: &'a str,
    anchor: String,
    count: usize,
    /// The table's rows as HTML, rendered by `facts_rows.html`.
    rows: String,
}

#[derive(Serialize)]
struct FactRow<'a> {
    /// The row's id on the facts page.
    row: String,
    fact: FactView<'a>,
    brief: LinkView<'a>,
    url: String,
    /// (Up to three of) the disagreeing rows, linked on this page.
    twins: Vec<ConflictView<'a>>,
}

/// The facts page id of a fact's row: its brief's URL and its anchor.
fn row_id(book: &Book, (brief, fact): FactRef) -> String {
    let b = &book.briefs[brief];
    format!(
        "{}-{}",
        b.url.trim_end_matches('/').replace('/', "-"),
        fact_anchor(&b.brief.facts[fact], fact)
    )
}

/// One table per subject; rows by metric, as-of date, then brief path.
fn facts_view<'a>(
    renderer: &Renderer,
    inputs: &'a Inputs,
) -> Result<Vec<SubjectTable<'a>>, Diagnostic> {
    let book = inputs.book;
    let mut subjects: BTreeMap<&str, Vec<FactRef>> = BTreeMap::new();
    for (i, b) in book.briefs.iter().enumerate() {
        for (k, f) in b.brief.facts.iter().enumerate() {
            subjects.entry(&f.subject).or_default().push((i, k));
        }
    }
    let tables = subjects
        .into_iter()
        .map(|(subject, facts)| subject_table(renderer, inputs, subject, facts))
        .collect::<Result<_, _>>()?;
    Ok(tables)
}

fn subject_table<'a>(
    renderer: &Renderer,
    inputs: &'a Inputs,
    subject: &'a str,
    mut facts: Vec<FactRef>,
) -> Result<SubjectTable<'a>, Diagnostic> {
    let book = inputs.book;
    let fact = |(i, k): FactRef| (&book.briefs[i].brief.facts[k], &book.briefs[i].brief.path);
    facts.sort_by(|&x, &y| {
        let ((a, ap), (b, bp)) = (fact(x), fact(y));
        (&a.metric, a.as_of, ap).cmp(&(&b.metric, b.as_of, bp))
    });
    let rows: Vec<FactRow> = facts
        .iter()
        .map(|&(i, k)| {
            let b = &book.briefs[i];
            let f = &b.brief.facts[k];
            let (twins, total) = inputs.resolved.conflicts.twins((i, k));
            let labels = &inputs.resolved.labels;
            let on_page = twins
                .iter()
                .map(|&t| ConflictView::new(book, labels, t, format!("#{}", row_id(book, t))))
                .collect();
            let on_briefs = twins
                .iter()
                .map(|&t| ConflictView::new(book, labels, t, fact_link(book, t).url))
                .collect();
            FactRow {
                row: row_id(book, (i, k)),
                fact: FactView::new(
                    f,
                    k,
                    source_ref(inputs, &f.source.value),
                    (on_briefs, total),
                ),
                brief: brief_link(b),
                url: format!("{}index.html#{}", b.url, fact_anchor(f, k)),
                twins: on_page,
            }
        })
        .collect();
    let html = render_rows(renderer, "facts_rows.html", ROOT, &rows)?;
    Ok(SubjectTable {
        subject,
        anchor: format!("subject-{}", slugify(subject)),
        count: rows.len(),
        rows: html,
    })
}

/// The scales the method page explains.
#[derive(Serialize)]
struct MethodView {
    bands: &'static [(&'static str, &'static str, &'static str)],
    reliability: &'static [(&'static str, &'static str)],
    credibility: &'static [(i64, &'static str)],
}

impl Default for MethodView {
    fn default() -> Self {
        MethodView {
            bands: crate::analyse::rigor::LIKELIHOOD_BANDS,
            reliability: crate::analyse::rigor::RELIABILITY_SCALE,
            credibility: crate::analyse::rigor::CREDIBILITY_SCALE,
        }
    }
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
            if name.as_bytes() < tag.name.as_bytes() {
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
