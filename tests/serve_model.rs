//! A model of the editing loop: random sequences of edits (to bodies and front matter, breaking
//! edits, exact reverts, briefs added and removed) go through the server's own session, as its
//! watcher hands them over. After each settles, the site served equals a fresh build of the
//! files on disk, file for file, and the errors shown are exactly `check`'s.

mod common;

use std::path::{Path, PathBuf};

use briefbook::pipeline::{self, Options};
use briefbook::serve::memory::{self, PRINT};
use briefbook::serve::session::Session;
use common::*;
use proptest::prelude::*;

/// The briefs the edits may touch, with their text in the base book.
const BRIEFS: &[(&str, &str)] = &[
    ("content/chips/h20.md", H20),
    ("content/chips/supply.md", SUPPLY),
];
const ADDED: &str = "content/chips/added.md";

#[derive(Clone, Debug)]
enum Edit {
    /// A sentence added to a brief's body.
    Body(usize, u8),
    /// A brief's title changed.
    Title(usize, u8),
    /// A brief given a date that does not exist.
    Break(usize),
    /// A brief put back exactly as it was.
    Revert(usize),
    /// A new brief.
    Add,
    /// The new brief removed.
    Remove,
}

fn edits() -> impl Strategy<Value = Edit> {
    let brief = 0..BRIEFS.len();
    prop_oneof![
        (brief.clone(), any::<u8>()).prop_map(|(b, n)| Edit::Body(b, n)),
        (brief.clone(), any::<u8>()).prop_map(|(b, n)| Edit::Title(b, n)),
        brief.clone().prop_map(Edit::Break),
        brief.prop_map(Edit::Revert),
        Just(Edit::Add),
        Just(Edit::Remove),
    ]
}

/// Applies an edit to the files; returns the path it touched.
fn apply(root: &Path, edit: &Edit) -> PathBuf {
    let current = |path: &str| std::fs::read_to_string(root.join(path)).unwrap_or_default();
    let (path, text) = match *edit {
        Edit::Body(b, n) => {
            let (path, _) = BRIEFS[b];
            (path, format!("{}\nSentence {n}.\n", current(path)))
        }
        Edit::Title(b, n) => {
            let (path, original) = BRIEFS[b];
            let title = if b == 0 { "title = \"The H20 decision\"" } else { "title: Supply" };
            let retitled = if b == 0 {
                format!("title = \"Title {n}\"")
            } else {
                format!("title: Title {n}")
            };
            (path, original.replace(title, &retitled))
        }
        Edit::Break(b) => {
            let (path, original) = BRIEFS[b];
            let broken = if b == 0 {
                original.replace("date = \"2025-08-17\"", "date = \"2025-13-45\"")
            } else {
                original.replace("date: 2025-08", "date: 2025-13")
            };
            (path, broken)
        }
        Edit::Revert(b) => (BRIEFS[b].0, BRIEFS[b].1.to_string()),
        Edit::Add => (ADDED, "+++\ntitle = \"Added\"\ndate = \"2025-09-01\"\nsummary = \"New.\"\n+++\n\nNew [@ft-2025].\n".to_string()),
        Edit::Remove => {
            let _ = std::fs::remove_file(root.join(ADDED));
            return root.join(ADDED);
        }
    };
    write(root, path, text.as_bytes());
    root.join(path)
}

fn options(root: &Path) -> Options {
    Options {
        root: root.to_path_buf(),
        base_url: Some("http://127.0.0.1:9/".into()),
        ..Options::default()
    }
}

/// What the server does with one batch of changes: a rebuild from the last site, and when that
/// left pages out of date, the complete build that follows.
fn serve_one(session: &mut Session, options: &Options, changed: &Path) -> Result<(), String> {
    let edited = [changed.to_path_buf()];
    let complete = match session.rebuild(options, Some(&edited)) {
        Ok(site) => site.complete,
        Err(problems) => return Err(problems.render_all()),
    };
    if !complete {
        session
            .settle(memory::build(options))
            .map_err(|problems| problems.render_all())?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn what_is_served_is_what_is_on_disk(steps in prop::collection::vec(edits(), 1..7)) {
        let book = write_book(&base_book());
        let root = book.path().canonicalize().unwrap();
        let options = options(&root);
        let mut session = Session::default();
        session.rebuild(&options, None).expect("the base book builds");
        for edit in &steps {
            let changed = apply(&root, edit);
            let served = serve_one(&mut session, &options, &changed);
            match memory::build(&options) {
                Ok(fresh) => {
                    prop_assert!(served.is_ok(), "after {edit:?}: shows errors {served:?}");
                    let site = session.last.as_ref().unwrap();
                    let mut paths: Vec<&String> = fresh.files.keys().filter(|p| *p != PRINT).collect();
                    paths.sort();
                    let mut shown: Vec<&String> = site.files.keys().filter(|p| *p != PRINT).collect();
                    shown.sort();
                    prop_assert_eq!(&shown, &paths, "after {:?}", edit);
                    for path in paths {
                        prop_assert!(site.files[path] == fresh.files[path], "after {:?}: {} differs", edit, path);
                    }
                }
                Err(_) => {
                    let check = pipeline::check(&options).render_all();
                    prop_assert_eq!(served.err(), Some(check), "after {:?}", edit);
                    prop_assert!(session.failed());
                }
            }
        }
    }
}
