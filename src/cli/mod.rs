//! The `briefbook` command: parse flags, run, print diagnostics, map the outcome to an exit code.

pub mod scaffold;

use std::path::PathBuf;
use std::process::ExitCode;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::pipeline::{self, Options, Timings};
use clap::{Parser, Subcommand, ValueEnum};

// mimalloc: about 15 % less CPU than the system allocator on the 10,000-brief benchmark, whose
// rendering makes and drops millions of small template values (docs/performance.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "briefbook",
    version,
    about = "A static-site generator for briefing books"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site; on any error nothing is written and the previous output stays.
    Build {
        /// The book's folder (holding site.toml).
        #[arg(long)]
        root: Option<PathBuf>,
        /// Where to write the site (default: `output_dir` of site.toml).
        #[arg(short = 'o', long = "output-dir")]
        output: Option<PathBuf>,
        /// Publish under this URL instead of `base_url`.
        #[arg(long)]
        base_url: Option<String>,
        /// Include briefs and chapters marked `draft = true`.
        #[arg(long)]
        drafts: bool,
        /// Print the time each phase took.
        #[arg(long)]
        timings: bool,
        /// Also write changes/index.html: what changed since this git revision.
        #[arg(long, value_name = "REV")]
        changes_since: Option<String>,
        /// Take over an output folder that briefbook did not write: what it holds is moved
        /// beside it (.NAME.briefbook-displaced-N), never deleted.
        #[arg(long)]
        force: bool,
        /// Also write the PDF edition, book.pdf, into the site (linked from the cover).
        #[arg(long)]
        pdf: bool,
    },
    /// Write the PDF edition of the book: typeset in-process, archival (PDF/A-2b).
    Pdf {
        #[arg(long)]
        root: Option<PathBuf>,
        /// Where to write it (default: book.pdf in the current folder).
        #[arg(short = 'o', long = "output", default_value = "book.pdf")]
        output: PathBuf,
        #[arg(long)]
        drafts: bool,
        /// Print the time each phase took.
        #[arg(long)]
        timings: bool,
    },
    /// Serve the book on this machine, rebuilding and reloading as files change.
    Serve {
        #[arg(long)]
        root: Option<PathBuf>,
        /// The address to listen on; loopback unless told otherwise.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// The port (0 picks a free one).
        #[arg(long, default_value_t = 1111)]
        port: u16,
        #[arg(long)]
        drafts: bool,
        /// Open the book in the default browser.
        #[arg(long)]
        open: bool,
    },
    /// Write a new brief, `content/<chapter>/<slug>.md`, with its front matter filled in.
    New {
        /// `<chapter>/<slug>`, for example `chips/h20-demand`.
        target: String,
        #[arg(long)]
        title: Option<String>,
        #[arg(long)]
        root: Option<PathBuf>,
    },
    /// Start a new book in DIR (default: the current folder).
    Init {
        dir: Option<PathBuf>,
        /// Also in a folder that is not empty; existing files are still never overwritten.
        #[arg(long)]
        force: bool,
    },
    /// Add the sources of a BibTeX, BibLaTeX (.bib) or CSL-JSON (.json) file to the book.
    Import {
        file: PathBuf,
        /// The sources file to append to, relative to the book.
        #[arg(long, default_value = "content/sources.toml")]
        into: PathBuf,
        #[arg(long)]
        root: Option<PathBuf>,
        /// Update the sources whose id the book has from the file, listing the changes.
        #[arg(long)]
        update: bool,
    },
    /// What changed in the book since REV (a commit, tag or branch), or between REV and REV2.
    Diff {
        rev: String,
        rev2: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        #[arg(long)]
        root: Option<PathBuf>,
    },
    /// A language server for editors, on standard input and output.
    Lsp,
    /// Report every error and warning in the book; writes nothing.
    Check {
        #[arg(long)]
        root: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Exit 1 on warnings too.
        #[arg(long)]
        deny_warnings: bool,
        #[arg(long)]
        drafts: bool,
        /// Also check every external URL over HTTP(S) (sources and links in bodies).
        #[arg(long)]
        links: bool,
        /// With --links: how many hours an earlier result stands (kept in .briefbook-cache/).
        #[arg(long, default_value_t = 24, requires = "links")]
        links_max_age: u64,
        /// With --links: seconds to wait for one answer.
        #[arg(long, default_value_t = 10, requires = "links")]
        link_timeout: u64,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

/// Every problem of the book; with `links`, also its external URLs' (when it compiles). With
/// them, the notes worth knowing that are not problems: the redirects git's renames made.
fn check(
    options: &Options,
    links: Option<&crate::links::LinkOptions>,
) -> (Diagnostics, Vec<String>) {
    let compiled = match pipeline::compile(options) {
        Ok(compiled) => compiled,
        Err(problems) => return (problems, Vec::new()),
    };
    let notes = compiled.moved.iter().map(|m| m.note()).collect();
    let mut problems = compiled.warnings.clone();
    if let Some(links) = links {
        problems.extend(crate::links::check(
            &compiled.book,
            &compiled.files.root,
            links,
        ));
    }
    (problems, notes)
}

/// The build, with the changes page when `--changes-since` names a revision and the PDF
/// edition with `--pdf`.
fn build(
    options: &Options,
    changes_since: Option<&str>,
    pdf: bool,
) -> Result<pipeline::Built, Diagnostics> {
    let mut compiled = pipeline::compile(options)?;
    compiled.pdf = pdf;
    if let Some(rev) = changes_since {
        compiled.changes = Some(crate::git::changes_since(
            &options.root,
            rev,
            &compiled.book,
        )?);
    }
    pipeline::write(compiled)
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            root,
            output,
            base_url,
            drafts,
            timings,
            changes_since,
            force,
            pdf,
        } => {
            let options = Options {
                root: pipeline::root_or_current(root.as_deref()),
                output,
                base_url,
                drafts,
                force,
            };
            let built = build(&options, changes_since.as_deref(), pdf);
            match built {
                Ok(site) => {
                    print_text(&site.warnings);
                    if timings {
                        print_timings(&site.timings);
                    }
                    eprintln!(
                        "built {} pages into {}",
                        site.pages,
                        site.output_dir.display()
                    );
                    ExitCode::SUCCESS
                }
                Err(problems) => {
                    print_text(&problems);
                    eprintln!(
                        "build failed: {}; the previous output is unchanged",
                        summary(&problems)
                    );
                    exit_code(&problems, false)
                }
            }
        }
        Command::Pdf {
            root,
            output,
            drafts,
            timings,
        } => {
            let options = Options {
                root: pipeline::root_or_current(root.as_deref()),
                drafts,
                ..Options::default()
            };
            pdf(&options, &output, timings)
        }
        Command::Serve {
            root,
            bind,
            port,
            drafts,
            open,
        } => {
            let options = crate::serve::ServeOptions {
                root: pipeline::root_or_current(root.as_deref()),
                bind,
                port,
                drafts,
                open,
            };
            match crate::serve::run(options) {
                Ok(()) => ExitCode::SUCCESS,
                Err(message) => {
                    eprintln!("error: {message}");
                    ExitCode::from(2)
                }
            }
        }
        Command::New {
            target,
            title,
            root,
        } => new(
            &pipeline::root_or_current(root.as_deref()),
            &target,
            title.as_deref(),
        ),
        Command::Import {
            file,
            into,
            root,
            update,
        } => import(
            &pipeline::root_or_current(root.as_deref()),
            &file,
            &into,
            update,
        ),
        Command::Diff {
            rev,
            rev2,
            format,
            root,
        } => diff(
            &pipeline::root_or_current(root.as_deref()),
            &rev,
            rev2.as_deref(),
            format,
        ),
        Command::Lsp => crate::lsp::run(),
        Command::Init { dir, force } => init(&dir.unwrap_or_else(|| PathBuf::from(".")), force),
        Command::Check {
            root,
            format,
            deny_warnings,
            drafts,
            links,
            links_max_age,
            link_timeout,
        } => {
            let options = Options {
                root: pipeline::root_or_current(root.as_deref()),
                drafts,
                ..Options::default()
            };
            let links = links.then(|| {
                let defaults = crate::links::LinkOptions::default();
                crate::links::LinkOptions {
                    max_age: std::time::Duration::from_secs(links_max_age * 3600),
                    settings: crate::links::http::Settings {
                        timeout: std::time::Duration::from_secs(link_timeout.max(1)),
                        ..defaults.settings
                    },
                }
            });
            let (problems, notes) = check(&options, links.as_ref());
            match format {
                Format::Json => println!("{}", json(&problems)),
                Format::Text => {
                    print_text(&problems);
                    for note in notes {
                        eprintln!("{note}");
                    }
                    eprintln!("check: {}", summary(&problems));
                }
            }
            exit_code(&problems, deny_warnings)
        }
    }
}

