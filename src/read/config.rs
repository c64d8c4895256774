//! `site.toml`: the book's configuration, typed and validated like front matter.

use std::sync::Arc;

use jiff::civil::Date;

use crate::diagnostic::{Code, Diagnostic, SourceFile};
use crate::read::decode::Decoder;
use crate::read::frontmatter::{self, Format, Node, Value};

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
const GIT_KEYS: &[&str] = &["enabled", "redirects"];

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
    /// `[git] redirects`: whether a brief renamed in git keeps its old URLs as redirects.
    pub git_redirects: bool,
    pub extra: serde_json::Value,
}

/// The address a book is checked under when site.toml gives none it can use: a reserved name
/// (RFC 2606) that resolves nowhere. A book with a broken site.toml is never published.
pub const NEUTRAL_BASE_URL: &str = "https://example.invalid/";

impl Config {
    /// The settings content is checked with when site.toml is not a TOML table at all.
    pub fn neutral() -> Config {
        Config {
            title: String::new(),
            base_url: NEUTRAL_BASE_URL.to_string(),
            description: String::new(),
            language: "en".into(),
            theme: "default".into(),
            output_dir: "public".into(),
            highlight_theme: DEFAULT_HIGHLIGHT_THEME.into(),
            allow_raw_html: false,
            stale_after_days: 365,
            reference_date: None,
            git: None,
            git_redirects: true,
            extra: serde_json::json!({}),
        }
    }
}

/// Parses `site.toml`, reporting every problem in it. While the file is a TOML table, the
/// settings come back even when some are wrong (those take their defaults), so that the rest
/// of the book is checked as it is configured; the diagnostics say whether it may be built.
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
    let base_url = d.required(&f, "base_url").and_then(|n| base_url(&mut d, n));
    let text = |d: &mut Decoder, key: &str, default: &str| {
        f.get(key)
            .and_then(|n| d.string(n))
            .unwrap_or_else(|| default.to_string())
    };
    let description = text(&mut d, "description", "");
    let language = text(&mut d, "language", "en");
    let theme = f
        .get("theme")
        .and_then(|n| theme_name(&mut d, n))
        .unwrap_or_else(|| "default".to_string());
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
    let git_table = f.get("git").and_then(|n| d.fields(n, "[git]", GIT_KEYS));
    let git = git_table
        .as_ref()
        .and_then(|g| g.get("enabled").and_then(|n| d.bool(n)));
    let git_redirects = git_table
        .as_ref()
        .and_then(|g| g.get("redirects").and_then(|n| d.bool(n)))
        .unwrap_or(true);
    let extra = f
        .get("extra")
        .map_or(serde_json::json!({}), |n| n.value.to_json());
    let config = Config {
        title: title.unwrap_or_default(),
        base_url: base_url.unwrap_or_else(|| NEUTRAL_BASE_URL.to_string()),
        description,
        language,
        theme,
        output_dir,
        highlight_theme,
        allow_raw_html,
        stale_after_days,
        reference_date,
        git,
        git_redirects,
        extra,
    };
    (Some(config), d.diagnostics)
}

/// `base_url`, checked (`site_url`) and located when it is wrong.
fn base_url(d: &mut Decoder, node: &Node) -> Option<String> {
    let text = d.string(node)?;
    match site_url(&text) {
        Ok(url) => Some(url),
        Err(why) => {
            d.error(
                Code::InvalidUrl,
                node.span.start,
                format!("`{text}` is not the site's absolute http(s) URL: {why}"),
            )
            .help = Some(
                "write where the site will be published, for example `https://example.org/book/`"
                    .into(),
            );
            None
        }
    }
}

/// `base_url` checked and in its normal form, ending in `/`: an absolute `http` or `https` URL
/// with a host, and without spaces, credentials, query or fragment, since every absolute link,
/// canonical link, feed id and sitemap entry is this text with a page's path after it. The
/// `url` crate (the WHATWG URL standard) parses it: hosts (IPv6, international names), ports
/// and percent-encoding are its business. The error says what is wrong.
pub fn site_url(text: &str) -> Result<String, String> {
    if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("it contains a space or a control character".into());
    }
    // The standard forgives what we refuse: `https:example.org`, `https:///x`, backslashes.
    let lower = text.to_ascii_lowercase();
    let after_scheme = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    match after_scheme {
        None => return Err("it does not start with `https://` or `http://`".into()),
        Some(rest) if rest.starts_with('/') || rest.contains('\\') => {
            return Err("it is not written as `http(s)://host/path`".into())
        }
        Some(_) => {}
    }
    let url = url::Url::parse(text).map_err(|e| format!("it is not a valid URL ({e})"))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err("it holds a user name or password, which every page would publish".into());
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err("it has a query or fragment (`?`, `#`), which page paths cannot follow".into());
    }
    let mut url = url.to_string();
    if !url.ends_with('/') {
        url.push('/');
    }
    Ok(url)
}

