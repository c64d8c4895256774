//! What changed between two editions of a book, compared as data: briefs added, removed, moved
//! or retitled; their bodies, by section; claims and their status; facts and their values;
//! sources. Each change carries what readers know things by (brief titles, claim text, source
//! labels) beside the paths and ids that `diff` prints.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::analyse::{labels, sections};
use crate::read::book::Book;

#[derive(Debug, Default, Serialize, PartialEq, Eq, Clone)]
pub struct Changes {
    pub from: String,
    pub to: String,
    pub briefs: BriefChanges,
    pub claims: ClaimChanges,
    pub facts: Vec<FactChange>,
    pub sources: SourceChanges,
    /// Briefs (in both editions) whose body changed, in the newer edition's reading order.
    pub bodies: Vec<BodyChange>,
}

/// A brief whose body changed, and which of its sections (by heading; "" is the text before
/// the first heading).
#[derive(Debug, Serialize, PartialEq, Eq, Clone)]
pub struct BodyChange {
    pub path: String,
    pub title: String,
    pub url: String,
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub changed: Vec<String>,
}

#[derive(Debug, Default, Serialize, PartialEq, Eq, Clone)]
pub struct BriefChanges {
    pub added: Vec<BriefRef>,
    pub removed: Vec<BriefRef>,
    pub retitled: Vec<Retitled>,
    pub moved: Vec<Moved>,
}

#[derive(Debug, Serialize, PartialEq, Eq, Clone)]
pub struct BriefRef {
    pub path: String,
    pub title: String,
    /// The brief's page in the newer edition, when it has one.
    pub url: Option<String>,
}

#[derive(Debug, Serialize, PartialEq, Eq, Clone)]
pub struct Retitled {
    pub path: String,
    pub url: String,
    pub from: String,
    pub to: String,
}

#[derive(Debug, Serialize, PartialEq, Eq, Clone)]
pub struct Moved {
    pub from: String,
    pub to: String,
    pub title: String,
    pub url: String,
    /// The titles of its chapter before and after.
    pub from_chapter: String,
    pub to_chapter: String,
}

#[derive(Debug, Default, Serialize, PartialEq, Eq, Clone)]
pub struct ClaimChanges {
    pub added: Vec<ClaimRef>,
    pub removed: Vec<ClaimRef>,
    pub changed: Vec<ClaimChange>,
}

#[derive(Debug, Serialize, PartialEq, Eq, Clone)]
pub struct ClaimRef {
    pub brief: String,
    pub brief_title: String,
    pub id: String,
    pub text: String,
    pub url: Option<String>,
}

#[derive(Debug, Serialize, PartialEq, Eq, Clone)]
pub struct ClaimChange {
    pub brief: String,
    pub brief_title: String,
    pub id: String,
    /// The claim's text in the newer edition.
    pub text: String,
    pub url: String,
    /// `text`, `status` or `confidence`.
    pub field: &'static str,
    pub from: Option<String>,
    pub to: Option<String>,
}

#[derive(Debug, Serialize, PartialEq, Eq, Clone)]
pub struct FactChange {
    pub brief: String,
    pub brief_title: String,
    pub subject: String,
    pub metric: String,
    pub as_of: Option<String>,
    pub url: String,
    pub from: FactState,
    pub to: FactState,
}

#[derive(Debug, Serialize, PartialEq, Eq, Clone)]
pub struct FactState {
    pub value: String,
    pub unit: Option<String>,
    pub source: String,
    /// The source's label in its edition.
    pub label: String,
}

#[derive(Debug, Default, Serialize, PartialEq, Eq, Clone)]
pub struct SourceChanges {
    pub added: Vec<(String, String)>,
    pub removed: Vec<(String, String)>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        let b = &self.briefs;
        let c = &self.claims;
        b.added.is_empty()
            && b.removed.is_empty()
            && b.retitled.is_empty()
            && b.moved.is_empty()
            && c.added.is_empty()
            && c.removed.is_empty()
            && c.changed.is_empty()
            && self.facts.is_empty()
            && self.sources.added.is_empty()
            && self.sources.removed.is_empty()
            && self.bodies.is_empty()
    }
}

