//! The wire: JSON-RPC messages framed with `Content-Length` on standard input and output.
//!
//! lsp-server's own stdio reader stops at the first message that is not valid JSON, which would
//! end the session; this reader answers such a message with a JSON-RPC error instead and reads on.

use std::io::{BufRead, Write};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::thread::JoinHandle;

use lsp_server::{ErrorCode, Message};
use serde_json::{json, Value};

/// What came in: a message, or what to answer a message that could not be read.
pub enum Incoming {
    Message(Message),
    /// A frame whose body was not a JSON-RPC message: the error to answer, to `id` if it had one.
    Malformed {
        id: Value,
        code: ErrorCode,
        message: String,
    },
}

/// Sends messages to the editor; cloned by every thread that talks to it.
#[derive(Clone)]
pub struct Client {
    out: Sender<Vec<u8>>,
}

impl Client {
    pub fn send(&self, message: Message) {
        let mut frame = Vec::new();
        // Writing into memory fails only if serialising fails, which our types never do.
        if message.write(&mut frame).is_ok() {
            let _ = self.out.send(frame);
        }
    }

    pub fn notify(&self, method: &str, params: impl serde::Serialize) {
        self.send(Message::Notification(lsp_server::Notification::new(
            method.to_string(),
            params,
        )));
    }

    /// An error response to a request whose id may be missing (JSON `null`).
    pub fn error_to(&self, id: Value, code: ErrorCode, message: &str) {
        let body = json!({
            "jsonrpc": "2.0",
            "id": id,
            "error": { "code": code as i32, "message": message },
        })
        .to_string();
        let _ = self.out.send(frame(&body));
    }
}

fn frame(body: &str) -> Vec<u8> {
    let mut bytes = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    bytes.extend_from_slice(body.as_bytes());
    bytes
}

/// Starts the reader and writer threads on standard input and output.
pub fn stdio() -> (Receiver<Incoming>, Client, JoinHandle<()>) {
    let (to_server, incoming) = channel();
    let (out, frames) = channel::<Vec<u8>>();
    std::thread::spawn(move || {
        let stdin = std::io::stdin();
        read_all(&mut stdin.lock(), &to_server);
    });
    let writer = std::thread::spawn(move || {
        let stdout = std::io::stdout();
        let mut stdout = stdout.lock();
        for frame in frames {
            if stdout
                .write_all(&frame)
                .and_then(|()| stdout.flush())
                .is_err()
            {
                return;
            }
        }
    });
    (incoming, Client { out }, writer)
}

/// Reads frames until the input ends (or the server stops listening).
pub fn read_all(input: &mut impl BufRead, to_server: &Sender<Incoming>) {
    loop {
        let incoming = match read_frame(input) {
            Frame::End => return,
            Frame::Body(body) => parse(&body),
            Frame::BadHeader(message) => Incoming::Malformed {
                id: Value::Null,
                code: ErrorCode::ParseError,
                message,
            },
        };
        if to_server.send(incoming).is_err() {
            return;
        }
    }
}

enum Frame {
    End,
    Body(Vec<u8>),
    BadHeader(String),
}

/// One frame: header lines up to an empty line, then `Content-Length` bytes.
fn read_frame(input: &mut impl BufRead) -> Frame {
    let mut length = None;
    let mut saw_header = false;
    loop {
        let mut line = String::new();
        match input.read_line(&mut line) {
            Ok(0) | Err(_) => return Frame::End,
            Ok(_) => {}
        }
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            if saw_header {
                break;
            }
            // Blank lines between frames are skipped.
            continue;
        }
        saw_header = true;
        if let Some((name, value)) = line.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                length = value.trim().parse::<usize>().ok();
            }
        }
    }
    let Some(length) = length else {
        return Frame::BadHeader("a message without a valid Content-Length header".into());
    };
    // A length beyond any real document (64 MiB) is a broken header, not a message to wait for.
    if length > 64 << 20 {
        return Frame::BadHeader(format!("a Content-Length of {length} bytes is too large"));
    }
    let mut body = vec![0; length];
    match input.read_exact(&mut body) {
        Ok(()) => Frame::Body(body),
        Err(_) => Frame::End,
    }
}

/// A frame's body as a message, or the error to answer it with.
fn parse(body: &[u8]) -> Incoming {
    if let Ok(message) = serde_json::from_slice::<Message>(body) {
        return Incoming::Message(message);
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(value) => Incoming::Malformed {
            id: value.get("id").cloned().unwrap_or(Value::Null),
            code: ErrorCode::InvalidRequest,
            message: "not a JSON-RPC request, notification or response".into(),
        },
        Err(err) => Incoming::Malformed {
            id: Value::Null,
            code: ErrorCode::ParseError,
            message: format!("the message is not valid JSON: {err}"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(input: &str) -> Vec<Incoming> {
        let (tx, rx) = channel();
        read_all(&mut std::io::Cursor::new(input.as_bytes().to_vec()), &tx);
        drop(tx);
        rx.into_iter().collect()
    }

    #[test]
    fn bad_json_is_answered_and_reading_goes_on() {
        let good = r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;
        let input = format!(
            "Content-Length: 5\r\n\r\n{{oops\r\n\r\nContent-Length: {}\r\n\r\n{good}",
            good.len()
        );
        let got = read(&input);
        assert_eq!(got.len(), 2);
        assert!(matches!(
            &got[0],
            Incoming::Malformed {
                code: ErrorCode::ParseError,
                ..
            }
        ));
        assert!(
            matches!(&got[1], Incoming::Message(Message::Notification(n)) if n.method == "initialized")
        );
    }

    #[test]
    fn json_that_is_no_message_keeps_its_id() {
        let body = r#"{"jsonrpc":"2.0","id":7,"params":{}}"#;
        let got = read(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
        match &got[..] {
            [Incoming::Malformed { id, code, .. }] => {
                assert_eq!(*id, json!(7));
                assert_eq!(*code as i32, ErrorCode::InvalidRequest as i32);
            }
            _ => panic!("expected one malformed message"),
        }
    }

    #[test]
    fn a_header_without_length_is_an_error_not_the_end() {
        let good = r#"{"jsonrpc":"2.0","method":"exit"}"#;
        let input = format!(
            "X-Nothing: 1\r\n\r\nContent-Length: {}\r\n\r\n{good}",
            good.len()
        );
        let got = read(&input);
        assert_eq!(got.len(), 2);
        assert!(matches!(&got[0], Incoming::Malformed { .. }));
    }
}
