//! Kinds of source from BibTeX entry types and CSL types, mapped so that both importers and
//! the export (`data::csl::KINDS`) agree: an exported kind is imported as the same kind.

/// The kind of a BibTeX/BibLaTeX entry; `newspaper` or `magazine` in `entrysubtype` refine
/// `@article`, and a `@misc` with a URL is a web page.
pub fn from_bibtex(entry_type: &str, subtype: Option<&str>, has_url: bool) -> &'static str {
    match entry_type {
        "article" if subtype.is_some_and(|s| s.eq_ignore_ascii_case("newspaper")) => "news",
        "article" | "inproceedings" | "conference" | "periodical" => "article",
        "book" | "mvbook" | "booklet" | "proceedings" | "mvproceedings" | "collection"
        | "mvcollection" | "reference" | "mvreference" => "book",
        "inbook" | "incollection" | "bookinbook" | "suppbook" | "suppcollection"
        | "inreference" => "chapter",
        "online" | "www" | "electronic" | "webpage" => "webpage",
        "report" | "techreport" | "thesis" | "phdthesis" | "mastersthesis" => "report",
        "dataset" | "data" => "dataset",
        "interview" => "interview",
        "legislation" | "jurisdiction" | "legal" | "patent" | "standard" => "filing",
        "misc" if has_url => "webpage",
        _ => "other",
    }
}

/// The kind of a CSL item type.
pub fn from_csl(csl_type: &str) -> &'static str {
    match csl_type {
        "article-newspaper" => "news",
        "article-journal" | "article-magazine" | "article" | "paper-conference" | "periodical" => {
            "article"
        }
        "book" | "classic" | "collection" => "book",
        "chapter" | "entry" | "entry-dictionary" | "entry-encyclopedia" => "chapter",
        "webpage" | "post" | "post-weblog" => "webpage",
        "report" | "thesis" => "report",
        "dataset" => "dataset",
        "speech" => "statement",
        "interview" => "interview",
        "legal_case" | "legislation" | "bill" | "regulation" | "treaty" | "patent" | "hearing"
        | "standard" => "filing",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::csl::KINDS;
    use crate::model::SOURCE_KINDS;

    #[test]
    fn every_exported_kind_comes_back_the_same() {
        for kind in SOURCE_KINDS {
            let (_, csl) = KINDS
                .iter()
                .find(|(k, _)| k == kind)
                .expect("every kind is exported");
            assert_eq!(from_csl(csl), *kind, "{kind} → {csl}");
        }
    }

    #[test]
    fn bibtex_and_csl_agree() {
        for (bib, csl) in [
            ("article", "article-journal"),
            ("book", "book"),
            ("incollection", "chapter"),
            ("online", "webpage"),
            ("techreport", "report"),
            ("dataset", "dataset"),
        ] {
            assert_eq!(from_bibtex(bib, None, false), from_csl(csl));
        }
        assert_eq!(from_bibtex("article", Some("newspaper"), false), "news");
        assert_eq!(from_bibtex("misc", None, true), "webpage");
        assert_eq!(from_bibtex("misc", None, false), "other");
    }
}
