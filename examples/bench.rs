//! The benchmark: generates the synthetic book at each size, then times `briefbook build` (into
//! an empty output folder, and again over the output of earlier builds) and `briefbook check`
//! over several runs, printing medians of wall time, CPU time and peak RSS, pages per second,
//! the build's phase times, `briefbook pdf` (the PDF edition) at the `--pdf-sizes`, and the
//! editing loop of `briefbook serve`. Run it with `benches/run.sh`.

#[path = "genbook.rs"]
#[allow(dead_code)]
mod genbook;

#[path = "support/serve.rs"]
mod bench_serve;

#[path = "support/hugo.rs"]
mod hugo;

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
        "the command failed:\n{stderr}"
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
    /// The book shapes timed.
    shapes: Vec<genbook::Shape>,
    /// Hugo, timed on the same briefs in the same runs (alternating); `None` without it.
    hugo: Option<PathBuf>,
    /// The sizes at which `briefbook pdf` is timed too (typesetting costs far more per brief
    /// than a site: 10,000 briefs are some 40,000 pages).
    pdf_sizes: Vec<usize>,
}

fn options() -> Options {
    let mut o = Options {
        binary: PathBuf::from("target/release/briefbook"),
        sizes: vec![1000, 10000],
        runs: 5,
        settle: Duration::from_secs(5),
        work: std::env::temp_dir().join("briefbook-bench"),
        edits: 10,
        shapes: vec![genbook::Shape::OneChapter, genbook::Shape::Spread],
        hugo: Some(PathBuf::from("hugo")),
        pdf_sizes: vec![1000],
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
            "--shapes" => {
                o.shapes = value
                    .split(',')
                    .map(|s| genbook::Shape::parse(s).expect("one-chapter or spread"))
                    .collect()
            }
            "--pdf-sizes" => {
                o.pdf_sizes = value
                    .split(',')
                    .filter(|n| !n.is_empty())
                    .map(|n| n.parse().expect("a number"))
                    .collect()
            }
            "--hugo" => o.hugo = (value != "none").then(|| value.into()),
            other => {
                panic!("unknown flag {other}; flags: --bin --sizes --runs --settle --work --edits --shapes --hugo --pdf-sizes")
            }
        }
    }
    // Without Hugo the figures stand alone, and the report says so.
    if let Some(hugo) = &o.hugo {
        let found = Command::new(hugo)
            .arg("version")
            .output()
            .is_ok_and(|out| out.status.success());
        if !found {
            eprintln!(
                "bench: {} not found: no ratios to Hugo (apt-get install hugo)",
                hugo.display()
            );
            o.hugo = None;
        }
    }
    o
}

fn main() {
    let o = options();
    if let Some(hugo) = &o.hugo {
        let version = Command::new(hugo)
            .arg("version")
            .output()
            .map(|out| out.stdout);
        let version = String::from_utf8_lossy(&version.unwrap_or_default())
            .trim()
            .to_string();
        println!("Peer: {version}\n");
    }
    println!("| briefs | shape | command | wall (s) | CPU (s) | peak RSS (MiB) | pages/s | ÷ Hugo's build |");
    println!("|---:|---|---|---:|---:|---:|---:|---:|");
    let mut phase_tables = Vec::new();
    for &shape in &o.shapes {
        for &n in &o.sizes {
            if let Some(fresh) = time_book(&o, n, shape) {
                phase_tables.push((n, shape, fresh));
            }
        }
    }
    if !phase_tables.is_empty() {
        println!("\nBuild phases, empty output (median ms):\n");
    }
    for (n, shape, builds) in &phase_tables {
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
        println!("- {n} briefs, {}: {}", shape.name(), cells.join(", "));
    }
    if o.runs > 0 {
        print_floor(&o, &o.sizes);
    }
    if let Some(&n) = o.sizes.iter().max() {
        print_edits(&o, n);
    }
}

/// The folder of the benchmark book of `n` briefs in `shape` (`hugo`: its Hugo site).
fn book_dir(o: &Options, n: usize, shape: genbook::Shape, hugo: bool) -> PathBuf {
    let kind = if hugo { "hugo" } else { "book" };
    o.work.join(format!("{kind}-{}-{n}", shape.name()))
}

