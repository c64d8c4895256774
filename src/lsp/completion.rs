//! Completion: source ids with their titles, `@/` paths and their heading and row anchors, fact
//! ids, front-matter field names and the allowed values of the fields that have a closed list.

use std::collections::BTreeMap;

use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionList, CompletionParams, CompletionResponse,
    CompletionTextEdit, Documentation, MarkupContent, MarkupKind, TextEdit,
};

use crate::analyse::labels;
use crate::analyse::rigor::{likelihood_band, CREDIBILITY_SCALE, RELIABILITY_SCALE};
use crate::lsp::cursor::{self, Cursor, Table, Want};
use crate::lsp::knowledge::Knowledge;
use crate::lsp::workspace::{Document, Workspace};
use crate::lsp::{hover, position};
use crate::model::{self, Source};
use crate::read::page;

/// How many items a list of other briefs' facts holds at most; the list is marked incomplete,
/// so that the editor asks again as more is typed.
const MAX_ITEMS: usize = 500;

pub fn complete(ws: &Workspace, params: &CompletionParams) -> Option<CompletionResponse> {
    let at = &params.text_document_position;
    let doc = ws.document(&at.text_document.uri)?;
    let place = doc.place.as_ref()?;
    let path = place.content_path()?;
    let text = &doc.file.text;
    let offset = position::offset(text, at.position);
    let cursor = cursor::at(text, offset, path)?;
    let knowledge = ws.snapshot(&place.root).knowledge;
    let (items, incomplete) = items(doc, path, &cursor, knowledge.as_ref());
    Some(CompletionResponse::List(CompletionList {
        is_incomplete: incomplete,
        items,
    }))
}

/// A candidate: what is inserted, what it is, and what to show beside it.
struct Candidate {
    text: String,
    kind: CompletionItemKind,
    detail: Option<String>,
    documentation: Option<String>,
}

fn items(
    doc: &Document,
    path: &str,
    cursor: &Cursor,
    knowledge: Option<&Knowledge>,
) -> (Vec<CompletionItem>, bool) {
    let mut replace = cursor.replace.clone();
    let mut quote = cursor.quote;
    let mut incomplete = false;
    let candidates = match &cursor.want {
        Want::SourceId => sources(doc, path, knowledge),
        Want::Path { prefix } => paths(knowledge, prefix),
        Want::Anchor { path } => anchors(knowledge, path),
        Want::FactId => {
            let typed = &doc.file.text[replace.clone()];
            let (list, capped) = facts(doc, path, knowledge, typed, &mut replace);
            incomplete = capped;
            list
        }
        Want::Field(table) => fields(*table),
        Want::Value { field, table } => {
            quote &= field != "credibility";
            values(field, *table)
        }
    };
    let range = position::range(&doc.file.text, replace);
    let items = candidates
        .into_iter()
        .enumerate()
        .map(|(i, c)| item(c, range, quote, i))
        .collect();
    (items, incomplete)
}

fn item(c: Candidate, range: lsp_types::Range, quote: bool, order: usize) -> CompletionItem {
    let new_text = if quote {
        format!("\"{}\"", c.text)
    } else {
        c.text.clone()
    };
    CompletionItem {
        label: c.text.clone(),
        kind: Some(c.kind),
        detail: c.detail,
        documentation: c.documentation.map(|value| {
            Documentation::MarkupContent(MarkupContent {
                kind: MarkupKind::Markdown,
                value,
            })
        }),
        // Keep the order given here (ids, then paths), whatever the editor sorts by.
        sort_text: Some(format!("{order:06}")),
        text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(range, new_text))),
        ..CompletionItem::default()
    }
}

/// The book's sources, and those the document defines itself (perhaps not compiled yet).
fn sources(doc: &Document, path: &str, knowledge: Option<&Knowledge>) -> Vec<Candidate> {
    let mut all: BTreeMap<String, Source> = knowledge
        .map(|k| k.book().sources.clone())
        .unwrap_or_default();
    let own = if path == "sources.toml" {
        page::parse_sources_file(doc.file.clone())
            .value
            .unwrap_or_default()
    } else {
        page::parse_brief(path, doc.file.clone())
            .value
            .map(|b| b.sources)
            .unwrap_or_default()
    };
    for source in own {
        all.insert(source.id.clone(), source);
    }
    // Labels of this registry, the document's own sources included: what readers will see.
    let (labels, _) = labels::assign(&all);
    all.into_values()
        .map(|s| Candidate {
            documentation: Some(hover::reference(&s)),
            detail: Some(format!("{} · {}", labels.of(&s.id), s.title)),
            text: s.id,
            kind: CompletionItemKind::REFERENCE,
        })
        .collect()
}

/// Every page `@/` links may name, with its title.
fn paths(knowledge: Option<&Knowledge>, prefix: &str) -> Vec<Candidate> {
    let Some(k) = knowledge else {
        return Vec::new();
    };
    let book = k.book();
    let title = |path: &str| {
        let brief = book.brief(path).map(|b| b.brief.header.title.clone());
        let chapter = book.chapters.iter().find(|c| c.section.path == path);
        brief.or_else(|| chapter.map(|c| c.section.header.title.clone()))
    };
    let mut paths: Vec<&String> = k.urls().keys().collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| Candidate {
            text: format!("{prefix}{p}"),
            kind: CompletionItemKind::FILE,
            detail: title(p),
            documentation: None,
        })
        .collect()
}

