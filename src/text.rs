//! Small text helpers: slugs, unique heading ids, nearest-name suggestions, relative URLs.

use std::collections::{HashMap, HashSet};

/// A URL- and anchor-safe slug: lowercase ASCII letters, digits and single hyphens.
pub fn slugify(text: &str) -> String {
    let slug = slug::slugify(text);
    if slug.is_empty() {
        "section".to_string()
    } else {
        slug
    }
}

/// Hands out ids that are unique within one page: `a`, `a-1`, `a-2`, ...
#[derive(Default)]
pub struct IdAllocator {
    used: HashSet<String>,
    /// For each base that was taken, the number to try next: so a page with thousands of
    /// headings of one name allocates each id in constant time, not by counting up again.
    next: HashMap<String, usize>,
    /// Candidates tried in all: the work done, which tests hold to linear.
    probes: usize,
}

impl IdAllocator {
    /// Marks an id as taken (an explicit `{#id}`), returning false if it was already used.
    pub fn reserve(&mut self, id: &str) -> bool {
        self.used.insert(id.to_string())
    }

    /// How many numbered candidates were tried so far.
    pub fn probes(&self) -> usize {
        self.probes
    }

    /// The first free id built from `base`: `base`, else `base-1`, `base-2`, ...
    pub fn unique(&mut self, base: &str) -> String {
        self.unique_unless(base, |_| false)
    }

    /// The first id built from `base` that is free and that `taken` does not claim (ids the
    /// page gives elsewhere, such as its table rows).
    pub fn unique_unless(&mut self, base: &str, taken: impl Fn(&str) -> bool) -> String {
        if !self.used.contains(base) && !taken(base) {
            self.used.insert(base.to_string());
            return base.to_string();
        }
        // Every number below `next` was taken when it was tried, and ids are never given back.
        let mut n = self.next.get(base).copied().unwrap_or(1);
        let mut candidate = format!("{base}-{n}");
        self.probes += 1;
        while self.used.contains(&candidate) || taken(&candidate) {
            self.probes += 1;
            n += 1;
            candidate = format!("{base}-{n}");
        }
        self.next.insert(base.to_string(), n + 1);
        self.used.insert(candidate.clone());
        candidate
    }
}

/// The candidate closest to `wrong`, if it is close enough to be what was meant.
pub fn nearest<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(wrong, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

/// The relative prefix from a page at `url` (a directory URL such as `chips/h20/`) to the root.
pub fn root_prefix(url: &str) -> String {
    let depth = url.split('/').filter(|s| !s.is_empty()).count();
    if depth == 0 {
        "./".to_string()
    } else {
        "../".repeat(depth)
    }
}

/// A link from the page at `from` to the page at `to` (both directory URLs relative to the root),
/// ending in `index.html` so that it also works when the site is opened from disk.
pub fn relative_url(from: &str, to: &str) -> String {
    let page = format!("{}/index.html", to.trim_end_matches('/'));
    rebase(&page, "", from).unwrap_or(page)
}

/// `path`, relative to the directory `from`, made relative to the directory `to` (directories
/// are URLs relative to the site root); `None` when it climbs above the root.
pub fn rebase(path: &str, from: &str, to: &str) -> Option<String> {
    let mut target: Vec<&str> = from.split('/').filter(|s| !s.is_empty()).collect();
    let is_dir = path.ends_with('/');
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                target.pop()?;
            }
            segment => target.push(segment),
        }
    }
    let to: Vec<&str> = to.split('/').filter(|s| !s.is_empty()).collect();
    let dir_len = if is_dir {
        target.len()
    } else {
        target.len().saturating_sub(1)
    };
    let common = to
        .iter()
        .zip(&target[..dir_len])
        .take_while(|(a, b)| a == b)
        .count();
    let mut out = "../".repeat(to.len() - common);
    out.push_str(&target[common..].join("/"));
    if is_dir && target.len() > common {
        out.push('/');
    }
    if out.is_empty() {
        out.push_str("./");
    }
    Some(out)
}

/// Whether a link may appear in the site: http, https, mailto, a relative path or a fragment.
/// `javascript:`, `data:`, `vbscript:` and every other scheme are refused, however disguised
/// with case, white space or control characters (which browsers ignore in a scheme).
pub fn is_safe_url(url: &str) -> bool {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .collect();
    let scheme_end = cleaned.find([':', '/', '?', '#']);
    match scheme_end {
        Some(i) if cleaned[i..].starts_with(':') => {
            matches!(
                cleaned[..i].to_ascii_lowercase().as_str(),
                "http" | "https" | "mailto"
            )
        }
        _ => true,
    }
}

/// The length of the HTML tag opening `html` (from its `<` through its `>`), skipping `>` inside
/// double-quoted values; `None` when it does not end. For HTML in the form our writer makes.
pub fn tag_length(html: &str) -> Option<usize> {
    let mut quoted = false;
    for (i, b) in html.bytes().enumerate().skip(1) {
        match b {
            b'"' => quoted = !quoted,
            b'>' if !quoted => return Some(i + 1),
            _ => {}
        }
    }
    None
}

