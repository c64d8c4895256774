//! Source ids from citation keys: folded to ASCII (`müller2020` → `muller2020`), lowercased,
//! made of the characters ids allow; for keys that are URLs or numbers (Zotero's CSL-JSON), one
//! made the way Better BibTeX does (`liu2025beijing`); unique within the file.

use std::collections::HashMap;

use crate::read::decode::is_valid_id;

/// The id a citation key gives, or `None` when the key cannot make a readable one.
pub fn from_key(key: &str) -> Option<String> {
    let key = key.trim();
    let lower = key.to_ascii_lowercase();
    let is_uri = lower.contains("://") || lower.starts_with("urn:") || lower.starts_with("doi:");
    if key.is_empty() || is_uri || key.len() > 100 {
        return None;
    }
    let id = fold(key, |c| matches!(c, '.' | '_' | ':' | '-'));
    (id.chars().any(|c| c.is_ascii_alphabetic()) && is_valid_id(&id)).then_some(id)
}

/// `liu2025beijing`: the first author's family name, the year, the first word of the title that
/// is not a little word; `source2025` when there is none of them.
pub fn made(family: Option<&str>, year: &str, title: &str) -> String {
    const LITTLE: &[&str] = &[
        "a", "an", "the", "of", "on", "in", "and", "for", "to", "at", "by", "with", "from", "is",
        "der", "die", "das", "le", "la", "les", "el", "los", "de",
    ];
    let word = |text: &str| fold(text, |_| false);
    // Letters only, as Better BibTeX writes them: `CNN Staff` → `cnnstaff`.
    let author: String = family.map(word).unwrap_or_default().replace('-', "");
    let title_word = title
        .split(|c: char| !c.is_alphanumeric())
        .map(word)
        .find(|w| !w.is_empty() && !LITTLE.contains(&w.as_str()))
        .unwrap_or_default();
    let mut id = format!("{author}{year}{title_word}");
    if id.is_empty() || !is_valid_id(&id) {
        id = format!("source{year}");
    }
    id
}

/// ASCII-folded, lowercase, with letters and digits kept, `keep` characters kept, anything else
/// a hyphen; no hyphens repeated or at the ends.
fn fold(text: &str, keep: impl Fn(char) -> bool) -> String {
    let ascii = deunicode::deunicode(text).to_ascii_lowercase();
    let mut out = String::with_capacity(ascii.len());
    for c in ascii.chars() {
        let c = if c.is_ascii_alphanumeric() || keep(c) {
            c
        } else {
            '-'
        };
        if c == '-' && (out.is_empty() || out.ends_with('-')) {
            continue;
        }
        out.push(c);
    }
    let trimmed = out.trim_matches(|c: char| !c.is_ascii_alphanumeric());
    trimmed.to_string()
}

/// Hands out ids unique within one import: a second `smith2020` (from the key `Smith2020`
/// beside `smith2020`) becomes `smith2020-2`.
#[derive(Default)]
pub struct Ids {
    taken: HashMap<String, usize>,
}

impl Ids {
    pub fn unique(&mut self, id: String) -> String {
        let mut n = self.taken.get(&id).copied().unwrap_or(0);
        if n == 0 {
            self.taken.insert(id.clone(), 1);
            return id;
        }
        loop {
            n += 1;
            let candidate = format!("{id}-{n}");
            if !self.taken.contains_key(&candidate) {
                self.taken.insert(id, n);
                self.taken.insert(candidate.clone(), 1);
                return candidate;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_become_ids() {
        assert_eq!(from_key("Liu2025").as_deref(), Some("liu2025"));
        assert_eq!(from_key("müller2020").as_deref(), Some("muller2020"));
        assert_eq!(from_key("mäller2020").as_deref(), Some("maller2020"));
        assert_eq!(from_key("bernstein:h20").as_deref(), Some("bernstein:h20"));
        assert_eq!(from_key("item-1.5e+300").as_deref(), Some("item-1.5e-300"));
        assert_eq!(from_key("a  b//c").as_deref(), Some("a-b-c"));
        assert_eq!(from_key("http://zotero.org/users/123/items/ABCD1234"), None);
        assert_eq!(from_key("123"), None);
        assert_eq!(from_key("--"), None);
    }

    #[test]
    fn made_ids_read_like_better_bibtex() {
        assert_eq!(
            made(Some("Liu"), "2025", "The Trump tariffs"),
            "liu2025trump"
        );
        assert_eq!(made(Some("Müller"), "2020", ""), "muller2020");
        assert_eq!(
            made(
                Some("U.S. District Court"),
                "2023",
                "United States v. Chips"
            ),
            "usdistrictcourt2023united"
        );
        assert_eq!(made(None, "2020", "Über alles"), "2020uber");
        assert_eq!(made(None, "", ""), "source");
    }

    #[test]
    fn ids_are_unique_within_the_file() {
        let mut ids = Ids::default();
        assert_eq!(ids.unique("smith2020".into()), "smith2020");
        assert_eq!(ids.unique("smith2020".into()), "smith2020-2");
        assert_eq!(ids.unique("smith2020-2".into()), "smith2020-2-2");
        assert_eq!(ids.unique("smith2020".into()), "smith2020-3");
    }
}