/// `briefbook pdf`: the PDF edition alone. On any error nothing is written; the file is
/// written beside its place and renamed into it, so a reader never sees half a PDF.
fn pdf(options: &Options, output: &std::path::Path, timings: bool) -> ExitCode {
    let compiled = match pipeline::compile(options) {
        Ok(compiled) => compiled,
        Err(problems) => {
            print_text(&problems);
            eprintln!("pdf failed: {}; nothing was written", summary(&problems));
            return exit_code(&problems, false);
        }
    };
    print_text(&compiled.warnings);
    let written = pipeline::pdf(&compiled).and_then(|(bytes, replaced, phases)| {
        if timings {
            print_timings(&phases);
        }
        if replaced > 0 {
            eprintln!(
                "note: {replaced} character(s) no bundled font can show (such as CJK or emoji) are printed as U+FFFD"
            );
        }
        write_file(output, &bytes)
    });
    match written {
        Ok(()) => {
            eprintln!("wrote {}", output.display());
            ExitCode::SUCCESS
        }
        Err(problem) => {
            let problems = Diagnostics::from_iter([problem]);
            print_text(&problems);
            eprintln!("pdf failed; nothing was written");
            exit_code(&problems, false)
        }
    }
}

/// Writes `bytes` to a new file beside `path`, then renames it into place.
fn write_file(path: &std::path::Path, bytes: &[u8]) -> Result<(), Diagnostic> {
    use std::io::Write;
    let io = |e: std::io::Error| {
        Diagnostic::error(
            crate::diagnostic::Code::Io,
            format!("cannot write {}: {e}", path.display()),
        )
    };
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => std::path::Path::new("."),
    };
    let mut file = tempfile::NamedTempFile::new_in(folder).map_err(io)?;
    file.write_all(bytes).map_err(io)?;
    // A temporary file is private (0600); the PDF is a document to share, like the site's files.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let readable = std::fs::Permissions::from_mode(0o644);
        file.as_file().set_permissions(readable).map_err(io)?;
    }
    file.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

