//! Source labels: the short names readers see ("Liu 2025", "CNN 2025"), made once per compile
//! for the whole registry and unique in the book (FORMAT section 3, `label`).
//!
//! A label written in a source is kept as written; two sources that write the same label are an
//! error naming both places. Every other source takes a default: the first author's family name,
//! else the publisher, else the title's first words, then the year. Defaults that come out
//! alike (or alike to a written label) all take a letter, `a`, `b`, `c`…, in the order of their
//! dates, then ids, as author-date styles do ("Liu 2025a", "Liu 2025b").

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::diagnostic::{Code, Diagnostic};
use crate::model::Source;

/// Every source's label, by source id.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Labels {
    by_id: HashMap<String, String>,
}

impl Labels {
    /// The label of source `id`; the id itself for a source the registry does not hold (an
    /// unknown id was reported already, and a page must still show something).
    pub fn of<'a>(&'a self, id: &'a str) -> &'a str {
        self.by_id.get(id).map_or(id, String::as_str)
    }
}

/// Words of a name that belong to the family name that follows them ("van Gennep", "de la Cruz").
const PARTICLES: &[&str] = &[
    "van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "la", "le", "ter", "ten",
    "bin", "al", "el", "dos", "das", "y",
];
/// Words after a family name that are not it ("King Jr.").
const GENERATIONS: &[&str] = &["jr", "jr.", "sr", "sr.", "ii", "iii", "iv"];
/// Words a label made of a title's first words does not end on ("Rare earths and…").
const LINKING_WORDS: &[&str] = &[
    "a", "an", "the", "and", "or", "of", "in", "on", "for", "to", "at", "by", "with", "from",
];

/// Labels every source of the registry; the errors are written labels used twice.
pub fn assign(sources: &BTreeMap<String, Source>) -> (Labels, Vec<Diagnostic>) {
    let mut by_id = HashMap::with_capacity(sources.len());
    let mut written: HashMap<&str, &Source> = HashMap::new();
    let mut errors = Vec::new();
    for source in sources.values() {
        let Some(label) = written_label(source) else {
            continue;
        };
        match written.get(label) {
            Some(first) => errors.push(twice(label, first, source)),
            None => {
                written.insert(label, source);
            }
        }
        by_id.insert(source.id.clone(), label.to_string());
    }
    // Sources that take a default, grouped by it; each group in date, then id, order.
    let mut groups: BTreeMap<String, Vec<&Source>> = BTreeMap::new();
    for source in sources.values().filter(|s| written_label(s).is_none()) {
        groups
            .entry(default_label(source))
            .or_default()
            .push(source);
    }
    let mut taken: HashSet<String> = written.keys().map(|l| l.to_string()).collect();
    taken.extend(groups.keys().cloned());
    for (label, mut group) in groups {
        if group.len() == 1 && !written.contains_key(label.as_str()) {
            by_id.insert(group[0].id.clone(), label);
            continue;
        }
        group.sort_by(|a, b| (a.date, &a.id).cmp(&(b.date, &b.id)));
        let mut letters = (0..).map(letter).map(|l| format!("{label}{l}"));
        for source in group {
            let next = letters.find(|l| !taken.contains(l)).unwrap_or_default();
            taken.insert(next.clone());
            by_id.insert(source.id.clone(), next);
        }
    }
    (Labels { by_id }, errors)
}

/// The error for a label written in two sources, at the second, naming the first.
fn twice(label: &str, first: &Source, second: &Source) -> Diagnostic {
    second.origin.locate(
        Diagnostic::error(
            Code::DuplicateLabel,
            format!(
                "the label `{label}` of source `{}` is the label of source `{}` too ({})",
                second.id,
                first.id,
                first.origin.display()
            ),
        )
        .with_help("labels tell sources apart for readers: give one of them another label"),
    )
}

/// The label a source writes; a blank one (`label = ""`) is none: readers would see nothing.
fn written_label(source: &Source) -> Option<&str> {
    source.label.as_deref().filter(|l| !l.trim().is_empty())
}

/// `a`, `b`, … `z`, then `aa`, `ab`, …: the letter that tells apart the `n`th of equal labels.
fn letter(n: usize) -> String {
    let mut n = n;
    let mut out = Vec::new();
    loop {
        out.push(b'a' + (n % 26) as u8);
        if n < 26 {
            break;
        }
        n = n / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// The label a source takes when it writes none: who (first author's family name, else the
/// publisher, else the title's first words), then the year.
pub fn default_label(source: &Source) -> String {
    let who = source
        .authors
        .iter()
        .map(|a| family_name(a))
        .find(|name| !name.is_empty())
        .or_else(|| {
            let publisher = source.publisher.as_deref().map(str::trim);
            publisher.filter(|p| !p.is_empty()).map(str::to_string)
        })
        .unwrap_or_else(|| first_words(&source.title));
    let year = source.date.to_string();
    let year = year.split('-').next().unwrap_or_default();
    if who.is_empty() {
        year.to_string()
    } else {
        format!("{who} {year}")
    }
}

/// The family name of an author: before the comma of "Family, Given", else the last word with
/// the lowercase particles before it ("Arnold van Gennep" → "van Gennep"). A single name (an
/// organisation, "CNN") is kept whole.
pub fn family_name(author: &str) -> String {
    // "Ann A. Author, Jr." is a given-first name with a suffix; "Author, Ann" is family-first.
    let name = match author.trim().rsplit_once(',') {
        Some((name, after)) if is_generation(after) => name,
        _ => author.trim(),
    };
    if let Some((family, _)) = name.split_once(',') {
        return shown(&name_words(family));
    }
    let mut words = name_words(name);
    while words.len() > 1 && words.last().is_some_and(|w| is_generation(w)) {
        words.pop();
    }
    let Some(mut start) = words.len().checked_sub(1) else {
        return String::new();
    };
    while start > 0 && PARTICLES.contains(&words[start - 1]) {
        start -= 1;
    }
    shown(&words[start..])
}

fn is_generation(word: &str) -> bool {
    GENERATIONS.contains(&word.trim().to_lowercase().as_str())
}

/// The words of a name. A no-break space binds words into one (the importer writes
/// "Congressional Research Service" so, an organisation that has no family name to find).
fn name_words(name: &str) -> Vec<&str> {
    name.split(|c: char| c.is_whitespace() && c != '\u{a0}' && c != '\u{202f}')
        .filter(|w| !w.is_empty())
        .collect()
}

/// Words as a label shows them: the no-break spaces that bound them become spaces again.
fn shown(words: &[&str]) -> String {
    words.join(" ").replace(['\u{a0}', '\u{202f}'], " ")
}

/// The first two or three words of a title, without a linking word or punctuation at the end.
fn first_words(title: &str) -> String {
    let mut words: Vec<&str> = title.split_whitespace().take(3).collect();
    while words.len() > 1
        && words
            .last()
            .is_some_and(|w| LINKING_WORDS.contains(&w.to_lowercase().as_str()))
    {
        words.pop();
    }
    let text = words.join(" ");
    text.trim_end_matches(|c: char| c.is_ascii_punctuation() && c != ')' && c != '.')
        .to_string()
}

#[cfg(test)]
mod tests;