/// Times one book: builds into empty folders (alternating with Hugo's build of the same
/// briefs, so both meet the same machine), builds over earlier output, and `check`. Returns
/// the empty-output builds, for their phases.
fn time_book(o: &Options, n: usize, shape: genbook::Shape) -> Option<Vec<Sample>> {
    let book = book_dir(o, n, shape, false);
    if !book.join("site.toml").exists() {
        let _ = std::fs::remove_dir_all(&book);
        genbook::write_book(&book, n, shape).expect("write the benchmark book");
    }
    let hugo_site = book_dir(o, n, shape, true);
    if o.hugo.is_some() && !hugo_site.join("config.toml").exists() {
        let _ = std::fs::remove_dir_all(&hugo_site);
        hugo::write_site(&hugo_site, n, shape).expect("write the Hugo site");
    }
    if o.runs == 0 {
        // `--runs 0`: only the editing loop.
        return None;
    }
    let out = o.work.join(format!("site-{}-{n}", shape.name()));
    let build = |out: &Path| {
        measure(
            Command::new(&o.binary)
                .args(["build", "--timings", "--root"])
                .arg(&book)
                .arg("-o")
                .arg(out),
        )
    };
    let hugo_build = |out: &Path| {
        let hugo = o.hugo.as_ref()?;
        Some(measure(
            Command::new(hugo)
                .args(["--quiet", "--source"])
                .arg(&hugo_site)
                .arg("--destination")
                .arg(out),
        ))
    };
    // Into a folder that does not exist yet, each run a new one: deleting a site just before
    // building another would measure ext4 instead, which skips inodes freed in the last
    // minute or more when it allocates new ones (docs/performance.md).
    let empties: Vec<(PathBuf, PathBuf)> = (0..o.runs)
        .map(|run| {
            let ours = o.work.join(format!("empty-{}-{n}-{run}", shape.name()));
            let theirs = o.work.join(format!("hugo-out-{}-{n}-{run}", shape.name()));
            (ours, theirs)
        })
        .collect();
    for (ours, theirs) in &empties {
        remove_site(ours);
        let _ = std::fs::remove_dir_all(theirs);
    }
    std::thread::sleep(o.settle);
    let mut fresh = Vec::new();
    let mut peer = Vec::new();
    for (run, (ours, theirs)) in empties.iter().enumerate() {
        // Who goes first alternates too, so neither always meets a warmer cache.
        if run % 2 == 1 {
            peer.extend(hugo_build(theirs));
        }
        fresh.push(build(ours));
        if run % 2 == 0 {
            peer.extend(hugo_build(theirs));
        }
    }
    // Over the output of earlier builds, as when an editor builds again: the first of these
    // makes the spare, and the runs measured update it in place.
    build(&out);
    std::thread::sleep(o.settle);
    let again: Vec<Sample> = (0..o.runs).map(|_| build(&out)).collect();
    let checks: Vec<Sample> = (0..o.runs)
        .map(|_| measure(Command::new(&o.binary).args(["check", "--root"]).arg(&book)))
        .collect();
    for (ours, theirs) in &empties {
        remove_site(ours);
        let _ = std::fs::remove_dir_all(theirs);
    }
    let hugo_wall = (!peer.is_empty()).then(|| median(peer.iter().map(|s| s.wall).collect()));
    let shape = shape.name();
    report(n, shape, "build (empty output)", &fresh, hugo_wall);
    report(n, shape, "build again", &again, hugo_wall);
    report(n, shape, "check", &checks, hugo_wall);
    if !peer.is_empty() {
        report(n, shape, "Hugo: build (empty output)", &peer, hugo_wall);
    }
    // The PDF edition, once per size (the shape does not change what it typesets much).
    if o.pdf_sizes.contains(&n) && shape == o.shapes[0].name() {
        let pdf = o.work.join(format!("book-{n}.pdf"));
        let pdfs: Vec<Sample> = (0..o.runs)
            .map(|_| {
                let mut command = Command::new(&o.binary);
                command
                    .args(["pdf", "--root"])
                    .arg(&book)
                    .arg("-o")
                    .arg(&pdf);
                measure(&mut command)
            })
            .collect();
        report(n, shape, "pdf", &pdfs, hugo_wall);
    }
    Some(fresh)
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
        let book = book_dir(o, n, genbook::Shape::OneChapter, false);
        if !book.join("site.toml").exists() {
            let _ = std::fs::remove_dir_all(&book);
            genbook::write_book(&book, n, genbook::Shape::OneChapter).expect("write the book");
        }
        let copy = o.work.join(format!("serve-{n}"));
        let _ = std::fs::remove_dir_all(&copy);
        let copied = Command::new("cp")
            .arg("-r")
            .arg(&book)
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

/// One row: medians, and the wall time as a ratio to Hugo's build of the same briefs.
fn report(n: usize, shape: &str, command: &str, samples: &[Sample], hugo_wall: Option<f64>) {
    let wall = median(samples.iter().map(|s| s.wall).collect());
    let cpu = median(samples.iter().map(|s| s.cpu).collect());
    let rss = median(samples.iter().map(|s| s.rss_mib).collect());
    let rate = samples[0]
        .pages
        .map_or(String::new(), |p| format!("{:.0}", p as f64 / wall));
    let ratio = hugo_wall.map_or(String::new(), |h| format!("{:.2}", wall / h));
    println!("| {n} | {shape} | {command} | {wall:.2} | {cpu:.2} | {rss:.0} | {rate} | {ratio} |");
}

/// What the disk alone costs: copying the built site of each size with `cp -r`.
fn print_floor(o: &Options, sizes: &[usize]) {
    println!("\nFile-system floor (`cp -r` of the built site, after settling):\n");
    for &n in sizes {
        let site = o.work.join(format!("site-{}-{n}", o.shapes[0].name()));
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
