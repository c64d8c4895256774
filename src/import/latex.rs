//! LaTeX in BibTeX values turned into plain Unicode text: accents, special letters, dashes,
//! quotes, `~`, math sub- and superscripts. Formatting commands keep their text; braces go.
//!
//! One pass over the characters with an explicit stack of open groups, so that no nesting depth
//! of braces can overflow the call stack.

use unicode_normalization::UnicodeNormalization;

/// What a group opened by `{` does to the text inside it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Group {
    Plain,
    /// `\vphantom{…}`, the address of `\href{…}{text}`: nothing inside is shown.
    Hidden,
    /// `\mkbibquote{…}`, `\enquote{…}`: closed by a closing quote.
    Quote,
    /// `\url{…}`: written as it stands.
    Verbatim,
    Script(Script),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Script {
    Sub,
    Super,
}

/// Plain text from a BibTeX value: `Le \emph{De Anima}` → `Le De Anima`, `Cu$_2$O` → `Cu₂O`,
/// ``` ``quoted'' ``` → `“quoted”`, `{\"u}` → `ü`, `--` → `–`, `~` → a no-break space.
pub fn to_text(latex: &str) -> String {
    let mut c = Converter {
        chars: latex.chars().collect(),
        i: 0,
        out: String::with_capacity(latex.len()),
        stack: Vec::new(),
        hidden: 0,
        scripts: Vec::new(),
        pending: None,
        math: false,
        one_script: None,
    };
    c.run();
    collapse_spaces(&c.out.nfc().collect::<String>())
}

struct Converter {
    chars: Vec<char>,
    i: usize,
    out: String,
    stack: Vec<Group>,
    /// How many open groups hide their text, and the scripts open: kept beside the stack so
    /// that each character costs the same however deep the braces are.
    hidden: usize,
    scripts: Vec<Script>,
    /// What the next `{` opens, set by the command just read.
    pending: Option<Group>,
    math: bool,
    /// `_x` or `^x` in math: the next single character only.
    one_script: Option<Script>,
}

impl Converter {
    fn run(&mut self) {
        while let Some(&ch) = self.chars.get(self.i) {
            self.i += 1;
            if self.verbatim() && !matches!(ch, '{' | '}') {
                self.emit_char(ch);
                continue;
            }
            match ch {
                '{' => {
                    let group = self.pending.take().unwrap_or(Group::Plain);
                    self.open(group);
                }
                '}' => self.close(),
                '\\' => self.command(),
                '$' => {
                    self.math = !self.math;
                    self.pending = None;
                }
                '_' | '^' if self.math => {
                    let script = if ch == '_' {
                        Script::Sub
                    } else {
                        Script::Super
                    };
                    if self.chars.get(self.i) == Some(&'{') {
                        self.pending = Some(Group::Script(script));
                    } else {
                        self.one_script = Some(script);
                    }
                }
                _ => self.text_char(ch),
            }
        }
    }

    fn close(&mut self) {
        if self.pop() == Some(Group::Quote) && !self.hidden() {
            self.out.push('”');
        }
        self.pending = None;
    }

    fn text_char(&mut self, ch: char) {
        self.pending = None;
        let next = self.chars.get(self.i).copied();
        match (ch, next) {
            ('~', _) if !self.math => self.emit_char('\u{a0}'),
            ('-', Some('-')) if !self.math => {
                self.i += 1;
                if self.chars.get(self.i) == Some(&'-') {
                    self.i += 1;
                    self.emit_char('—');
                } else {
                    self.emit_char('–');
                }
            }
            ('`', Some('`')) => {
                self.i += 1;
                self.emit_char('“');
            }
            ('\'', Some('\'')) => {
                self.i += 1;
                self.emit_char('”');
            }
            ('`', _) => self.emit_char('‘'),
            _ => self.emit_char(ch),
        }
    }

