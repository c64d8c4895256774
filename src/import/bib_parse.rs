//! A tolerant BibTeX/BibLaTeX reader: entries in braces or parentheses, `@string` macros and `#`
//! concatenation, `@preamble` and `@comment` passed over. An entry that cannot be read is
//! reported where it fails and skipped; reading goes on at the next line that opens an entry.

use std::collections::{HashMap, HashSet};

use crate::diagnostic::{Code, Diagnostic, SourceFile};

/// The longest value kept: far beyond any real field, and a bound on what `@string` macros that
/// double each other can grow to.
const MAX_VALUE: usize = 64 * 1024;

/// An entry as written, its values with macros expanded and LaTeX still in them.
#[derive(Debug, Clone)]
pub struct RawEntry {
    /// Lowercase: `article`, `techreport`.
    pub entry_type: String,
    pub key: String,
    /// Where the `@` is.
    pub offset: usize,
    pub fields: Vec<RawField>,
}

#[derive(Debug, Clone)]
pub struct RawField {
    /// Lowercase.
    pub name: String,
    pub value: String,
    pub offset: usize,
}

impl RawEntry {
    pub fn get(&self, name: &str) -> Option<&RawField> {
        self.fields.iter().find(|f| f.name == name)
    }
}

/// Every entry that could be read, and a warning for each problem.
pub fn parse(file: &SourceFile) -> (Vec<RawEntry>, Vec<Diagnostic>) {
    let mut reader = Reader {
        file,
        bytes: file.text.as_bytes(),
        pos: 0,
        strings: HashMap::new(),
        entries: Vec::new(),
        diagnostics: Vec::new(),
    };
    while let Some(at) = memchr::memchr(b'@', &reader.bytes[reader.pos..]) {
        let start = reader.pos + at;
        reader.pos = start + 1;
        if let Err(failure) = reader.item(start) {
            reader.skip(start, failure);
        }
    }
    (reader.entries, reader.diagnostics)
}

/// Why an entry could not be read, and where.
struct Failure {
    at: usize,
    message: String,
}

type Step<T> = Result<T, Failure>;

struct Reader<'a> {
    file: &'a SourceFile,
    bytes: &'a [u8],
    pos: usize,
    strings: HashMap<String, String>,
    entries: Vec<RawEntry>,
    diagnostics: Vec<Diagnostic>,
}

