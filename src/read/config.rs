//! `site.toml`: the book's configuration, typed and validated like front matter.

use std::sync::Arc;

use jiff::civil::Date;

use crate::diagnostic::{Code, Diagnostic, SourceFile};
use crate::read::decode::Decoder;
use crate::read::frontmatter::{self, Format};

const TOP_KEYS: &[&str] = &[
    "title",
    "base_url",
    "description",
    "language",
    "theme",
    "output_dir",
    "markdown",
    "check",
    "git",
    "extra",
];
const MARKDOWN_KEYS: &[&str] = &["highlight_theme", "allow_raw_html"];
const CHECK_KEYS: &[&str] = &["stale_after_days", "reference_date"];
const GIT_KEYS: &[&str] = &["enabled"];

/// The syntect theme used when `site.toml` names none: light, and shipped with syntect.
pub const DEFAULT_HIGHLIGHT_THEME: &str = "InspiredGitHub";

#[derive(Clone, Debug)]
pub struct Config {
    pub title: String,
    /// Always ends with `/`.
    pub base_url: String,
    pub description: String,
    pub language: String,
    pub theme: String,
    pub output_dir: String,
    pub highlight_theme: String,
    pub allow_raw_html: bool,
    pub stale_after_days: i64,
    pub reference_date: Option<Date>,
    /// `[git] enabled`: `None` means "when the book is in a git work tree".
    pub git: Option<bool>,
    pub extra: serde_json::Value,
}

/// Parses `site.toml`, reporting every problem in it.
pub fn parse(file: &Arc<SourceFile>) -> (Option<Config>, Vec<Diagnostic>) {
    let mut d = Decoder::new(file);
    let node = match frontmatter::parse(Format::Toml, &file.text, 0) {
        Ok(node) => node,
        Err((message, at)) => {
            d.error(Code::Syntax, at, format!("invalid TOML: {message}"));
            return (None, d.diagnostics);
        }
    };
    let Some(f) = d.fields(&node, "site.toml", TOP_KEYS) else {
        return (None, d.diagnostics);
    };
    let title = d.required(&f, "title").and_then(|n| d.string(n));
    let base_url = d
        .required(&f, "base_url")
        .and_then(|n| d.string(n))
        .map(with_slash);
    let text = |d: &mut Decoder, key: &str, default: &str| {
        f.get(key)
            .and_then(|n| d.string(n))
            .unwrap_or_else(|| default.to_string())
    };
    let description = text(&mut d, "description", "");
    let language = text(&mut d, "language", "en");
    let theme = text(&mut d, "theme", "default");
    let output_dir = text(&mut d, "output_dir", "public");
    let mut highlight_theme = DEFAULT_HIGHLIGHT_THEME.to_string();
    let mut allow_raw_html = false;
    if let Some(markdown) = f
        .get("markdown")
        .and_then(|n| d.fields(n, "[markdown]", MARKDOWN_KEYS))
    {
        if let Some(n) = markdown.get("highlight_theme") {
            if let Some(name) = d.string(n) {
                let known = THEME_NAMES;
                if name == "css" || known.contains(&name.as_str()) {
                    highlight_theme = name;
                } else {
                    let diagnostic = Diagnostic::error(
                        Code::InvalidValue,
                        format!("unknown highlight theme `{name}`"),
                    )
                    .at(file, n.span.start)
                    .suggest(&name, known.iter().copied());
                    let help = format!("use \"css\" or one of: {}", known.join(", "));
                    d.diagnostics.push(if diagnostic.help.is_none() {
                        diagnostic.with_help(help)
                    } else {
                        diagnostic
                    });
                }
            }
        }
        if let Some(n) = markdown.get("allow_raw_html") {
            allow_raw_html = d.bool(n).unwrap_or(false);
        }
    }
    let mut stale_after_days = 365;
    let mut reference_date = None;
    if let Some(check) = f
        .get("check")
        .and_then(|n| d.fields(n, "[check]", CHECK_KEYS))
    {
        if let Some(n) = check.get("stale_after_days") {
            stale_after_days = d.int(n).unwrap_or(365);
        }
        if let Some(n) = check.get("reference_date") {
            reference_date = d.date(n).map(|date| date.first_day());
        }
    }
    let git = f
        .get("git")
        .and_then(|n| d.fields(n, "[git]", GIT_KEYS))
        .and_then(|g| g.get("enabled").and_then(|n| d.bool(n)));
    let extra = f
        .get("extra")
        .map_or(serde_json::json!({}), |n| n.value.to_json());
    let config = match (title, base_url) {
        (Some(title), Some(base_url)) if d.diagnostics.is_empty() => Some(Config {
            title,
            base_url,
            description,
            language,
            theme,
            output_dir,
            highlight_theme,
            allow_raw_html,
            stale_after_days,
            reference_date,
            git,
            extra,
        }),
        _ => None,
    };
    (config, d.diagnostics)
}

fn with_slash(url: String) -> String {
    if url.ends_with('/') {
        url
    } else {
        url + "/"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_values() {
        let file = SourceFile::new("site.toml", "title = \"B\"\nbase_url = \"https://x.org/b\"\n[markdown]\nhighlight_theme = \"css\"\n");
        let (config, diags) = parse(&file);
        assert!(diags.is_empty(), "{diags:?}");
        let config = config.unwrap();
        assert_eq!(config.base_url, "https://x.org/b/");
        assert_eq!(config.output_dir, "public");
        assert_eq!(config.highlight_theme, "css");
        assert_eq!(config.stale_after_days, 365);
    }

    #[test]
    fn unknown_keys_and_themes_are_located() {
        let file = SourceFile::new(
            "site.toml",
            "title = \"B\"\nbase_url = \"https://x.org\"\ntheem = \"x\"\n[markdown]\nhighlight_theme = \"InspiredGithub\"\n",
        );
        let (config, diags) = parse(&file);
        assert!(config.is_none());
        let lines: Vec<String> = diags.iter().map(|d| d.headline()).collect();
        assert_eq!(
            lines[0],
            "site.toml:3:1: error[unknown-field]: unknown field `theem` in site.toml"
        );
        assert_eq!(diags[0].help.as_deref(), Some("did you mean `theme`?"));
        assert_eq!(
            lines[1],
            "site.toml:5:19: error[invalid-value]: unknown highlight theme `InspiredGithub`"
        );
        assert_eq!(
            diags[1].help.as_deref(),
            Some("did you mean `InspiredGitHub`?")
        );
    }
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