    /// After a backslash: a control symbol (`\&`, `\'`) or a control word (`\emph`).
    fn command(&mut self) {
        let Some(&first) = self.chars.get(self.i) else {
            return;
        };
        if !first.is_ascii_alphabetic() {
            self.i += 1;
            return self.control_symbol(first);
        }
        let start = self.i;
        while self
            .chars
            .get(self.i)
            .is_some_and(|c| c.is_ascii_alphabetic())
        {
            self.i += 1;
        }
        let name: String = self.chars[start..self.i].iter().collect();
        // TeX swallows the spaces after a control word.
        while self.chars.get(self.i) == Some(&' ') {
            self.i += 1;
        }
        self.control_word(&name);
    }

    fn control_symbol(&mut self, symbol: char) {
        self.pending = None;
        if let Some(mark) = accent_mark(symbol) {
            return self.accent(mark);
        }
        match symbol {
            '&' | '%' | '$' | '#' | '_' | '{' | '}' => self.emit_char(symbol),
            ',' => self.emit_char('\u{202f}'),
            ' ' | '\\' | '\n' => self.emit_char(' '),
            // Hyphenation hints, italic corrections and spacing fixes: nothing to show.
            '-' | '/' | '@' | ';' | ':' | '!' => {}
            other => self.emit_char(other),
        }
    }

    fn control_word(&mut self, name: &str) {
        self.pending = None;
        if let Some(mark) = letter_accent(name) {
            return self.accent(mark);
        }
        if let Some(text) = symbol(name) {
            return self.emit_str(text);
        }
        match name {
            "mkbibquote" | "enquote" | "textquote" | "mkbibquotes" => {
                self.emit_char('“');
                self.pending = Some(Group::Quote);
            }
            "vphantom" | "hphantom" | "phantom" | "href" | "label" | "index" | "cite" | "citep"
            | "citet" | "footnote" => self.pending = Some(Group::Hidden),
            "url" | "path" | "nolinkurl" | "verb" => self.pending = Some(Group::Verbatim),
            "textsubscript" => self.pending = Some(Group::Script(Script::Sub)),
            "textsuperscript" => self.pending = Some(Group::Script(Script::Super)),
            // Formatting (\emph, \textbf, \textsc, \it, \nocase, ...) and unknown commands keep
            // their text: the braces that follow open a plain group.
            _ => {}
        }
    }

    /// An accent on the next letter, written `\"u`, `\"{u}` or `\"{\i}`.
    fn accent(&mut self, mark: char) {
        let mut base = None;
        if self.chars.get(self.i) == Some(&'{') {
            let mut j = self.i + 1;
            if self.chars.get(j) == Some(&'\\') && matches!(self.chars.get(j + 1), Some('i' | 'j'))
            {
                base = self.chars.get(j + 1).copied();
                j += 2;
            } else if let Some(&c) = self.chars.get(j).filter(|c| **c != '}') {
                base = Some(c);
                j += 1;
            }
            if self.chars.get(j) == Some(&'}') {
                self.i = j + 1;
            } else {
                // A longer group (`\'{ab}`): the accent goes on its first letter, the rest as text.
                self.i += 1;
                self.open(Group::Plain);
                if base.is_some() {
                    self.i = j;
                }
            }
        } else if self.chars.get(self.i) == Some(&'\\')
            && matches!(self.chars.get(self.i + 1), Some('i' | 'j'))
        {
            base = self.chars.get(self.i + 1).copied();
            self.i += 2;
        } else if let Some(&c) = self.chars.get(self.i).filter(|c| !c.is_whitespace()) {
            base = Some(c);
            self.i += 1;
        }
        if let Some(base) = base {
            self.emit_char(base);
            self.emit_char(mark);
        }
    }

    fn open(&mut self, group: Group) {
        match group {
            Group::Hidden => self.hidden += 1,
            Group::Script(s) => self.scripts.push(s),
            _ => {}
        }
        self.stack.push(group);
    }

    fn pop(&mut self) -> Option<Group> {
        let group = self.stack.pop();
        match group {
            Some(Group::Hidden) => self.hidden -= 1,
            Some(Group::Script(_)) => {
                self.scripts.pop();
            }
            _ => {}
        }
        group
    }

