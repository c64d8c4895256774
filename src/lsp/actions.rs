//! Diagnostics in the editor and their quick fixes. A diagnostic keeps `check`'s code, message
//! and position; its help follows the message on a line of its own, and a help that reads
//! "did you mean `x`?" becomes a quick fix replacing the wrong name, near that position, by `x`.

use std::collections::HashMap;
use std::ops::Range;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, DiagnosticSeverity,
    NumberOrString, TextEdit, WorkspaceEdit,
};

use crate::diagnostic::{Diagnostic, Severity, SourceFile};
use crate::lsp::position;

/// A diagnostic as the editor shows it, placed in `file`'s text when it is known.
pub fn to_lsp(d: &Diagnostic, file: Option<&SourceFile>) -> lsp_types::Diagnostic {
    let range = match (file, d.line, d.column) {
        (Some(file), Some(line), Some(column)) => {
            let start = position::line_column_offset(file, line, column);
            position::range(&file.text, start..token_end(&file.text, start, &d.message))
        }
        (None, Some(line), Some(column)) => {
            let at = lsp_types::Position::new(line_u32(line), line_u32(column));
            lsp_types::Range::new(at, at)
        }
        _ => lsp_types::Range::default(),
    };
    let message = match &d.help {
        Some(help) => format!("{}\nhelp: {help}", d.message),
        None => d.message.clone(),
    };
    lsp_types::Diagnostic {
        range,
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(d.code.name().to_string())),
        source: Some("briefbook".into()),
        message,
        ..lsp_types::Diagnostic::default()
    }
}

fn line_u32(n: usize) -> u32 {
    u32::try_from(n.saturating_sub(1)).unwrap_or(u32::MAX)
}

/// Where the underline ends: after the wrong name the message quotes, when it starts on this
/// line at or just after the position; else after the word there; at least one character.
fn token_end(text: &str, start: usize, message: &str) -> usize {
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let names = quoted(message);
    let named = names
        .iter()
        .flat_map(|name| variants(name))
        .filter_map(|v| find_name(text, start, line_end, &v).map(|r| r.end))
        .min();
    if let Some(end) = named {
        return end;
    }
    let word = text[start..line_end]
        .char_indices()
        .find(|(_, c)| c.is_whitespace())
        .map_or(line_end, |(i, _)| start + i);
    if word > start {
        return word;
    }
    text[start..]
        .chars()
        .next()
        .map_or(start, |c| start + c.len_utf8())
}

/// The names a message quotes in backticks.
fn quoted(message: &str) -> Vec<String> {
    message
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// How a quoted name may be written in the file: as quoted, without `@/`, or its anchor alone.
fn variants(name: &str) -> Vec<String> {
    let mut all = vec![name.to_string()];
    let bare = name.trim_start_matches("@/").trim_start_matches('#');
    all.push(bare.to_string());
    if let Some((_, anchor)) = bare.rsplit_once('#') {
        all.push(anchor.to_string());
    }
    all.retain(|v| !v.is_empty());
    all.dedup();
    all
}

/// The first whole-word occurrence of `name` in `text[from..to]`.
fn find_name(text: &str, from: usize, to: usize, name: &str) -> Option<Range<usize>> {
    let window = text.get(from..to)?;
    let is_word = |c: char| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | ':');
    let mut search = 0;
    while let Some(i) = window[search..].find(name) {
        let start = from + search + i;
        let end = start + name.len();
        let before = text[..start].chars().next_back().is_some_and(is_word);
        let after = text[end..].chars().next().is_some_and(is_word);
        if !before && !after {
            return Some(start..end);
        }
        search += i + name.len().max(1);
    }
    None
}

/// The suggestion of a help line: `did you mean `x`?`.
fn suggestion(message: &str) -> Option<&str> {
    let help = message.split("did you mean `").nth(1)?;
    help.split('`').next().filter(|s| !s.is_empty())
}

/// The replacement a diagnostic suggests, in `text`: the range of the wrong name near the
/// diagnostic's start, and the name to put there. Of the names the message quotes, the one
/// closest to the suggestion is the wrong one.
pub fn fix(text: &str, diagnostic: &lsp_types::Diagnostic) -> Option<(Range<usize>, String)> {
    let first_line = diagnostic.message.lines().next()?;
    let suggested = suggestion(&diagnostic.message)?.to_string();
    let start = position::offset(text, diagnostic.range.start);
    // The name sits at the position or a little after it (a citation's `[`, a value's quote).
    let mut end = text.len().min(start + 400);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let mut candidates: Vec<String> = quoted(first_line)
        .iter()
        .flat_map(|name| variants(name))
        .filter(|v| *v != suggested)
        .collect();
    candidates.sort_by_key(|v| strsim::levenshtein(v, &suggested));
    candidates
        .iter()
        .find_map(|wrong| find_name(text, start, end, wrong))
        .map(|range| (range, suggested))
}

