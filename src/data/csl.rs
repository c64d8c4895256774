//! `data/sources.json`: every source of the book as a CSL-JSON item, for citation tools.

use serde_json::{json, Value};

use crate::model::date::PartialDate;
use crate::model::Source;
use crate::read::book::Book;
use crate::render::OutputFile;

/// Our kinds and the CSL types they are exported as (the importer reads each back as the same
/// kind: `import::kinds`).
pub const KINDS: &[(&str, &str)] = &[
    ("news", "article-newspaper"),
    ("article", "article-journal"),
    ("book", "book"),
    ("chapter", "chapter"),
    ("webpage", "webpage"),
    ("report", "report"),
    ("dataset", "dataset"),
    ("statement", "speech"),
    ("interview", "interview"),
    ("filing", "legal_case"),
    ("other", "document"),
];

/// `data/sources.json`: every source as a CSL-JSON item, sorted by id.
pub fn csl_json(book: &Book) -> OutputFile {
    let items: Vec<Value> = book.sources.values().map(csl_item).collect();
    let mut bytes =
        crate::text::json_for_html(&serde_json::to_vec_pretty(&items).expect("sources serialize"));
    bytes.push(b'\n');
    OutputFile {
        path: "data/sources.json".into(),
        bytes,
    }
}

fn csl_item(s: &Source) -> Value {
    let csl_type = KINDS
        .iter()
        .find(|(k, _)| *k == s.kind)
        .map_or("document", |(_, t)| t);
    let mut item =
        json!({"id": s.id, "type": csl_type, "title": s.title, "issued": date_parts(s.date)});
    if !s.authors.is_empty() {
        item["author"] = s.authors.iter().map(|a| csl_name(&split_name(a))).collect();
    }
    let texts = [
        ("publisher", &s.publisher),
        ("container-title", &s.container),
        ("volume", &s.volume),
        ("issue", &s.issue),
        ("page", &s.pages),
        ("DOI", &s.doi),
    ];
    for (key, value) in texts {
        if let Some(v) = value {
            item[key] = json!(v);
        }
    }
    if let Some(u) = &s.url {
        item["URL"] = json!(u);
    }
    if let Some(a) = s.accessed {
        item["accessed"] = date_parts(a);
    }
    if let Some(n) = &s.note {
        item["note"] = json!(n);
    }
    let mut own = json!({"kind": s.kind, "status": s.status});
    if let Some(r) = &s.reliability {
        own["reliability"] = json!(r);
    }
    if let Some(next) = &s.superseded_by {
        own["superseded_by"] = json!(next.value);
    }
    if let Some(a) = &s.archived_url {
        own["archived_url"] = json!(a);
    }
    if let Some(l) = &s.label {
        own["label"] = json!(l);
    }
    item["custom"] = json!({"briefbook": own});
    item
}

fn date_parts(date: PartialDate) -> Value {
    let parts: Vec<i64> = date
        .to_string()
        .split('-')
        .filter_map(|p| p.parse().ok())
        .collect();
    json!({"date-parts": [parts]})
}

/// A person's name in parts, as CSL has them; a `literal` name (an organisation, a name that
/// cannot be split) holds the whole name in `family`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NameParts {
    pub given: String,
    /// `van`, `von`, `de la`: lowercase words before the family name.
    pub particle: String,
    pub family: String,
    /// `Jr.`, `III`.
    pub suffix: String,
    pub literal: bool,
}

const NBSP: char = '\u{a0}';