    fn hidden(&self) -> bool {
        self.hidden > 0
    }

    fn verbatim(&self) -> bool {
        self.stack.last() == Some(&Group::Verbatim)
    }

    fn script(&self) -> Option<Script> {
        self.scripts.last().copied()
    }

    fn emit_str(&mut self, text: &str) {
        for ch in text.chars() {
            self.emit_char(ch);
        }
    }

    fn emit_char(&mut self, ch: char) {
        if self.hidden() {
            self.one_script = None;
            return;
        }
        let script = self.one_script.take().or_else(|| self.script());
        let shown = match script {
            Some(Script::Sub) => subscript(ch),
            Some(Script::Super) => superscript(ch),
            None => None,
        };
        self.out.push(shown.unwrap_or(ch));
    }
}

/// Runs of spaces, tabs and line breaks as one space; no-break spaces kept; ends trimmed.
pub fn collapse_spaces(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text
        .split([' ', '\t', '\n', '\r'])
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// The combining mark of a one-character accent command (`\'`, `\"`, ...).
fn accent_mark(symbol: char) -> Option<char> {
    Some(match symbol {
        '\'' => '\u{301}',
        '`' => '\u{300}',
        '^' => '\u{302}',
        '"' => '\u{308}',
        '~' => '\u{303}',
        '=' => '\u{304}',
        '.' => '\u{307}',
        _ => return None,
    })
}

/// The combining mark of a letter accent command (`\v{c}`, `\c{c}`, ...).
fn letter_accent(name: &str) -> Option<char> {
    Some(match name {
        "u" => '\u{306}',
        "v" => '\u{30c}',
        "H" => '\u{30b}',
        "c" => '\u{327}',
        "d" => '\u{323}',
        "b" => '\u{331}',
        "k" => '\u{328}',
        "r" => '\u{30a}',
        "t" => '\u{361}',
        _ => return None,
    })
}

/// Control words that stand for a character or a word.
fn symbol(name: &str) -> Option<&'static str> {
    const TABLE: &[(&str, &str)] = &[
        ("ss", "ß"),
        ("o", "ø"),
        ("O", "Ø"),
        ("ae", "æ"),
        ("AE", "Æ"),
        ("oe", "œ"),
        ("OE", "Œ"),
        ("aa", "å"),
        ("AA", "Å"),
        ("l", "ł"),
        ("L", "Ł"),
        ("i", "ı"),
        ("j", "ȷ"),
        ("dh", "ð"),
        ("DH", "Ð"),
        ("th", "þ"),
        ("TH", "Þ"),
        ("ng", "ŋ"),
        ("NG", "Ŋ"),
        ("textendash", "–"),
        ("textemdash", "—"),
        ("textquoteleft", "‘"),
        ("textquoteright", "’"),
        ("textquotedblleft", "“"),
        ("textquotedblright", "”"),
        ("guillemotleft", "«"),
        ("guillemotright", "»"),
        ("ldots", "…"),
        ("dots", "…"),
        ("textellipsis", "…"),
        ("S", "§"),
        ("P", "¶"),
        ("dag", "†"),
        ("ddag", "‡"),
        ("copyright", "©"),
        ("textcopyright", "©"),
        ("textregistered", "®"),
        ("texttrademark", "™"),
        ("euro", "€"),
        ("texteuro", "€"),
        ("pounds", "£"),
        ("textdegree", "°"),
        ("textbackslash", "\\"),
        ("textasciitilde", "~"),
        ("textunderscore", "_"),
        ("textbar", "|"),
        ("textless", "<"),
        ("textgreater", ">"),
        ("textbullet", "•"),
        ("LaTeX", "LaTeX"),
        ("TeX", "TeX"),
        ("BibTeX", "BibTeX"),
        ("alpha", "α"),
        ("beta", "β"),
        ("gamma", "γ"),
        ("delta", "δ"),
        ("epsilon", "ε"),
        ("lambda", "λ"),
        ("mu", "μ"),
        ("pi", "π"),
        ("sigma", "σ"),
        ("tau", "τ"),
        ("phi", "φ"),
        ("omega", "ω"),
        ("Delta", "Δ"),
        ("Sigma", "Σ"),
        ("Omega", "Ω"),
        ("times", "×"),
        ("pm", "±"),
        ("leq", "≤"),
        ("geq", "≥"),
        ("neq", "≠"),
        ("approx", "≈"),
        ("sim", "∼"),
        ("cdot", "·"),
        ("infty", "∞"),
        ("rightarrow", "→"),
        ("to", "→"),
        ("leftarrow", "←"),
        ("quad", " "),
        ("qquad", " "),
        ("par", " "),
        ("newline", " "),
        ("space", " "),
        ("slash", "/"),
    ];
    TABLE.iter().find(|(n, _)| *n == name).map(|(_, s)| *s)
}