fn today() -> String {
    jiff::ZonedDateTime::now().date().to_string()
}

/// `import`: the warnings, located in the file; then what was imported, updated and skipped.
fn import(
    root: &std::path::Path,
    file: &std::path::Path,
    into: &std::path::Path,
    update: bool,
) -> ExitCode {
    match crate::import::import(root, file, into, update) {
        Ok(outcome) => {
            let warnings: Diagnostics = outcome.warnings.iter().cloned().collect();
            print_text(&warnings);
            let mut report = format!(
                "{}: {} into {}\n",
                file.display(),
                outcome.summary(),
                into.display()
            );
            // A whole library's ids are too many to read: the first few, then a count.
            const LISTED: usize = 20;
            if !outcome.imported.is_empty() {
                let shown = outcome.imported.len().min(LISTED);
                let more = match outcome.imported.len() - shown {
                    0 => String::new(),
                    n => format!(" and {n} more"),
                };
                report.push_str(&format!(
                    "  added: {}{more}\n",
                    outcome.imported[..shown].join(", ")
                ));
            }
            for (id, fields) in &outcome.updated {
                report.push_str(&format!("  updated `{id}`: {}\n", fields.join(", ")));
            }
            eprint!("{report}");
            ExitCode::SUCCESS
        }
        Err(problems) => {
            let problems: Diagnostics = problems.into_iter().collect();
            print_text(&problems);
            eprintln!("nothing was written");
            exit_code(&problems, false)
        }
    }
}

fn new(root: &std::path::Path, target: &str, title: Option<&str>) -> ExitCode {
    if !root.join("site.toml").is_file() {
        eprintln!(
            "error: {} has no site.toml; run `briefbook new` inside a book, or pass --root",
            root.display()
        );
        return ExitCode::from(2);
    }
    let files = match crate::cli::scaffold::new_brief(root, target, title, &today()) {
        Ok(files) => files,
        Err(d) => return refuse(d),
    };
    match crate::cli::scaffold::write_new(root, &files) {
        Ok(written) => {
            for path in written {
                eprintln!("created {}", path.display());
            }
            ExitCode::SUCCESS
        }
        Err(d) => refuse(d),
    }
}

