//! Fact conflicts: facts with the same subject, metric and as-of date but another value or unit.
//!
//! Kept as groups, so a group of k disagreeing facts costs O(k), not O(k²): each fact can name a
//! few of its twins and count the rest.

use std::collections::HashMap;

use crate::read::book::Book;

/// A fact of the book: (brief index, fact index in the brief).
pub type FactRef = (usize, usize);

/// How many twins a page or message names before it says "and N more".
pub const NAMED_TWINS: usize = 3;

#[derive(Debug, Default, Clone)]
pub struct Conflicts {
    groups: Vec<Group>,
    group_of: HashMap<FactRef, usize>,
}

#[derive(Debug, Clone)]
struct Group {
    /// Members in reading order, each with the id of its (value, unit) reading.
    members: Vec<(FactRef, usize)>,
    /// How many members give each reading.
    per_reading: Vec<usize>,
}

impl Conflicts {
    /// Finds every conflict of the book in one pass over its facts.
    pub fn find(book: &Book) -> Conflicts {
        type Key<'a> = (&'a str, &'a str, Option<crate::model::date::PartialDate>);
        let mut by_key: HashMap<Key, Vec<FactRef>> = HashMap::new();
        for (b, brief) in book.briefs.iter().enumerate() {
            for (f, fact) in brief.brief.facts.iter().enumerate() {
                by_key
                    .entry((&fact.subject, &fact.metric, fact.as_of))
                    .or_default()
                    .push((b, f));
            }
        }
        let mut groups: Vec<Group> = by_key
            .into_values()
            .filter_map(|members| group(book, members))
            .collect();
        // Hash order is not stable: order groups by their first member.
        groups.sort_by_key(|g| g.members[0].0);
        let group_of = groups
            .iter()
            .enumerate()
            .flat_map(|(i, g)| g.members.iter().map(move |&(fact, _)| (fact, i)))
            .collect();
        Conflicts { groups, group_of }
    }

    pub fn contains(&self, fact: FactRef) -> bool {
        self.group_of.contains_key(&fact)
    }

    /// Up to `NAMED_TWINS` facts that disagree with `fact`, and how many disagree in all.
    pub fn twins(&self, fact: FactRef) -> (Vec<FactRef>, usize) {
        let Some(&g) = self.group_of.get(&fact) else {
            return (Vec::new(), 0);
        };
        let group = &self.groups[g];
        let own = group
            .members
            .iter()
            .find(|(f, _)| *f == fact)
            .map_or(0, |(_, r)| *r);
        let named = group
            .members
            .iter()
            .filter(|(_, r)| *r != own)
            .take(NAMED_TWINS)
            .map(|(f, _)| *f)
            .collect();
        (named, group.members.len() - group.per_reading[own])
    }

    /// Every fact in conflict, in reading order.
    pub fn facts(&self) -> Vec<FactRef> {
        let mut all: Vec<FactRef> = self.group_of.keys().copied().collect();
        all.sort();
        all
    }
}

/// A group of facts sharing a key, if they give more than one reading.
fn group(book: &Book, mut members: Vec<FactRef>) -> Option<Group> {
    if members.len() < 2 {
        return None;
    }
    members.sort();
    let mut readings: HashMap<(String, Option<&str>), usize> = HashMap::new();
    let mut per_reading: Vec<usize> = Vec::new();
    let mut tagged = Vec::with_capacity(members.len());
    for (b, f) in members {
        let fact = &book.briefs[b].brief.facts[f];
        let next = readings.len();
        let id = *readings
            .entry((fact.value.raw(), fact.unit.as_deref()))
            .or_insert(next);
        if id == per_reading.len() {
            per_reading.push(0);
        }
        per_reading[id] += 1;
        tagged.push(((b, f), id));
    }
    (per_reading.len() > 1).then_some(Group {
        members: tagged,
        per_reading,
    })
}
