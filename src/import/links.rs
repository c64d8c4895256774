//! URLs and DOIs as reference managers write them, made into what the book accepts: LaTeX
//! escapes undone (`\_`), a missing scheme given (`www.x.com/page`), anything but `http(s)`
//! refused (`javascript:`), a DOI made bare (`https://doi.org/10.1/x` → `10.1/x`).

use crate::read::decode::{is_bare_doi, strip_doi_prefix};

/// A web address the book accepts, and what was changed to get it.
pub fn web_url(raw: &str) -> Result<(String, Option<String>), String> {
    let text = unescape(raw);
    let text = text
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim();
    let mut changes = Vec::new();
    let mut words = text.split_whitespace();
    let first = words.next().ok_or("the URL is empty")?;
    if words.next().is_some() {
        changes.push(format!(
            "`{raw}` holds more than one address; the first is kept"
        ));
    }
    let lower = first.to_ascii_lowercase();
    let url = if lower.starts_with("http://") || lower.starts_with("https://") {
        first.to_string()
    } else if let Some(rest) = first.strip_prefix("//") {
        changes.push(format!("`{first}` is given `https:`"));
        format!("https://{rest}")
    } else if looks_like_a_host(first) {
        changes.push(format!("`{first}` is given `https://`"));
        format!("https://{first}")
    } else {
        return Err(format!(
            "`{first}` is not an http or https address; only those are kept"
        ));
    };
    match url::Url::parse(&url) {
        Ok(parsed) if parsed.host_str().is_some_and(|h| !h.is_empty()) => {
            let change = (!changes.is_empty()).then(|| changes.join("; "));
            Ok((url, change))
        }
        _ => Err(format!("`{first}` is not a usable web address")),
    }
}

/// A bare DOI, from `10.1/x`, `doi:10.1/x` or a `doi.org` link.
pub fn doi(raw: &str) -> Result<String, String> {
    let text = unescape(raw);
    let bare = strip_doi_prefix(text.trim()).trim();
    let bare = bare
        .strip_prefix("DOI:")
        .or_else(|| bare.strip_prefix("DOI "))
        .unwrap_or(bare)
        .trim();
    if is_bare_doi(bare) {
        Ok(bare.to_string())
    } else {
        Err(format!(
            "`{raw}` is not a DOI (`10.` , a registrant, a slash and a suffix)"
        ))
    }
}

/// The DOI a `doi.org` link points to, if it is one.
pub fn doi_in_url(url: &str) -> Option<String> {
    let lower = url.to_ascii_lowercase();
    let is_doi_link = ["://doi.org/", "://dx.doi.org/", "://www.doi.org/"]
        .iter()
        .any(|h| lower.contains(h));
    is_doi_link
        .then(|| {
            url.split_once("doi.org/").map(|(_, d)| {
                percent_encoding::percent_decode_str(d)
                    .decode_utf8_lossy()
                    .into_owned()
            })
        })
        .flatten()
        .filter(|d| is_bare_doi(d))
}

/// `\_`, `\%`, `\#`, `\&`, `\~`, `\$` as the characters, `\url{…}` and braces removed: URLs in
/// BibTeX are often escaped for LaTeX.
fn unescape(raw: &str) -> String {
    let raw = raw.trim();
    let raw = raw
        .strip_prefix("\\url{")
        .and_then(|r| r.strip_suffix('}'))
        .unwrap_or(raw);
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek().is_some_and(|n| "_%#&~$".contains(*n)) => {
                out.extend(chars.next());
            }
            '{' | '}' => {}
            _ => out.push(c),
        }
    }
    out
}

/// `www.example.com/page`, `example.org`: a dotted host name and, maybe, a path.
fn looks_like_a_host(text: &str) -> bool {
    let host = text.split(['/', '?', '#']).next().unwrap_or("");
    let labels: Vec<&str> = host.split('.').collect();
    labels.len() >= 2
        && labels
            .iter()
            .all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        && labels
            .last()
            .is_some_and(|tld| tld.chars().all(|c| c.is_ascii_alphabetic()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_fixed_or_refused() {
        assert_eq!(
            web_url("https://x.org/a").unwrap(),
            ("https://x.org/a".into(), None)
        );
        assert_eq!(
            web_url(r"https://x.org/978-3\_8").unwrap().0,
            "https://x.org/978-3_8"
        );
        let (url, change) = web_url("www.x.com/page").unwrap();
        assert_eq!(url, "https://www.x.com/page");
        assert!(change.is_some());
        assert!(web_url("javascript:alert(1)").is_err());
        assert!(web_url("ftp://x.org/file").is_err());
        assert!(web_url("file:///etc/passwd").is_err());
        assert!(web_url("not a url").is_err());
        assert!(web_url("https://").is_err());
        assert_eq!(
            web_url("https://a.org/1 https://b.org/2").unwrap().0,
            "https://a.org/1"
        );
    }

    #[test]
    fn dois_made_bare() {
        assert_eq!(doi("10.1000/xyz").unwrap(), "10.1000/xyz");
        assert_eq!(doi("https://doi.org/10.1000/xyz").unwrap(), "10.1000/xyz");
        assert_eq!(doi("doi:10.1000/a\\_b").unwrap(), "10.1000/a_b");
        assert!(doi("not a doi").is_err());
        assert_eq!(
            doi_in_url("https://doi.org/10.1007/978-3-030-29007-8_8").as_deref(),
            Some("10.1007/978-3-030-29007-8_8")
        );
        assert_eq!(doi_in_url("https://example.org/10.1/x"), None);
    }
}
