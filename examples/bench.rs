//! The benchmark: generates the synthetic book at each size, then times `briefbook build` (into
//! an empty output folder, and again over the output of earlier builds) and `briefbook check`
//! over several runs, printing medians of wall time, CPU time and peak RSS, pages per second,
//! the build's phase times, and the editing loop of `briefbook serve`. Run it with
//! `benches/run.sh`.

#[path = "genbook.rs"]
#[allow(dead_code)]
mod genbook;

#[path = "support/serve.rs"]
mod bench_serve;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

struct Sample {
    /// Files the build reported writing (`built N pages`).
    pages: Option<usize>,
    wall: f64,
    cpu: f64,
    rss_mib: f64,
    phases: Vec<(String, f64)>,
}

/// Runs the command once, measuring it with wait4 (CPU time and peak RSS of that child alone).
fn measure(command: &mut Command) -> Sample {
    let start = Instant::now();
    // Reaped below with wait4, which std's Child does not know about.
    #[allow(clippy::zombie_processes)]
    let child = command
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start briefbook");
    let pid = child.id() as libc::pid_t;
    let stderr = child.stderr.expect("stderr");
    let reader = std::thread::spawn(move || std::io::read_to_string(stderr).unwrap_or_default());
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: wait4 on our own child with valid pointers.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed().as_secs_f64();
    assert_eq!(waited, pid, "wait4 failed");
    let stderr = reader.join().unwrap_or_default();
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "briefbook failed:\n{stderr}"
    );
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    let pages = stderr
        .lines()
        .find_map(|l| l.strip_prefix("built ")?.split(' ').next()?.parse().ok());
    Sample {
        pages,
        wall,
        cpu: seconds(usage.ru_utime) + seconds(usage.ru_stime),
        rss_mib: usage.ru_maxrss as f64 / 1024.0,
        phases: phases(&stderr),
    }
}

/// `--timings` lines: `  markdown scan:    174.7 ms`.
fn phases(stderr: &str) -> Vec<(String, f64)> {
    stderr
        .lines()
        .filter_map(|line| {
            let (name, rest) = line.split_once(':')?;
            let ms: f64 = rest.trim().strip_suffix(" ms")?.trim().parse().ok()?;
            Some((name.trim().to_string(), ms))
        })
        .collect()
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

struct Options {
    binary: PathBuf,
    sizes: Vec<usize>,
    runs: usize,
    settle: Duration,
    work: PathBuf,
    /// Edits timed under `serve`, on the largest book.
    edits: usize,
}

fn options() -> Options {
    let mut o = Options {
        binary: PathBuf::from("target/release/briefbook"),
        sizes: vec![1000, 10000],
        runs: 5,
        settle: Duration::from_secs(5),
        work: std::env::temp_dir().join("briefbook-bench"),
        edits: 10,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args
            .next()
            .unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--bin" => o.binary = value.into(),
            "--sizes" => {
                o.sizes = value
                    .split(',')
                    .map(|n| n.parse().expect("a number"))
                    .collect()
            }
            "--runs" => o.runs = value.parse().expect("a number"),
            "--settle" => o.settle = Duration::from_secs_f64(value.parse().expect("seconds")),
            "--work" => o.work = value.into(),
            "--edits" => o.edits = value.parse().expect("a number"),
            other => {
                panic!("unknown flag {other}; flags: --bin --sizes --runs --settle --work --edits")
            }
        }
    }
    o
}

