//! Code highlighting with syntect; the syntax set and themes load once, and only if code exists.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use syntect::highlighting::{Style, Theme, ThemeSet};
use syntect::html::{ClassStyle, ClassedHTMLGenerator, IncludeBackground};
use syntect::parsing::{ParseState, Scope, ScopeStack, ScopeStackOp, SyntaxReference, SyntaxSet};
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

/// Highlights fenced code in one chosen style: inline colours of a theme, or CSS classes.
/// Each block is highlighted once per build (the print edition reuses the pages' HTML).
#[derive(Debug)]
pub struct Highlighter {
    theme: String,
    /// The theme's style for each stack of scopes met so far: a book's code blocks meet the
    /// same few stacks again and again, and matching a stack against a theme is costly.
    styles: Mutex<HashMap<Vec<Scope>, Style>>,
    /// The theme's selectors, sorted for matching: made once, not per block.
    matcher: OnceLock<syntect::highlighting::Highlighter<'static>>,
}

thread_local! {
    /// Per thread: parser states hold regex regions, which may not cross threads. One syntax
    /// set serves the whole program, so the cache holds for every highlighter.
    static LINES: RefCell<LineCache> = RefCell::default();
}

/// What parsing a line gave, by the parser's state before it and the line: code blocks repeat
/// lines (keys, boilerplate), and matching a line against a grammar's expressions is the
/// costliest step of highlighting. Parsing depends on nothing else, so a hit is exact.
#[derive(Debug, Default)]
struct LineCache {
    /// The parser states met at line starts; a state's index names it below.
    states: Vec<ParseState>,
    /// By state index: line to what parsing it gave.
    lines: Vec<HashMap<Box<str>, Parsed>>,
    entries: usize,
}

/// A line's scope operations, and the index of the parser's state after it.
type Parsed = (Vec<(usize, ScopeStackOp)>, usize);

/// States are compared one by one, so only a few are kept; long lines rarely repeat.
const CACHED_STATES: usize = 256;
const CACHED_LINE_LEN: usize = 256;
const CACHED_LINES: usize = 50_000;

impl LineCache {
    fn state_id(&mut self, state: &ParseState) -> Option<usize> {
        if let Some(id) = self.states.iter().position(|s| s == state) {
            return Some(id);
        }
        if self.states.len() >= CACHED_STATES {
            return None;
        }
        self.states.push(state.clone());
        self.lines.push(HashMap::new());
        Some(self.states.len() - 1)
    }
}

impl Highlighter {
    pub fn new(theme: &str) -> Self {
        Highlighter {
            theme: theme.to_string(),
            styles: Mutex::default(),
            matcher: OnceLock::new(),
        }
    }

    /// A `<pre>` block for `code` in `language`; unknown languages come out plain.
    pub fn highlight(&self, code: &str, language: &str) -> String {
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
        match self.inline_styled(code, syntax, theme) {
            // syntect's own <pre> carries the theme's background; keep it and mark the language.
            Some(html) => html.replacen("<pre ", &format!("<pre class=\"code {class}\" "), 1),
            None => plain(code, Some(language)),
        }
    }

    /// What `syntect::html::highlighted_html_for_string` makes, with each stack's style looked
    /// up in `styles` (a test keeps the two equal).
    fn inline_styled(&self, code: &str, syntax: &SyntaxReference, theme: &Theme) -> Option<String> {
        let matcher = self
            .matcher
            .get_or_init(|| syntect::highlighting::Highlighter::new(&themes().themes[&self.theme]));
        let (mut out, background) = syntect::html::start_highlighted_html_snippet(theme);
        let mut parse = ParseState::new(syntax);
        let mut stack = ScopeStack::new();
        for line in LinesWithEndings::from(code) {
            let ops = self.parse_line(&mut parse, line)?;
            let ends = ops.into_iter().chain([(line.len(), ScopeStackOp::Noop)]);
            let mut regions = Vec::new();
            let mut at = 0;
            for (end, op) in ends {
                if end > at {
                    regions.push((self.style(matcher, &stack), &line[at..end]));
                    at = end;
                }
                stack.apply(&op).ok()?;
            }
            syntect::html::append_highlighted_html_for_styled_line(
                &regions,
                IncludeBackground::IfDifferent(background),
                &mut out,
            )
            .ok()?;
        }
        out.push_str("</pre>\n");
        Some(out)
    }

