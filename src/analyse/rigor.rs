//! Analytic rigor: likelihood bands, Admiralty grades, and what rests on withdrawn or weak sources.

use std::collections::HashMap;

use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Claim, Source};
use crate::read::book::Book;

/// The seven ICD 203 bands: (words in vocabulary 1, words in vocabulary 2, probability band).
pub const LIKELIHOOD_BANDS: &[(&str, &str, &str)] = &[
    ("almost no chance", "remote", "1–5%"),
    ("very unlikely", "highly improbable", "5–20%"),
    ("unlikely", "improbable", "20–45%"),
    ("roughly even chance", "roughly even odds", "45–55%"),
    ("likely", "probable", "55–80%"),
    ("very likely", "highly probable", "80–95%"),
    ("almost certain", "nearly certain", "95–99%"),
];

/// The band of a likelihood term and which vocabulary (1 or 2) it comes from.
pub fn likelihood_band(term: &str) -> Option<(&'static str, u8)> {
    LIKELIHOOD_BANDS.iter().find_map(|(one, two, band)| {
        if term == *one {
            Some((*band, 1))
        } else if term == *two {
            Some((*band, 2))
        } else {
            None
        }
    })
}

/// What the reliability letters (of sources) and credibility numbers (of information) mean.
pub const RELIABILITY_SCALE: &[(&str, &str)] = &[
    ("A", "Completely reliable"),
    ("B", "Usually reliable"),
    ("C", "Fairly reliable"),
    ("D", "Not usually reliable"),
    ("E", "Unreliable"),
    ("F", "Reliability cannot be judged"),
];
pub const CREDIBILITY_SCALE: &[(i64, &str)] = &[
    (1, "Confirmed by other sources"),
    (2, "Probably true"),
    (3, "Possibly true"),
    (4, "Doubtful"),
    (5, "Improbable"),
    (6, "Truth cannot be judged"),
];

/// The Admiralty pair of a claim for one source: its reliability letter (`?` when ungraded) and
/// the claim's credibility number, as in `B2`.
pub fn grade(source: Option<&Source>, credibility: Option<i64>) -> Option<String> {
    let letter = source.and_then(|s| s.reliability.as_deref());
    match (letter, credibility) {
        (None, None) => None,
        (letter, number) => Some(format!(
            "{}{}",
            letter.unwrap_or("?"),
            number.map_or("?".to_string(), |n| n.to_string())
        )),
    }
}

/// Whether a source has been withdrawn: retracted or superseded.
pub fn withdrawn(source: &Source) -> bool {
    source.status != "active"
}

/// Whether a claim rests on a withdrawn source.
pub fn claim_at_risk(book: &Book, claim: &Claim) -> bool {
    claim
        .sources
        .iter()
        .any(|s| book.sources.get(&s.value).is_some_and(withdrawn))
}

/// The rigor checks: withdrawn sources and what rests on them, weak support, mixed likelihood
/// vocabularies, and `superseded_by` naming no known source.
pub fn check(book: &Book) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for source in book.sources.values() {
        if let Some(next) = &source.superseded_by {
            if !book.sources.contains_key(&next.value) {
                out.push(
                    Diagnostic::error(
                        Code::UnknownSource,
                        format!("`superseded_by` names the unknown source `{}`", next.value),
                    )
                    .at(&source.origin.file, next.offset)
                    .suggest(&next.value, book.sources.keys().map(String::as_str)),
                );
            }
        }
    }
    let mut vocabularies: HashMap<u8, String> = HashMap::new();
    for b in &book.briefs {
        let brief = &b.brief;
        for claim in &brief.claims {
            let sources: Vec<&Source> = claim
                .sources
                .iter()
                .filter_map(|s| book.sources.get(&s.value))
                .collect();
            for source in sources.iter().filter(|s| withdrawn(s)) {
                out.push(
                    Diagnostic::warning(
                        Code::WithdrawnSource,
                        format!(
                            "the claim `{}` rests on the {} source `{}`",
                            claim.id, source.status, source.id
                        ),
                    )
                    .at(&brief.file, claim.offset)
                    .with_help(replacement_help(source)),
                );
            }
            if !sources.is_empty()
                && sources.iter().all(|s| s.status == "retracted")
                && claim.status != "retracted"
            {
                out.push(
                    Diagnostic::error(
                        Code::RetractedSupport,
                        format!(
                            "every source of the claim `{}` is retracted, but the claim is not",
                            claim.id
                        ),
                    )
                    .at(&brief.file, claim.offset)
                    .with_help("find another source, or set `status = \"retracted\"` on the claim"),
                );
            }
            if claim.confidence.as_deref() == Some("high") && weak(&sources) {
                out.push(
                    Diagnostic::warning(Code::WeakSupport, format!("the claim `{}` is held with high confidence on weak support", claim.id))
                        .at(&brief.file, claim.offset)
                        .with_help("high confidence needs more than one source graded E or F, or ungraded sources: add a source or lower the confidence"),
                );
            }
            if let Some((_, vocabulary)) = claim.likelihood.as_deref().and_then(likelihood_band) {
                let (line, column) = brief.file.position(claim.offset);
                vocabularies.entry(vocabulary).or_insert_with(|| {
                    format!(
                        "`{}` ({}:{line}:{column})",
                        claim.likelihood.as_deref().unwrap_or(""),
                        brief.file.path
                    )
                });
            }
        }
        for fact in &brief.facts {
            if let Some(source) = book
                .sources
                .get(&fact.source.value)
                .filter(|s| withdrawn(s))
            {
                out.push(
                    Diagnostic::warning(
                        Code::WithdrawnSource,
                        format!(
                            "the fact `{} / {}` rests on the {} source `{}`",
                            fact.subject, fact.metric, source.status, source.id
                        ),
                    )
                    .at(&brief.file, fact.offset)
                    .with_help(replacement_help(source)),
                );
            }
        }
    }
    if let (Some(one), Some(two)) = (vocabularies.get(&1), vocabularies.get(&2)) {
        out.push(
            Diagnostic::warning(Code::MixedLikelihood, format!("the book mixes both likelihood vocabularies: {one} and {two}"))
                .in_file("content/")
                .with_help("use one vocabulary throughout: `likely` or `probable`, not both (see the method page)"),
        );
    }
    out
}

/// Weak support: a single source graded E or F, or only ungraded sources.
fn weak(sources: &[&Source]) -> bool {
    let ungraded = sources.iter().all(|s| s.reliability.is_none());
    let single_poor =
        sources.len() == 1 && matches!(sources[0].reliability.as_deref(), Some("E" | "F"));
    !sources.is_empty() && (ungraded || single_poor)
}

fn replacement_help(source: &Source) -> String {
    match &source.superseded_by {
        Some(next) => format!(
            "`{}` replaces it: review the claim or fact against that source",
            next.value
        ),
        None => "review it: find another source, or mark it retracted".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_and_vocabularies() {
        assert_eq!(likelihood_band("likely"), Some(("55–80%", 1)));
        assert_eq!(likelihood_band("probable"), Some(("55–80%", 2)));
        assert_eq!(likelihood_band("remote"), Some(("1–5%", 2)));
        assert_eq!(likelihood_band("certain"), None);
        // Every term the format accepts has a band.
        for term in crate::model::LIKELIHOOD {
            assert!(likelihood_band(term).is_some(), "{term}");
        }
    }
}