impl Reader<'_> {
    /// One `@type{…}` item; text that is not one (an `@` in a comment) is passed over.
    fn item(&mut self, start: usize) -> Step<()> {
        let entry_type = self.identifier().to_ascii_lowercase();
        self.skip_spaces();
        let close = match self.peek() {
            Some(b'{') => b'}',
            Some(b'(') => b')',
            _ => return Ok(()),
        };
        if entry_type.is_empty() {
            return Ok(());
        }
        self.pos += 1;
        match entry_type.as_str() {
            "comment" | "preamble" => self.skip_group(start, close),
            "string" => self.string_definition(close),
            _ => self.entry(start, entry_type, close),
        }
    }

    fn entry(&mut self, start: usize, entry_type: String, close: u8) -> Step<()> {
        self.skip_spaces();
        let key_start = self.pos;
        while let Some(b) = self
            .peek()
            .filter(|b| *b != b',' && *b != close && !b.is_ascii_whitespace())
        {
            if b == b'=' || b == b'{' || b == b'}' {
                return Err(self.fail(key_start, "the entry has no key"));
            }
            self.pos += 1;
        }
        let key = self.text(key_start, self.pos).to_string();
        if key.is_empty() {
            return Err(self.fail(key_start, "the entry has no key"));
        }
        let mut entry = RawEntry {
            entry_type,
            key,
            offset: start,
            fields: Vec::new(),
        };
        // A set, so that an entry of many fields costs time in proportion to them.
        let mut names = HashSet::new();
        loop {
            self.skip_spaces();
            match self.peek() {
                None => {
                    return Err(
                        self.fail(start, &format!("the entry `{}` is not closed", entry.key))
                    )
                }
                Some(b) if b == close => {
                    self.pos += 1;
                    break;
                }
                Some(b',') => self.pos += 1,
                Some(_) => {
                    let field = self.field(&entry, close)?;
                    if names.insert(field.name.clone()) {
                        entry.fields.push(field);
                    } else {
                        let message = format!(
                            "`{}` is given twice in `{}`; the first is kept",
                            field.name, entry.key
                        );
                        self.warn(Code::ImportChanged, field.offset, message);
                    }
                }
            }
        }
        self.entries.push(entry);
        Ok(())
    }

    /// `name = value`, and what follows it checked: a comma, the end, or (a missing comma,
    /// forgiven) the next field.
    fn field(&mut self, entry: &RawEntry, close: u8) -> Step<RawField> {
        let offset = self.pos;
        let name = self.identifier().to_ascii_lowercase();
        if name.is_empty() {
            return Err(self.fail(offset, &format!("expected a field name in `{}`", entry.key)));
        }
        self.skip_spaces();
        if self.peek() != Some(b'=') {
            return Err(self.fail(
                self.pos,
                &format!("expected `=` after `{name}` in `{}`", entry.key),
            ));
        }
        self.pos += 1;
        let value = self.value(&name)?;
        self.skip_spaces();
        match self.peek() {
            Some(b',') => {}
            Some(b) if b == close => {}
            _ if self.next_is_field() => self.warn(
                Code::ImportChanged,
                self.pos,
                format!("a comma is missing after the value of `{name}` in `{}`; read as if it were there", entry.key),
            ),
            _ => {
                return Err(self.fail(
                    self.pos,
                    &format!("expected `,` or `{}` after the value of `{name}` in `{}`", close as char, entry.key),
                ))
            }
        }
        Ok(RawField {
            name,
            value,
            offset,
        })
    }

    /// `{…}`, `"…"`, a number or a macro, joined by `#`.
    fn value(&mut self, field: &str) -> Step<String> {
        let mut value = String::new();
        loop {
            self.skip_spaces();
            let at = self.pos;
            let piece = match self.peek() {
                Some(b'{') => self.delimited(b'{')?,
                Some(b'"') => self.delimited(b'"')?,
                Some(b) if b.is_ascii_alphanumeric() => {
                    let name = self.identifier();
                    self.expand(&name, at)
                }
                _ => return Err(self.fail(at, &format!("expected a value for `{field}`"))),
            };
            if value.len() + piece.len() > MAX_VALUE {
                self.warn(
                    Code::ImportChanged,
                    at,
                    format!(
                        "the value of `{field}` is longer than {MAX_VALUE} bytes; it is cut there"
                    ),
                );
                let room = MAX_VALUE.saturating_sub(value.len());
                value.push_str(cut(&piece, room));
            } else {
                value.push_str(&piece);
            }
            self.skip_spaces();
            if self.peek() != Some(b'#') {
                return Ok(value);
            }
            self.pos += 1;
        }
    }

    /// A macro's text: a number as written, a defined `@string`, a month (`aug`), else its name.
    fn expand(&mut self, name: &str, at: usize) -> String {
        if name.bytes().all(|b| b.is_ascii_digit()) {
            return name.to_string();
        }
        let lower = name.to_ascii_lowercase();
        if let Some(text) = self.strings.get(&lower) {
            return text.clone();
        }
        if let Some(month) = month_macro(&lower) {
            return month.to_string();
        }
        self.warn(
            Code::ImportChanged,
            at,
            format!("the macro `{name}` is not defined; its name is kept as text"),
        );
        name.to_string()
    }

    /// The text inside `{…}` or `"…"`, braces within counted the way BibTeX does (a backslash
    /// does not escape them). A line that opens a new entry means this value was never closed.
    fn delimited(&mut self, open: u8) -> Step<String> {
        let start = self.pos;
        self.pos += 1;
        let mut depth = 0usize;
        while let Some(b) = self.peek() {
            match b {
                b'{' => depth += 1,
                b'}' if depth == 0 && open == b'{' => {
                    self.pos += 1;
                    return Ok(self.text(start + 1, self.pos - 1).to_string());
                }
                b'}' => depth = depth.saturating_sub(1),
                b'"' if depth == 0 && open == b'"' => {
                    self.pos += 1;
                    return Ok(self.text(start + 1, self.pos - 1).to_string());
                }
                b'\n' if self.entry_starts_after(self.pos + 1) => break,
                _ => {}
            }
            self.pos += 1;
        }
        let what = if open == b'{' {
            "`{` has no matching `}`"
        } else {
            "`\"` has no closing `\"`"
        };
        Err(self.fail(start, what))
    }

    /// `@string{name = value, …}`: later values may use earlier macros, never later ones, so
    /// macros cannot refer to each other in a cycle.
    fn string_definition(&mut self, close: u8) -> Step<()> {
        loop {
            self.skip_spaces();
            match self.peek() {
                None => return Err(self.fail(self.pos, "the `@string` is not closed")),
                Some(b) if b == close => {
                    self.pos += 1;
                    return Ok(());
                }
                Some(b',') => self.pos += 1,
                Some(_) => {
                    let at = self.pos;
                    let name = self.identifier().to_ascii_lowercase();
                    self.skip_spaces();
                    if name.is_empty() || self.peek() != Some(b'=') {
                        return Err(self.fail(at, "expected `name = value` in `@string`"));
                    }
                    self.pos += 1;
                    let value = self.value(&name)?;
                    self.strings.insert(name, value);
                }
            }
        }
    }

    /// Passes over a balanced `{…}` or `(…)` (`@comment`, `@preamble`).
    fn skip_group(&mut self, start: usize, close: u8) -> Step<()> {
        let open = if close == b'}' { b'{' } else { b'(' };
        let mut depth = 0usize;
        while let Some(b) = self.peek() {
            self.pos += 1;
            if b == open {
                depth += 1;
            } else if b == close {
                if depth == 0 {
                    return Ok(());
                }
                depth -= 1;
            }
        }
        Err(self.fail(start, "the `@comment` or `@preamble` is not closed"))
    }

    /// Reports a skipped entry and goes on at the next line that starts with `@`.
    fn skip(&mut self, start: usize, failure: Failure) {
        self.diagnostics.push(
            Diagnostic::warning(
                Code::ImportSkipped,
                format!("{}; the entry is skipped", failure.message),
            )
            .at(self.file, failure.at),
        );
        let from = failure.at.max(start + 1).min(self.bytes.len());
        self.pos = memchr::memchr_iter(b'@', &self.bytes[from..])
            .map(|i| from + i)
            .find(|&i| self.opens_its_line(i))
            .unwrap_or(self.bytes.len());
    }

    /// Whether only spaces stand before the byte at `at` on its line.
    fn opens_its_line(&self, at: usize) -> bool {
        self.bytes[..at]
            .iter()
            .rev()
            .take_while(|b| **b != b'\n')
            .all(|b| matches!(b, b' ' | b'\t' | b'\r'))
    }

    /// Whether a line starting at `from` opens an entry: `@word{` or `@word(`.
    fn entry_starts_after(&self, from: usize) -> bool {
        let rest = &self.bytes[from.min(self.bytes.len())..];
        let rest = &rest[rest
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t'))
            .count()..];
        let Some(after_at) = rest.strip_prefix(b"@") else {
            return false;
        };
        let word = after_at
            .iter()
            .take_while(|b| b.is_ascii_alphabetic())
            .count();
        word > 0 && matches!(after_at.get(word), Some(b'{' | b'('))
    }

    fn next_is_field(&self) -> bool {
        let rest = &self.bytes[self.pos..];
        let word = rest.iter().take_while(|b| is_identifier_byte(**b)).count();
        word > 0 && rest[word..].iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'=')
    }

    fn identifier(&mut self) -> String {
        let start = self.pos;
        while self.peek().is_some_and(is_identifier_byte) {
            self.pos += 1;
        }
        self.text(start, self.pos).to_string()
    }

    fn skip_spaces(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// The text between two offsets that lie on character boundaries (every delimiter is ASCII).
    fn text(&self, from: usize, to: usize) -> &str {
        self.file.text.get(from..to).unwrap_or("")
    }

    fn fail(&self, at: usize, message: &str) -> Failure {
        Failure {
            at,
            message: message.to_string(),
        }
    }

    fn warn(&mut self, code: Code, at: usize, message: String) {
        self.diagnostics
            .push(Diagnostic::warning(code, message).at(self.file, at));
    }
}

