//! Hover: a source's reference with its grade, status and how often the book cites it; a
//! quoted fact's value, unit, date and source; a likelihood's band; a linked page's title.

use lsp_types::{Hover, HoverContents, HoverParams, MarkupContent, MarkupKind};

use crate::analyse::rigor::{likelihood_band, RELIABILITY_SCALE};
use crate::lsp::knowledge::Knowledge;
use crate::lsp::navigation::{self, Use};
use crate::lsp::position;
use crate::lsp::symbols::{self, Role, Symbol};
use crate::lsp::workspace::Workspace;
use crate::model::{Fact, Source};
use crate::read::page;

pub fn hover(ws: &Workspace, params: &HoverParams) -> Option<Hover> {
    let at = &params.text_document_position_params;
    let doc = ws.document(&at.text_document.uri)?;
    let place = doc.place.as_ref()?;
    let path = place.content_path()?;
    let text = &doc.file.text;
    let found = symbols::occurrences(path, &doc.file);
    let occurrence = symbols::at(&found, position::offset(text, at.position))?;
    let knowledge = ws.snapshot(&place.root).knowledge;
    let markdown = match &occurrence.symbol {
        Symbol::Source(id) => {
            let uses = navigation::uses(ws, &place.root, &occurrence.symbol);
            source(knowledge.as_ref(), id, &uses)
        }
        Symbol::Fact { brief, id } => {
            let fact = find_fact(ws, &place.root, knowledge.as_ref(), brief, id);
            fact.map_or_else(
                || format!("No fact `{id}` in `{brief}`"),
                |f| fact_text(&f, knowledge.as_ref()),
            )
        }
        Symbol::Likelihood(term) => likelihood(term)?,
        Symbol::Link { path, .. } => page_title(knowledge.as_ref()?, path)?,
        Symbol::Claim { .. } => return None,
    };
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: markdown,
        }),
        range: Some(position::range(text, occurrence.range.clone())),
    })
}

/// A source's reference: title, authors, date, publisher, and where to find it.
pub fn reference(s: &Source) -> String {
    let mut out = format!("**{}**", s.title);
    if !s.authors.is_empty() {
        out.push_str(&format!("  \n{}", s.authors.join(", ")));
    }
    let mut line = vec![s.date.to_string()];
    line.extend(s.publisher.clone());
    line.push(s.kind.clone());
    out.push_str(&format!("  \n{}", line.join(" · ")));
    if let Some(url) = &s.url {
        out.push_str(&format!("  \n<{url}>"));
    }
    out
}

fn source(knowledge: Option<&Knowledge>, id: &str, uses: &[Use]) -> String {
    let Some(s) = knowledge.and_then(|k| k.source(id)) else {
        return format!("Unknown source `{id}`");
    };
    let grade = s
        .reliability
        .as_deref()
        .map_or("ungraded".to_string(), |letter| {
            let meaning = RELIABILITY_SCALE.iter().find(|(l, _)| *l == letter);
            meaning.map_or(letter.to_string(), |(_, what)| format!("{letter} ({what})"))
        });
    let count = |role: Role| uses.iter().filter(|u| u.occurrence.role == role).count();
    let citations = count(Role::Citation);
    let mut briefs: Vec<&str> = uses
        .iter()
        .filter(|u| u.occurrence.role == Role::Citation)
        .map(|u| u.file.path.as_str())
        .collect();
    briefs.dedup();
    format!(
        "Readers see it as **{}**\n\n{}\n\nReliability: {grade} · status: {}\n\nCited {citations} time(s) in {} brief(s); {} claim(s) and {} fact(s) rest on it",
        knowledge.map_or_else(|| id.to_string(), |k| k.label(id)),
        reference(s),
        s.status,
        briefs.len(),
        count(Role::ClaimSource),
        count(Role::FactSource),
    )
}

/// A fact of a brief: as written now when the brief is open, else as last compiled.
pub fn find_fact(
    ws: &Workspace,
    root: &std::path::Path,
    knowledge: Option<&Knowledge>,
    brief: &str,
    id: &str,
) -> Option<Fact> {
    let rel = format!("content/{brief}");
    let current = ws
        .text_of(root, &rel)
        .and_then(|file| page::parse_brief(brief, file).value);
    let facts = match current {
        Some(b) => b.facts,
        None => knowledge?.brief(brief)?.facts.clone(),
    };
    facts.into_iter().find(|f| f.id.as_deref() == Some(id))
}

fn fact_text(f: &Fact, knowledge: Option<&Knowledge>) -> String {
    let unit = f
        .unit
        .as_deref()
        .map(|u| format!(" {u}"))
        .unwrap_or_default();
    let mut out = format!(
        "**{}{unit}**  \n{}: {}",
        f.value.display(),
        f.subject,
        f.metric
    );
    if let Some(as_of) = &f.as_of {
        out.push_str(&format!("  \nas of {as_of}"));
    }
    let title = knowledge
        .and_then(|k| k.source(&f.source.value))
        .map(|s| format!(" ({})", s.title))
        .unwrap_or_default();
    out.push_str(&format!("  \nsource: `{}`{title}", f.source.value));
    out
}

fn likelihood(term: &str) -> Option<String> {
    let (band, vocabulary) = likelihood_band(term)?;
    Some(format!(
        "**{term}**: {band} (ICD 203, vocabulary {vocabulary})"
    ))
}

fn page_title(k: &Knowledge, path: &str) -> Option<String> {
    let book = k.book();
    let title = book
        .brief(path)
        .map(|b| b.brief.header.title.clone())
        .or_else(|| {
            let chapter = book.chapters.iter().find(|c| c.section.path == path);
            chapter.map(|c| c.section.header.title.clone())
        })?;
    Some(format!("**{title}**  \n`{path}`"))
}