fn init(dir: &std::path::Path, force: bool) -> ExitCode {
    let occupied = std::fs::read_dir(dir)
        .map(|mut d| d.next().is_some())
        .unwrap_or(false);
    if occupied && !force {
        eprintln!(
            "error: {} is not empty; pass --force to add a book to it (existing files are kept)",
            dir.display()
        );
        return ExitCode::from(2);
    }
    let (existing, fresh): (Vec<_>, Vec<_>) = crate::cli::scaffold::init_files(&today())
        .into_iter()
        .partition(|f| dir.join(&f.path).exists());
    for f in &existing {
        eprintln!("kept {} (it exists already)", f.path.display());
    }
    match crate::cli::scaffold::write_new(dir, &fresh) {
        Ok(written) => {
            for path in written {
                eprintln!("created {}", path.display());
            }
            eprintln!("next: cd {} && briefbook serve", dir.display());
            ExitCode::SUCCESS
        }
        Err(d) => refuse(d),
    }
}

fn diff(root: &std::path::Path, rev: &str, rev2: Option<&str>, format: Format) -> ExitCode {
    use crate::git;
    let failed = |(problems, content): git::Failure| {
        let problems: Diagnostics = problems.into_iter().collect();
        print_text(&problems);
        ExitCode::from(if content { 1 } else { 2 })
    };
    let old = match git::edition_at(root, rev) {
        Ok(edition) => edition,
        Err(failure) => return failed(failure),
    };
    let (new_book, label, edition2) = match rev2 {
        Some(rev2) => match git::edition_at(root, rev2) {
            Ok(edition) => {
                let label = edition.label.clone();
                (None, label, Some(edition))
            }
            Err(failure) => return failed(failure),
        },
        None => match pipeline::compile(&Options {
            root: root.to_path_buf(),
            ..Options::default()
        }) {
            Ok(compiled) => (Some(compiled), "the work tree".to_string(), None),
            Err(problems) => {
                print_text(&problems);
                eprintln!("the book in the work tree does not build");
                return ExitCode::from(1);
            }
        },
    };
    let new = new_book
        .as_ref()
        .map(|c| &c.book)
        .or(edition2.as_ref().map(|e| &e.compiled.book))
        .expect("one of the two");
    let changes = crate::analyse::changes::compare(&old.compiled.book, new, &old.label, &label);
    match format {
        Format::Text => print!("{}", git::to_text(&changes)),
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&changes).unwrap_or_default()
        ),
    }
    ExitCode::SUCCESS
}

fn refuse(d: Diagnostic) -> ExitCode {
    eprintln!("error: {}", d.message);
    if let Some(help) = &d.help {
        eprintln!("  = help: {help}");
    }
    ExitCode::from(2)
}

fn print_text(problems: &Diagnostics) {
    use std::io::Write;
    // Written at once: stderr is unbuffered.
    let _ = std::io::stderr()
        .lock()
        .write_all(problems.render_all().as_bytes());
}

fn json(problems: &Diagnostics) -> String {
    let list: Vec<Diagnostic> = problems.clone().sorted();
    serde_json::to_string_pretty(&list).unwrap_or_else(|_| "[]".into())
}

fn summary(problems: &Diagnostics) -> String {
    format!(
        "{} error(s), {} warning(s)",
        problems.error_count(),
        problems.warning_count()
    )
}

/// 0 success, 1 content errors (or warnings when denied), 2 I/O and usage errors.
fn exit_code(problems: &Diagnostics, deny_warnings: bool) -> ExitCode {
    let usage = problems
        .iter()
        .any(|d| d.is_error() && d.code.exit_status() == 2);
    if usage {
        ExitCode::from(2)
    } else if problems.has_errors() || (deny_warnings && !problems.is_empty()) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn print_timings(timings: &Timings) {
    let total: f64 = timings.phases.iter().map(|(_, d)| d.as_secs_f64()).sum();
    for (name, duration) in &timings.phases {
        eprintln!("{:>14}: {:8.1} ms", name, duration.as_secs_f64() * 1000.0);
    }
    eprintln!("{:>14}: {:8.1} ms", "total", total * 1000.0);
}
