//! One invalid fixture per error kind, each with its exact location and exit code.

mod common;

use common::*;

/// (case, file to replace, its new text, expected headline prefix, exit code)
const CASES: &[(&str, &str, &str, &str, i32)] = &[
    (
        "unknown TOML field",
        "content/chips/h20.md",
        "+++\ntitle = \"A\"\ndaet = \"2025\"\nsummary = \"s\"\n+++\nx\n",
        "content/chips/h20.md:3:1: error[unknown-field]: unknown field `daet` in a brief's front matter",
        1,
    ),
    (
        "unknown YAML field",
        "content/chips/supply.md",
        "---\ntitle: A\ndate: 2025\nsumary: s\n---\nx\n",
        "content/chips/supply.md:4:1: error[unknown-field]: unknown field `sumary` in a brief's front matter",
        1,
    ),
    (
        "impossible date",
        "content/chips/supply.md",
        "---\ntitle: A\ndate: 2025-02-30\nsummary: s\n---\nx\n",
        "content/chips/supply.md:3:7: error[invalid-date]: 2025-02-30 is not a day of the calendar",
        1,
    ),
    (
        "bad confidence",
        "content/chips/h20.md",
        "+++\ntitle = \"A\"\ndate = \"2025\"\nsummary = \"s\"\n[[claims]]\nid = \"c\"\ntext = \"t\"\nsources = [\"cnn-2025\"]\nconfidence = \"hihg\"\n+++\nx [@ft-2025]\n",
        "content/chips/h20.md:9:14: error[invalid-value]: `hihg` is not a valid confidence",
        1,
    ),
    (
        "bad source id",
        "content/sources.toml",
        "[[source]]\nid = \"CNN 2025\"\ntitle = \"t\"\ndate = \"2025\"\n",
        "content/sources.toml:2:6: error[invalid-id]: `CNN 2025` is not a valid source id",
        1,
    ),
    (
        "non-http source url",
        "content/sources.toml",
        "[[source]]\nid = \"cnn-2025\"\ntitle = \"t\"\ndate = \"2025\"\nurl = \"javascript:alert(1)\"\n",
        "content/sources.toml:5:7: error[invalid-url]: `javascript:alert(1)` is not an http or https URL",
        1,
    ),
    (
        "unknown citation",
        "content/chips/supply.md",
        "---\ntitle: A\ndate: 2025\nsummary: s\n---\n\nText [@cnn-2052] here.\n",
        "content/chips/supply.md:7:6: error[unknown-source]: citation of unknown source `cnn-2052`",
        1,
    ),
    (
        "broken internal link",
        "content/chips/supply.md",
        "---\ntitle: A\ndate: 2025\nsummary: s\n---\nSee [x](@/chips/h2O.md).\n",
        "content/chips/supply.md:6:5: error[broken-link]: link to `@/chips/h2O.md`, which is not a page of this book",
        1,
    ),
    (
        "broken anchor",
        "content/chips/supply.md",
        "---\ntitle: A\ndate: 2025\nsummary: s\n---\nSee [x](@/chips/h20.md#what-happend).\n",
        "content/chips/supply.md:6:5: error[broken-anchor]: `@/chips/h20.md` has no anchor `#what-happend`",
        1,
    ),
    (
        "claim naming an unknown source",
        "content/chips/supply.md",
        "---\ntitle: A\ndate: 2025\nsummary: s\nclaims:\n  - id: c1\n    text: t\n    sources: [ft-2052]\n---\nx\n",
        "content/chips/supply.md:8:15: error[unknown-source]: the claim `c1` names the unknown source `ft-2052`",
        1,
    ),
    (
        "TOML syntax error",
        "content/chips/h20.md",
        "+++\ntitle = \"A\"\ndate = \n+++\nx\n",
        "content/chips/h20.md:3:8: error[syntax]: invalid TOML front matter",
        1,
    ),
    (
        "YAML syntax error",
        "content/chips/supply.md",
        "---\ntitle: A\ntags: [a, b\n---\nx\n",
        "content/chips/supply.md:3:7: error[syntax]: invalid YAML front matter: unclosed bracket",
        1,
    ),
    (
        "no front matter",
        "content/chips/supply.md",
        "# Supply\n\nText.\n",
        "content/chips/supply.md:1:1: error[front-matter]: the file does not start with front matter",
        1,
    ),
    (
        "empty file",
        "content/chips/supply.md",
        "",
        "content/chips/supply.md:1:1: error[front-matter]: the file is empty",
        1,
    ),
    (
        "unclosed front matter",
        "content/chips/supply.md",
        "---\ntitle: A\n",
        "content/chips/supply.md:1:1: error[front-matter]: the front matter opened here is never closed",
        1,
    ),
    (
        "unknown key in site.toml",
        "site.toml",
        "title = \"B\"\nbase_url = \"https://x.org/\"\noutput_dri = \"out\"\n",
        "site.toml:3:1: error[unknown-field]: unknown field `output_dri` in site.toml",
        1,
    ),
    (
        "missing required field",
        "content/chips/supply.md",
        "---\ntitle: A\nsummary: s\n---\nx\n",
        "content/chips/supply.md:2:1: error[missing-field]: a brief's front matter is missing the required field `date`",
        1,
    ),
    (
        "credibility out of range",
        "content/chips/supply.md",
        "---\ntitle: A\ndate: 2025\nsummary: s\nclaims:\n  - id: c1\n    text: t\n    sources: [ft-2025]\n    credibility: 9\n---\nx\n",
        "content/chips/supply.md:9:18: error[invalid-value]: credibility 9 is out of range",
        1,
    ),
];

