//! Long lists spliced into their page as it is written. A view carries a short marker where
//! its rows go; the rows, rendered apart in chunks, are appended in the marker's place. So the
//! 30,000 rows of a large book's facts index are never one string, never copied into a
//! template's context, and never copied again into the page.

use memchr::memmem;

use crate::diagnostic::Diagnostic;
use crate::render::{OutputFile, Sink};

/// A marker starts and ends with characters of Unicode's private use area. Templates escape the
/// opening one (`text::escape_html`), so only a value marked `safe` (the marker itself) carries it
/// into the page: no title or subject can pose as a marker.
const OPEN: &str = "\u{E000}briefbook-rows-";
const CLOSE: &str = "\u{E001}";

/// The rows a page's views stand for, by marker number.
#[derive(Default)]
pub(crate) struct Holes {
    rows: Vec<Vec<Vec<u8>>>,
}

impl Holes {
    /// Keeps `rows` (rendered in parts) and returns the marker a view shows in their place.
    pub(crate) fn keep(&mut self, rows: Vec<Vec<u8>>) -> String {
        self.rows.push(rows);
        format!("{OPEN}{}{CLOSE}", self.rows.len() - 1)
    }

    /// Writes `page` with each marker replaced by its rows, in parts. A marker the template did
    /// not show leaves its rows unwritten; one shown twice is filled once (a row's ids must be
    /// unique on its page); text that merely looks like a marker is kept as it is.
    pub(crate) fn write(self, sink: &dyn Sink, page: OutputFile) -> Result<(), Diagnostic> {
        if self.rows.is_empty() {
            return sink.write(page);
        }
        for piece in self.pieces(&page.bytes) {
            sink.append(&page.path, piece)?;
        }
        Ok(())
    }

    /// The page cut at its markers, with their rows between, in the order they are written.
    fn pieces<'a>(&'a self, page: &'a [u8]) -> Vec<&'a [u8]> {
        let mut used = vec![false; self.rows.len()];
        let mut pieces = Vec::new();
        let mut copied = 0;
        for at in memmem::find_iter(page, OPEN.as_bytes()) {
            if at < copied {
                continue;
            }
            let Some((hole, end)) = marker_at(page, at + OPEN.len()) else {
                continue;
            };
            if hole >= self.rows.len() || std::mem::replace(&mut used[hole], true) {
                continue;
            }
            pieces.push(&page[copied..at]);
            pieces.extend(self.rows[hole].iter().map(Vec::as_slice));
            copied = end;
        }
        pieces.push(&page[copied..]);
        pieces
    }
}

/// The number of the marker whose digits start at `from`, and where the marker ends.
fn marker_at(page: &[u8], from: usize) -> Option<(usize, usize)> {
    let digits = page[from..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    let number = std::str::from_utf8(&page[from..from + digits])
        .ok()?
        .parse()
        .ok()?;
    let end = from + digits;
    page[end..]
        .starts_with(CLOSE.as_bytes())
        .then_some((number, end + CLOSE.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spliced(holes: &Holes, page: &str) -> String {
        let page = page.as_bytes();
        String::from_utf8(holes.pieces(page).concat()).unwrap()
    }

    #[test]
    fn markers_are_replaced_by_their_rows_in_order() {
        let mut holes = Holes::default();
        let a = holes.keep(vec![b"<tr>1</tr>".to_vec(), b"<tr>2</tr>".to_vec()]);
        let b = holes.keep(vec![b"<tr>3</tr>".to_vec()]);
        let page = format!("<table>{a}</table><table>{b}</table>");
        assert_eq!(
            spliced(&holes, &page),
            "<table><tr>1</tr><tr>2</tr></table><table><tr>3</tr></table>"
        );
    }

    #[test]
    fn rows_are_written_at_most_once_and_lookalikes_stay() {
        let mut holes = Holes::default();
        let a = holes.keep(vec![b"R".to_vec()]);
        let page = format!("{a}|{a}|{OPEN}7{CLOSE}|{OPEN}x{CLOSE}|{OPEN}");
        assert_eq!(
            spliced(&holes, &page),
            format!("R|{a}|{OPEN}7{CLOSE}|{OPEN}x{CLOSE}|{OPEN}")
        );
    }

    #[test]
    fn escaped_text_cannot_pose_as_a_marker() {
        let mut holes = Holes::default();
        let marker = holes.keep(vec![b"R".to_vec()]);
        let escaped = crate::text::escape_html(&marker);
        assert!(!escaped.contains(OPEN));
        assert_eq!(
            spliced(&holes, &format!("{escaped}|{marker}")),
            format!("{escaped}|R")
        );
    }

    #[test]
    fn a_page_without_markers_is_written_whole() {
        let mut holes = Holes::default();
        holes.keep(vec![b"unused".to_vec()]);
        assert_eq!(spliced(&holes, "<p>plain</p>"), "<p>plain</p>");
        assert_eq!(spliced(&holes, ""), "");
    }
}
