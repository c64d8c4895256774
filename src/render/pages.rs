//! The pages of a site: each brief's page (with the print edition, in one pass), chapters,
//! the cover and the 404 page, and the index pages (`indexes`). Views in, files to a sink out.

use rayon::prelude::*;

use crate::diagnostic::Diagnostic;
use crate::model::fact_anchor;
use crate::read::book::{Book, BookBrief};
use crate::render::views::*;
use crate::render::{
    context, context_of, indexes, page, print, render_page, view_value, with_shared, Inputs,
    OutputFile, Renderer, Shared, Sink,
};

/// Every page of the site into `sink`, in parallel: each brief's page with the print edition
/// (one pass over the bodies), the chapters, the index pages and tag pages, the cover and the
/// 404 page. Returns the errors (none when all went well).
pub fn pages(renderer: &Renderer, inputs: &Inputs, sink: &dyn Sink) -> Vec<Diagnostic> {
    with_shared(renderer, inputs, |shared| {
        all_pages(renderer, shared, inputs, sink)
    })
}

fn all_pages(
    renderer: &Renderer,
    shared: &Shared,
    inputs: &Inputs,
    sink: &dyn Sink,
) -> Vec<Diagnostic> {
    let emit = |page: Result<OutputFile, Diagnostic>| page.and_then(|file| sink.write(file)).err();
    let book = inputs.book;
    // The brief pages and the print edition are the largest part; the other pages are made
    // alongside, to keep both cores busy while the print edition's parts are joined.
    let (mut errors, others) = rayon::join(
        || print::brief_pages_with_print_edition(renderer, shared, inputs, sink),
        || {
            let chapters = (0..book.chapters.len())
                .into_par_iter()
                .filter_map(|i| emit(chapter_page(renderer, shared, inputs, i)));
            let indexes = indexes::index_pages(renderer, shared, inputs, &emit).into_par_iter();
            let more = [
                cover_page(renderer, shared, inputs),
                not_found_page(renderer, shared, inputs),
            ]
            .into_par_iter()
            .filter_map(emit);
            chapters.chain(indexes).chain(more).collect::<Vec<_>>()
        },
    );
    errors.extend(others);
    // One broken template fails every page that uses it: report it once.
    errors.sort_by(|a, b| a.message.cmp(&b.message));
    errors.dedup_by(|a, b| a.message == b.message);
    errors
}

/// Only the pages of the briefs `which` (the server's rebuild after edits to them).
pub fn brief_pages(
    renderer: &Renderer,
    inputs: &Inputs,
    which: &[usize],
    sink: &dyn Sink,
) -> Vec<Diagnostic> {
    with_shared(renderer, inputs, |shared| {
        brief_pages_of(renderer, shared, inputs, which, sink)
    })
}

fn brief_pages_of(
    renderer: &Renderer,
    shared: &Shared,
    inputs: &Inputs,
    which: &[usize],
    sink: &dyn Sink,
) -> Vec<Diagnostic> {
    which
        .par_iter()
        .filter_map(|&i| {
            let b = &inputs.book.briefs[i];
            let html = inputs.body_html(&b.brief.file, &b.brief.header, (&b.url, &b.brief.path));
            brief_page(renderer, shared, &brief_view(inputs, i, &html), &b.url)
                .and_then(|file| sink.write(file))
                .err()
        })
        .collect()
}

/// Only the print edition (the server makes it when it is asked for).
pub fn print_edition(
    renderer: &Renderer,
    inputs: &Inputs,
    sink: &dyn Sink,
) -> Result<(), Diagnostic> {
    let errors = with_shared(renderer, inputs, |shared| {
        print::print_edition_alone(renderer, shared, inputs, sink)
    });
    errors.into_iter().next().map_or(Ok(()), Err)
}

pub(crate) fn brief_link(b: &BookBrief) -> LinkView<'_> {
    LinkView {
        title: &b.brief.header.title,
        url: format!("{}index.html", b.url),
        summary: b.brief.header.summary.as_deref(),
        date: Some(b.brief.updated.unwrap_or(b.brief.date).into()),
    }
}

fn chapter_link(book: &Book, index: usize) -> LinkView<'_> {
    let c = &book.chapters[index];
    LinkView {
        title: &c.section.header.title,
        url: format!("{}index.html", c.url),
        summary: c.section.header.summary.as_deref(),
        date: None,
    }
}

/// A brief's own page from its view.
pub(crate) fn brief_page(
    renderer: &Renderer,
    shared: &Shared,
    view: &BriefView,
    url: &str,
) -> Result<OutputFile, Diagnostic> {
    brief_page_value(renderer, shared, &mut view_value(view)?, url)
}

