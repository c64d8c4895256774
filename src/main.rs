//! The `briefbook` command: parse flags, run, print diagnostics, map the outcome to an exit code.

use std::path::PathBuf;
use std::process::ExitCode;

use briefbook::build::{self, Options, Timings};
use briefbook::diagnostic::{Diagnostic, Diagnostics};
use clap::{Parser, Subcommand, ValueEnum};

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
    },
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
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            root,
            output,
            base_url,
            drafts,
            timings,
        } => {
            let options = Options {
                root: build::root_or_current(root.as_deref()),
                output,
                base_url,
                drafts,
            };
            match build::build(&options) {
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
        Command::Check {
            root,
            format,
            deny_warnings,
            drafts,
        } => {
            let options = Options {
                root: build::root_or_current(root.as_deref()),
                drafts,
                ..Options::default()
            };
            let problems = build::check(&options);
            match format {
                Format::Json => println!("{}", json(&problems)),
                Format::Text => {
                    print_text(&problems);
                    eprintln!("check: {}", summary(&problems));
                }
            }
            exit_code(&problems, deny_warnings)
        }
    }
}

fn print_text(problems: &Diagnostics) {
    for d in problems.clone().sorted() {
        eprint!("{}", d.render());
    }
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
        .any(|d| d.is_error() && matches!(d.code, "io" | "output-dir"));
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