/// Escapes text for HTML element content and attribute values (and XML: Tera and the feeds
/// use it too). Characters no HTML or XML file may hold (`is_forbidden_char`) become U+FFFD, so
/// a title holding U+0000 still makes a valid page and feed.
pub fn escape_html(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut copied = 0;
    // Runs between special characters are copied whole: most text has none of them.
    for (at, &b) in bytes.iter().enumerate() {
        let (entity, len) = match b {
            b'&' => ("&amp;", 1),
            b'<' => ("&lt;", 1),
            b'>' => ("&gt;", 1),
            b'"' => ("&quot;", 1),
            b'\'' => ("&#39;", 1),
            b if may_start_forbidden(b) => match forbidden_at(text, at) {
                Some(len) => ("\u{FFFD}", len),
                None => continue,
            },
            _ => continue,
        };
        out.push_str(&text[copied..at]);
        out.push_str(entity);
        copied = at + len;
    }
    out.push_str(&text[copied..]);
    out
}

/// Whether no HTML or XML file may hold `c`: the C0 controls but tab, line feed and carriage
/// return (XML 1.0 forbids them, and HTML calls them parse errors), DEL and the C1 controls,
/// and the noncharacters (U+FDD0 to U+FDEF, and the last two code points of every plane).
pub fn is_forbidden_char(c: char) -> bool {
    let n = u32::from(c);
    matches!(n, 0..=0x8 | 0xb | 0xc | 0xe..=0x1f | 0x7f..=0x9f | 0xfdd0..=0xfdef)
        || n & 0xfffe == 0xfffe
}