/// `--base-url` in place of site.toml's `base_url`, held to the same rules; a usage error,
/// naming the flag, when it breaks them.
pub fn set_base_url_from_flag(config: &mut Config, value: &str) -> Result<(), Diagnostic> {
    let url = site_url(value).map_err(|why| {
        Diagnostic::error(
            Code::Usage,
            format!("--base-url `{value}` is not an absolute http(s) URL: {why}"),
        )
        .with_help(
            "give the site's address, for example `--base-url https://mirror.example.org/book/`",
        )
    })?;
    config.base_url = url;
    Ok(())
}

/// A theme is a folder of `themes/`, named: a path (absolute, `..`, with `/`) would read
/// templates and static files from outside the book, and a hidden name is never loaded.
fn theme_name(d: &mut Decoder, node: &Node) -> Option<String> {
    let name = d.string(node)?;
    let plain = !name.is_empty()
        && !name.starts_with('.')
        && !name.contains(['/', '\\', ':', '\0'])
        && !std::path::Path::new(&name).is_absolute();
    if plain {
        return Some(name);
    }
    d.error(
        Code::InvalidValue,
        node.span.start,
        format!("`{name}` is not a theme name: `theme` names a folder of themes/, not a path"),
    )
    .help = Some(
        "write the folder's name (`theme = \"briefing\"` reads themes/briefing/), or leave `theme` out for the built-in theme".into(),
    );
    None
}

/// Where the value of a top-level key of site.toml starts, for problems found after parsing
/// (a theme folder that does not exist).
pub fn value_offset(file: &SourceFile, key: &str) -> Option<usize> {
    let node = frontmatter::parse(Format::Toml, &file.text, 0).ok()?;
    match node.value {
        Value::Map(entries) => entries
            .into_iter()
            .find(|(k, _)| k.name == key)
            .map(|(_, v)| v.span.start),
        _ => None,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_are_absolute_web_urls_in_normal_form() {
        for (given, used) in [
            ("https://x.org/b", "https://x.org/b/"),
            ("HTTP://X.org:80/B/", "http://x.org/B/"),
            ("http://127.0.0.1:9/", "http://127.0.0.1:9/"),
            ("http://[::1]:1111", "http://[::1]:1111/"),
            (
                "https://bücher.example/ü",
                "https://xn--bcher-kva.example/%C3%BC/",
            ),
        ] {
            assert_eq!(site_url(given).as_deref(), Ok(used), "{given}");
        }
        for bad in [
            "javascript:alert(1)//",
            "/",
            "",
            "example.org",
            "ftp://x.org/",
            "https:x.org",
            "https:///x.org",
            "https:\\\\x.org",
            "https://x.org/a b",
            " https://x.org/",
            "https://x.org/\t",
            "https://x.org/?a=1",
            "https://x.org/#top",
            "https://u:p@x.org/",
            "https://x.org:99999/",
            "https://",
        ] {
            assert!(site_url(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn a_broken_base_url_is_located_and_the_rest_stands() {
        let file = SourceFile::new(
            "site.toml",
            "title = \"B\"\nbase_url = \"javascript:alert(1)//\"\ntheme = \"/etc\"\n",
        );
        let (config, diags) = parse(&file);
        let lines: Vec<String> = diags.iter().map(|d| d.headline()).collect();
        assert!(
            lines[0].starts_with("site.toml:2:12: error[invalid-url]: "),
            "{lines:?}"
        );
        assert!(
            lines[1].starts_with("site.toml:3:9: error[invalid-value]: "),
            "{lines:?}"
        );
        let config = config.unwrap();
        assert_eq!(
            (config.base_url.as_str(), config.theme.as_str()),
            (NEUTRAL_BASE_URL, "default")
        );
        assert_eq!(value_offset(&file, "theme"), file.text.find("\"/etc\""));
    }

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
        // The settings stand as far as they are right: the content is checked with them.
        assert_eq!(config.unwrap().base_url, "https://x.org/");
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
