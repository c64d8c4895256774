//! The protocol loop: the handshake, then each request answered (a panic in a handler becomes an
//! error response, never the end of the session) and each notification applied; edits go to the
//! compile thread, which publishes diagnostics.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender};

use lsp_server::{ErrorCode, Message, Notification, Request, Response};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionProviderCapability, CompletionOptions,
    FileChangeType, HoverProviderCapability, OneOf, RenameOptions, SaveOptions, ServerCapabilities,
    ServerInfo, TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::lsp::compile::{self, Job};
use crate::lsp::transport::{Client, Incoming};
use crate::lsp::workspace::Workspace;
use crate::lsp::{actions, completion, hover, navigation, rename, uri};

/// A failed request: the JSON-RPC error to answer.
pub struct Failure {
    code: i32,
    message: String,
}

impl Failure {
    fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Failure {
            code: code as i32,
            message: message.into(),
        }
    }
}

pub struct Server {
    client: Client,
    workspace: Workspace,
    jobs: Sender<Job>,
    shut_down: bool,
    /// Whether the editor lets the server ask it to watch the book's files.
    can_watch: bool,
}

/// Runs the session until `exit` or the end of the input; whether it ended as the protocol
/// asks (a `shutdown` before the `exit`).
pub fn serve(incoming: &Receiver<Incoming>, client: Client) -> bool {
    let workspace = Workspace::default();
    let jobs = compile::start(client.clone(), workspace.snapshots.clone());
    let mut server = Server {
        client,
        workspace,
        jobs,
        shut_down: false,
        can_watch: false,
    };
    if !server.handshake(incoming) {
        return false;
    }
    for message in incoming {
        match message {
            Incoming::Malformed { id, code, message } => {
                server.client.error_to(id, code, &message);
            }
            Incoming::Message(Message::Request(request)) => server.request(request),
            Incoming::Message(Message::Notification(n)) if n.method == "exit" => {
                return server.shut_down;
            }
            Incoming::Message(Message::Notification(n)) => server.notification(n),
            Incoming::Message(Message::Response(_)) => {}
        }
    }
    false
}

impl Server {
    /// Waits for `initialize` and answers it; anything else before it gets an error (requests)
    /// or is dropped (notifications). False when the input ends or `exit` comes first.
    fn handshake(&mut self, incoming: &Receiver<Incoming>) -> bool {
        for message in incoming {
            match message {
                Incoming::Message(Message::Request(r)) if r.method == "initialize" => {
                    let watch = &r.params["capabilities"]["workspace"]["didChangeWatchedFiles"];
                    self.can_watch = watch["dynamicRegistration"] == Value::Bool(true);
                    let result = serde_json::json!({
                        "capabilities": capabilities(),
                        "serverInfo": ServerInfo {
                            name: "briefbook".into(),
                            version: Some(env!("CARGO_PKG_VERSION").into()),
                        },
                    });
                    self.client.send(Response::new_ok(r.id, result).into());
                    return true;
                }
                Incoming::Message(Message::Request(r)) => {
                    let error = "the server is not initialized yet";
                    let response = Response::new_err(
                        r.id,
                        ErrorCode::ServerNotInitialized as i32,
                        error.into(),
                    );
                    self.client.send(response.into());
                }
                Incoming::Message(Message::Notification(n)) if n.method == "exit" => return false,
                Incoming::Malformed { id, code, message } => {
                    self.client.error_to(id, code, &message);
                }
                Incoming::Message(_) => {}
            }
        }
        false
    }

    fn request(&mut self, request: Request) {
        let id = request.id.clone();
        if self.shut_down {
            let response = Response::new_err(
                id,
                ErrorCode::InvalidRequest as i32,
                "the server is shut down".into(),
            );
            self.client.send(response.into());
            return;
        }
        if request.method == "shutdown" {
            self.shut_down = true;
            self.client.send(Response::new_ok(id, Value::Null).into());
            return;
        }
        let outcome =
            catch_unwind(AssertUnwindSafe(|| self.answer(request))).unwrap_or_else(|_| {
                Err(Failure::new(
                    ErrorCode::InternalError,
                    "briefbook failed on this request (a bug)",
                ))
            });
        let response = match outcome {
            Ok(value) => Response::new_ok(id, value),
            Err(f) => Response::new_err(id, f.code, f.message),
        };
        self.client.send(response.into());
    }

    fn answer(&self, request: Request) -> Result<Value, Failure> {
        let ws = &self.workspace;
        let params = request.params;
        match request.method.as_str() {
            "textDocument/completion" => with(params, |p| Ok(completion::complete(ws, &p))),
            "textDocument/hover" => with(params, |p| Ok(hover::hover(ws, &p))),
            "textDocument/definition" => with(params, |p| Ok(navigation::definition(ws, &p))),
            "textDocument/references" => with(params, |p| Ok(navigation::references(ws, &p))),
            "textDocument/prepareRename" => with(params, |p| {
                rename::prepare(ws, &p).map_err(|r| Failure::new(ErrorCode::RequestFailed, r.0))
            }),
            "textDocument/rename" => with(params, |p| {
                rename::rename(ws, &p).map_err(|r| Failure::new(ErrorCode::RequestFailed, r.0))
            }),
            "textDocument/codeAction" => with(params, |p: lsp_types::CodeActionParams| {
                let doc = ws.document(&p.text_document.uri);
                Ok(doc
                    .map(|d| actions::quick_fixes(&d.file.text, &p))
                    .unwrap_or_default())
            }),
            method => Err(Failure::new(
                ErrorCode::MethodNotFound,
                format!("`{method}` is not supported"),
            )),
        }
    }