    /// `parse.parse_line`, from the cache when this state met this line before.
    fn parse_line(&self, parse: &mut ParseState, line: &str) -> Option<Vec<(usize, ScopeStackOp)>> {
        if line.len() > CACHED_LINE_LEN {
            return parse.parse_line(line, syntaxes()).ok();
        }
        LINES.with_borrow_mut(|cache| {
            let before = cache.state_id(parse);
            if let Some((ops, after)) = before.and_then(|id| cache.lines[id].get(line)) {
                let ops = ops.clone();
                *parse = cache.states[*after].clone();
                return Some(ops);
            }
            let ops = parse.parse_line(line, syntaxes()).ok()?;
            if let (Some(before), Some(after)) = (before, cache.state_id(parse)) {
                if cache.entries < CACHED_LINES {
                    cache.entries += 1;
                    cache.lines[before].insert(line.into(), (ops.clone(), after));
                }
            }
            Some(ops)
        })
    }

    fn style(&self, matcher: &syntect::highlighting::Highlighter, stack: &ScopeStack) -> Style {
        let scopes = stack.as_slice();
        if scopes.is_empty() {
            return matcher.get_default();
        }
        let mut styles = self.styles.lock().unwrap_or_else(|e| e.into_inner());
        *styles
            .entry(scopes.to_vec())
            .or_insert_with(|| matcher.style_for_stack(scopes))
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
    fn inline_styles_equal_syntects_own() {
        let samples = [
            ("rust", "fn main() {\n    let x = \"<&>\"; // note\n}\n"),
            (
                "yaml",
                "brief: b-1\nscores: [9, 54]\nreview:\n  owner: desk-9\n",
            ),
            (
                "yaml",
                "review:\n  owner: desk-9\nreview: |\n  owner: desk-9\n  review:\n",
            ),
            ("rust", "/* a\nfn x() {}\n*/ fn x() {}\nfn x() {}\n"),
            (
                "python",
                "def f(x):\n    return x ** 2  # sq\n\nclass A: pass\n",
            ),
            (
                "html",
                "<p class=\"a\">x &amp; y</p>\n<script>let a = 1;</script>\n",
            ),
            ("sh", "for f in *.md; do echo \"$f\"; done\n"),
        ];
        for theme in crate::read::config::THEME_NAMES {
            let ours = Highlighter::new(theme);
            for (language, code) in samples {
                let syntax = syntaxes().find_syntax_by_token(language).unwrap();
                let theme_data = &themes().themes[*theme];
                let expected = syntect::html::highlighted_html_for_string(
                    code,
                    syntaxes(),
                    syntax,
                    theme_data,
                )
                .unwrap();
                // Twice: the second time every style comes from the cache.
                for _ in 0..2 {
                    let html = ours.inline_styled(code, syntax, theme_data).unwrap();
                    assert_eq!(html, expected, "{theme} / {language}");
                }
            }
        }
    }

    #[test]
    fn theme_names_match_syntect() {
        let shipped: Vec<&str> = themes().themes.keys().map(String::as_str).collect();
        assert_eq!(shipped, crate::read::config::THEME_NAMES);
    }

    #[test]
    fn unknown_language_is_plain_and_escaped() {
        let html = Highlighter::new("css").highlight("<b>&</b>\n", "nosuchlang");
        assert_eq!(html, "<pre class=\"code\"><code class=\"language-nosuchlang\">&lt;b&gt;&amp;&lt;/b&gt;\n</code></pre>\n");
    }
}
