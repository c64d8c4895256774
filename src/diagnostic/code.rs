//! Diagnostic codes: one table of every code with its severity, its exit status and what it
//! means. `docs/commands.md` lists them all (a test holds it to this table).

use serde::Serialize;

use crate::diagnostic::Severity;

macro_rules! codes {
    ($($variant:ident, $name:literal, $severity:ident, $exit:literal, $what:literal;)*) => {
        /// What kind of problem a diagnostic reports.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $($variant,)*
        }

        impl Code {
            /// Every code, in the order of the table.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The name printed as `error[name]` and written in JSON.
            pub fn name(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)*
                }
            }

            /// How bad a problem of this code is.
            pub fn severity(self) -> Severity {
                match self {
                    $(Code::$variant => Severity::$severity,)*
                }
            }

            /// The exit status an error of this code gives: 1 for a problem in the book's
            /// content, 2 for a usage or I/O problem.
            pub fn exit_status(self) -> u8 {
                match self {
                    $(Code::$variant => $exit,)*
                }
            }

            /// What the code means, in one line.
            pub fn describe(self) -> &'static str {
                match self {
                    $(Code::$variant => $what,)*
                }
            }
        }
    };
}

codes! {
    FrontMatter, "front-matter", Error, 1, "no front matter, an empty file, or an unclosed block";
    Syntax, "syntax", Error, 1, "invalid TOML, YAML or BibTeX";
    Encoding, "encoding", Error, 1, "a file that is not UTF-8";
    UnknownField, "unknown-field", Error, 1, "a key the format does not have (with the nearest known one)";
    MissingField, "missing-field", Error, 1, "a required field is missing";
    InvalidType, "invalid-type", Error, 1, "a value of the wrong kind (a number for a string, a table for a list)";
    InvalidValue, "invalid-value", Error, 1, "a value outside the allowed ones (a status, a likelihood, a highlight theme)";
    InvalidDate, "invalid-date", Error, 1, "a date that is not YYYY, YYYY-MM or YYYY-MM-DD, or does not exist";
    InvalidId, "invalid-id", Error, 1, "an id that is not lowercase letters, digits and hyphens";
    InvalidUrl, "invalid-url", Error, 1, "a URL that is not absolute http(s)";
    InvalidSlug, "invalid-slug", Error, 1, "a slug that makes no usable URL";
    DuplicateId, "duplicate-id", Error, 1, "a claim, fact or heading id used twice in one brief; an imported id the book already has";
    MissingSource, "missing-source", Error, 1, "a claim or fact without the source it must name";
    UnknownSource, "unknown-source", Error, 1, "a citation, claim, fact or `superseded_by` naming no known source";
    InvalidCitation, "invalid-citation", Error, 1, "a citation written wrongly (`[@]`, a bad locator)";
    SourceConflict, "source-conflict", Error, 1, "one source id defined twice, differently";
    DuplicateLabel, "duplicate-label", Error, 1, "one `label` written in two sources";
    BrokenLink, "broken-link", Error, 1, "an `@/` link or `related` path to a missing page";
    BrokenAnchor, "broken-anchor", Error, 1, "an `@/` or relative link, or a `#fragment`, to a missing heading or row anchor";
    MissingFile, "missing-file", Error, 1, "a relative link or image to a file the site does not have";
    MissingChapter, "missing-chapter", Error, 1, "a brief in a folder without an `_index.md`";
    NoChapter, "no-chapter", Error, 1, "a brief at the top of `content/`, outside every chapter";
    UrlCollision, "url-collision", Error, 1, "two pages written to one URL";
    ReservedUrl, "reserved-url", Error, 1, "a chapter folder named like a page the generator writes";
    FileCollision, "file-collision", Error, 1, "a static or co-located file published where the generator or another file writes";
    UnsafeFile, "unsafe-file", Error, 1, "a co-located HTML, SVG, XML or JavaScript file, which browsers run, without `allow_raw_html`";
    RetractedSupport, "retracted-support", Error, 1, "a claim whose every source is retracted, not itself retracted";
    UnknownFact, "unknown-fact", Error, 1, "a `{{ fact(id=\"...\") }}` naming no fact";
    InvalidFactQuote, "invalid-fact-quote", Error, 1, "a fact quote written wrongly";
    Import, "import", Error, 1, "an `import --update` that would give a source the book refuses; nothing is written";
    Template, "template", Error, 1, "a template that does not compile or render";
    Diff, "diff", Error, 1, "an edition that `diff` compares does not build";
    OutputDir, "output-dir", Error, 2, "a refused output folder";
    Io, "io", Error, 2, "a file that cannot be read or written";
    Usage, "usage", Error, 2, "a command used wrongly (a bad path or name given to `new` or `import`)";
    Internal, "internal", Error, 2, "briefbook itself failed (a bug): please report it";
    Git, "git", Error, 2, "git cannot give what `diff` asks for: no repository, an unknown revision";
    GitHistory, "git-history", Warning, 1, "the book's git history cannot be read; dates come from front matter alone";
    UncitedSource, "uncited-source", Warning, 1, "a source nothing cites";
    Stale, "stale", Warning, 1, "a brief older than `stale_after_days` against `reference_date`";
    FactConflict, "fact-conflict", Warning, 1, "two figures for the same subject, measure and date that disagree";
    MissingSummary, "missing-summary", Warning, 1, "a brief without a summary";
    ControlCharacter, "control-character", Warning, 1, "a control character or noncharacter in a body, shown as U+FFFD";
    UnsafeUrl, "unsafe-url", Warning, 1, "a link with a scheme such as `javascript:`, dropped";
    Symlink, "symlink", Warning, 1, "a symbolic link leading outside the book or looping, not followed";
    WithdrawnSource, "withdrawn-source", Warning, 1, "a claim or fact resting on a retracted or superseded source";
    WeakSupport, "weak-support", Warning, 1, "high confidence on a single E or F source, or on ungraded sources only";
    DeadLink, "dead-link", Warning, 1, "with `check --links`: an external URL that does not answer, or answers with an error";
    MovedLink, "moved-link", Warning, 1, "with `check --links`: an external URL that redirects permanently (the help gives the new URL)";
    LinkCache, "link-cache", Warning, 1, "with `check --links`: the results could not be kept in `.briefbook-cache/`";
    LinkCheck, "link-check", Warning, 1, "with `check --links`: the checker could not start (no HTTP client), so no link was checked";
    MixedLikelihood, "mixed-likelihood", Warning, 1, "both ICD 203 likelihood vocabularies in one book";
    ImportSkipped, "import-skipped", Warning, 1, "an entry `import` leaves out, and why: no title, no date, a key used twice, unreadable BibTeX or JSON";
    ImportChanged, "import-changed", Warning, 1, "a value `import` changed or dropped so the book accepts it: a date range's start, `https://` added, an undefined macro";
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_kebab_case() {
        let mut names: Vec<&str> = Code::ALL.iter().map(|c| c.name()).collect();
        assert!(names
            .iter()
            .all(|n| n.chars().all(|c| c.is_ascii_lowercase() || c == '-')));
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Code::ALL.len());
    }

    #[test]
    fn only_errors_change_the_exit_status_to_two() {
        for code in Code::ALL {
            if code.exit_status() == 2 {
                assert_eq!(code.severity(), Severity::Error, "{code}");
            }
        }
        assert_eq!(Code::Io.exit_status(), 2);
        assert_eq!(Code::Syntax.exit_status(), 1);
    }
}
