//! Footnotes written by the pass itself: numbered by first reference, with back-links and ids
//! under the page's prefix (so several bodies can share the print edition).

use super::Pass;

impl Pass<'_, '_> {
    /// The number of a footnote: by first reference, as readers count them.
    fn footnote_number(&mut self, label: &str) -> (usize, bool) {
        match self.footnotes.iter().position(|l| l == label) {
            Some(i) => (i + 1, false),
            None => {
                self.footnotes.push(label.to_string());
                (self.footnotes.len(), true)
            }
        }
    }

    /// `[^label]` in the text; the first reference carries the id the note links back to.
    pub(super) fn footnote_reference(&mut self, label: &str) -> String {
        let (n, first) = self.footnote_number(label);
        let id = crate::text::slugify(label);
        let p = self.cx.id_prefix;
        let back = if first {
            format!(" id=\"{p}fnref-{id}\"")
        } else {
            String::new()
        };
        format!("<sup class=\"footnote-reference\"{back}><a href=\"#{p}fn-{id}\">{n}</a></sup>")
    }

    /// The start of `[^label]: ...`, with an id unique on the page.
    pub(super) fn footnote_definition(&mut self, label: &str) -> String {
        let (n, _) = self.footnote_number(label);
        let id = crate::text::slugify(label);
        let p = self.cx.id_prefix;
        format!("<div class=\"footnote-definition\" id=\"{p}fn-{id}\"><sup class=\"footnote-definition-label\"><a href=\"#{p}fnref-{id}\">{n}</a></sup>")
    }
}
