//! Tests of source labels: defaults, fallbacks, letters and a label written twice.

use super::*;
use crate::diagnostic::SourceFile;
use crate::model::date::PartialDate;
use crate::model::Origin;

fn source(id: &str, date: &str) -> Source {
    let origin = Origin {
        file: SourceFile::new("content/sources.toml", format!("\n\n{id}\n")),
        offset: 2,
    };
    Source::new(id, "A title", PartialDate::parse(date).unwrap(), origin)
}

fn by(id: &str, date: &str, authors: &[&str]) -> Source {
    Source {
        authors: authors.iter().map(|a| a.to_string()).collect(),
        ..source(id, date)
    }
}

fn registry(sources: Vec<Source>) -> BTreeMap<String, Source> {
    sources.into_iter().map(|s| (s.id.clone(), s)).collect()
}

#[test]
fn family_names_keep_particles_and_drop_generations() {
    assert_eq!(family_name("Wei Liu"), "Liu");
    assert_eq!(family_name("Liu, Wei"), "Liu");
    assert_eq!(family_name("Arnold van Gennep"), "van Gennep");
    assert_eq!(family_name("van Gennep, Arnold"), "van Gennep");
    assert_eq!(family_name("Juan de la Cruz"), "de la Cruz");
    assert_eq!(family_name("Martin Luther King Jr."), "King");
    assert_eq!(family_name("CNN"), "CNN");
    // Given-first with a suffix after a comma, as the importer writes BibTeX's "Author, Jr., Ann".
    assert_eq!(family_name("Ann A. Author, Jr."), "Author");
    assert_eq!(family_name("Martin Luther King, Jr."), "King");
    // Words bound by no-break spaces are one name: an organisation has no family name to find.
    assert_eq!(
        family_name("Congressional\u{a0}Research\u{a0}Service"),
        "Congressional Research Service"
    );
    assert_eq!(
        family_name("García\u{a0}Márquez, Gabriel"),
        "García Márquez"
    );
    assert_eq!(family_name("  "), "");
}

#[test]
fn defaults_fall_back_from_author_to_publisher_to_title() {
    let liu = by("liu", "2025-03-02", &["Wei Liu", "Ann Smith"]);
    assert_eq!(default_label(&liu), "Liu 2025");
    let cnn = Source {
        publisher: Some("CNN".into()),
        ..source("cnn", "2025-08")
    };
    assert_eq!(default_label(&cnn), "CNN 2025");
    let untitled = Source {
        title: "Rare earths and the magnet trade".into(),
        ..source("x", "2024")
    };
    assert_eq!(default_label(&untitled), "Rare earths 2024");
    let short = Source {
        title: "Outlook: 2030".into(),
        publisher: Some("  ".into()),
        ..source("y", "2023")
    };
    assert_eq!(default_label(&short), "Outlook: 2030 2023");
    let colon = Source {
        title: "Export controls: a primer".into(),
        ..source("z", "2023")
    };
    assert_eq!(default_label(&colon), "Export controls 2023");
}

#[test]
fn equal_defaults_take_letters_by_date_then_id() {
    let (labels, errors) = assign(&registry(vec![
        by("b-late", "2025-09", &["Wei Liu"]),
        by("a-early", "2025-02", &["Liu, Wei"]),
        by("c-same-day", "2025-09", &["Mei Liu"]),
        by("other", "2025", &["Ann Smith"]),
    ]));
    assert!(errors.is_empty());
    assert_eq!(labels.of("a-early"), "Liu 2025a");
    assert_eq!(labels.of("b-late"), "Liu 2025b");
    assert_eq!(labels.of("c-same-day"), "Liu 2025c");
    assert_eq!(labels.of("other"), "Smith 2025");
    assert_eq!(labels.of("unknown"), "unknown");
}

#[test]
fn a_written_label_is_kept_and_defaults_give_way_to_it() {
    let written = Source {
        label: Some("Liu 2025".into()),
        ..by("written", "2025", &["Someone Else"])
    };
    let (labels, errors) = assign(&registry(vec![
        written,
        by("liu", "2025", &["Wei Liu"]),
        Source {
            label: Some("Liu 2025a".into()),
            ..by("also-written", "2025", &["X"])
        },
    ]));
    assert!(errors.is_empty());
    assert_eq!(labels.of("written"), "Liu 2025");
    assert_eq!(labels.of("also-written"), "Liu 2025a");
    assert_eq!(labels.of("liu"), "Liu 2025b", "skips the letters taken");
}

#[test]
fn one_label_written_twice_is_an_error_naming_both_places() {
    let label = |id: &str| Source {
        label: Some("CSIS 2025".into()),
        ..source(id, "2025")
    };
    let (labels, errors) = assign(&registry(vec![label("one"), label("two")]));
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].code, Code::DuplicateLabel);
    assert_eq!(
        errors[0].message,
        "the label `CSIS 2025` of source `two` is the label of source `one` too (content/sources.toml:3:1)"
    );
    assert_eq!(labels.of("two"), "CSIS 2025");
}

#[test]
fn letters_run_past_z() {
    assert_eq!(letter(0), "a");
    assert_eq!(letter(25), "z");
    assert_eq!(letter(26), "aa");
    assert_eq!(letter(27), "ab");
    let many: Vec<Source> = (0..30)
        .map(|i| by(&format!("s{i:02}"), "2025", &["Wei Liu"]))
        .collect();
    let (labels, _) = assign(&registry(many));
    assert_eq!(labels.of("s00"), "Liu 2025a");
    assert_eq!(labels.of("s29"), "Liu 2025ad");
}

#[test]
fn a_blank_written_label_takes_the_default() {
    let blank = Source {
        label: Some("  ".into()),
        ..by("liu", "2025-03", &["Wei Liu"])
    };
    let (labels, errors) = assign(&registry(vec![blank]));
    assert!(errors.is_empty());
    assert_eq!(labels.of("liu"), "Liu 2025");
}
