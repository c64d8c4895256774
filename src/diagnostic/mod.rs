//! Diagnostics as located values: every problem the build finds, with file, line and column.

use std::fmt::Write as _;
use std::sync::Arc;

use serde::Serialize;

mod code;
mod excerpt;
mod limit;
pub use code::Code;
pub use excerpt::{printable, Excerpt};
pub use limit::{summarise, Limiter, SHOWN_PER_CODE};

/// How bad a problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A file of the book held in memory, with what is needed to turn byte offsets into positions.
#[derive(Debug)]
pub struct SourceFile {
    /// Path relative to the book root, with `/` separators (`content/chips/h20.md`).
    pub path: String,
    pub text: String,
    line_starts: Vec<usize>,
}

impl SourceFile {
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> Arc<Self> {
        let text = text.into();
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Arc::new(SourceFile {
            path: path.into(),
            text,
            line_starts,
        })
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn position(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let start = self.line_starts[line];
        let column = self
            .text
            .get(start..offset)
            .map_or(1, |s| s.chars().count() + 1);
        (line + 1, column)
    }

    /// The text of a 1-based line, without its line ending.
    pub fn line_text(&self, line: usize) -> &str {
        self.line_span(line).1
    }

    /// Where a 1-based line starts, and its text without its line ending.
    fn line_span(&self, line: usize) -> (usize, &str) {
        let start = self
            .line_starts
            .get(line.wrapping_sub(1))
            .copied()
            .unwrap_or(self.text.len());
        let end = self
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len());
        let text = self.text.get(start..end).unwrap_or("");
        (start, text.trim_end_matches(['\n', '\r']))
    }

    /// What a diagnostic at byte `offset` (on 1-based `line`) shows of its line.
    fn excerpt(&self, line: usize, offset: usize) -> Excerpt {
        let (start, text) = self.line_span(line);
        Excerpt::of(text, offset.saturating_sub(start))
    }
}

/// One problem, located where possible.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: Code,
    pub message: String,
    pub file: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// What the diagnostic shows of its source line: at most `excerpt::WIDTH` characters around
    /// the column, never the whole of a long line.
    #[serde(skip)]
    pub excerpt: Option<Excerpt>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// For a summary ("and 7,950 more ..."), how many diagnostics it stands for; else 0.
    #[serde(skip_serializing_if = "is_zero")]
    pub more: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl Diagnostic {
    /// An error; `code` must be one the table reports as an error.
    pub fn error(code: Code, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, message.into())
    }

    /// A warning; `code` must be one the table reports as a warning.
    pub fn warning(code: Code, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, code, message.into())
    }

    fn new(severity: Severity, code: Code, message: String) -> Self {
        debug_assert_eq!(
            severity,
            code.severity(),
            "{code} is reported as {:?}",
            code.severity()
        );
        Diagnostic {
            severity,
            code,
            message,
            file: None,
            line: None,
            column: None,
            excerpt: None,
            help: None,
            more: 0,
        }
    }

    /// Locate the problem at a byte offset of a file.
    pub fn at(mut self, file: &SourceFile, offset: usize) -> Self {
        let (line, column) = file.position(offset);
        self.file = Some(file.path.clone());
        self.line = Some(line);
        self.column = Some(column);
        self.excerpt = Some(file.excerpt(line, offset));
        self
    }

    /// Name the file without a position in it.
    pub fn in_file(mut self, path: impl Into<String>) -> Self {
        self.file = Some(path.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds "did you mean" help when a candidate is close enough.
    pub fn suggest<'a>(self, wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Self {
        match crate::text::nearest(wrong, candidates) {
            Some(best) => self.with_help(format!("did you mean `{best}`?")),
            None => self,
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The first line: `path:line:col: error[code]: message`, the form editors' tools parse.
    /// Control characters in the path and message are shown, not sent (`printable`).
    pub fn headline(&self) -> String {
        let mut out = String::new();
        if let Some(file) = &self.file {
            out.push_str(&printable(file));
            if let (Some(line), Some(column)) = (self.line, self.column) {
                let _ = write!(out, ":{line}:{column}");
            }
            out.push_str(": ");
        }
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let _ = write!(
            out,
            "{severity}[{}]: {}",
            self.code,
            printable(&self.message)
        );
        out
    }

    /// The headline, the source line (or its excerpt) with a caret under the column, and the
    /// help.
    pub fn render(&self) -> String {
        let mut out = self.headline();
        out.push('\n');
        if let (Some(line), Some(excerpt)) = (self.line, &self.excerpt) {
            let gutter = line.to_string().len();
            let pad: String = excerpt
                .text
                .chars()
                .take(excerpt.caret)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            let _ = writeln!(out, "{:gutter$} |", "");
            let _ = writeln!(out, "{line} | {}", excerpt.text);
            let _ = writeln!(out, "{:gutter$} | {pad}^", "");
        }
        if let Some(help) = &self.help {
            let _ = writeln!(out, "  = help: {}", printable(help));
        }
        out
    }
}

/// All the problems of one run, reported together at the end.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    pub fn extend(&mut self, more: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(more);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    /// Errors found, counting those a summary stands for.
    pub fn error_count(&self) -> usize {
        self.items
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.more.max(1))
            .sum()
    }

    /// Warnings found, counting those a summary stands for.
    pub fn warning_count(&self) -> usize {
        self.items
            .iter()
            .filter(|d| !d.is_error())
            .map(|d| d.more.max(1))
            .sum()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// In a stable order (by file, position, then severity and message), with repeated
    /// diagnostics of one code in one file summarised after the first `SHOWN_PER_CODE`.
    pub fn sorted(mut self) -> Vec<Diagnostic> {
        self.items.sort_by(|a, b| {
            (&a.file, a.line, a.column, a.severity, &a.message)
                .cmp(&(&b.file, b.line, b.column, b.severity, &b.message))
        });
        self.items.dedup();
        summarise(self.items)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Every diagnostic as text, in the stable order of `sorted`. Rendered in parallel: a large
    /// book can have tens of thousands of warnings.
    pub fn render_all(&self) -> String {
        use rayon::prelude::*;
        self.clone()
            .sorted()
            .par_iter()
            .map(Diagnostic::render)
            .collect()
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<I: IntoIterator<Item = Diagnostic>>(iter: I) -> Self {
        Diagnostics {
            items: iter.into_iter().collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_not_bytes() {
        let file = SourceFile::new("content/a.md", "+++\ntitle = \"Ünï\"\nx\n");
        assert_eq!(file.position(0), (1, 1));
        assert_eq!(file.position(4), (2, 1));
        let x = file.text.rfind('x').unwrap();
        assert_eq!(file.position(x), (3, 1));
        let quote = file.text.rfind('"').unwrap();
        assert_eq!(file.position(quote), (2, 13));
        assert_eq!(file.line_text(2), "title = \"Ünï\"");
    }

    #[test]
    fn render_points_at_the_column() {
        let file = SourceFile::new("content/a.md", "+++\ntitel = \"x\"\n+++\n");
        let d = Diagnostic::error(Code::UnknownField, "unknown field `titel`")
            .at(&file, 4)
            .suggest("titel", ["title", "date"]);
        assert_eq!(
            d.headline(),
            "content/a.md:2:1: error[unknown-field]: unknown field `titel`"
        );
        assert_eq!(
            d.render(),
            "content/a.md:2:1: error[unknown-field]: unknown field `titel`\n  |\n2 | titel = \"x\"\n  | ^\n  = help: did you mean `title`?\n"
        );
    }
}
