//! What a diagnostic shows of its source line: a bounded excerpt around the column, and text
//! made safe for a terminal (no control character reaches it raw).

use std::borrow::Cow;

/// The most characters of a source line a diagnostic keeps (besides the ellipses).
pub const WIDTH: usize = 120;
/// Characters kept before the column when the line is cut (more when the line ends sooner).
const BEFORE: usize = 40;

/// Part of a source line, as shown under a diagnostic's headline: at most `WIDTH` characters of
/// the line, `…` where it was cut, control characters as pictures.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Excerpt {
    /// The text to show, already made printable.
    pub text: String,
    /// How many characters of `text` stand before the caret.
    pub caret: usize,
}

impl Excerpt {
    /// The excerpt of `line` around byte `at` (clamped to the line and to a character boundary).
    /// Costs the excerpt's length, not the line's: a diagnostic on a 100 KB line is cheap.
    pub fn of(line: &str, at: usize) -> Excerpt {
        let mut at = at.min(line.len());
        while !line.is_char_boundary(at) {
            at -= 1;
        }
        let (head, tail) = line.split_at(at);
        // One more than can be shown, to know whether the line goes on.
        let before: Vec<char> = head.chars().rev().take(WIDTH + 1).collect();
        let after: Vec<char> = tail.chars().take(WIDTH + 1).collect();
        let (keep_before, keep_after) = budget(before.len(), after.len());
        let mut text = String::new();
        if keep_before < before.len() {
            text.push('…');
        }
        before[..keep_before]
            .iter()
            .rev()
            .for_each(|&c| push_printable(&mut text, c));
        let caret = text.chars().count();
        after[..keep_after]
            .iter()
            .for_each(|&c| push_printable(&mut text, c));
        if keep_after < after.len() {
            text.push('…');
        }
        Excerpt { text, caret }
    }
}

/// How many characters to keep before and after the column, of `before` and `after` available:
/// all of a short line; else `BEFORE` before and the rest after, moving what one side lacks to
/// the other.
fn budget(before: usize, after: usize) -> (usize, usize) {
    let first_after = after.min(WIDTH - BEFORE);
    let keep_before = before.min(WIDTH - first_after);
    (keep_before, after.min(WIDTH - keep_before))
}

/// `text` as it may be printed to a terminal: control characters (but tab) and the invisible
/// characters that reorder text are written as visible stand-ins, so a source line or a value
/// quoted in a message cannot clear the screen, set the window's title or hide what it says.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    text.chars().for_each(|c| push_printable(&mut out, c));
    Cow::Owned(out)
}

/// C0 controls and DEL become their Control Pictures (U+2400 to U+2421: `␛` for ESC, `␀` for
/// NUL), one column each like the character they stand for, so the caret stays in place; C1
/// controls and the bidirectional formatting characters, which have no pictures, become
/// `\u{9b}`.
fn push_printable(out: &mut String, c: char) {
    match c {
        '\t' => out.push(c),
        '\0'..='\u{1f}' => out.push(char::from_u32(0x2400 + c as u32).unwrap_or('?')),
        '\u{7f}' => out.push('\u{2421}'),
        c if needs_escape(c) => out.push_str(&c.escape_unicode().to_string()),
        c => out.push(c),
    }
}

fn needs_escape(c: char) -> bool {
    (c.is_control() && c != '\t')
        || matches!(c, '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_lines_are_kept_whole() {
        let e = Excerpt::of("titel = \"x\"", 0);
        assert_eq!((e.text.as_str(), e.caret), ("titel = \"x\"", 0));
        let e = Excerpt::of("abc", 99);
        assert_eq!((e.text.as_str(), e.caret), ("abc", 3));
        let line = "x".repeat(WIDTH);
        assert_eq!(Excerpt::of(&line, 60).text, line);
    }

    #[test]
    fn long_lines_are_cut_around_the_column() {
        let line: String = (0..10_000)
            .map(|i| char::from(b'a' + (i % 26) as u8))
            .collect();
        let e = Excerpt::of(&line, 5_000);
        assert_eq!(e.text.chars().count(), WIDTH + 2);
        assert!(e.text.starts_with('…') && e.text.ends_with('…'));
        assert_eq!(e.caret, 1 + BEFORE);
        assert_eq!(e.text.chars().nth(e.caret), line[5_000..].chars().next());
        // At the end: the line's last `WIDTH` characters, then the caret.
        let e = Excerpt::of(&line, line.len());
        assert_eq!(e.text.chars().count(), WIDTH + 1);
        assert_eq!(e.caret, WIDTH + 1);
        // At the start: no ellipsis before.
        let e = Excerpt::of(&line, 0);
        assert_eq!((e.caret, e.text.chars().count()), (0, WIDTH + 1));
    }

    #[test]
    fn a_column_inside_a_character_counts_it_whole() {
        let e = Excerpt::of("aÜb", 2);
        assert_eq!((e.text.as_str(), e.caret), ("aÜb", 1));
    }

    #[test]
    fn control_characters_are_shown_not_sent() {
        let e = Excerpt::of("a\u{1b}[2J\u{1b}]0;pwned\u{7}\tb\u{0}\u{9b}c\u{202e}d", 2);
        assert_eq!(e.text, "a␛[2J␛]0;pwned␇\tb␀\\u{9b}c\\u{202e}d");
        assert_eq!(e.caret, 2);
        assert_eq!(printable("plain\ttext"), Cow::Borrowed("plain\ttext"));
        assert_eq!(printable("x\u{7f}\r"), "x␡␍");
    }
}
