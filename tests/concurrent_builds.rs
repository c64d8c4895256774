//! One build at a time: a build that finds another writing the same output folder waits for it
//! (and says so), so that what ends up published is always one whole site. Builds are caught at
//! chosen moments by watching their staging folder and stopped there (SIGSTOP) while a second
//! build starts; nothing depends on how fast the machine is.
#![cfg(unix)]

mod common;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;

const BRIEFS: usize = 2000;
const DEADLINE: Duration = Duration::from_secs(60);

/// The base book plus `n` briefs, with a cover title naming the edition.
fn edition(n: usize, edition: &str) -> BTreeMap<String, String> {
    let mut files = base_book();
    files.insert(
        "content/_index.md".into(),
        COVER.replace("Test book", edition),
    );
    for i in 0..n {
        files.insert(
            format!("content/chips/extra-{i:04}.md"),
            format!("+++\ntitle = \"Extra {i} ({edition})\"\ndate = \"2025-08\"\nsummary = \"s\"\n+++\n\n## Part {i}\n\nText [@cnn-2025].\n"),
        );
    }
    files
}

fn reference_site(files: &BTreeMap<String, String>) -> BTreeMap<String, Vec<u8>> {
    let book = write_book(files);
    let run = briefbook(book.path(), &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    snapshot(&book.path().join("public"))
}

/// A build running in the background, its standard error collected; killed if dropped.
struct Build {
    child: Child,
    stderr: Arc<Mutex<String>>,
}

impl Build {
    fn start(root: &Path, out: &Path) -> Build {
        let mut child = Command::new(env!("CARGO_BIN_EXE_briefbook"))
            .args(["build", "--root"])
            .arg(root)
            .arg("-o")
            .arg(out)
            .stderr(Stdio::piped())
            .spawn()
            .expect("start a build");
        let mut pipe = child.stderr.take().unwrap();
        let stderr = Arc::new(Mutex::new(String::new()));
        let kept = stderr.clone();
        std::thread::spawn(move || {
            let mut buffer = [0; 4096];
            while let Ok(n @ 1..) = pipe.read(&mut buffer) {
                kept.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buffer[..n]));
            }
        });
        Build { child, stderr }
    }

    fn running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    fn signal(&self, signal: i32) {
        // SAFETY: a signal to our own child, which has not been waited for yet.
        unsafe { libc::kill(self.child.id() as i32, signal) };
    }

    /// Waits for the build to end; its exit code and what it printed.
    fn finish(mut self) -> (i32, String) {
        let code = self.child.wait().unwrap().code().unwrap_or(-1);
        // The reader thread ends with the pipe; give it the deadline to catch up.
        let start = Instant::now();
        while Arc::strong_count(&self.stderr) > 1 && start.elapsed() < DEADLINE {
            std::thread::sleep(Duration::from_millis(5));
        }
        let text = self.stderr.lock().unwrap().clone();
        (code, text)
    }
}