/// Letters, digits and the punctuation BibTeX allows in field and macro names.
fn is_identifier_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(b, b'_' | b'-' | b':' | b'.' | b'+' | b'/' | b'\'')
        || b >= 0x80
}

/// BibTeX's predefined month macros, as the names (`aug` → `August`).
fn month_macro(name: &str) -> Option<&'static str> {
    const MONTHS: [(&str, &str); 12] = [
        ("jan", "January"),
        ("feb", "February"),
        ("mar", "March"),
        ("apr", "April"),
        ("may", "May"),
        ("jun", "June"),
        ("jul", "July"),
        ("aug", "August"),
        ("sep", "September"),
        ("oct", "October"),
        ("nov", "November"),
        ("dec", "December"),
    ];
    MONTHS.iter().find(|(m, _)| *m == name).map(|(_, n)| *n)
}

/// At most `room` bytes of `text`, on a character boundary.
fn cut(text: &str, room: usize) -> &str {
    let mut end = room.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> (Vec<RawEntry>, Vec<String>) {
        let file = SourceFile::new("refs.bib", text);
        let (entries, diagnostics) = parse(&file);
        (entries, diagnostics.iter().map(|d| d.headline()).collect())
    }

    #[test]
    fn parentheses_strings_concatenation_preamble_and_comments() {
        let (entries, problems) = read(
            "@preamble{\"\\newcommand{\\x}{y}\"}\n@comment{jabref-meta: x}\n@string{acm = \"ACM\"}\n@techreport(K, title={T}, year=1972, institution = acm # { Press})\n",
        );
        assert_eq!(problems, Vec::<String>::new());
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].entry_type, "techreport");
        assert_eq!(entries[0].get("year").unwrap().value, "1972");
        assert_eq!(entries[0].get("institution").unwrap().value, "ACM Press");
    }

    #[test]
    fn one_bad_entry_is_skipped_at_its_place_and_the_rest_read() {
        let (entries, problems) = read("@book{a, title={A}, year=2020}\n@book{b, title={B unclosed, year=2020,\n@book{c, title={C}, year=2021}\n");
        assert_eq!(
            entries.iter().map(|e| e.key.as_str()).collect::<Vec<_>>(),
            ["a", "c"]
        );
        assert_eq!(problems, ["refs.bib:2:16: warning[import-skipped]: `{` has no matching `}`; the entry is skipped"]);
    }

    #[test]
    fn undefined_macros_are_kept_as_text_with_a_warning() {
        let (entries, problems) = read("@misc{a, publisher = nowhere, month = aug}");
        assert_eq!(entries[0].get("publisher").unwrap().value, "nowhere");
        assert_eq!(entries[0].get("month").unwrap().value, "August");
        assert_eq!(problems, ["refs.bib:1:22: warning[import-changed]: the macro `nowhere` is not defined; its name is kept as text"]);
    }

    #[test]
    fn macros_that_refer_to_each_other_end() {
        let (entries, problems) =
            read("@string{a = b # b}\n@string{b = a # a}\n@misc{x, title = a # b}");
        assert_eq!(entries[0].get("title").unwrap().value, "bbbbbb");
        assert_eq!(problems.len(), 2);
        let doubling: String = (0..40)
            .map(|i| format!("@string{{m{} = m{i} # m{i}}}\n", i + 1))
            .collect();
        let (entries, _) = read(&format!(
            "@string{{m0 = {{xy}}}}\n{doubling}@misc{{x, title = m40}}"
        ));
        assert!(entries[0].get("title").unwrap().value.len() <= MAX_VALUE);
    }

    #[test]
    fn zotero_brace_escapes_balance_as_bibtex_counts_them() {
        let (entries, problems) = read(r"@misc{z, title = {a \{\vphantom{\}} b}, year = 2020}");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            entries[0].get("title").unwrap().value,
            r"a \{\vphantom{\}} b"
        );
    }

    #[test]
    fn a_missing_comma_is_forgiven_and_said() {
        let (entries, problems) = read("@misc{m, title = {T}\n  year = 2020}");
        assert_eq!(entries[0].fields.len(), 2);
        assert_eq!(problems.len(), 1);
    }

    #[test]
    fn a_field_given_twice_keeps_the_first_and_many_fields_cost_little() {
        let (entries, problems) = read("@misc{k, title={A}, title={B}}");
        assert_eq!(entries[0].get("title").unwrap().value, "A");
        assert_eq!(problems.len(), 1);
        let many: String = (0..50_000).map(|i| format!("f{i}={{x}},")).collect();
        let (entries, _) = read(&format!("@misc{{k,{many}}}"));
        assert_eq!(entries[0].fields.len(), 50_000);
    }

    #[test]
    fn nothing_breaks_it() {
        for text in [
            "@",
            "@{",
            "@a{",
            "@a{k",
            "@a{k,",
            "@a{k, t",
            "@a{k, t=",
            "@a{k, t={",
            "@string{",
            "@comment{",
            "@a(k, t=\"x",
            "\u{e9}@\u{e9}{\u{e9},\u{e9}=\u{e9}}",
        ] {
            let _ = read(text);
        }
    }
}
