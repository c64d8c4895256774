//! Rename a source id or a fact id across the whole book, as one workspace edit: its
//! definitions, citations, the claims and facts resting on it, quotations. A name that is not
//! a valid id, or is taken already, is refused.

use std::collections::HashMap;

use lsp_types::{
    PrepareRenameResponse, RenameParams, TextDocumentPositionParams, TextEdit, WorkspaceEdit,
};

use crate::lsp::navigation::{self, uses};
use crate::lsp::position;
use crate::lsp::symbols::{Role, Symbol};
use crate::lsp::workspace::Workspace;
use crate::read::decode::is_valid_id;

/// Why a rename is refused, for the editor to show.
pub struct Refused(pub String);

pub fn prepare(
    ws: &Workspace,
    at: &TextDocumentPositionParams,
) -> Result<PrepareRenameResponse, Refused> {
    let (_, occurrence) = renamable(ws, at)?;
    let doc = ws
        .document(&at.text_document.uri)
        .ok_or_else(|| Refused("the document is not open".into()))?;
    let range = position::range(&doc.file.text, occurrence.range.clone());
    let placeholder = doc.file.text[occurrence.range].to_string();
    Ok(PrepareRenameResponse::RangeWithPlaceholder { range, placeholder })
}

fn renamable(
    ws: &Workspace,
    at: &TextDocumentPositionParams,
) -> Result<
    (
        crate::lsp::workspace::Place,
        crate::lsp::symbols::Occurrence,
    ),
    Refused,
> {
    let found = navigation::symbol_at(ws, at)
        .ok_or_else(|| Refused("only a source id or a fact id can be renamed".into()))?;
    match found.1.symbol {
        Symbol::Source(_) | Symbol::Fact { .. } => Ok(found),
        _ => Err(Refused(
            "only a source id or a fact id can be renamed".into(),
        )),
    }
}

// lsp-types keys a workspace edit's changes by `Uri`, which clippy thinks mutable: it is not.
#[allow(clippy::mutable_key_type)]
pub fn rename(ws: &Workspace, params: &RenameParams) -> Result<WorkspaceEdit, Refused> {
    let (place, occurrence) = renamable(ws, &params.text_document_position)?;
    let new = params.new_name.trim();
    if !is_valid_id(new) {
        return Err(Refused(format!(
            "`{new}` is not a valid id: ids start with a lowercase letter or digit and use only a-z, 0-9, `.`, `_`, `:` and `-`"
        )));
    }
    let renamed = match &occurrence.symbol {
        Symbol::Source(_) => Symbol::Source(new.to_string()),
        Symbol::Fact { brief, .. } => Symbol::Fact {
            brief: brief.clone(),
            id: new.to_string(),
        },
        _ => {
            return Err(Refused(
                "only a source id or a fact id can be renamed".into(),
            ))
        }
    };
    if renamed == occurrence.symbol {
        return Ok(WorkspaceEdit::default());
    }
    if taken(ws, &place.root, &renamed) {
        let what = match renamed {
            Symbol::Source(_) => "a source of this book",
            _ => "a fact of this brief",
        };
        return Err(Refused(format!("`{new}` is already the id of {what}")));
    }
    let mut changes: HashMap<lsp_types::Uri, Vec<TextEdit>> = HashMap::new();
    for u in uses(ws, &place.root, &occurrence.symbol) {
        let Some(uri) = ws.uri_for(&place.root, &u.file.path) else {
            continue;
        };
        let range = position::range(&u.file.text, u.occurrence.range);
        changes
            .entry(uri)
            .or_default()
            .push(TextEdit::new(range, new.to_string()));
    }
    Ok(WorkspaceEdit::new(changes))
}

/// Whether a source or fact with that id is defined already (as the files are now, and as the
/// book last compiled).
fn taken(ws: &Workspace, root: &std::path::Path, symbol: &Symbol) -> bool {
    let defined = uses(ws, root, symbol)
        .iter()
        .any(|u| u.occurrence.role == Role::Definition);
    let compiled = ws.snapshot(root).knowledge.is_some_and(|k| match symbol {
        Symbol::Source(id) => k.source(id).is_some(),
        _ => false,
    });
    defined || compiled
}
