//! Positions: byte offsets into a file's text and LSP positions (line, UTF-16 column), both ways.

use std::ops::Range;

use lsp_types::Position;

use crate::diagnostic::SourceFile;

/// The LSP position of a byte offset (clamped to the text, and back to a character boundary).
pub fn position(text: &str, offset: usize) -> Position {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.matches('\n').count();
    let column: usize = before[line_start..].chars().map(char::len_utf16).sum();
    Position::new(to_u32(line), to_u32(column))
}

/// The byte offset of an LSP position; a column past the line's end means its end, a line past
/// the text's end means the end of the text.
pub fn offset(text: &str, position: Position) -> usize {
    let mut line_start = 0;
    for _ in 0..position.line {
        match text[line_start..].find('\n') {
            Some(i) => line_start += i + 1,
            None => return text.len(),
        }
    }
    let line_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |i| line_start + i);
    let mut units = 0;
    for (i, c) in text[line_start..line_end].char_indices() {
        if units >= position.character as usize {
            return line_start + i;
        }
        units += c.len_utf16();
    }
    line_end
}

pub fn range(text: &str, bytes: Range<usize>) -> lsp_types::Range {
    lsp_types::Range::new(position(text, bytes.start), position(text, bytes.end))
}

/// The byte offset of a diagnostic's 1-based line and column (in characters), as `check`
/// prints them.
pub fn line_column_offset(file: &SourceFile, line: usize, column: usize) -> usize {
    let text = &file.text;
    let mut start = 0;
    for _ in 1..line.max(1) {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    text[start..end]
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(end, |(i, _)| start + i)
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_utf16_units_both_ways() {
        let text = "ab\nÜ😀x\n";
        let x = text.find('x').unwrap();
        assert_eq!(position(text, x), Position::new(1, 3));
        assert_eq!(offset(text, Position::new(1, 3)), x);
        assert_eq!(offset(text, Position::new(1, 99)), text.len() - 1);
        assert_eq!(offset(text, Position::new(9, 0)), text.len());
        assert_eq!(position(text, 9999), Position::new(2, 0));
    }

    #[test]
    fn check_columns_are_characters() {
        let file = SourceFile::new("a.md", "x\n\"Ünï\" y\n");
        assert_eq!(&file.text[line_column_offset(&file, 2, 7)..], "y\n");
    }
}
