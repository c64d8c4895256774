//! Go to definition (a citation to its source, an `@/` link to its page or heading, a quoted
//! fact to its row) and find references (a source's citations and the claims and facts resting
//! on it; a fact's quotations), over every file of the book as it is now.

use std::path::Path;
use std::sync::Arc;

use lsp_types::{GotoDefinitionParams, Location, ReferenceParams, TextDocumentPositionParams};

use crate::diagnostic::SourceFile;
use crate::lsp::position;
use crate::lsp::symbols::{self, Occurrence, Role, Symbol};
use crate::lsp::workspace::{Place, Workspace};

/// One occurrence of a symbol, in its file.
pub struct Use {
    pub file: Arc<SourceFile>,
    pub occurrence: Occurrence,
}

/// The symbol under the cursor and the book it is in.
pub fn symbol_at(ws: &Workspace, at: &TextDocumentPositionParams) -> Option<(Place, Occurrence)> {
    let doc = ws.document(&at.text_document.uri)?;
    let place = doc.place.clone()?;
    let path = place.content_path()?;
    let found = symbols::occurrences(path, &doc.file);
    let offset = position::offset(&doc.file.text, at.position);
    let occurrence = symbols::at(&found, offset)?.clone();
    Some((place, occurrence))
}

/// Every occurrence of `symbol` in the book's content files. Only files whose text holds the
/// name are parsed, which keeps a search of a large book short.
pub fn uses(ws: &Workspace, root: &Path, symbol: &Symbol) -> Vec<Use> {
    let needle = match symbol {
        Symbol::Source(id) | Symbol::Fact { id, .. } | Symbol::Claim { id, .. } => id,
        Symbol::Link { path, .. } => path,
        Symbol::Likelihood(term) => term,
    };
    let finder = memchr::memmem::Finder::new(needle.as_bytes());
    let mut all = Vec::new();
    for file in ws.book_texts(root) {
        if finder.find(file.text.as_bytes()).is_none() {
            continue;
        }
        let Some(path) = file.path.strip_prefix("content/") else {
            continue;
        };
        for occurrence in symbols::occurrences(path, &file) {
            if occurrence.symbol == *symbol {
                all.push(Use {
                    file: file.clone(),
                    occurrence,
                });
            }
        }
    }
    all
}

fn location(
    ws: &Workspace,
    root: &Path,
    file: &SourceFile,
    bytes: std::ops::Range<usize>,
) -> Option<Location> {
    let uri = ws.uri_for(root, &file.path)?;
    Some(Location::new(uri, position::range(&file.text, bytes)))
}

pub fn definition(ws: &Workspace, params: &GotoDefinitionParams) -> Vec<Location> {
    let Some((place, occurrence)) = symbol_at(ws, &params.text_document_position_params) else {
        return Vec::new();
    };
    let root = &place.root;
    match &occurrence.symbol {
        Symbol::Source(_) => definitions(ws, root, &occurrence.symbol),
        Symbol::Fact { brief, .. } | Symbol::Claim { brief, .. } => {
            definitions_in(ws, root, brief, &occurrence.symbol)
        }
        Symbol::Link { path, anchor } => link_target(ws, root, path, anchor.as_deref())
            .into_iter()
            .collect(),
        Symbol::Likelihood(_) => Vec::new(),
    }
}

fn definitions(ws: &Workspace, root: &Path, symbol: &Symbol) -> Vec<Location> {
    uses(ws, root, symbol)
        .into_iter()
        .filter(|u| u.occurrence.role == Role::Definition)
        .filter_map(|u| location(ws, root, &u.file, u.occurrence.range))
        .collect()
}

/// The definitions of a fact or claim, in its brief alone.
fn definitions_in(ws: &Workspace, root: &Path, brief: &str, symbol: &Symbol) -> Vec<Location> {
    let Some(file) = ws.text_of(root, &format!("content/{brief}")) else {
        return Vec::new();
    };
    symbols::occurrences(brief, &file)
        .into_iter()
        .filter(|o| o.role == Role::Definition && o.symbol == *symbol)
        .filter_map(|o| location(ws, root, &file, o.range))
        .collect()
}

/// Where an `@/` link leads: the page, its heading, or the row of a claim or fact.
fn link_target(ws: &Workspace, root: &Path, path: &str, anchor: Option<&str>) -> Option<Location> {
    let file = ws.text_of(root, &format!("content/{path}"))?;
    let whole = location(ws, root, &file, 0..0);
    let Some(anchor) = anchor else {
        return whole;
    };
    let row = |id: &str, claim: bool| {
        let symbol = if claim {
            Symbol::Claim {
                brief: path.to_string(),
                id: id.to_string(),
            }
        } else {
            Symbol::Fact {
                brief: path.to_string(),
                id: id.to_string(),
            }
        };
        definitions_in(ws, root, path, &symbol).into_iter().next()
    };
    if let Some(id) = anchor.strip_prefix("claim-") {
        if let Some(found) = row(id, true) {
            return Some(found);
        }
    }
    if let Some(id) = anchor.strip_prefix("fact-") {
        if let Some(found) = row(id, false) {
            return Some(found);
        }
    }
    heading(ws, root, &file, path, anchor).or(whole)
}

/// A heading of a page by its id: the last compile's scan lists the ids in the order the
/// headings stand in the body.
fn heading(
    ws: &Workspace,
    root: &Path,
    file: &SourceFile,
    path: &str,
    anchor: &str,
) -> Option<Location> {
    let knowledge = ws.snapshot(root).knowledge?;
    let headings = knowledge.headings(path);
    let index = headings.iter().position(|h| h.id == anchor)?;
    let split = crate::read::frontmatter::split(&file.text).ok()?;
    let range = symbols::headings(&file.text, split.body_offset)
        .into_iter()
        .nth(index)?;
    let line_end = file.text[range.start..]
        .find('\n')
        .map_or(range.end, |i| range.start + i);
    location(ws, root, file, range.start..line_end.min(range.end))
}

pub fn references(ws: &Workspace, params: &ReferenceParams) -> Vec<Location> {
    let Some((place, occurrence)) = symbol_at(ws, &params.text_document_position) else {
        return Vec::new();
    };
    if !matches!(occurrence.symbol, Symbol::Source(_) | Symbol::Fact { .. }) {
        return Vec::new();
    }
    let declarations = params.context.include_declaration;
    uses(ws, &place.root, &occurrence.symbol)
        .into_iter()
        .filter(|u| declarations || u.occurrence.role != Role::Definition)
        .filter_map(|u| location(ws, &place.root, &u.file, u.occurrence.range))
        .collect()
}
