//! The bundled fonts (Libertinus Serif, New Computer Modern, DejaVu Sans Mono, from
//! `typst-assets`), and the characters they can show: PDF/A refuses a glyph no font has, so
//! such characters are replaced before typesetting rather than failing the whole edition.

use std::collections::HashMap;

use typst::foundations::Bytes;
use typst::text::{Font, FontBook};

/// What stands for a character no bundled font can show.
pub const REPLACEMENT: char = '\u{FFFD}';

pub struct Fonts {
    pub fonts: Vec<Font>,
    pub book: FontBook,
}

impl Fonts {
    pub fn bundled() -> Fonts {
        let fonts: Vec<Font> = typst_assets::fonts()
            .flat_map(|data| Font::iter(Bytes::new(data)))
            .collect();
        let book = FontBook::from_fonts(&fonts);
        Fonts { fonts, book }
    }

    /// Whether some font has a glyph for `c`.
    pub fn covers(&self, c: char) -> bool {
        self.fonts
            .iter()
            .any(|f| f.info().coverage.contains(u32::from(c)))
    }
}

/// `markup` with each character no font can show replaced by U+FFFD, and how many were.
/// briefbook's own markup is ASCII, so only the book's texts are touched.
pub fn displayable(markup: String, fonts: &Fonts) -> (String, usize) {
    let mut known: HashMap<char, bool> = HashMap::new();
    let mut shown = |c: char| c.is_ascii() || *known.entry(c).or_insert_with(|| fonts.covers(c));
    if markup.chars().all(&mut shown) {
        return (markup, 0);
    }
    let mut replaced = 0;
    let out = markup
        .chars()
        .map(|c| {
            if shown(c) {
                c
            } else {
                replaced += 1;
                REPLACEMENT
            }
        })
        .collect();
    (out, replaced)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_replacement_is_shown_and_latin_greek_cyrillic_are_kept() {
        let fonts = Fonts::bundled();
        assert!(fonts.covers(REPLACEMENT));
        let (text, replaced) = displayable("é α ж – “x” ڪ 中 😀".to_string(), &fonts);
        assert_eq!(text, "é α ж – “x” \u{FFFD} \u{FFFD} \u{FFFD}");
        assert_eq!(replaced, 3);
    }
}