/// The quick fixes for the diagnostics of a range of a document.
// lsp-types keys a workspace edit's changes by `Uri`, which clippy thinks mutable: it is not.
#[allow(clippy::mutable_key_type)]
pub fn quick_fixes(text: &str, params: &CodeActionParams) -> Vec<CodeActionOrCommand> {
    let uri = &params.text_document.uri;
    params
        .context
        .diagnostics
        .iter()
        .filter(|d| d.source.as_deref() == Some("briefbook"))
        .filter_map(|d| {
            let (range, name) = fix(text, d)?;
            let wrong = &text[range.clone()];
            let edit = TextEdit::new(position::range(text, range.clone()), name.clone());
            let changes = HashMap::from([(uri.clone(), vec![edit])]);
            Some(CodeActionOrCommand::CodeAction(CodeAction {
                title: format!("Replace `{wrong}` with `{name}`"),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![d.clone()]),
                edit: Some(WorkspaceEdit::new(changes)),
                is_preferred: Some(true),
                ..CodeAction::default()
            }))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Code;

    fn lsp(text: &str, d: Diagnostic) -> lsp_types::Diagnostic {
        to_lsp(&d, Some(&SourceFile::new("content/a.md", text)))
    }

    fn applied(text: &str, d: &lsp_types::Diagnostic) -> String {
        let (range, name) = fix(text, d).expect("a fix");
        let mut out = text.to_string();
        out.replace_range(range, &name);
        out
    }

    #[test]
    fn a_misspelt_citation_is_underlined_and_fixed() {
        let text = "x\nSee [@cnn-2024, p. 2] now.\n";
        let file = SourceFile::new("content/a.md", text);
        let d = Diagnostic::error(Code::UnknownSource, "citation of unknown source `cnn-2024`")
            .at(&file, text.find('[').unwrap())
            .suggest("cnn-2024", ["cnn-2025", "ft-2025"]);
        let shown = lsp(text, d);
        assert_eq!(shown.range.start, lsp_types::Position::new(1, 4));
        assert_eq!(shown.range.end, lsp_types::Position::new(1, 14));
        assert!(shown.message.ends_with("\nhelp: did you mean `cnn-2025`?"));
        assert_eq!(applied(text, &shown), "x\nSee [@cnn-2025, p. 2] now.\n");
    }

    #[test]
    fn fields_values_and_anchors_are_fixed_too() {
        let text = "+++\ntitel = \"x\"\nconfidence = \"hihg\"\n+++\n[a](@/chips/b.md#capcity)\n";
        let file = SourceFile::new("content/a.md", text);
        let field = Diagnostic::error(Code::UnknownField, "unknown field `titel` in a brief")
            .at(&file, 4)
            .suggest("titel", ["title"]);
        assert!(applied(text, &lsp(text, field)).contains("\ntitle = \"x\""));
        let value = Diagnostic::error(Code::InvalidValue, "`hihg` is not a valid confidence")
            .at(&file, text.find("\"hihg").unwrap())
            .suggest("hihg", ["high", "low"]);
        assert!(applied(text, &lsp(text, value)).contains("confidence = \"high\""));
        let anchor = Diagnostic::error(
            Code::BrokenAnchor,
            "`@/chips/b.md` has no anchor `#capcity`",
        )
        .at(&file, text.find("[a]").unwrap())
        .suggest("capcity", ["capacity"]);
        assert!(applied(text, &lsp(text, anchor)).contains("(@/chips/b.md#capacity)"));
    }

    #[test]
    fn text_beyond_the_name_may_be_any_characters() {
        let text = format!("Ü [@cnn-2024] {}\n", "é".repeat(300));
        let d = Diagnostic::error(Code::UnknownSource, "citation of unknown source `cnn-2024`")
            .at(&SourceFile::new("content/a.md", text.clone()), 3)
            .suggest("cnn-2024", ["cnn-2025"]);
        assert!(applied(&text, &lsp(&text, d)).starts_with("Ü [@cnn-2025] é"));
    }

    #[test]
    fn no_suggestion_no_fix() {
        let text = "x\n";
        let d = lsp(
            text,
            Diagnostic::warning(Code::MissingSummary, "no summary"),
        );
        assert_eq!(fix(text, &d), None);
    }
}