#[test]
fn each_invalid_fixture_is_reported_at_its_exact_location() {
    for (case, path, text, expected, code) in CASES {
        let mut files = base_book();
        files.insert(path.to_string(), text.to_string());
        let book = write_book(&files);
        for command in ["check", "build"] {
            let run = briefbook(book.path(), &[command]);
            assert_eq!(run.code, *code, "{case} ({command}): {}", run.stderr);
            assert!(
                run.stderr.lines().any(|l| l.starts_with(expected)),
                "{case} ({command}): expected a line starting with\n  {expected}\ngot:\n{}",
                run.stderr
            );
        }
        assert!(
            !book.path().join("public").exists(),
            "{case}: a failed build wrote output"
        );
    }
}

#[test]
fn suggestions_name_what_to_write_instead() {
    let mut files = base_book();
    files.insert(
        "content/chips/supply.md".into(),
        "---\ntitle: A\ndate: 2025\nsumary: s\n---\nSee [@ft-2052].\n".into(),
    );
    let book = write_book(&files);
    let run = briefbook(book.path(), &["check"]);
    assert!(
        run.stderr.contains("  = help: did you mean `summary`?"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("  = help: did you mean `ft-2025`?"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("4 | sumary: s\n  | ^"),
        "{}",
        run.stderr
    );
}

#[test]
fn every_problem_is_reported_in_one_run() {
    let mut files = base_book();
    files.insert(
        "content/chips/supply.md".into(),
        "---\ntitle: A\ndate: 2025-13\nkind: x\n---\n[@nope]\n".into(),
    );
    files.insert(
        "content/chips/h20.md".into(),
        H20.replace("confidence = \"moderate\"", "confidence = \"sure\"")
            .replace("[@ft-2025, p. 2]", "[@ft-2026]"),
    );
    files.insert("content/chips/bad.md".into(), "no front matter".into());
    let book = write_book(&files);
    let run = briefbook(book.path(), &["check", "--format", "json"]);
    assert_eq!(run.code, 1);
    let list: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    let errors: Vec<(String, u64)> = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        errors,
        [
            ("content/chips/bad.md".to_string(), 1),
            ("content/chips/h20.md".to_string(), 12),
            ("content/chips/h20.md".to_string(), 26),
            ("content/chips/supply.md".to_string(), 3),
            ("content/chips/supply.md".to_string(), 4),
        ]
    );
}

#[test]
fn json_diagnostics_have_the_documented_shape() {
    let mut files = base_book();
    files.insert(
        "content/chips/supply.md".into(),
        SUPPLY.replace("summary: Huawei cannot make enough.\n", ""),
    );
    let book = write_book(&files);
    let run = briefbook(book.path(), &["check", "--format", "json"]);
    assert_eq!(run.code, 0, "warnings alone pass");
    let list: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let missing = list
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "missing-summary")
        .expect("missing-summary warning");
    assert_eq!(missing["severity"], "warning");
    assert_eq!(missing["file"], "content/chips/supply.md");
    assert_eq!(missing["line"], 1);
    assert_eq!(missing["column"], 1);
    assert!(missing["message"].is_string());
    let conflict = list
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "fact-conflict")
        .expect("fact conflict warning");
    assert_eq!(conflict["file"], "content/chips/h20.md");
    assert_eq!(
        briefbook(book.path(), &["check", "--deny-warnings"]).code,
        1
    );
}