impl Drop for Build {
    fn drop(&mut self) {
        self.signal(libc::SIGCONT);
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Polls `test` until it holds or `build` ends; whether it held while the build ran.
fn caught(build: &mut Build, test: impl Fn() -> bool) -> bool {
    let start = Instant::now();
    loop {
        if test() {
            return build.running();
        }
        if !build.running() {
            return false;
        }
        assert!(
            start.elapsed() < DEADLINE,
            "the build neither ran on nor ended"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// The staging folders beside `out`.
fn staging(out: &Path) -> Vec<PathBuf> {
    let parent = out.parent().unwrap();
    std::fs::read_dir(parent)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| {
                    e.file_name()
                        .to_string_lossy()
                        .contains("briefbook-staging")
                })
                .map(|e| e.path())
                .collect()
        })
        .unwrap_or_default()
}

/// How many briefs' folders a staging folder holds.
fn briefs_written(out: &Path) -> usize {
    staging(out)
        .first()
        .and_then(|dir| std::fs::read_dir(dir.join("chips")).ok())
        .map_or(0, |entries| entries.count())
}

/// What builds left beside `out` that they should not keep.
fn leftovers(out: &Path) -> Vec<String> {
    std::fs::read_dir(out.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| {
            n.contains("briefbook-")
                && !n.ends_with("briefbook-spare")
                && !n.ends_with("fingerprints")
        })
        .collect()
}

/// Where in the first build the second one starts.
#[derive(Clone, Copy, Debug)]
enum Moment {
    /// Both at once.
    Together,
    /// The first has just made its staging folder (an empty one).
    Staging,
    /// The first has written half the briefs into an empty staging folder.
    HalfWritten,
    /// The first has just claimed its spare as its staging folder.
    SpareClaimed,
    /// The first has swapped its site in and is keeping the old one as its spare.
    Swapped,
}

/// Starts the build of `a`, catches it at `moment` and stops it there, starts the build of `b`
/// and waits until it says it is waiting (or ends), then lets both run to their end. `None`
/// when the first build ended before the moment came.
fn overlap(moment: Moment, a: &Path, b: &Path, out: &Path) -> Option<[(i32, String); 2]> {
    let mut first = Build::start(a, out);
    let held = match moment {
        Moment::Together => true,
        Moment::Staging | Moment::SpareClaimed => caught(&mut first, || !staging(out).is_empty()),
        Moment::HalfWritten => caught(&mut first, || briefs_written(out) >= BRIEFS / 2),
        Moment::Swapped => {
            // Right after the swap the first build may well end before it can be stopped:
            // the second then simply comes after it.
            let began = caught(&mut first, || !staging(out).is_empty());
            if began {
                caught(&mut first, || staging(out).is_empty());
            }
            began
        }
    };
    if !held {
        let _ = first.finish();
        return None;
    }
    let stopped = !matches!(moment, Moment::Together);
    if stopped {
        first.signal(libc::SIGSTOP);
    }
    let mut second = Build::start(b, out);
    if stopped {
        let start = Instant::now();
        while second.running() && !second.stderr.lock().unwrap().contains("waiting") {
            assert!(
                start.elapsed() < DEADLINE,
                "the second build neither waited nor ended"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        first.signal(libc::SIGCONT);
    }
    Some([first.finish(), second.finish()])
}

/// Builds `book` alone into a folder of its own and returns the site.
fn built_alone(book: &Path) -> BTreeMap<String, Vec<u8>> {
    let alone = tempfile::tempdir().unwrap();
    let out = alone.path().join("site");
    let run = briefbook(book, &["build", "-o", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    snapshot(&out)
}

#[test]
fn overlapping_builds_always_publish_one_whole_site() {
    let books = [
        write_book(&edition(BRIEFS, "First edition")),
        write_book(&edition(BRIEFS, "Second edition")),
    ];
    let sites = [built_alone(books[0].path()), built_alone(books[1].path())];
    let shared = tempfile::tempdir().unwrap();
    let out = shared.path().join("public");
    // Those with a spare to claim first; each leaves the spare for the next.
    let moments = [
        Moment::SpareClaimed,
        Moment::Swapped,
        Moment::Together,
        Moment::Staging,
        Moment::HalfWritten,
    ];
    for moment in moments {
        let fresh = matches!(moment, Moment::Staging | Moment::HalfWritten);
        let mut attempts = 0;
        let results = loop {
            if fresh {
                // An empty staging folder: nothing beside the output to claim.
                for entry in std::fs::read_dir(shared.path()).unwrap() {
                    let path = entry.unwrap().path();
                    std::fs::remove_dir_all(&path)
                        .or_else(|_| std::fs::remove_file(&path))
                        .unwrap();
                }
            }
            while !fresh && !shared.path().join(".public.briefbook-spare").is_dir() {
                let run = briefbook(books[1].path(), &["build", "-o", out.to_str().unwrap()]);
                assert_eq!(run.code, 0, "{}", run.stderr);
            }
            if let Some(results) = overlap(moment, books[0].path(), books[1].path(), &out) {
                break results;
            }
            attempts += 1;
            assert!(
                attempts < 5,
                "{moment:?}: the first build always ended before it"
            );
        };
        for (code, stderr) in &results {
            assert_eq!(*code, 0, "{moment:?}: {stderr}");
        }
        let site = snapshot(&out);
        if matches!(moment, Moment::Together) {
            assert!(
                site == sites[0] || site == sites[1],
                "{moment:?}: the output is not one whole site ({} files)",
                site.len()
            );
        } else {
            // The second build waited for the first and published last.
            assert!(
                site == sites[1],
                "{moment:?}: the output is not the second build's site ({} files)",
                site.len()
            );
        }
        assert!(
            leftovers(&out).is_empty(),
            "{moment:?}: {:?}",
            leftovers(&out)
        );
    }
}

#[test]
fn a_build_waits_while_another_holds_the_output_and_says_so() {
    let book = write_book(&edition(3, "First edition"));
    let root = book.path();
    assert_eq!(briefbook(root, &["build"]).code, 0);
    let before = snapshot(&root.join("public"));
    let second = edition(3, "Second edition");
    for (path, text) in &second {
        write(root, path, text.as_bytes());
    }
    // Hold the lock as a build does.
    let lock = std::fs::File::create(root.join(".public.briefbook-lock")).unwrap();
    // SAFETY: flock on a file descriptor we own.
    assert_eq!(
        unsafe { libc::flock(std::os::fd::AsRawFd::as_raw_fd(&lock), libc::LOCK_EX) },
        0
    );
    let mut build = Build::start(root, &root.join("public"));
    let start = Instant::now();
    let said = |text: &str| {
        text.split_once("waiting")
            .is_some_and(|(_, rest)| rest.contains('\n'))
    };
    while !said(&build.stderr.lock().unwrap()) {
        assert!(
            build.running(),
            "the build did not wait for the lock: {}",
            build.stderr.lock().unwrap()
        );
        assert!(start.elapsed() < DEADLINE, "the build said nothing");
        std::thread::sleep(Duration::from_millis(5));
    }
    let message = build.stderr.lock().unwrap().clone();
    assert!(message.contains("public"), "names the output: {message}");
    // While it waits, nothing is touched.
    assert!(staging(&root.join("public")).is_empty());
    assert!(snapshot(&root.join("public")) == before);
    drop(lock);
    let (code, stderr) = build.finish();
    assert_eq!(code, 0, "{stderr}");
    assert!(snapshot(&root.join("public")) == reference_site(&second));
    assert!(
        leftovers(&root.join("public")).is_empty(),
        "{:?}",
        leftovers(&root.join("public"))
    );
}