fn subscript(ch: char) -> Option<char> {
    const FROM: &str = "0123456789+-=()aeoxhklmnpst";
    const TO: &str = "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₒₓₕₖₗₘₙₚₛₜ";
    FROM.chars()
        .position(|c| c == ch)
        .and_then(|i| TO.chars().nth(i))
}

fn superscript(ch: char) -> Option<char> {
    const FROM: &str = "0123456789+-=()ni";
    const TO: &str = "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ";
    FROM.chars()
        .position(|c| c == ch)
        .and_then(|i| TO.chars().nth(i))
}

#[cfg(test)]
mod tests {
    use super::to_text;

    #[test]
    fn formatting_goes_and_text_stays() {
        assert_eq!(to_text(r"Le \emph{De Anima}"), "Le De Anima");
        assert_eq!(to_text(r"{\it Italic} and {\bf bold}"), "Italic and bold");
        assert_eq!(to_text(r"The {NASA} \textsc{Report}"), "The NASA Report");
    }

    #[test]
    fn accents_in_every_spelling() {
        assert_eq!(
            to_text(r#"M{\"u}ller, M\"uller, M\"{u}ller"#),
            "Müller, Müller, Müller"
        );
        assert_eq!(
            to_text(r"Caf\'e \'{e} {\'\i} \c{c} \v{s} Stra\ss e"),
            "Café é í ç š Straße"
        );
        assert_eq!(to_text(r"{\o}re \aa{}r \L{}\'od\'z"), "øre år Łódź");
    }

    #[test]
    fn dashes_quotes_and_ties() {
        assert_eq!(to_text("12--19 and a---b"), "12–19 and a—b");
        assert_eq!(to_text("``quoted''"), "“quoted”");
        assert_eq!(to_text(r"a \mkbibquote{b} c"), "a “b” c");
        assert_eq!(to_text("11.~century"), "11.\u{a0}century");
    }

    #[test]
    fn math_subscripts_and_stray_dollars() {
        assert_eq!(to_text("Cu$_2$O"), "Cu₂O");
        assert_eq!(to_text("x$^{2}$ and H$_{2}$O"), "x² and H₂O");
        assert_eq!(to_text("costs $5 a head"), "costs 5 a head");
        assert_eq!(to_text(r"$\alpha$-helix"), "α-helix");
    }

    #[test]
    fn zotero_escapes_and_hidden_groups() {
        assert_eq!(to_text(r"a \{\vphantom{\}}b"), "a {b");
        assert_eq!(to_text(r"\href{https://x.org}{the site}"), "the site");
        assert_eq!(to_text(r"50\% of \$3 \& more"), "50% of $3 & more");
        assert_eq!(to_text(r"\url{a_b~c}"), "a_b~c");
    }

    #[test]
    fn nothing_breaks_it() {
        for input in [
            "{{{{", "}}}}", "\\", "\\'", "\\\"{", "$$$", "^_", "\\v{", "{\\'}",
        ] {
            let _ = to_text(input);
        }
        assert_eq!(to_text(&"{".repeat(100_000)), "");
        // Deep braces around much text cost time in proportion to the text.
        let deep = format!("{}{}", "{".repeat(50_000), "a".repeat(50_000));
        assert_eq!(to_text(&deep).len(), 50_000);
    }
}
