//! The layout of `src/` holds: folders follow the pipeline and each uses only the folders before
//! it (and the shared root modules), and every module says what it owns in a `//!` line.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The stages in pipeline order; a module may use its own stage and those before it.
/// `diagnostic` and `text` are shared by all; `lib.rs` and `main.rs` only name the others.
const STAGES: &[&str] = &[
    "diagnostic",
    "text",
    "model",
    "read",
    "markdown",
    "analyse",
    "render",
    "data",
    "pdf",
    "output",
    "pipeline",
    "links",
    "git",
    "import",
    "serve",
    "lsp",
    "cli",
];

/// The root modules every stage may use.
const SHARED: &[&str] = &["diagnostic", "text"];

fn source_files() -> Vec<PathBuf> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(&src)
        .into_iter()
        .map(|entry| entry.expect("src/ is readable").into_path())
        .filter(|path| path.extension().is_some_and(|e| e == "rs"))
        .collect();
    files.sort();
    files
}

/// The stage a file belongs to: its folder under `src/`, or its own name at the root.
fn stage_of(path: &Path) -> String {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let relative = path.strip_prefix(&src).expect("under src/");
    let first = relative.components().next().expect("a file name");
    let first = first.as_os_str().to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

/// Every stage a file's code names as `crate::<stage>`.
fn stages_used(text: &str) -> BTreeSet<String> {
    let mut used = BTreeSet::new();
    for (at, _) in text.match_indices("crate::") {
        let preceded_by_word = text[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_');
        if preceded_by_word {
            continue;
        }
        let rest = &text[at + "crate::".len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() {
            used.insert(name);
        }
    }
    used
}

fn rank(stage: &str) -> Option<usize> {
    STAGES.iter().position(|s| *s == stage)
}

#[test]
fn every_stage_uses_only_the_stages_before_it() {
    let mut wrong = Vec::new();
    for path in source_files() {
        let stage = stage_of(&path);
        if stage == "lib" || stage == "main" {
            continue;
        }
        let own = rank(&stage).unwrap_or_else(|| {
            panic!(
                "{} is in no stage: add its folder to STAGES",
                path.display()
            )
        });
        let text = std::fs::read_to_string(&path).expect("a readable source file");
        for used in stages_used(&text) {
            let Some(theirs) = rank(&used) else {
                wrong.push(format!(
                    "{} names crate::{used}, which is no stage",
                    path.display()
                ));
                continue;
            };
            let allowed = theirs <= own || SHARED.contains(&used.as_str());
            if !allowed || (SHARED.contains(&stage.as_str()) && !SHARED.contains(&used.as_str())) {
                wrong.push(format!("{} ({stage}) uses crate::{used}", path.display()));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the pipeline:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn every_stage_is_a_module_of_the_library() {
    let lib = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs"))
        .expect("src/lib.rs");
    let declared: Vec<&str> = lib
        .lines()
        .filter_map(|line| line.strip_prefix("pub mod "))
        .map(|rest| rest.trim_end_matches(';'))
        .collect();
    assert_eq!(
        declared, STAGES,
        "lib.rs declares the stages in pipeline order"
    );
}

#[test]
fn the_rule_catches_a_stage_that_reaches_forward() {
    let used = stages_used("use crate::render::OutputFile;\nlet x = my_crate::serve::y;");
    assert_eq!(used, BTreeSet::from(["render".to_string()]));
    assert!(rank("render") > rank("markdown"));
}

#[test]
fn every_module_opens_with_what_it_owns() {
    let missing: Vec<String> = source_files()
        .into_iter()
        .filter(|path| {
            let text = std::fs::read_to_string(path).expect("a readable source file");
            !text.trim_start().starts_with("//!")
        })
        .map(|path| path.display().to_string())
        .collect();
    assert!(
        missing.is_empty(),
        "modules without a //! line: {missing:?}"
    );
}
