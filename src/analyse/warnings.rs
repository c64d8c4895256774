//! Editorial warnings: uncited sources, stale briefs, missing summaries, conflicting facts.

use jiff::civil::Date;
use rayon::prelude::*;

use crate::analyse::conflicts::{Conflicts, FactRef};
use crate::analyse::resolve::Resolved;
use crate::diagnostic::{Code, Diagnostic};
use crate::read::book::{Book, BookBrief};

/// Every warning the book deserves, measured against `today` for staleness. `whole` says
/// whether every page parsed: a page that failed is missing from the book, and whatever only it
/// cites would look uncited (advice to remove a source in use), so that check waits for it.
pub fn warnings(book: &Book, resolved: &Resolved, today: Date, whole: bool) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let sources = book.sources.values().filter(|_| whole);
    for source in sources {
        if !resolved.cited_by.contains_key(&source.id) {
            out.push(
                source.origin.locate(
                    Diagnostic::warning(
                        Code::UncitedSource,
                        format!("the source `{}` is not cited by any brief", source.id),
                    )
                    .with_help(
                        "cite it with [@id] in a brief, list it in a claim or fact, or remove it",
                    ),
                ),
            );
        }
    }
    // Tens of thousands of warnings in a large book, each placed at a line and column: made in
    // parallel, in the book's order.
    let per_brief: Vec<Vec<Diagnostic>> = book
        .briefs
        .par_iter()
        .map(|b| brief_warnings(book, b, today))
        .collect();
    out.extend(per_brief.into_iter().flatten());
    let conflicts: Vec<Diagnostic> = resolved
        .conflicts
        .facts()
        .into_par_iter()
        .map(|fact_ref| conflict_warning(book, &resolved.conflicts, fact_ref))
        .collect();
    out.extend(conflicts);
    out
}

/// A brief's own warnings: no summary, not revised for too long.
fn brief_warnings(book: &Book, b: &BookBrief, today: Date) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let brief = &b.brief;
    if brief
        .header
        .summary
        .as_deref()
        .is_none_or(|s| s.trim().is_empty())
    {
        out.push(
            Diagnostic::warning(Code::MissingSummary, "the brief has no summary")
                .at(&brief.file, 0)
                .with_help("add `summary = \"...\"`: one or two sentences with the bottom line"),
        );
    }
    let as_of = brief.updated.unwrap_or(brief.date);
    let age = as_of.days_until(today);
    if age > book.config.stale_after_days {
        out.push(
            Diagnostic::warning(
                Code::Stale,
                format!(
                    "the brief was last revised {age} days ago ({as_of}), more than {} days",
                    book.config.stale_after_days
                ),
            )
            .at(&brief.file, brief.date_offset)
            .with_help(
                "review it and set `updated`, or raise [check] stale_after_days in site.toml",
            ),
        );
    }
    out
}

/// "Huawei / shipments: 700,000 here conflicts with 650,000 (content/x.md:9:1) and 2 more".
fn conflict_warning(book: &Book, conflicts: &Conflicts, (b, f): FactRef) -> Diagnostic {
    let brief = &book.briefs[b].brief;
    let fact = &brief.facts[f];
    let (named, total) = conflicts.twins((b, f));
    let mut places: Vec<String> = named
        .iter()
        .map(|&(tb, tf)| {
            let other = &book.briefs[tb].brief;
            let (line, column) = other.file.position(other.facts[tf].offset);
            format!(
                "{} ({}:{line}:{column})",
                other.facts[tf].value.display(),
                other.file.path
            )
        })
        .collect();
    if total > named.len() {
        places.push(format!("{} more", total - named.len()));
    }
    let message = format!(
        "{} / {}: {} here conflicts with {}",
        fact.subject,
        fact.metric,
        fact.value.display(),
        join_and(&places)
    );
    Diagnostic::warning(Code::FactConflict, message).at(&brief.file, fact.offset)
}

/// "a", "a and b", "a, b and c".
fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}
