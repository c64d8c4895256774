//! A sink that counts the files written through it, for the build's "built N pages".

use std::collections::HashSet;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use crate::diagnostic::Diagnostic;
use crate::render::{OutputFile, Sink};

/// Counts every file written whole or in parts; copies of the book's files are not pages and
/// are not counted.
pub struct Counted<'a> {
    inner: &'a dyn Sink,
    files: AtomicUsize,
    /// The files written in parts, each counted once.
    in_parts: Mutex<HashSet<String>>,
}

impl<'a> Counted<'a> {
    pub fn new(inner: &'a dyn Sink) -> Self {
        Counted {
            inner,
            files: AtomicUsize::default(),
            in_parts: Mutex::default(),
        }
    }

    pub fn count(self) -> usize {
        let in_parts = self.in_parts.into_inner().map_or(0, |paths| paths.len());
        self.files.into_inner() + in_parts
    }
}

impl Sink for Counted<'_> {
    fn write(&self, file: OutputFile) -> Result<(), Diagnostic> {
        self.files.fetch_add(1, Ordering::Relaxed);
        self.inner.write(file)
    }
    fn append(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        if let Ok(mut paths) = self.in_parts.lock() {
            if !paths.contains(path) {
                paths.insert(path.to_string());
            }
        }
        self.inner.append(path, bytes)
    }
    fn copy(&self, from: &Path, path: &str) -> Result<(), Diagnostic> {
        self.inner.copy(from, path)
    }
}
