//! Code highlighting with syntect; the syntax set and themes load once, and only if code exists.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use syntect::highlighting::ThemeSet;
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

use crate::text::escape_html;

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

fn themes() -> &'static ThemeSet {
    static SET: OnceLock<ThemeSet> = OnceLock::new();
    SET.get_or_init(ThemeSet::load_defaults)
}

/// The themes syntect ships, which `highlight_theme` accepts besides "css". A constant, so that
/// checking site.toml does not load the theme set (a test keeps it equal to syntect's list).
pub const THEME_NAMES: &[&str] = &[
    "InspiredGitHub",
    "Solarized (dark)",
    "Solarized (light)",
    "base16-eighties.dark",
    "base16-mocha.dark",
    "base16-ocean.dark",
    "base16-ocean.light",
];

/// Highlights fenced code in one chosen style: inline colours of a theme, or CSS classes.
///
/// It remembers what it highlighted: the print edition renders every body a second time, and
/// a book often repeats a block; syntect is the costliest step of a build.
#[derive(Debug)]
pub struct Highlighter {
    theme: String,
    done: Mutex<HashMap<(String, String), Arc<str>>>,
}

impl Highlighter {
    pub fn new(theme: &str) -> Self {
        Highlighter {
            theme: theme.to_string(),
            done: Mutex::default(),
        }
    }

    /// A `<pre>` block for `code` in `language`; unknown languages come out plain.
    pub fn highlight(&self, code: &str, language: &str) -> String {
        let key = (language.to_string(), code.to_string());
        if let Some(html) = self
            .done
            .lock()
            .ok()
            .and_then(|done| done.get(&key).cloned())
        {
            return html.to_string();
        }
        let html = self.highlight_uncached(code, language);
        if let Ok(mut done) = self.done.lock() {
            done.insert(key, Arc::from(html.as_str()));
        }
        html
    }

    fn highlight_uncached(&self, code: &str, language: &str) -> String {
        let language = language.split([',', ' ']).next().unwrap_or("").trim();
        if language.is_empty() {
            return plain(code, None);
        }
        let set = syntaxes();
        let Some(syntax) = set.find_syntax_by_token(language) else {
            return plain(code, Some(language));
        };
        let class = format!("language-{}", escape_html(language));
        if self.theme == "css" {
            let mut generator = ClassedHTMLGenerator::new_with_class_style(
                syntax,
                set,
                ClassStyle::SpacedPrefixed { prefix: "hl-" },
            );
            for line in LinesWithEndings::from(code) {
                if generator
                    .parse_html_for_line_which_includes_newline(line)
                    .is_err()
                {
                    return plain(code, Some(language));
                }
            }
            return format!(
                "<pre class=\"code hl\"><code class=\"{class}\">{}</code></pre>\n",
                generator.finalize()
            );
        }
        let theme = &themes().themes[&self.theme];
        match syntect::html::highlighted_html_for_string(code, set, syntax, theme) {
            // syntect's own <pre> carries the theme's background; keep it and mark the language.
            Ok(html) => html.replacen("<pre ", &format!("<pre class=\"code {class}\" "), 1),
            Err(_) => plain(code, Some(language)),
        }
    }

    /// The stylesheet for "css" mode (light theme, with a dark one under `prefers-color-scheme`).
    pub fn stylesheet() -> String {
        let style = ClassStyle::SpacedPrefixed { prefix: "hl-" };
        let light = syntect::html::css_for_theme_with_class_style(
            &themes().themes["InspiredGitHub"],
            style,
        )
        .unwrap_or_default();
        let dark = syntect::html::css_for_theme_with_class_style(
            &themes().themes["base16-ocean.dark"],
            style,
        )
        .unwrap_or_default();
        format!("{light}\n@media (prefers-color-scheme: dark) {{\n{dark}\n}}\n")
    }
}

fn plain(code: &str, language: Option<&str>) -> String {
    let class = language
        .map(|l| format!(" class=\"language-{}\"", escape_html(l)))
        .unwrap_or_default();
    format!(
        "<pre class=\"code\"><code{class}>{}</code></pre>\n",
        escape_html(code)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_theme_colours_and_css_classes() {
        let inline = Highlighter::new("InspiredGitHub").highlight("fn main() {}\n", "rust");
        assert!(
            inline.starts_with("<pre class=\"code language-rust\" style=\""),
            "{inline}"
        );
        assert!(inline.contains("<span style="));
        let classed = Highlighter::new("css").highlight("fn main() {}\n", "rust");
        assert!(classed.contains("class=\"hl-"), "{classed}");
        assert!(Highlighter::stylesheet().contains(".hl-"));
    }

    #[test]
    fn theme_names_match_syntect() {
        let shipped: Vec<&str> = themes().themes.keys().map(String::as_str).collect();
        assert_eq!(shipped, THEME_NAMES);
    }

    #[test]
    fn unknown_language_is_plain_and_escaped() {
        let html = Highlighter::new("css").highlight("<b>&</b>\n", "nosuchlang");
        assert_eq!(html, "<pre class=\"code\"><code class=\"language-nosuchlang\">&lt;b&gt;&amp;&lt;/b&gt;\n</code></pre>\n");
    }
}
