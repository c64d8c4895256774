//! Repeated diagnostics summarised: of one code in one file, the first `SHOWN_PER_CODE` are
//! reported in full and the rest as one "and 7,950 more ..." diagnostic, so a body with
//! thousands of one mistake gives bounded memory and output.

use std::collections::HashMap;

use super::{Code, Diagnostic, SourceFile};

/// How many diagnostics of one code one file reports in full.
pub const SHOWN_PER_CODE: usize = 50;

impl Diagnostic {
    /// Stands for `more` diagnostics of `code` not reported in full; located (by the caller) at
    /// the first of them.
    pub fn summary(code: Code, more: usize) -> Diagnostic {
        let mut d = Diagnostic::new(code.severity(), code, summary_message(code, more));
        d.more = more;
        d
    }

    /// Whether this diagnostic stands for others (see `summary`).
    pub fn is_summary(&self) -> bool {
        self.more > 0
    }

    /// Adds `more` to the diagnostics a summary stands for.
    fn count_more(&mut self, more: usize) {
        self.more += more;
        self.message = summary_message(self.code, self.more);
    }
}

fn summary_message(code: Code, more: usize) -> String {
    let kind = match code.severity() {
        super::Severity::Error => "errors",
        super::Severity::Warning => "warnings",
    };
    format!(
        "and {} more {code} {kind} in this file, from here on",
        group_thousands(more)
    )
}

/// `7950` as `7,950`.
fn group_thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Counts the diagnostics of one file as they are found, so that those beyond the limit are
/// never made (making one costs its position and excerpt).
#[derive(Debug, Default)]
pub struct Limiter {
    counts: HashMap<Code, usize>,
    /// For each code over the limit: the offset of its first omitted diagnostic.
    first_omitted: Vec<(Code, usize)>,
}

impl Limiter {
    /// Counts one diagnostic of `code` at byte `offset`; true if it is to be reported in full.
    pub fn admit(&mut self, code: Code, offset: usize) -> bool {
        let count = self.counts.entry(code).or_default();
        *count += 1;
        if *count == SHOWN_PER_CODE + 1 {
            self.first_omitted.push((code, offset));
        }
        *count <= SHOWN_PER_CODE
    }

    /// One summary for each code that went over the limit, at its first omitted diagnostic.
    pub fn summaries(&self, file: &SourceFile) -> Vec<Diagnostic> {
        self.first_omitted
            .iter()
            .map(|&(code, offset)| {
                Diagnostic::summary(code, self.counts[&code] - SHOWN_PER_CODE).at(file, offset)
            })
            .collect()
    }
}

/// Diagnostics in sorted order with the rule applied across everything they were gathered
/// from: of each code in each file, the first `SHOWN_PER_CODE` in full, then one summary where
/// the first omitted one was, standing for all the others (and for the summaries among them).
pub fn summarise(sorted: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = Vec::with_capacity(sorted.len().min(1024));
    // By (file, code): diagnostics shown in full, and where its summary is in `out`.
    let mut groups: HashMap<(String, Code), (usize, Option<usize>)> = HashMap::new();
    for d in sorted {
        let Some(file) = &d.file else {
            out.push(d);
            continue;
        };
        let (shown, summary) = groups.entry((file.clone(), d.code)).or_default();
        if !d.is_summary() && *shown < SHOWN_PER_CODE {
            *shown += 1;
            out.push(d);
            continue;
        }
        let more = d.more.max(1);
        match *summary {
            Some(at) => out[at].count_more(more),
            None => {
                *summary = Some(out.len());
                let mut first = d;
                first.more = 0;
                first.count_more(more);
                out.push(first);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn warnings(file: &SourceFile, n: usize) -> Vec<Diagnostic> {
        (0..n)
            .map(|i| Diagnostic::warning(Code::UnsafeUrl, format!("link {i}")).at(file, i))
            .collect()
    }

    #[test]
    fn the_first_of_a_code_are_shown_and_the_rest_summarised_in_place() {
        let file = SourceFile::new("content/a.md", "x".repeat(10_000));
        let out = summarise(warnings(&file, 8_000));
        assert_eq!(out.len(), SHOWN_PER_CODE + 1);
        let last = out.last().unwrap();
        assert_eq!(
            last.headline(),
            "content/a.md:1:51: warning[unsafe-url]: and 7,950 more unsafe-url warnings in this file, from here on"
        );
        assert_eq!(last.more, 7_950);
    }

    #[test]
    fn summaries_made_early_merge_with_the_rest() {
        let file = SourceFile::new("content/a.md", "x".repeat(200));
        let mut limiter = Limiter::default();
        let mut found = Vec::new();
        for (i, d) in warnings(&file, 120).into_iter().enumerate() {
            if limiter.admit(d.code, i) {
                found.push(d);
            }
        }
        assert_eq!(found.len(), SHOWN_PER_CODE);
        found.extend(limiter.summaries(&file));
        assert_eq!(found.last().unwrap().more, 70);
        // The same file's diagnostics from another pass count towards the same limit.
        found.extend(warnings(&file, 3));
        found.sort_by_key(|d| d.column);
        let out = summarise(found);
        assert_eq!(out.len(), SHOWN_PER_CODE + 1);
        assert_eq!(out.last().unwrap().more, 73);
        assert_eq!(out.last().unwrap().column, Some(48));
    }

    #[test]
    fn other_codes_and_files_have_limits_of_their_own() {
        let a = SourceFile::new("content/a.md", "x".repeat(100));
        let b = SourceFile::new("content/b.md", "x".repeat(100));
        let mut all = warnings(&a, 60);
        all.extend(warnings(&b, 60));
        all.extend((0..60).map(|i| Diagnostic::error(Code::BrokenLink, "b").at(&a, i)));
        assert_eq!(summarise(all).len(), 3 * (SHOWN_PER_CODE + 1));
        assert_eq!(group_thousands(1_234_567), "1,234,567");
        assert_eq!(group_thousands(999), "999");
    }
}