/// The parts of an author as the book stores it: `Given particle Family, Suffix`, the BibTeX
/// way (lowercase words before the last are the particle), or `Family, Given` when written so.
/// A no-break space binds words into one: `Gabriel García\u{a0}Márquez` has the family name
/// `García Márquez`, `World\u{a0}Bank` is one literal name. One word is a literal name.
pub fn split_name(name: &str) -> NameParts {
    let mut rest = name.trim();
    let mut suffix = "";
    if let Some((before, after)) = rest.rsplit_once(',') {
        if is_suffix(after.trim()) && !before.trim().is_empty() {
            suffix = after.trim();
            rest = before.trim();
        }
    }
    let unbind = |s: &str| s.replace(NBSP, " ");
    // Without a plain space, the name is one piece: `Reuters`, `World\u{a0}Bank`.
    if !rest.contains(' ') && suffix.is_empty() {
        return NameParts {
            family: unbind(rest),
            literal: true,
            ..NameParts::default()
        };
    }
    let words = |s: &str| {
        s.split(' ')
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    let (given, family_words) = match rest.split_once(',') {
        Some((family, given)) => (given.trim().to_string(), words(family)),
        None => {
            let all = words(rest);
            if all.len() <= 1 && suffix.is_empty() {
                return NameParts {
                    family: unbind(rest),
                    literal: true,
                    ..NameParts::default()
                };
            }
            let first_lower = all[..all.len() - 1]
                .iter()
                .position(|w| starts_lowercase(w));
            let family_from = first_lower.unwrap_or(all.len() - 1);
            (all[..family_from].join(" "), all[family_from..].to_vec())
        }
    };
    // Within the family words, the lowercase ones before the last form the particle.
    let last_lower = family_words[..family_words.len().saturating_sub(1)]
        .iter()
        .rposition(|w| starts_lowercase(w));
    let split_at = last_lower.map_or(0, |i| i + 1);
    NameParts {
        given: unbind(&given),
        particle: unbind(&family_words[..split_at].join(" ")),
        family: unbind(&family_words[split_at..].join(" ")),
        suffix: suffix.to_string(),
        literal: false,
    }
}

/// The stored form of a name, which `split_name` reads back into the same parts where it can:
/// words of a family name (or of a literal name) are bound with no-break spaces only when the
/// plain form would split otherwise.
pub fn join_name(parts: &NameParts) -> String {
    let plain = |p: &NameParts| {
        if p.literal {
            return p.family.clone();
        }
        let words: Vec<&str> = [&p.given, &p.particle, &p.family]
            .into_iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect();
        let mut name = words.join(" ");
        if !p.suffix.is_empty() {
            name = format!("{name}, {}", p.suffix);
        }
        name
    };
    let first = plain(parts);
    if split_name(&first) == *parts {
        return first;
    }
    let bound = NameParts {
        family: parts.family.replace(' ', &NBSP.to_string()),
        ..parts.clone()
    };
    plain(&bound)
}

fn starts_lowercase(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_lowercase)
}

fn is_suffix(word: &str) -> bool {
    const SUFFIXES: &[&str] = &[
        "jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "2nd", "3rd", "esq.",
    ];
    SUFFIXES.contains(&word.to_lowercase().as_str())
}

fn csl_name(parts: &NameParts) -> Value {
    if parts.literal {
        return json!({"literal": parts.family});
    }
    let mut name = json!({"family": parts.family});
    for (key, value) in [
        ("given", &parts.given),
        ("non-dropping-particle", &parts.particle),
        ("suffix", &parts.suffix),
    ] {
        if !value.is_empty() {
            name[key] = json!(value);
        }
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(given: &str, particle: &str, family: &str, suffix: &str) -> NameParts {
        NameParts {
            given: given.into(),
            particle: particle.into(),
            family: family.into(),
            suffix: suffix.into(),
            literal: false,
        }
    }

    fn literal(name: &str) -> NameParts {
        NameParts {
            family: name.into(),
            literal: true,
            ..NameParts::default()
        }
    }

    #[test]
    fn names_split_the_bibtex_way() {
        assert_eq!(
            split_name("Arnold van Gennep"),
            parts("Arnold", "van", "Gennep", "")
        );
        assert_eq!(
            split_name("Ann A. Author, Jr."),
            parts("Ann A.", "", "Author", "Jr.")
        );
        assert_eq!(
            split_name("Michael von Hicks, III"),
            parts("Michael", "von", "Hicks", "III")
        );
        assert_eq!(
            split_name("van Gennep, Arnold"),
            parts("Arnold", "van", "Gennep", "")
        );
        assert_eq!(split_name("Reuters"), literal("Reuters"));
        assert_eq!(split_name("World\u{a0}Bank"), literal("World Bank"));
        assert_eq!(
            split_name("Gabriel García\u{a0}Márquez"),
            parts("Gabriel", "", "García Márquez", "")
        );
    }

    #[test]
    fn every_name_joined_splits_back_to_its_parts() {
        for p in [
            parts("Arnold", "van", "Gennep", ""),
            parts("Ann A.", "", "Author", "Jr."),
            parts("Gabriel", "", "García Márquez", ""),
            parts("", "", "Plato", "III"),
            parts("Charles", "de la", "Vallée Poussin", ""),
            literal("World Bank"),
            literal("American Rights at Work"),
            literal("at Work, American Rights"),
            literal("Reuters"),
        ] {
            assert_eq!(split_name(&join_name(&p)), p, "{}", join_name(&p));
        }
        assert_eq!(
            join_name(&parts("Arnold", "van", "Gennep", "")),
            "Arnold van Gennep"
        );
    }
}