/// Compares two editions of a book. A brief removed at one path and added at another with the
/// same title has moved.
pub fn compare(old: &Book, new: &Book, from: &str, to: &str) -> Changes {
    let titles = |book: &Book| -> BTreeMap<String, String> {
        book.briefs
            .iter()
            .map(|b| (b.brief.path.clone(), b.brief.header.title.clone()))
            .collect()
    };
    let (before, after) = (titles(old), titles(new));
    let url = |path: &str| new.brief(path).map(|b| format!("{}index.html", b.url));
    let mut changes = Changes {
        from: from.into(),
        to: to.into(),
        ..Changes::default()
    };
    let mut added: Vec<BriefRef> = after
        .iter()
        .filter(|(p, _)| !before.contains_key(*p))
        .map(|(p, t)| BriefRef {
            path: p.clone(),
            title: t.clone(),
            url: url(p),
        })
        .collect();
    let mut removed: Vec<BriefRef> = before
        .iter()
        .filter(|(p, _)| !after.contains_key(*p))
        .map(|(p, t)| BriefRef {
            path: p.clone(),
            title: t.clone(),
            url: None,
        })
        .collect();
    // Old path -> new path, for briefs that moved.
    let mut renamed: HashMap<String, String> = HashMap::new();
    removed.retain(
        |gone| match added.iter().position(|a| a.title == gone.title) {
            Some(i) => {
                let to = added.remove(i);
                renamed.insert(gone.path.clone(), to.path.clone());
                changes.briefs.moved.push(Moved {
                    from_chapter: chapter_title(old, &gone.path),
                    to_chapter: chapter_title(new, &to.path),
                    from: gone.path.clone(),
                    to: to.path.clone(),
                    title: to.title,
                    url: to.url.unwrap_or_default(),
                });
                false
            }
            None => true,
        },
    );
    for (path, title) in &before {
        if let Some(now) = after.get(path).filter(|now| *now != title) {
            changes.briefs.retitled.push(Retitled {
                path: path.clone(),
                url: url(path).unwrap_or_default(),
                from: title.clone(),
                to: now.clone(),
            });
        }
    }
    changes.briefs.added = added;
    changes.briefs.removed = removed;
    changes.claims = compare_claims(old, new, &renamed);
    changes.facts = compare_facts(old, new, &renamed);
    changes.bodies = compare_bodies(old, new, &renamed);
    let sources = |book: &Book| -> BTreeMap<String, String> {
        book.sources
            .iter()
            .map(|(id, s)| (id.clone(), s.title.clone()))
            .collect()
    };
    let (was, is) = (sources(old), sources(new));
    changes.sources.added = is
        .iter()
        .filter(|(id, _)| !was.contains_key(*id))
        .map(|(a, b)| (a.clone(), b.clone()))
        .collect();
    changes.sources.removed = was
        .iter()
        .filter(|(id, _)| !is.contains_key(*id))
        .map(|(a, b)| (a.clone(), b.clone()))
        .collect();
    changes
}