/// A brief's own page from its view made a JSON value, which the page's context borrows and
/// gives back (the print edition uses it next): Tera copies whatever `Context::insert` is given.
pub(crate) fn brief_page_value(
    renderer: &Renderer,
    shared: &Shared,
    view: &mut serde_json::Value,
    url: &str,
) -> Result<OutputFile, Diagnostic> {
    let text = |key: &str| {
        view.get(key)
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_string()
    };
    let mut cx = context(shared, url, "brief", &text("title"), &text("summary"));
    cx.extend(context_of("brief", std::mem::take(view)));
    let page = render_page(renderer, &cx, "brief.html", url);
    *view = cx.remove("brief").unwrap_or_default();
    page
}

pub(crate) fn brief_view<'a>(inputs: &'a Inputs, i: usize, html: &'a str) -> BriefView<'a> {
    let book = inputs.book;
    let b = &book.briefs[i];
    let brief = &b.brief;
    let body = &inputs.scans[i];
    let labels = &inputs.resolved.labels;
    // Body citations in number order, then sources named only by claims or facts (by id): all
    // numbered, so that every source a reader meets on the page has its number.
    let mut reference_ids: Vec<&str> = body.cited.iter().map(String::as_str).collect();
    for id in &inputs.resolved.cites[i] {
        if !body.markers.contains_key(id) {
            reference_ids.push(id);
        }
    }
    reference_ids.retain(|id| book.sources.contains_key(*id));
    let numbers: std::collections::HashMap<&str, usize> = reference_ids
        .iter()
        .enumerate()
        .map(|(n, id)| (*id, n + 1))
        .collect();
    let number = |id: &str| numbers.get(id).copied();
    let source_ref = |id: &'a str| SourceRef::new(&book.sources, labels, id, number(id));
    let references = reference_ids
        .iter()
        .filter_map(|id| book.sources.get(*id))
        .map(|s| {
            let backlinks = body
                .markers
                .get(&s.id)
                .map(|m| m.iter().map(String::as_str).collect())
                .unwrap_or_default();
            ReferenceView::new(s, labels, number(&s.id), backlinks)
        })
        .collect();
    let claims = brief
        .claims
        .iter()
        .map(|c| ClaimView::new(c, c.sources.iter().map(|s| source_ref(&s.value)).collect()))
        .collect();
    let facts = brief
        .facts
        .iter()
        .enumerate()
        .map(|(k, f)| {
            let (named, total) = inputs.resolved.conflicts.twins((i, k));
            let links = named
                .iter()
                .map(|&twin| ConflictView::new(book, labels, twin, fact_link(book, twin).url))
                .collect();
            FactView::new(f, k, source_ref(&f.source.value), (links, total))
        })
        .collect();
    let links = |list: &[usize]| {
        list.iter()
            .map(|&j| brief_link(&book.briefs[j]))
            .collect::<Vec<_>>()
    };
    BriefView {
        path: &brief.path,
        title: &brief.header.title,
        summary: brief.header.summary.as_deref(),
        date: brief.date.into(),
        updated: brief.updated.map(Into::into),
        authors: &brief.authors,
        tags: brief
            .tags
            .iter()
            .map(|name| TagLink {
                name,
                url: crate::render::indexes::tag_url(name),
            })
            .collect(),
        content: html,
        toc: &body.headings,
        url: format!("{}index.html", b.url),
        extra: &brief.header.extra,
        chapter: chapter_link(book, b.chapter),
        references,
        claims,
        facts,
        related: links(&inputs.resolved.related[i]),
        linked_from: links(&inputs.resolved.linked_from[i]),
        previous: i.checked_sub(1).map(|j| brief_link(&book.briefs[j])),
        next: book.briefs.get(i + 1).map(brief_link),
        json_ld: crate::render::json_ld::json_ld(book, b, &inputs.resolved.cites[i]),
        revisions: inputs
            .history
            .revisions
            .get(&brief.file.path)
            .map(Vec::as_slice)
            .unwrap_or_default(),
    }
}

/// A link to a fact's row on its brief's page.
pub(crate) fn fact_link(
    book: &Book,
    (brief, fact): crate::analyse::conflicts::FactRef,
) -> LinkView<'_> {
    let b = &book.briefs[brief];
    let f = &b.brief.facts[fact];
    LinkView {
        title: &b.brief.header.title,
        url: format!("{}index.html#{}", b.url, fact_anchor(f, fact)),
        summary: None,
        date: f.as_of.map(Into::into),
    }
}

