//! People's names from BibTeX (`First von Last`, `von Last, First`, `von Last, Jr, First`,
//! `{Braced Corporate Names}`) and CSL-JSON (family, given, particles, suffix, literal), kept
//! whole and written in the form the export splits again (`data::csl::join_name`).

use serde_json::Value;

use super::latex;
use crate::data::csl::{join_name, NameParts};

/// The names of a BibTeX name list (`A and B and others`), as the book stores them. `others`
/// (BibTeX's "et al.") is not a name and is left out.
pub fn bibtex_names(raw: &str) -> Vec<String> {
    split_top_level_and(raw)
        .iter()
        .filter(|n| !n.trim().eq_ignore_ascii_case("others"))
        .filter_map(|n| bibtex_name(n))
        .map(|p| join_name(&p))
        .filter(|n| !n.is_empty())
        .collect()
}

/// One BibTeX name in its parts; `None` for an empty one.
fn bibtex_name(raw: &str) -> Option<NameParts> {
    let commas = split_top_level(raw, |c| c == ',');
    let words = |s: &str| -> Vec<String> {
        split_top_level(s, char::is_whitespace)
            .into_iter()
            .filter(|w| !w.is_empty())
            .collect()
    };
    if let Some(parts) = extended_name(&commas) {
        return parts;
    }
    let (before, suffix, given) = match commas.as_slice() {
        [one] => (words(one), String::new(), None),
        [last, first] => (words(last), String::new(), Some(first.clone())),
        [last, jr, first, ..] => (words(last), jr.clone(), Some(first.clone())),
        [] => return None,
    };
    if before.is_empty() {
        return None;
    }
    // One braced group is a name as written: `{World Bank}`, `{at Work, American Rights}`.
    if given.is_none() && before.len() == 1 && is_braced(&before[0]) {
        let name = latex::to_text(&before[0]);
        return (!name.is_empty()).then_some(NameParts {
            family: name,
            literal: true,
            ..NameParts::default()
        });
    }
    let (first, von, last) = match given {
        Some(first) => {
            let von_end = before[..before.len() - 1]
                .iter()
                .rposition(|w| is_lowercase_word(w))
                .map_or(0, |i| i + 1);
            (first, &before[..von_end], &before[von_end..])
        }
        None => {
            let n = before.len();
            match before[..n - 1].iter().position(|w| is_lowercase_word(w)) {
                Some(start) => {
                    let end = before[..n - 1]
                        .iter()
                        .rposition(|w| is_lowercase_word(w))
                        .map_or(start, |i| i + 1);
                    (
                        before[..start].join(" "),
                        &before[start..end],
                        &before[end..],
                    )
                }
                None => (before[..n - 1].join(" "), &before[..0], &before[n - 1..]),
            }
        }
    };
    let text = |words: &[String]| latex::to_text(&words.join(" "));
    let parts = NameParts {
        given: latex::to_text(&first),
        particle: text(von),
        family: text(last),
        suffix: latex::to_text(&suffix),
        literal: false,
    };
    if parts.family.is_empty() {
        return None;
    }
    if parts.given.is_empty() && parts.particle.is_empty() && parts.suffix.is_empty() {
        return Some(NameParts {
            literal: true,
            ..parts
        });
    }
    Some(parts)
}

/// biblatex's extended name format, as Better BibTeX writes names it cannot put in the classic
/// form: `family=Gennep, given=Arnold, prefix=van, useprefix=true`. `None` when `parts` is not
/// in that form; `Some(None)` when it names nobody.
fn extended_name(parts: &[String]) -> Option<Option<NameParts>> {
    let key_value = |part: &str| {
        let (key, value) = part.split_once('=')?;
        let key = key.trim();
        let is_key = !key.is_empty() && key.chars().all(|c| c.is_ascii_lowercase() || c == '-');
        is_key.then(|| (key.to_string(), value.to_string()))
    };
    // The form is the first part's; later parts that are not `key=value` (a stray trailing
    // comma, a bare "Jr") are left out rather than turning the name back into the classic form.
    key_value(parts.first()?)?;
    let mut name = NameParts::default();
    for part in parts.iter().filter(|p| !p.trim().is_empty()) {
        let Some((key, value)) = key_value(part) else {
            continue;
        };
        let value = latex::to_text(value.trim());
        match key.as_str() {
            "family" => name.family = value,
            "given" => name.given = value,
            "prefix" => name.particle = value,
            "suffix" => name.suffix = value,
            // `useprefix`, `given-i` (initials) and the like say how to print, not who.
            _ => {}
        }
    }
    if name.family.is_empty() {
        return Some(None);
    }
    name.literal = name.given.is_empty() && name.particle.is_empty() && name.suffix.is_empty();
    Some(Some(name))
}

/// A CSL name object: `literal`, or `family` with `given`, particles and `suffix`.
pub fn csl_name(value: &Value) -> Option<String> {
    let text = |key: &str| {
        value
            .get(key)
            .and_then(Value::as_str)
            .map(latex::collapse_spaces)
            .unwrap_or_default()
    };
    let literal = text("literal");
    let family = text("family");
    let given = text("given");
    let parts = if !literal.is_empty() || (family.is_empty() && !given.is_empty()) {
        let whole = if literal.is_empty() { given } else { literal };
        NameParts {
            family: whole,
            literal: true,
            ..NameParts::default()
        }
    } else if family.is_empty() {
        return None;
    } else {
        let particle = [text("dropping-particle"), text("non-dropping-particle")]
            .into_iter()
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        let suffix = text("suffix");
        let literal = given.is_empty() && particle.is_empty() && suffix.is_empty();
        NameParts {
            given,
            particle,
            family,
            suffix,
            literal,
        }
    };
    Some(join_name(&parts)).filter(|n| !n.is_empty())
}