#[test]
fn non_utf8_files_and_conflicting_sources_are_errors_naming_the_files() {
    let mut files = base_book();
    files.insert(
        "content/chips/supply.md".into(),
        SUPPLY.replace(
            "---\n\n",
            "sources:\n  - id: cnn-2025\n    title: Another title\n    date: 2025\n---\n\n",
        ),
    );
    let book = write_book(&files);
    write(
        book.path(),
        "content/chips/latin1.md",
        b"+++\ntitle = \"caf\xe9\"\n+++\n",
    );
    let run = briefbook(book.path(), &["check"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("content/chips/latin1.md: error[encoding]: the file is not UTF-8 text"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("content/chips/supply.md:13:5: error[source-conflict]: the source `cnn-2025` is defined differently at content/sources.toml:1:1"),
        "{}",
        run.stderr
    );
}

#[test]
fn missing_site_toml_is_an_io_error() {
    let dir = tempfile::tempdir().unwrap();
    let run = briefbook(dir.path(), &["build"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("site.toml: error[io]: cannot read the file"),
        "{}",
        run.stderr
    );
}

#[test]
fn pages_that_land_on_one_url_are_an_error_naming_both() {
    let mut files = base_book();
    files.insert(
        "content/chips/other.md".into(),
        SUPPLY.replace("title: Supply", "title: Other\nslug: supply"),
    );
    assert_url_collision(&files, "content/chips/other.md", "content/chips/supply.md");
}

#[test]
fn thousands_of_one_mistake_on_one_line_give_bounded_output() {
    // One line of 8,000 links with a script scheme (136 KB). Each warning used to copy the
    // whole line, and `check` printed all 8,000 of them.
    let mut files = base_book();
    let line = SUPPLY.lines().count() + 1;
    files.insert(
        "content/chips/supply.md".into(),
        SUPPLY.to_string() + &"[x](javascript:x)".repeat(8_000) + "\n",
    );
    let book = write_book(&files);
    let run = briefbook(book.path(), &["check"]);
    assert_eq!(run.code, 0, "warnings alone pass");
    assert_eq!(run.stderr.matches("warning[unsafe-url]").count(), 51);
    // The 51st link, at column 50 * 17 + 1, stands for itself and the rest.
    let summary = format!("content/chips/supply.md:{line}:851: warning[unsafe-url]: and 7,950 more unsafe-url warnings in this file, from here on");
    assert!(run.stderr.contains(&summary), "{}", run.stderr);
    // The count stays exact: the 8,000 and the base book's two fact conflicts.
    assert!(
        run.stderr.ends_with("0 error(s), 8002 warning(s)\n"),
        "{}",
        run.stderr.lines().last().unwrap_or_default()
    );
    let longest = run
        .stderr
        .lines()
        .filter(|l| l.contains(" | "))
        .map(|l| l.chars().count())
        .max();
    assert!(
        longest <= Some(130),
        "a source line of {longest:?} characters"
    );
    // Within the line: `…`, 40 characters before the caret and 80 after it, `…`.
    let cut = format!("{line} | …");
    let excerpt = run
        .stderr
        .lines()
        .find(|l| l.starts_with(&cut))
        .expect("an excerpt cut at both ends");
    assert!(excerpt.ends_with('…'), "{excerpt}");
    assert_eq!(excerpt[cut.len() - "…".len()..].chars().count(), 122);
    let json = briefbook(book.path(), &["check", "--format", "json"]);
    let list: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let unsafe_urls: Vec<&serde_json::Value> = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "unsafe-url")
        .collect();
    assert_eq!(unsafe_urls.len(), 51);
    assert_eq!(unsafe_urls[50]["more"], 7_950);
}

#[test]
fn control_characters_in_a_source_line_are_shown_not_sent_to_the_terminal() {
    // Sets the window's title, rings the bell and clears the screen, if echoed raw.
    let escapes = "\u{1b}]0;pwned\u{7}\u{1b}[2J";
    let mut files = base_book();
    files.insert(
        "content/chips/supply.md".into(),
        SUPPLY.replace(
            "Back to [the decision](@/chips/h20.md).",
            &format!("Back to [the decision](<@/chips/h2O{escapes}.md>). {escapes}"),
        ),
    );
    let book = write_book(&files);
    for format in ["text", "json"] {
        let run = briefbook(book.path(), &["check", "--format", format]);
        assert_eq!(run.code, 1);
        for raw in ['\u{1b}', '\u{7}'] {
            assert!(
                !run.stderr.contains(raw) && !run.stdout.contains(raw),
                "{format}: {raw:?} reached the terminal"
            );
        }
    }
    let run = briefbook(book.path(), &["check"]);
    let shown = "␛]0;pwned␇␛[2J";
    assert!(
        run.stderr.contains(&format!(
            "error[broken-link]: link to `@/chips/h2O{shown}.md`, which is not a page of this book"
        )),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(&format!(
            "16 | Huawei is short of capacity [@ft-2025]. Back to [the decision](<@/chips/h2O{shown}.md>). {shown}\n   |{}^\n",
            " ".repeat(49)
        )),
        "{}",
        run.stderr
    );
    // And each of them is a warning where it stands: no page holds it as it is.
    assert!(
        run.stderr.contains("content/chips/supply.md:16:76: warning[control-character]: U+001B, a control character, is shown as U+FFFD"),
        "{}",
        run.stderr
    );
}
