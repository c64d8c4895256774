//! `briefbook serve`: builds the book in memory, serves it on loopback, rebuilds on change and
//! reloads open pages; a failed rebuild keeps the last good site and shows the errors over it.

pub mod http;
pub mod memory;
pub mod session;

mod site;
mod watch;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::{header, HeaderValue, Method, StatusCode, Uri};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use notify_debouncer_full::notify::RecursiveMode;
use tokio::sync::watch as channel;
use tokio_stream::wrappers::WatchStream;
use tokio_stream::StreamExt;

use crate::diagnostic::Diagnostics;
use crate::pipeline::Options;
use crate::serve::memory::MemorySite;
use crate::serve::session::Session;
pub use site::{lookup, Lookup, Snapshot};

/// What `serve` was asked for.
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: std::net::IpAddr,
    pub port: u16,
    pub drafts: bool,
    pub open: bool,
}

/// Runs the server until Ctrl-C. Content errors never stop it; only a port that cannot be bound
/// or a book that cannot be watched does.
pub fn run(options: ServeOptions) -> Result<(), String> {
    let runtime =
        tokio::runtime::Runtime::new().map_err(|e| format!("cannot start the server: {e}"))?;
    runtime.block_on(serve(options))
}

async fn serve(options: ServeOptions) -> Result<(), String> {
    let listener = tokio::net::TcpListener::bind(SocketAddr::new(options.bind, options.port))
        .await
        .map_err(|e| format!("cannot listen on {}:{}: {e}", options.bind, options.port))?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    let url = format!("http://{address}/");
    let build_options = Options {
        root: options.root.clone(),
        output: None,
        base_url: Some(url.clone()),
        drafts: options.drafts,
        force: false,
    };
    let (sender, receiver) = channel::channel(Arc::new(Snapshot::default()));
    say(format!(
        "serving {} at {url} (Ctrl-C to stop)",
        options.root.display()
    ));
    let builds = Arc::new(Builds {
        options: build_options,
        sender,
        session: Mutex::new(Session::default()),
        changes: AtomicU64::new(0),
    });
    rebuild(&builds, &mut builds.session(), None);
    if options.open {
        let _ = std::process::Command::new("xdg-open").arg(&url).spawn();
    }
    let _watcher = watch_book(builds)?;
    let app = Router::new()
        .route(site::LIVE_PATH, get(live))
        .fallback(file)
        .with_state(receiver);
    let stop = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    http::serve(listener, app, stop).await
}

/// What the watcher and the builder of complete sites share.
struct Builds {
    options: Options,
    sender: channel::Sender<Arc<Snapshot>>,
    /// The last site that built, the base of the next rebuild, and whether a build failed since.
    session: Mutex<Session>,
    /// How many changes the watcher has taken up; a complete build started at one count
    /// publishes only if it is still the count when it ends.
    changes: AtomicU64,
}

