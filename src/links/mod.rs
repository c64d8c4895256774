//! `check --links`: every external URL of the book (sources' `url` and `archived_url`, links
//! and images in bodies) checked over HTTP(S). Dead ones and permanent redirects are warnings
//! at the place they are written; results are kept for a while beside the book, except for
//! URLs that did not answer (asked again next time, since a server may be down for an hour). Without
//! `--links`, `check` stays offline.

pub mod cache;
pub mod collect;
pub mod http;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::diagnostic::{Code, Diagnostic};
use crate::links::collect::{Role, Target};
use crate::links::http::Outcome;
use crate::read::book::Book;

/// How links are checked.
#[derive(Clone, Debug)]
pub struct LinkOptions {
    /// How long an earlier result stands before the URL is asked again.
    pub max_age: Duration,
    pub settings: http::Settings,
}

impl Default for LinkOptions {
    fn default() -> Self {
        LinkOptions {
            max_age: Duration::from_secs(24 * 60 * 60),
            settings: http::Settings {
                timeout: Duration::from_secs(10),
                per_host: 2,
                at_once: 16,
            },
        }
    }
}

/// Checks every external URL of `book` (whose root is `root`, where the cache is kept) and
/// returns a warning for each dead or permanently moved one, at each place it is written.
pub fn check(book: &Book, root: &Path, options: &LinkOptions) -> Vec<Diagnostic> {
    check_with(book, root, options, |urls| {
        http::check_all(urls, &options.settings)
    })
}

/// [`check`] with the URLs not found fresh in the cache asked by `ask` (over HTTP in `check`;
/// tests stand in for the network, or for a checker that cannot start).
pub fn check_with(
    book: &Book,
    root: &Path,
    options: &LinkOptions,
    ask: impl FnOnce(Vec<String>) -> Result<BTreeMap<String, Outcome>, String>,
) -> Vec<Diagnostic> {
    let targets = collect::targets(book);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let max_age = options.max_age.as_secs();
    let mut cache = cache::Cache::load(root);
    let stale: BTreeSet<String> = targets
        .iter()
        .filter(|t| cache.fresh(&t.url, max_age, now).is_none())
        .map(|t| t.url.clone())
        .collect();
    let mut out: Vec<Diagnostic> = Vec::new();
    let (checked, asked) = match ask(stale.into_iter().collect()) {
        Ok(checked) => (checked, true),
        Err(why) => {
            out.push(not_checked(&why));
            (BTreeMap::new(), false)
        }
    };
    if asked {
        for (url, outcome) in &checked {
            if outcome.lasts() {
                cache.store(url.clone(), outcome.clone(), now);
            }
        }
        // Nothing new to keep when nothing was asked: the cache file is left as it was.
        if let Err(why) = cache.save(root) {
            let warning =
                Diagnostic::warning(Code::LinkCache, format!("cannot keep the results: {why}"))
                    .with_help("every link is checked again next time");
            out.push(warning);
        }
    }
    // What was asked now was just stored, so any age stands for it; when nothing could be
    // asked, only what the cache holds as fresh (by `--links-max-age`) is reported.
    let oldest = if asked { u64::MAX } else { max_age };
    for target in &targets {
        let outcome = checked
            .get(&target.url)
            .or_else(|| cache.fresh(&target.url, oldest, now));
        out.extend(outcome.and_then(|outcome| warning(target, outcome)));
    }
    out
}

/// One warning when the checker itself could not start: no link was asked, so none is reported
/// as dead but for what the cache holds as fresh from earlier runs.
fn not_checked(why: &str) -> Diagnostic {
    Diagnostic::warning(Code::LinkCheck, format!("no link was checked: {why}"))
        .with_help("this is a fault of this machine (threads, TLS certificates), not of the book's links; fix it and run `check --links` again")
}

/// The warning a link's outcome deserves, at the place it is written.
fn warning(target: &Target, outcome: &Outcome) -> Option<Diagnostic> {
    let url = &target.url;
    let diagnostic = match (outcome, &target.role) {
        (Outcome::Alive, _) => return None,
        (Outcome::Unanswered { why }, _) => Diagnostic::warning(
            Code::DeadLink,
            format!("`{url}` did not answer, twice: {why}"),
        )
        .with_help("it may be down for a while: the next `check --links` asks again; if it stays so, correct the link or point at an archived copy"),
        (Outcome::Moved { to }, _) => {
            Diagnostic::warning(Code::MovedLink, format!("`{url}` has moved permanently to `{to}`"))
                .with_help(format!("write `{to}` instead"))
        }
        (Outcome::Dead { why }, Role::SourceUrl(id)) => {
            Diagnostic::warning(Code::DeadLink, format!("the URL of source `{id}` is dead: {why}"))
                .with_help("set `archived_url` to an archived copy (web.archive.org, archive.today), or correct `url`")
        }
        (Outcome::Dead { why }, Role::ArchivedUrl(id)) => Diagnostic::warning(
            Code::DeadLink,
            format!("the archived URL of source `{id}` is dead: {why}"),
        )
        .with_help("point `archived_url` at a copy that answers"),
        (Outcome::Dead { why }, Role::BodyLink) => {
            Diagnostic::warning(Code::DeadLink, format!("the link to `{url}` is dead: {why}"))
                .with_help("correct the link, link an archived copy, or remove it")
        }
    };
    Some(diagnostic.at(&target.file, target.offset))
}