fn compare_claims(old: &Book, new: &Book, renamed: &HashMap<String, String>) -> ClaimChanges {
    let claims = |book: &Book, rename: bool| -> BTreeMap<(String, String), crate::model::Claim> {
        book.briefs
            .iter()
            .flat_map(|b| {
                let path = if rename {
                    current_path(&b.brief.path, renamed)
                } else {
                    b.brief.path.clone()
                };
                b.brief
                    .claims
                    .iter()
                    .map(move |c| ((path.clone(), c.id.clone()), c.clone()))
            })
            .collect()
    };
    let (before, after) = (claims(old, true), claims(new, false));
    let title = |path: &str| brief_title(new, path).or_else(|| old_title(old, path, renamed));
    let url = |(path, id): &(String, String)| {
        new.brief(path)
            .map(|b| format!("{}index.html#claim-{id}", b.url))
    };
    let mut out = ClaimChanges::default();
    for (key, claim) in &after {
        match before.get(key) {
            None => out.added.push(ClaimRef {
                brief: key.0.clone(),
                brief_title: title(&key.0).unwrap_or_default(),
                id: key.1.clone(),
                text: claim.text.clone(),
                url: url(key),
            }),
            Some(was) => {
                let fields: [(&'static str, Option<&String>, Option<&String>); 3] = [
                    ("text", Some(&was.text), Some(&claim.text)),
                    ("status", Some(&was.status), Some(&claim.status)),
                    (
                        "confidence",
                        was.confidence.as_ref(),
                        claim.confidence.as_ref(),
                    ),
                ];
                for (field, from, to) in fields {
                    if from != to {
                        out.changed.push(ClaimChange {
                            brief: key.0.clone(),
                            brief_title: title(&key.0).unwrap_or_default(),
                            id: key.1.clone(),
                            text: claim.text.clone(),
                            url: url(key).unwrap_or_default(),
                            field,
                            from: from.cloned(),
                            to: to.cloned(),
                        });
                    }
                }
            }
        }
    }
    for (key, claim) in &before {
        if !after.contains_key(key) {
            out.removed.push(ClaimRef {
                brief: key.0.clone(),
                brief_title: title(&key.0).unwrap_or_default(),
                id: key.1.clone(),
                text: claim.text.clone(),
                url: None,
            });
        }
    }
    out
}

/// Where a brief of the older edition lives in the newer one.
fn current_path(path: &str, renamed: &HashMap<String, String>) -> String {
    renamed
        .get(path)
        .cloned()
        .unwrap_or_else(|| path.to_string())
}

/// Facts whose value, unit or source changed, matched by brief and id (or subject, metric, as-of).
fn compare_facts(old: &Book, new: &Book, renamed: &HashMap<String, String>) -> Vec<FactChange> {
    type Key = (String, String);
    let facts = |book: &Book, rename: bool| -> BTreeMap<Key, (crate::model::Fact, usize)> {
        book.briefs
            .iter()
            .flat_map(|b| {
                let path = if rename {
                    current_path(&b.brief.path, renamed)
                } else {
                    b.brief.path.clone()
                };
                b.brief.facts.iter().enumerate().map(move |(k, f)| {
                    let name = f.id.clone().unwrap_or_else(|| {
                        format!(
                            "{}|{}|{}",
                            f.subject,
                            f.metric,
                            f.as_of.map(|d| d.to_string()).unwrap_or_default()
                        )
                    });
                    ((path.clone(), name), (f.clone(), k))
                })
            })
            .collect()
    };
    let (before, after) = (facts(old, true), facts(new, false));
    let (old_labels, _) = labels::assign(&old.sources);
    let (new_labels, _) = labels::assign(&new.sources);
    let state = |f: &crate::model::Fact, labels: &labels::Labels| FactState {
        value: f.value.display(),
        unit: f.unit.clone(),
        source: f.source.value.clone(),
        label: labels.of(&f.source.value).to_string(),
    };
    after
        .iter()
        .filter_map(|(key, (fact, k))| {
            let (was, _) = before.get(key)?;
            let (from, to) = (state(was, &old_labels), state(fact, &new_labels));
            let same = |a: &FactState, b: &FactState| {
                (&a.value, &a.unit, &a.source) == (&b.value, &b.unit, &b.source)
            };
            (!same(&from, &to)).then(|| FactChange {
                brief: key.0.clone(),
                brief_title: brief_title(new, &key.0).unwrap_or_default(),
                subject: fact.subject.clone(),
                metric: fact.metric.clone(),
                as_of: fact.as_of.map(|d| d.to_string()),
                url: new
                    .brief(&key.0)
                    .map(|b| {
                        format!(
                            "{}index.html#{}",
                            b.url,
                            crate::model::fact_anchor(fact, *k)
                        )
                    })
                    .unwrap_or_default(),
                from,
                to,
            })
        })
        .collect()
}

/// Briefs of both editions whose body changed, with the sections it changed.
fn compare_bodies(old: &Book, new: &Book, renamed: &HashMap<String, String>) -> Vec<BodyChange> {
    let was: HashMap<String, &str> = old
        .briefs
        .iter()
        .map(|b| (current_path(&b.brief.path, renamed), b.brief.body()))
        .collect();
    new.briefs
        .iter()
        .filter_map(|b| {
            let before = was.get(&b.brief.path)?;
            let edits = sections::compare(before, b.brief.body());
            (!edits.is_empty()).then(|| BodyChange {
                path: b.brief.path.clone(),
                title: b.brief.header.title.clone(),
                url: format!("{}index.html", b.url),
                added: edits.added,
                removed: edits.removed,
                changed: edits.changed,
            })
        })
        .collect()
}

/// The title of the brief at `path` in `book`.
fn brief_title(book: &Book, path: &str) -> Option<String> {
    book.brief(path).map(|b| b.brief.header.title.clone())
}

/// The title a brief had in the older edition, found by its path in the newer one.
fn old_title(old: &Book, path: &str, renamed: &HashMap<String, String>) -> Option<String> {
    let before = renamed
        .iter()
        .find(|(_, now)| now.as_str() == path)
        .map_or(path, |(was, _)| was.as_str());
    brief_title(old, before)
}

/// The title of the chapter holding the brief at `path` in `book`.
fn chapter_title(book: &Book, path: &str) -> String {
    book.brief(path)
        .map(|b| book.chapters[b.chapter].section.header.title.clone())
        .unwrap_or_default()
}