impl Builds {
    fn session(&self) -> std::sync::MutexGuard<'_, Session> {
        // A panic while building leaves the last site as it was: still worth serving.
        self.session
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Builds in memory and publishes the result: a new site, or the old one with the errors.
/// `edited` names the files that changed, when known. Returns whether it built.
fn rebuild(builds: &Builds, session: &mut Session, edited: Option<&[std::path::PathBuf]>) -> bool {
    let start = Instant::now();
    let result = session.rebuild(&builds.options, edited);
    publish(builds, result, start)
}

/// Publishes a build's result and logs it. Returns whether it built.
fn publish(builds: &Builds, result: Result<&MemorySite, Diagnostics>, start: Instant) -> bool {
    let built = result.is_ok();
    let elapsed = start.elapsed().as_millis();
    let showing_errors = builds.sender.borrow().errors.is_some();
    let snapshot = match result {
        Ok(site) if site.partial == Some(0) && !showing_errors => {
            // Saved without a change: nothing to publish, no page to reload.
            say(format!("no change ({elapsed} ms)"));
            return true;
        }
        Ok(site) => {
            let line = match site.partial {
                Some(n) if !site.complete => {
                    format!("updated {n} brief page(s) in {elapsed} ms; building the rest")
                }
                Some(n) => format!(
                    "updated {n} brief page(s) in {elapsed} ms{}",
                    warning_note(&site.warnings)
                ),
                None => format!(
                    "built {} files in {elapsed} ms{}",
                    site.files.len(),
                    warning_note(&site.warnings)
                ),
            };
            say(line);
            Snapshot {
                files: Arc::new(site.files.clone()),
                errors: None,
                compiled: Some((site.compiled.clone(), site.cache.clone())),
                print: Default::default(),
            }
        }
        Err(problems) => {
            let text = problems.render_all();
            let _ = std::io::Write::write_all(&mut std::io::stderr(), text.as_bytes());
            say(format!(
                "build failed in {elapsed} ms with {} error(s); still serving the last good site",
                problems.error_count()
            ));
            let previous = builds.sender.borrow();
            Snapshot {
                files: previous.files.clone(),
                errors: Some(text),
                compiled: previous.compiled.clone(),
                print: Default::default(),
            }
        }
    };
    builds.sender.send_replace(Arc::new(snapshot));
    built
}

/// Builds complete sites after the edits that only a few pages were rendered for, on threads
/// of low priority so that the next edit's pages come first. A build that an edit overtakes is
/// not published: the edit asks for another.
fn build_completely(builds: Arc<Builds>, requests: std::sync::mpsc::Receiver<u64>) {
    let pool = rayon::ThreadPoolBuilder::new()
        .thread_name(|i| format!("briefbook-complete-{i}"))
        .start_handler(|_| lower_this_threads_priority())
        .build();
    while let Ok(mut change) = requests.recv() {
        // Only the latest request matters.
        while let Ok(newer) = requests.try_recv() {
            change = newer;
        }
        if builds.changes.load(Ordering::SeqCst) != change {
            continue;
        }
        let start = Instant::now();
        let build = || session::guarded(|| memory::build(&builds.options));
        let result = match &pool {
            Ok(pool) => pool.install(build),
            Err(_) => build(),
        };
        let mut session = builds.session();
        if builds.changes.load(Ordering::SeqCst) == change {
            let result = session.settle(result);
            publish(&builds, result, start);
        }
    }
}

/// Makes the calling thread yield to others (nice 10). Linux keeps a nice value per thread.
fn lower_this_threads_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority only reads its arguments; who = 0 is the calling thread on Linux.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 10);
    }
}

/// One line of the server's log. A closed terminal or pipe must not stop the server, so write
/// errors are ignored (println! would panic on them).
fn say(line: String) {
    use std::io::Write;
    let _ = writeln!(std::io::stdout(), "{line}");
}

fn warning_note(warnings: &Diagnostics) -> String {
    match warnings.warning_count() {
        0 => String::new(),
        n => format!(" ({n} warning(s): run `briefbook check`)"),
    }
}

/// How long the watcher waits for a burst of file events (an editor's save) to end. Part of
/// every edit's wait for its reload, so short; a save's events arrive within milliseconds.
const DEBOUNCE: Duration = Duration::from_millis(50);

/// Watches the book and rebuilds on every relevant change, on a thread of its own. Edits that
/// leave other pages out of date are followed by a complete build on another thread.
fn watch_book(builds: Arc<Builds>) -> Result<impl Drop, String> {
    let (events, changes) = std::sync::mpsc::channel();
    let mut debouncer = notify_debouncer_full::new_debouncer(DEBOUNCE, None, events)
        .map_err(|e| format!("cannot watch the book: {e}"))?;
    // Watch the canonical path, so that event paths start with the root the filters strip.
    let root = builds
        .options
        .root
        .canonicalize()
        .unwrap_or_else(|_| builds.options.root.clone());
    debouncer
        .watch(&root, RecursiveMode::Recursive)
        .map_err(|e| format!("cannot watch {}: {e}", root.display()))?;
    let (requests, requested) = std::sync::mpsc::channel();
    let completer = builds.clone();
    std::thread::spawn(move || build_completely(completer, requested));
    std::thread::spawn(move || {
        for batch in changes {
            let Ok(batch) = batch else { continue };
            let output = root.join(output_dir_name(&root));
            // Reading files (as every build does) is an event too: only changes count.
            let mut changed: Vec<std::path::PathBuf> = batch
                .iter()
                .filter(|e| !e.event.kind.is_access() && !e.event.kind.is_other())
                .flat_map(|e| e.event.paths.iter())
                .filter(|path| watch::matters(&root, &output, path))
                .cloned()
                .collect();
            changed.sort();
            changed.dedup();
            if changed.is_empty() {
                continue;
            }
            let change = builds.changes.fetch_add(1, Ordering::SeqCst) + 1;
            let mut session = builds.session();
            let built = rebuild(&builds, &mut session, Some(changed.as_slice()));
            // After a failure the errors stand until the next edit, which asks again.
            if built && session.last.as_ref().is_some_and(|site| !site.complete) {
                let _ = requests.send(change);
            }
        }
    });
    Ok(debouncer)
}

