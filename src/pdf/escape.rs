//! Typst literals: every text of the book enters the generated document through here, as a
//! string literal, so that nothing a brief contains is ever read as Typst markup or code.

/// `text` as a Typst string literal, quotes included. Inside a literal only `"` and `\` mean
/// anything; line breaks and tabs are written as escapes, and the characters no page may hold
/// (controls, noncharacters) become U+FFFD as they do on the site.
pub fn string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if crate::text::is_forbidden_char(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `text` in markup: an embedded string expression. The `;` ends the expression, so that what
/// follows (a `.`, a `(`, a `[`) is never read as a method call or an argument.
pub fn markup(text: &str) -> String {
    format!("#{};", string(text))
}

/// `text` as a content block, for a function's argument: `[#"…";]`.
pub fn content(text: &str) -> String {
    format!("[{}]", markup(text))
}

/// An optional text as content, or `none`.
pub fn content_or_none(text: Option<&str>) -> String {
    text.map_or_else(|| "none".to_string(), content)
}

/// A list of texts as a Typst array of strings: `("a", "b",)`.
pub fn array(items: &[String]) -> String {
    let mut out = String::from("(");
    for item in items {
        out.push_str(&string(item));
        out.push(',');
    }
    out.push(')');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_quotes_and_backslashes_are_escaped() {
        assert_eq!(string(r#"a "b" \c #d $e"#), r#""a \"b\" \\c #d $e""#);
        assert_eq!(string("x\ny\tz"), r#""x\ny\tz""#);
        assert_eq!(string("a\u{1}b"), "\"a\u{FFFD}b\"");
    }

    #[test]
    fn markup_ends_its_expression() {
        assert_eq!(markup("a.b"), "#\"a.b\";");
        assert_eq!(content("]"), "[#\"]\";]");
        assert_eq!(array(&["a".into(), "\"".into()]), r#"("a","\"",)"#);
    }
}
