//! What entries take from the entries they name in `crossref` and `xdata`, walked without
//! recursion and with every entry visited once, so a cycle or a self-reference is reported and
//! ends instead of overflowing the stack.

use std::collections::{HashMap, HashSet, VecDeque};

use super::bib_parse::{RawEntry, RawField};
use crate::diagnostic::{Code, Diagnostic, SourceFile};

/// Fields never taken from another entry: they name or link that entry itself.
const OWN: &[&str] = &[
    "crossref",
    "xdata",
    "ids",
    "entryset",
    "key",
    "label",
    "shorthand",
];

/// How many entries one entry may draw on: far more than real libraries chain.
const MAX_PARENTS: usize = 64;

/// For each entry, the fields it inherits, nearer entries first (its own fields win over all).
pub fn inherit(entries: &[RawEntry], file: &SourceFile) -> (Vec<Vec<RawField>>, Vec<Diagnostic>) {
    let mut index = HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        index.entry(e.key.as_str()).or_insert(i);
    }
    let lower: HashMap<String, usize> = entries
        .iter()
        .enumerate()
        .rev()
        .map(|(i, e)| (e.key.to_lowercase(), i))
        .collect();
    let find = |key: &str| {
        index
            .get(key)
            .copied()
            .or_else(|| lower.get(&key.to_lowercase()).copied())
    };
    let mut diagnostics = Vec::new();
    let all = entries
        .iter()
        .enumerate()
        .map(|(i, _)| inherit_one(entries, i, &find, file, &mut diagnostics))
        .collect();
    (all, diagnostics)
}

fn inherit_one(
    entries: &[RawEntry],
    me: usize,
    find: &impl Fn(&str) -> Option<usize>,
    file: &SourceFile,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<RawField> {
    let entry = &entries[me];
    let mut taken: HashSet<String> = entry.fields.iter().map(|f| f.name.clone()).collect();
    let mut inherited = Vec::new();
    let mut visited = HashSet::from([me]);
    let mut queue = VecDeque::new();
    let mut warned = false;
    let mut warn = |at: usize, message: String| {
        if !std::mem::replace(&mut warned, true) {
            diagnostics.push(Diagnostic::warning(Code::ImportChanged, message).at(file, at));
        }
    };
    queue.push_back(me);
    while let Some(current) = queue.pop_front() {
        for (parent_key, via_crossref, at) in parents(&entries[current]) {
            let Some(parent) = find(&parent_key) else {
                warn(at, format!("`{}` names `{parent_key}` in `crossref` or `xdata`, which this file does not have; not followed", entries[current].key));
                continue;
            };
            if !visited.insert(parent) {
                warn(at, format!("`{}`: `crossref` or `xdata` runs in a cycle (`{}` names `{}` again); the cycle is not followed", entry.key, entries[current].key, entries[parent].key));
                continue;
            }
            if visited.len() > MAX_PARENTS {
                warn(
                    at,
                    format!(
                        "`{}` draws on more than {MAX_PARENTS} entries; the rest are not followed",
                        entry.key
                    ),
                );
                return inherited;
            }
            for field in &entries[parent].fields {
                let name = match field.name.as_str() {
                    "title" if via_crossref => "booktitle",
                    "subtitle" if via_crossref => "booksubtitle",
                    other => other,
                };
                if !OWN.contains(&name) && taken.insert(name.to_string()) {
                    inherited.push(RawField {
                        name: name.to_string(),
                        ..field.clone()
                    });
                }
            }
            queue.push_back(parent);
        }
    }
    inherited
}

/// The keys an entry names: its `crossref`, then each of its `xdata`.
fn parents(entry: &RawEntry) -> Vec<(String, bool, usize)> {
    let mut keys = Vec::new();
    if let Some(f) = entry.get("crossref") {
        keys.push((f.value.trim().to_string(), true, f.offset));
    }
    if let Some(f) = entry.get("xdata") {
        keys.extend(
            f.value
                .split(',')
                .map(|k| (k.trim().to_string(), false, f.offset)),
        );
    }
    keys.retain(|(k, _, _)| !k.is_empty());
    keys
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::bib_parse;

    fn run(text: &str) -> (Vec<Vec<String>>, usize) {
        let file = SourceFile::new("refs.bib", text);
        let (entries, _) = bib_parse::parse(&file);
        let (inherited, problems) = inherit(&entries, &file);
        let names = inherited
            .iter()
            .map(|fs| {
                fs.iter()
                    .map(|f| format!("{}={}", f.name, f.value))
                    .collect()
            })
            .collect();
        (names, problems.len())
    }

    #[test]
    fn a_chapter_takes_its_book_s_title_as_booktitle() {
        let (names, problems) = run("@incollection{c, title={Ch}, crossref={b}}\n@book{b, title={Book}, publisher={P}, year=2020}");
        assert_eq!(names[0], ["booktitle=Book", "publisher=P", "year=2020"]);
        assert_eq!(problems, 0);
    }

    #[test]
    fn cycles_and_self_references_end_and_are_reported() {
        let (_, problems) = run("@article{a, title={A}, year={2020}, crossref={a}}");
        assert_eq!(problems, 1);
        let (names, problems) = run(
            "@article{a, title={A}, crossref={b}}\n@article{b, title={B}, year=1, crossref={a}}",
        );
        assert_eq!(names[0], ["booktitle=B", "year=1"]);
        assert_eq!(problems, 2);
        let (_, problems) = run(
            "@xdata{x, xdata={y}, year=2020}\n@xdata{y, xdata={x}}\n@book{b, title={B}, xdata={x}}",
        );
        assert_eq!(problems, 3);
        let (_, problems) = run("@book{b, title={B}, crossref={nowhere}}");
        assert_eq!(problems, 1);
    }

    #[test]
    fn a_long_chain_is_bounded() {
        let chain: String = (0..500)
            .map(|i| format!("@book{{k{i}, title={{T}}, crossref={{k{}}}}}\n", i + 1))
            .collect();
        let (names, problems) = run(&chain);
        assert_eq!(names.len(), 500);
        assert!(problems >= 1);
    }
}