fn main() {
    let o = options();
    println!("| briefs | command | wall (s) | CPU (s) | peak RSS (MiB) | pages/s |");
    println!("|---:|---|---:|---:|---:|---:|");
    let mut phase_tables = Vec::new();
    for &n in &o.sizes {
        let book = o.work.join(format!("book-{n}"));
        if !book.join("site.toml").exists() {
            let _ = std::fs::remove_dir_all(&book);
            genbook::write_book(&book, n).expect("write the benchmark book");
        }
        if o.runs == 0 {
            // `--runs 0`: only the editing loop below.
            continue;
        }
        let out = o.work.join(format!("site-{n}"));
        let build = |out: &Path| {
            measure(
                Command::new(&o.binary)
                    .args(["build", "--timings", "--root"])
                    .arg(&book)
                    .arg("-o")
                    .arg(out),
            )
        };
        // Into a folder that does not exist yet, each run a new one: deleting a site just before
        // building another would measure ext4 instead, which skips inodes freed in the last
        // minute or more when it allocates new ones (docs/performance.md).
        let empties: Vec<PathBuf> = (0..o.runs)
            .map(|run| o.work.join(format!("empty-{n}-{run}")))
            .collect();
        for empty in &empties {
            remove_site(empty);
        }
        std::thread::sleep(o.settle);
        let fresh: Vec<Sample> = empties.iter().map(|empty| build(empty)).collect();
        // Over the output of earlier builds, as when an editor builds again: the first of these
        // makes the spare, and the runs measured update it in place.
        build(&out);
        std::thread::sleep(o.settle);
        let again: Vec<Sample> = (0..o.runs).map(|_| build(&out)).collect();
        let checks: Vec<Sample> = (0..o.runs)
            .map(|_| measure(Command::new(&o.binary).args(["check", "--root"]).arg(&book)))
            .collect();
        for empty in &empties {
            remove_site(empty);
        }
        report(n, "build (empty output)", &fresh);
        report(n, "build again", &again);
        report(n, "check", &checks);
        phase_tables.push((n, fresh));
    }
    if !phase_tables.is_empty() {
        println!("\nBuild phases, empty output (median ms):\n");
    }
    for (n, builds) in &phase_tables {
        let names: Vec<String> = builds[0]
            .phases
            .iter()
            .map(|(name, _)| name.clone())
            .collect();
        let cells: Vec<String> = names
            .iter()
            .map(|name| {
                let ms = median(
                    builds
                        .iter()
                        .filter_map(|b| b.phases.iter().find(|(p, _)| p == name).map(|(_, ms)| *ms))
                        .collect(),
                );
                format!("{name} {ms:.0}")
            })
            .collect();
        println!("- {n} briefs: {}", cells.join(", "));
    }
    if o.runs > 0 {
        print_floor(&o, &o.sizes);
    }
    if let Some(&n) = o.sizes.iter().max() {
        print_edits(&o, n);
    }
}

/// Removes a built site and the spare a later build kept beside it.
fn remove_site(site: &Path) {
    let _ = std::fs::remove_dir_all(site);
    if let (Some(parent), Some(name)) = (site.parent(), site.file_name()) {
        let spare = format!(".{}.briefbook-spare", name.to_string_lossy());
        let _ = std::fs::remove_dir_all(parent.join(spare));
    }
}

/// `serve` on a copy of the largest book: the time from saving an edit to one brief (its body,
/// then its front matter) to holding its reloaded page.
fn print_edits(o: &Options, n: usize) {
    if o.edits == 0 {
        return;
    }
    for (part, what) in [
        (bench_serve::Part::Body, "body"),
        (bench_serve::Part::FrontMatter, "front matter"),
    ] {
        let copy = o.work.join(format!("serve-{n}"));
        let _ = std::fs::remove_dir_all(&copy);
        let copied = Command::new("cp")
            .arg("-r")
            .arg(o.work.join(format!("book-{n}")))
            .arg(&copy)
            .status()
            .is_ok_and(|s| s.success());
        assert!(copied, "cannot copy the book for serve");
        let mut ms = bench_serve::edit_latencies(&o.binary, &copy, o.edits, part);
        let _ = std::fs::remove_dir_all(&copy);
        ms.sort_by(f64::total_cmp);
        println!(
            "\n`serve`, {n} briefs, edits to the {what}: save to reloaded page over {} edits: median {:.0} ms, max {:.0} ms (all: {})",
            ms.len(),
            median(ms.clone()),
            ms.last().copied().unwrap_or_default(),
            ms.iter().map(|m| format!("{m:.0}")).collect::<Vec<_>>().join(", ")
        );
    }
}

fn report(n: usize, command: &str, samples: &[Sample]) {
    let wall = median(samples.iter().map(|s| s.wall).collect());
    let cpu = median(samples.iter().map(|s| s.cpu).collect());
    let rss = median(samples.iter().map(|s| s.rss_mib).collect());
    let rate = samples[0]
        .pages
        .map_or(String::new(), |p| format!("{:.0}", p as f64 / wall));
    println!("| {n} | {command} | {wall:.2} | {cpu:.2} | {rss:.0} | {rate} |");
}

/// What the disk alone costs: copying the built site of each size with `cp -r`.
fn print_floor(o: &Options, sizes: &[usize]) {
    println!("\nFile-system floor (`cp -r` of the built site, after settling):\n");
    for &n in sizes {
        let site = o.work.join(format!("site-{n}"));
        let copy = o.work.join(format!("copy-{n}"));
        let _ = std::fs::remove_dir_all(&copy);
        std::thread::sleep(o.settle);
        let start = Instant::now();
        let ok = Command::new("cp")
            .arg("-r")
            .arg(&site)
            .arg(&copy)
            .status()
            .is_ok_and(|s| s.success());
        let elapsed = start.elapsed().as_secs_f64();
        let _ = std::fs::remove_dir_all(&copy);
        if ok {
            println!("- {n} briefs: {elapsed:.2} s");
        }
    }
}