fn chapter_page(
    renderer: &Renderer,
    shared: &Shared,
    inputs: &Inputs,
    i: usize,
) -> Result<OutputFile, Diagnostic> {
    let book = inputs.book;
    let c = &book.chapters[i];
    let mut parents = Vec::new();
    let mut up = c.parent;
    while let Some(p) = up {
        parents.insert(0, chapter_link(book, p));
        up = book.chapters[p].parent;
    }
    let html = inputs.body_html(
        &c.section.file,
        &c.section.header,
        (&c.url, &c.section.path),
    );
    let view = ChapterView {
        title: &c.section.header.title,
        summary: c.section.header.summary.as_deref(),
        content: &html,
        url: format!("{}index.html", c.url),
        extra: &c.section.header.extra,
        briefs: c
            .briefs
            .iter()
            .map(|&b| brief_link(&book.briefs[b]))
            .collect(),
        chapters: c.children.iter().map(|&k| chapter_link(book, k)).collect(),
        parents,
    };
    let cx = context(
        shared,
        &c.url,
        "chapter",
        &c.section.header.title,
        c.section.header.summary.as_deref().unwrap_or(""),
    );
    page(renderer, cx, "chapter", &view, "chapter.html", &c.url)
}

fn cover_page(
    renderer: &Renderer,
    shared: &Shared,
    inputs: &Inputs,
) -> Result<OutputFile, Diagnostic> {
    let book = inputs.book;
    let chapters = book
        .chapters
        .iter()
        .map(|c| CoverChapter {
            title: &c.section.header.title,
            summary: c.section.header.summary.as_deref(),
            url: format!("{}index.html", c.url),
            depth: c.depth,
            briefs: c
                .briefs
                .iter()
                .map(|&b| brief_link(&book.briefs[b]))
                .collect(),
        })
        .collect();
    let counts = Counts {
        chapters: book.chapters.len(),
        briefs: book.briefs.len(),
        sources: book.sources.len(),
        claims: book.briefs.iter().map(|b| b.brief.claims.len()).sum(),
        facts: book.briefs.iter().map(|b| b.brief.facts.len()).sum(),
    };
    let key_judgments = key_judgments(book);
    let header = &book.cover.header;
    let html = inputs.body_html(&book.cover.file, header, ("", &book.cover.path));
    let view = CoverView {
        title: &header.title,
        summary: header.summary.as_deref(),
        content: &html,
        extra: &header.extra,
        chapters,
        counts,
        key_judgments,
        changes_since: inputs.changes.map(|c| c.from.as_str()),
    };
    let description = header.summary.as_deref().unwrap_or(shared.site.description);
    let cx = context(shared, "", "cover", &header.title, description);
    page(renderer, cx, "cover", &view, "cover.html", "")
}

/// The key judgments of the book, by chapter in reading order.
pub(crate) fn key_judgments(book: &Book) -> Vec<KeyJudgments<'_>> {
    book.chapters
        .iter()
        .map(|c| KeyJudgments {
            chapter: &c.section.header.title,
            judgments: c
                .briefs
                .iter()
                .flat_map(|&i| {
                    let b = &book.briefs[i];
                    b.brief
                        .claims
                        .iter()
                        .filter(|claim| claim.key)
                        .map(move |claim| KeyJudgment {
                            text: &claim.text,
                            url: format!(
                                "{}index.html#{}",
                                b.url,
                                crate::model::claim_anchor(claim)
                            ),
                            brief: &b.brief.header.title,
                            likelihood: claim.likelihood.as_deref(),
                            band: claim
                                .likelihood
                                .as_deref()
                                .and_then(crate::analyse::rigor::likelihood_band)
                                .map(|(band, _)| band),
                            confidence: claim.confidence.as_deref(),
                        })
                })
                .collect(),
        })
        .filter(|k| !k.judgments.is_empty())
        .collect()
}

/// The 404 page is served at any path, so its links are absolute under `base_url`.
fn not_found_page(
    renderer: &Renderer,
    shared: &Shared,
    inputs: &Inputs,
) -> Result<OutputFile, Diagnostic> {
    let mut cx = context(
        shared,
        "404.html",
        "404",
        "Page not found",
        shared.site.description,
    );
    let root = &inputs.book.config.base_url;
    cx.insert("root", root);
    if let Some(html) = shared.nav.html(root) {
        cx.insert("contents_html", html);
    }
    let bytes = renderer.render("404.html", &cx)?;
    Ok(OutputFile {
        path: "404.html".into(),
        bytes,
    })
}