/// The configured output folder, so its changes (from a `build` run alongside) are ignored.
fn output_dir_name(root: &std::path::Path) -> String {
    let file = crate::read::load::read_config(root).ok();
    file.and_then(|f| crate::read::config::parse(&f).0)
        .map_or_else(|| "public".to_string(), |c| c.output_dir)
}

type Site = channel::Receiver<Arc<Snapshot>>;

/// Server-sent events: `reload` after every rebuild, good or bad.
async fn live(State(mut site): State<Site>) -> impl IntoResponse {
    // The page was served from the current site: only later rebuilds should reload it.
    // (Without this, a new connection sees the first build as a change and reloads forever.)
    site.borrow_and_update();
    let updates = WatchStream::from_changes(site)
        .map(|_| Ok::<_, std::convert::Infallible>(Event::default().data("reload")));
    // A short keep-alive: writing is how the server learns a page has gone, and a browser
    // allows only six connections to one host, so streams of closed pages must not linger.
    Sse::new(updates).keep_alive(KeepAlive::new().interval(Duration::from_secs(1)))
}

/// GET and HEAD of the site's files; anything else is refused.
async fn file(State(site): State<Site>, method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        let mut response = StatusCode::METHOD_NOT_ALLOWED.into_response();
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    let snapshot = site.borrow().clone();
    if snapshot.files.is_empty() {
        let page = site::errors_page(snapshot.errors.as_deref().unwrap_or("no build yet"));
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            page,
        )
            .into_response();
    }
    if !snapshot.files.contains_key(memory::PRINT)
        && lookup(&print_only(), uri.path()) == Lookup::File(memory::PRINT.into())
    {
        if let Some(page) = print_on_request(&snapshot) {
            return page;
        }
    }
    match lookup(&snapshot.files, uri.path()) {
        Lookup::File(path) => respond(&snapshot, &path, StatusCode::OK),
        Lookup::Redirect(to) => {
            (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, to)]).into_response()
        }
        Lookup::NotFound if snapshot.files.contains_key("404.html") => {
            respond(&snapshot, "404.html", StatusCode::NOT_FOUND)
        }
        Lookup::NotFound => StatusCode::NOT_FOUND.into_response(),
    }
}

fn print_only() -> std::collections::HashMap<String, ()> {
    std::collections::HashMap::from([(memory::PRINT.to_string(), ())])
}

/// After a partial rebuild the print edition is made when first asked for, once per snapshot.
fn print_on_request(snapshot: &Snapshot) -> Option<Response> {
    let compiled = snapshot.compiled.as_ref()?;
    let bytes = tokio::task::block_in_place(|| {
        snapshot.print.get_or_init(|| {
            Arc::new(
                memory::print_edition(&compiled.0, &compiled.1)
                    .unwrap_or_else(|e| site::errors_page(&e.render())),
            )
        })
    });
    let body = site::inject(bytes, snapshot.errors.as_deref());
    Some(
        (
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            body,
        )
            .into_response(),
    )
}

fn respond(snapshot: &Snapshot, path: &str, status: StatusCode) -> Response {
    let bytes = &snapshot.files[path];
    let body = if path.ends_with(".html") {
        site::inject(bytes, snapshot.errors.as_deref())
    } else {
        bytes.to_vec()
    };
    let headers = [
        (header::CONTENT_TYPE, site::content_type(path)),
        (header::CACHE_CONTROL, "no-store"),
    ];
    (status, headers, body).into_response()
}