fn is_braced(word: &str) -> bool {
    word.starts_with('{') && word.ends_with('}') && top_level_closes_at_end(word)
}

/// Whether the `{` that opens `word` is closed by its last character.
fn top_level_closes_at_end(word: &str) -> bool {
    let mut depth = 0usize;
    for (i, c) in word.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i == word.len() - 1;
                }
            }
            _ => {}
        }
    }
    false
}

/// BibTeX's "von" test: the first letter at brace depth 0 is lowercase; a word starting with a
/// braced accent (`{\"a}`) counts by the letter inside; other braced words are not "von".
fn is_lowercase_word(word: &str) -> bool {
    let mut depth = 0usize;
    let mut chars = word.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' => {
                if depth == 0 && chars.peek() == Some(&'\\') {
                    let rest: String = chars.clone().collect();
                    return latex::to_text(&format!("{{{rest}"))
                        .chars()
                        .next()
                        .is_some_and(char::is_lowercase);
                }
                depth += 1;
            }
            '}' => depth = depth.saturating_sub(1),
            _ if depth == 0 && c.is_alphabetic() => return c.is_lowercase(),
            _ => {}
        }
    }
    false
}

/// Splits at ` and ` (any case) outside braces.
fn split_top_level_and(raw: &str) -> Vec<String> {
    let words = split_top_level(raw, char::is_whitespace);
    let mut names = vec![String::new()];
    for word in words.into_iter().filter(|w| !w.is_empty()) {
        if word.eq_ignore_ascii_case("and") {
            names.push(String::new());
        } else if let Some(last) = names.last_mut() {
            if !last.is_empty() {
                last.push(' ');
            }
            last.push_str(&word);
        }
    }
    names.retain(|n| !n.is_empty());
    names
}

/// Splits `text` at characters matching `at` that are outside braces.
fn split_top_level(text: &str, at: impl Fn(char) -> bool) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth == 0 && at(c) {
            parts.push(String::new());
        } else if let Some(last) = parts.last_mut() {
            last.push(c);
        }
    }
    parts.into_iter().map(|p| p.trim().to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn better_bibtex_extended_names_are_read() {
        assert_eq!(
            bibtex_names("family=Gennep, given=Arnold, prefix=van, useprefix=true"),
            ["Arnold van Gennep"]
        );
        assert_eq!(
            bibtex_names("family={King}, given=Martin Luther, suffix={Jr.} and Liu, John"),
            ["Martin Luther King, Jr.", "John Liu"]
        );
        assert_eq!(bibtex_names("family={World Bank}"), ["World\u{a0}Bank"]);
        assert_eq!(bibtex_names("given=Arnold"), Vec::<String>::new());
        assert_eq!(bibtex_names("family=Doe, given=John,"), ["John Doe"]);
        // A classic name with an `=` in it is not one.
        assert_eq!(bibtex_names("Doe, J=ohn"), ["J=ohn Doe"]);
    }

    #[test]
    fn particles_suffixes_and_corporate_names_are_kept() {
        assert_eq!(bibtex_names("van Gennep, Arnold"), ["Arnold van Gennep"]);
        assert_eq!(bibtex_names("Author, Jr., Ann A."), ["Ann A. Author, Jr."]);
        assert_eq!(
            bibtex_names("von Hicks, III, Michael"),
            ["Michael von Hicks, III"]
        );
        assert_eq!(bibtex_names("Arnold van Gennep"), ["Arnold van Gennep"]);
        assert_eq!(
            bibtex_names("at Work, American Rights"),
            ["American Rights at Work"]
        );
        assert_eq!(
            bibtex_names("{World Bank} and {at Work, American Rights}"),
            ["World\u{a0}Bank", "at\u{a0}Work,\u{a0}American\u{a0}Rights"]
        );
        assert_eq!(
            bibtex_names("Liu, John and Tayir, Hassan and others"),
            ["John Liu", "Hassan Tayir"]
        );
        assert_eq!(
            bibtex_names(r#"M{\"u}ller, J{\"o}rg and {\"O}zt{\"u}rk, Ay"#),
            ["Jörg Müller", "Ay Öztürk"]
        );
        assert_eq!(
            bibtex_names("{Garc{\\'i}a M{\\'a}rquez}, Gabriel"),
            ["Gabriel García\u{a0}Márquez"]
        );
        assert_eq!(
            bibtex_names("Sanders and ANDERSON, B."),
            ["Sanders", "B. ANDERSON"]
        );
    }

    #[test]
    fn empty_and_broken_names_give_nothing_or_text() {
        assert!(bibtex_names("").is_empty());
        assert!(bibtex_names(" and and ").is_empty());
        assert!(bibtex_names(",,,").is_empty());
        let _ = bibtex_names("{{{ , } and {");
    }

    #[test]
    fn csl_names_in_every_shape() {
        let name = |v| csl_name(&v).unwrap();
        assert_eq!(
            name(json!({"family": "Gennep", "given": "Arnold", "non-dropping-particle": "van"})),
            "Arnold van Gennep"
        );
        assert_eq!(
            name(json!({"family": "Author", "given": "Ann A.", "suffix": "Jr."})),
            "Ann A. Author, Jr."
        );
        assert_eq!(name(json!({"literal": "World Bank"})), "World\u{a0}Bank");
        assert_eq!(name(json!({"family": "Reuters"})), "Reuters");
        assert_eq!(name(json!({"given": "Madonna"})), "Madonna");
        assert_eq!(csl_name(&json!({"family": ""})), None);
        assert_eq!(csl_name(&json!(7)), None);
    }
}