/// A page's heading ids, then its claims' and facts' row ids.
fn anchors(knowledge: Option<&Knowledge>, path: &str) -> Vec<Candidate> {
    let Some(k) = knowledge else {
        return Vec::new();
    };
    let path = path.trim_start_matches("@/");
    let headings = k.headings(path);
    let mut all: Vec<Candidate> = headings
        .into_iter()
        .map(|h| Candidate {
            text: h.id,
            kind: CompletionItemKind::REFERENCE,
            detail: Some(h.text),
            documentation: None,
        })
        .collect();
    if let Some(brief) = k.brief(path) {
        for claim in &brief.claims {
            all.push(row(model::claim_anchor(claim), &claim.text));
        }
        for (i, fact) in brief.facts.iter().enumerate() {
            let what = format!("{}: {}", fact.subject, fact.metric);
            all.push(row(model::fact_anchor(fact, i), &what));
        }
    }
    all
}

fn row(anchor: String, detail: &str) -> Candidate {
    Candidate {
        text: anchor,
        kind: CompletionItemKind::FIELD,
        detail: Some(detail.to_string()),
        documentation: None,
    }
}

/// Fact ids: after `path#`, that brief's; else this brief's own (as written now), then other
/// briefs' as `path#id`, at most `MAX_ITEMS` of those matching what is typed.
fn facts(
    doc: &Document,
    path: &str,
    knowledge: Option<&Knowledge>,
    typed: &str,
    replace: &mut std::ops::Range<usize>,
) -> (Vec<Candidate>, bool) {
    if let Some((brief, _)) = typed.split_once('#') {
        replace.start += brief.len() + 1;
        let brief = brief.trim_start_matches("@/");
        let facts = knowledge
            .and_then(|k| k.brief(brief))
            .map(|b| b.facts.clone())
            .unwrap_or_default();
        return (facts.iter().filter_map(|f| fact(f, None)).collect(), false);
    }
    let own = page::parse_brief(path, doc.file.clone())
        .value
        .map(|b| b.facts);
    let own = own.or_else(|| knowledge?.brief(path).map(|b| b.facts.clone()));
    let mut all: Vec<Candidate> = own
        .unwrap_or_default()
        .iter()
        .filter_map(|f| fact(f, None))
        .collect();
    let mut capped = false;
    if let Some(k) = knowledge {
        let others = k.book().briefs.iter().filter(|b| b.brief.path != path);
        for b in others {
            for f in &b.brief.facts {
                let Some(c) = fact(f, Some(&b.brief.path)) else {
                    continue;
                };
                if !c.text.contains(typed) {
                    continue;
                }
                if all.len() >= MAX_ITEMS {
                    capped = true;
                    break;
                }
                all.push(c);
            }
        }
    }
    (all, capped)
}

fn fact(f: &model::Fact, brief: Option<&str>) -> Option<Candidate> {
    let id = f.id.as_ref()?;
    let unit = f
        .unit
        .as_deref()
        .map(|u| format!(" {u}"))
        .unwrap_or_default();
    Some(Candidate {
        text: brief.map_or_else(|| id.clone(), |b| format!("{b}#{id}")),
        kind: CompletionItemKind::VALUE,
        detail: Some(format!(
            "{}{unit}: {}, {}",
            f.value.display(),
            f.subject,
            f.metric
        )),
        documentation: None,
    })
}

fn fields(table: Table) -> Vec<Candidate> {
    let names: &[&str] = match table {
        Table::Brief => page::BRIEF_FIELDS,
        Table::Section => page::SECTION_FIELDS,
        Table::Source => page::SOURCE_FIELDS,
        Table::Claim => page::CLAIM_FIELDS,
        Table::Fact => page::FACT_FIELDS,
        Table::Other => &[],
    };
    names
        .iter()
        .map(|name| Candidate {
            text: name.to_string(),
            kind: CompletionItemKind::FIELD,
            detail: None,
            documentation: None,
        })
        .collect()
}

/// The allowed values of a field, with what each means where the book's scales say it.
fn values(field: &str, table: Table) -> Vec<Candidate> {
    let plain = |list: &[&str]| -> Vec<(String, Option<String>)> {
        list.iter().map(|v| (v.to_string(), None)).collect()
    };
    let list: Vec<(String, Option<String>)> = match (field, table) {
        ("kind", Table::Source) => plain(model::SOURCE_KINDS),
        ("status", Table::Source) => plain(model::SOURCE_STATUSES),
        ("status", Table::Claim) => plain(model::CLAIM_STATUSES),
        ("confidence", Table::Claim) => plain(model::CONFIDENCE),
        ("likelihood", Table::Claim) => model::LIKELIHOOD
            .iter()
            .map(|t| {
                (
                    t.to_string(),
                    likelihood_band(t).map(|(band, _)| band.to_string()),
                )
            })
            .collect(),
        ("reliability", Table::Source) => RELIABILITY_SCALE
            .iter()
            .map(|(l, what)| (l.to_string(), Some(what.to_string())))
            .collect(),
        ("credibility", Table::Claim) => CREDIBILITY_SCALE
            .iter()
            .map(|(n, what)| (n.to_string(), Some(what.to_string())))
            .collect(),
        _ => Vec::new(),
    };
    list.into_iter()
        .map(|(text, detail)| Candidate {
            text,
            kind: CompletionItemKind::ENUM_MEMBER,
            detail,
            documentation: None,
        })
        .collect()
}