    fn notification(&mut self, n: Notification) {
        let done = catch_unwind(AssertUnwindSafe(|| self.apply(n)));
        if done.is_err() {
            self.client.notify(
                "window/logMessage",
                lsp_types::LogMessageParams {
                    typ: lsp_types::MessageType::ERROR,
                    message: "briefbook failed on a notification (a bug)".into(),
                },
            );
        }
    }

    /// Applies a notification; one with parameters that do not read is ignored (a notification
    /// has no answer to carry an error).
    fn apply(&mut self, n: Notification) {
        use lsp_types::{
            DidChangeTextDocumentParams as Change, DidChangeWatchedFilesParams as Watched,
            DidCloseTextDocumentParams as Close, DidOpenTextDocumentParams as Open,
            DidSaveTextDocumentParams as Save,
        };
        let ws = &mut self.workspace;
        let scheduled = match n.method.as_str() {
            "textDocument/didOpen" => read::<Open>(n.params).and_then(|p| {
                let doc = p.text_document;
                ws.open(doc.uri, doc.version, doc.text)
                    .map(|place| (place, false))
            }),
            "textDocument/didChange" => read::<Change>(n.params).and_then(|p| {
                let doc = p.text_document;
                ws.change(&doc.uri, doc.version, p.content_changes)
                    .map(|place| (place, false))
            }),
            "textDocument/didSave" => read::<Save>(n.params).and_then(|p| {
                let place = ws.document(&p.text_document.uri)?.place.clone()?;
                Some((place, true))
            }),
            "textDocument/didClose" => read::<Close>(n.params)
                .and_then(|p| ws.close(&p.text_document.uri).map(|place| (place, true))),
            "initialized" => {
                self.watch_files();
                None
            }
            "workspace/didChangeWatchedFiles" => {
                if let Some(p) = read::<Watched>(n.params) {
                    self.watched(p);
                }
                None
            }
            _ => None,
        };
        if let Some((place, reread)) = scheduled {
            let files = if reread {
                vec![place.rel.clone()]
            } else {
                Vec::new()
            };
            self.schedule(place.root, files, false);
        }
    }

    /// Asks the editor to report changes to the books' files made outside it (a `git
    /// checkout`, another program), so that they are read again.
    fn watch_files(&self) {
        if !self.can_watch {
            return;
        }
        let watchers =
            ["**/*.md", "**/*.toml"].map(|glob| serde_json::json!({ "globPattern": glob }));
        let registration = serde_json::json!({
            "registrations": [{
                "id": "briefbook-files",
                "method": "workspace/didChangeWatchedFiles",
                "registerOptions": { "watchers": watchers },
            }],
        });
        let request = Request::new(
            "briefbook-watch".to_string().into(),
            "client/registerCapability".into(),
            registration,
        );
        self.client.send(request.into());
    }

    /// Files changed outside the editor: read again; created or deleted ones reload the book.
    fn watched(&mut self, params: lsp_types::DidChangeWatchedFilesParams) {
        let mut books: std::collections::HashMap<PathBuf, (Vec<String>, bool)> = Default::default();
        for change in params.changes {
            let Some(place) =
                uri::to_path(&change.uri).and_then(|p| crate::lsp::workspace::place_of(&p))
            else {
                continue;
            };
            let entry = books.entry(place.root.clone()).or_default();
            if change.typ == FileChangeType::CHANGED {
                entry.0.push(place.rel);
            } else {
                entry.1 = true;
            }
        }
        for (root, (files, reload)) in books {
            self.schedule(root, files, reload);
        }
    }

    fn schedule(&self, root: PathBuf, reread: Vec<String>, reload: bool) {
        let overlays = self.workspace.overlays(&root);
        let _ = self.jobs.send(Job {
            root,
            overlays,
            reread,
            reload,
        });
    }
}

/// Runs a handler on parameters that must read as `P`; anything else is `InvalidParams`.
fn with<P: DeserializeOwned, R: serde::Serialize>(
    params: Value,
    handler: impl FnOnce(P) -> Result<R, Failure>,
) -> Result<Value, Failure> {
    let params: P = serde_json::from_value(params)
        .map_err(|e| Failure::new(ErrorCode::InvalidParams, format!("invalid parameters: {e}")))?;
    let result = handler(params)?;
    serde_json::to_value(result).map_err(|e| Failure::new(ErrorCode::InternalError, e.to_string()))
}

fn read<P: DeserializeOwned>(params: Value) -> Option<P> {
    serde_json::from_value(params).ok()
}

fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
                ..TextDocumentSyncOptions::default()
            },
        )),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(["@", "/", "#", "\"", "[", ","].map(String::from).to_vec()),
            ..CompletionOptions::default()
        }),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        ..ServerCapabilities::default()
    }
}