/// Whether a forbidden character may start at a byte of this value: a C0 control (but tab, line
/// feed and carriage return), DEL, or a lead byte of the sequences that hold the others. Never
/// a continuation byte, so `text[at..]` is a character boundary wherever this holds.
fn may_start_forbidden(b: u8) -> bool {
    (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r'))
        || matches!(b, 0x7f | 0xc2 | 0xef | 0xf0..=0xf4)
}

/// The length of the forbidden character at byte `at` of `text`, if there is one.
fn forbidden_at(text: &str, at: usize) -> Option<usize> {
    let c = text.get(at..)?.chars().next()?;
    is_forbidden_char(c).then(|| c.len_utf8())
}

/// Every forbidden character of `text` (`is_forbidden_char`), with its byte offset.
pub fn forbidden_chars(text: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let bytes = text.as_bytes();
    (0..bytes.len())
        .filter(move |&at| may_start_forbidden(bytes[at]))
        .filter_map(move |at| {
            let c = text[at..].chars().next()?;
            is_forbidden_char(c).then_some((at, c))
        })
}

/// `text` with every forbidden character replaced by U+FFFD (CommonMark asks this of U+0000).
pub fn replace_forbidden(text: String) -> String {
    if forbidden_chars(&text).next().is_none() {
        return text;
    }
    text.chars()
        .map(|c| if is_forbidden_char(c) { '\u{FFFD}' } else { c })
        .collect()
}

/// JSON with `<`, `>` and `&` written as `\u003c`, `\u003e`, `\u0026`: the same values to any
/// JSON reader, and inert if the text is ever embedded in HTML (a `</script>` in a title
/// cannot close a script element). These characters only occur inside JSON strings. So do the
/// characters HTML forbids that JSON writers leave raw (DEL, the C1 controls, noncharacters),
/// which are escaped too, so that JSON-LD in a page keeps the page valid.
pub fn json_for_html(json: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(json.len());
    let mut copied = 0;
    for (at, &b) in json.iter().enumerate() {
        let c = match b {
            b'<' | b'>' | b'&' => char::from(b),
            b if may_start_forbidden(b) => match char_at(json, at) {
                Some(c) if is_forbidden_char(c) => c,
                _ => continue,
            },
            _ => continue,
        };
        out.extend_from_slice(&json[copied..at]);
        let mut units = [0u16; 2];
        for unit in c.encode_utf16(&mut units) {
            out.extend_from_slice(format!("\\u{unit:04x}").as_bytes());
        }
        copied = at + c.len_utf8();
    }
    out.extend_from_slice(&json[copied..]);
    out
}

/// The character whose UTF-8 sequence starts at byte `at`, if one does.
fn char_at(bytes: &[u8], at: usize) -> Option<char> {
    let len = match bytes[at] {
        0..=0x7f => 1,
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        _ => 4,
    };
    let sequence = bytes.get(at..at + len)?;
    std::str::from_utf8(sequence).ok()?.chars().next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_html_escapes_the_five_and_keeps_the_rest() {
        assert_eq!(
            escape_html("Ünï <a href=\"x\">'&'</a> — ok"),
            "Ünï &lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt; — ok"
        );
        assert_eq!(escape_html(""), "");
        assert_eq!(escape_html("plain"), "plain");
    }

    #[test]
    fn characters_no_html_or_xml_may_hold_become_replacement_characters() {
        let hostile =
            "A\u{0}B\u{1}\u{8}\u{b}\u{c}\u{1b}[2J\u{7f}\u{85}\u{9b}\u{fdd0}\u{fffe}\u{1ffff}";
        assert_eq!(
            escape_html(hostile),
            "A\u{FFFD}B".to_string() + &"\u{FFFD}".repeat(5) + "[2J" + &"\u{FFFD}".repeat(6)
        );
        // Tab, line feed, carriage return and every other character stay.
        let kept = "a\tb\nc\rd \u{a0}\u{fdcf}\u{fff0}\u{fffd}\u{1f600}\u{10fffd}Ü";
        assert_eq!(escape_html(kept), kept);
        assert_eq!(replace_forbidden("abc\u{0}de".to_string()), "abc\u{FFFD}de");
        let found: Vec<(usize, char)> = forbidden_chars("ü\u{1}x\u{9f}").collect();
        assert_eq!(found, [(2, '\u{1}'), (4, '\u{9f}')]);
    }

    #[test]
    fn json_for_html_escapes_what_html_forbids_and_keeps_the_values() {
        let json = serde_json::to_vec(&"<a>&\u{1}\u{7f}\u{85}\u{ffff}\u{10ffff}é😀").unwrap();
        let safe = json_for_html(&json);
        assert_eq!(
            String::from_utf8(safe.clone()).unwrap(),
            "\"\\u003ca\\u003e\\u0026\\u0001\\u007f\\u0085\\uffff\\udbff\\udfffé😀\""
        );
        let back: String = serde_json::from_slice(&safe).unwrap();
        assert_eq!(back, "<a>&\u{1}\u{7f}\u{85}\u{ffff}\u{10ffff}é😀");
    }

    #[test]
    fn slugs_are_lowercase_and_hyphenated() {
        assert_eq!(slugify("China's AI chips: 2025!"), "china-s-ai-chips-2025");
        assert_eq!(slugify("Ünïcödé Tëxt"), "unicode-text");
        assert_eq!(slugify("***"), "section");
    }

    #[test]
    fn ids_are_unique_within_a_page() {
        let mut ids = IdAllocator::default();
        assert!(ids.reserve("intro"));
        assert_eq!(ids.unique("intro"), "intro-1");
        assert_eq!(ids.unique("intro"), "intro-2");
        assert_eq!(ids.unique("other"), "other");
        assert!(!ids.reserve("other"));
    }

    #[test]
    fn repeated_headings_take_constant_work_each() {
        let mut ids = IdAllocator::default();
        for _ in 0..20_000 {
            ids.unique("same");
        }
        assert_eq!(ids.unique("same"), "same-20000");
        // One probe per numbered id: the old allocator made 200 million here.
        assert!(ids.probes() <= 20_001, "{} probes", ids.probes());
    }

    #[test]
    fn ids_claimed_elsewhere_on_the_page_are_skipped() {
        let mut ids = IdAllocator::default();
        let rows = |id: &str| id == "fact-shipments" || id == "fact-shipments-1";
        assert_eq!(
            ids.unique_unless("fact-shipments", rows),
            "fact-shipments-2"
        );
        assert_eq!(
            ids.unique_unless("fact-shipments", rows),
            "fact-shipments-3"
        );
        assert_eq!(ids.unique_unless("other", rows), "other");
    }

    #[test]
    fn nearest_finds_typos_only() {
        assert_eq!(nearest("titel", ["title", "date", "tags"]), Some("title"));
        assert_eq!(nearest("zzz", ["title", "date"]), None);
    }

    #[test]
    fn only_safe_schemes_pass() {
        for ok in [
            "https://x.org",
            "HTTP://x",
            "mailto:a@b.c",
            "../a/index.html",
            "#ref",
            "a/b?c=d:e",
            "/abs/path",
            "",
        ] {
            assert!(is_safe_url(ok), "{ok} should pass");
        }
        for bad in [
            "javascript:alert(1)",
            "JavaScript:x",
            " javascript:x",
            "java\tscript:x",
            "java\nscript:x",
            "data:text/html,x",
            "vbscript:x",
            "file:///etc/passwd",
            "\u{1}javascript:x",
        ] {
            assert!(!is_safe_url(bad), "{bad:?} should be refused");
        }
    }

    #[test]
    fn relative_urls_walk_up_then_down() {
        assert_eq!(
            relative_url("chips/h20/", "chips/supply/"),
            "../supply/index.html"
        );
        assert_eq!(relative_url("", "chips/h20/"), "chips/h20/index.html");
        assert_eq!(relative_url("chips/h20/", ""), "../../index.html");
        assert_eq!(relative_url("a/b/", "a/b/"), "index.html");
        assert_eq!(root_prefix("chips/h20/"), "../../");
        assert_eq!(root_prefix(""), "./");
    }
}
