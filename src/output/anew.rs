//! Files of a reused site written anew: the new bytes go to a scratch file beside the output,
//! which is then renamed over the old file, never written into it. A snapshot of an earlier site
//! made of hard links (`cp -al public snap`) shares its files with what later becomes the spare,
//! and must keep its bytes. `Parts` does the same for a file written in parts: it compares each
//! part with the old file and only begins a new one at the first difference.

use std::fs;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::output::fingerprint::Hash;

/// The folder beside the output (`.public.briefbook-scratch`) holding new files until they are
/// renamed into place. It is on the output's file system, so renaming never copies.
pub(crate) struct Scratch {
    dir: PathBuf,
    next: AtomicU64,
}

impl Scratch {
    pub(crate) fn new(dir: PathBuf) -> Scratch {
        Scratch {
            dir,
            next: AtomicU64::new(0),
        }
    }

    pub(crate) fn dir(&self) -> &std::path::Path {
        &self.dir
    }

    fn path(&self) -> PathBuf {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        self.dir.join(n.to_string())
    }

    /// A new scratch file holding `bytes`.
    pub(crate) fn write(&self, bytes: &[u8]) -> io::Result<PathBuf> {
        let path = self.path();
        match fs::write(&path, bytes) {
            Ok(()) => Ok(path),
            Err(e) => {
                let _ = fs::remove_file(&path);
                Err(e)
            }
        }
    }

    /// A new, empty scratch file, open for writing.
    fn create(&self) -> io::Result<(fs::File, PathBuf)> {
        let path = self.path();
        let file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)?;
        Ok((file, path))
    }
}

/// A file of the site written in parts.
pub(crate) struct Parts {
    /// The file as an earlier site left it, while every part so far matched it.
    old: Option<fs::File>,
    /// Where this build's bytes go: the file itself in a fresh folder, else a scratch file
    /// begun at the first part that differed.
    new: Option<fs::File>,
    /// The scratch path of `new`, to be renamed over the file.
    temp: Option<PathBuf>,
    /// Where the next part goes.
    at: u64,
    /// Where the parts began: a file written whole before its first part (`at` > 0 at first)
    /// has a hash this does not know.
    began: u64,
    hasher: blake3::Hasher,
}

/// What writing a file in parts left to do.
pub(crate) struct Finished {
    /// The scratch file to rename over the file, if it was written anew.
    pub temp: Option<PathBuf>,
    /// The hash of the whole file, if known.
    pub hash: Option<Hash>,
}

impl Parts {
    /// Parts written straight into `file`, from `at` on (a fresh folder, which no copy shares).
    pub(crate) fn direct(file: fs::File, at: u64) -> Parts {
        Parts::with(None, Some(file), at)
    }

    /// Parts compared with `old` (what a reused folder holds, if a file), from `at` on.
    pub(crate) fn over(old: Option<fs::File>, at: u64) -> Parts {
        Parts::with(old, None, at)
    }

    fn with(old: Option<fs::File>, new: Option<fs::File>, at: u64) -> Parts {
        Parts {
            old,
            new,
            temp: None,
            at,
            began: at,
            hasher: blake3::Hasher::new(),
        }
    }

    pub(crate) fn add(&mut self, bytes: &[u8], scratch: &Scratch) -> io::Result<()> {
        self.hasher.update(bytes);
        if self.new.is_none() {
            if let Some(old) = &mut self.old {
                if holds_at(old, self.at, bytes)? {
                    self.at += bytes.len() as u64;
                    return Ok(());
                }
            }
        }
        let at = self.at;
        let new = match &mut self.new {
            Some(new) => new,
            None => self.begin_anew(scratch)?,
        };
        new.seek(SeekFrom::Start(at))?;
        new.write_all(bytes)?;
        self.at += bytes.len() as u64;
        Ok(())
    }

    /// Begins a scratch file with what matched so far.
    fn begin_anew(&mut self, scratch: &Scratch) -> io::Result<&mut fs::File> {
        let (mut file, temp) = scratch.create()?;
        self.temp = Some(temp);
        if let Some(mut old) = self.old.take() {
            old.seek(SeekFrom::Start(0))?;
            let copied = io::copy(&mut (&mut old).take(self.at), &mut file)?;
            if copied != self.at {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the file shrank while it was compared",
                ));
            }
        }
        Ok(self.new.insert(file))
    }

    /// Ends the file. An old file that held more than this build's parts is written anew
    /// without the rest, never cut in place.
    pub(crate) fn finish(mut self, scratch: &Scratch) -> io::Result<Finished> {
        if self.new.is_none() {
            let same_length = match &self.old {
                Some(old) => old.metadata()?.len() == self.at,
                None => false,
            };
            if !same_length {
                self.begin_anew(scratch)?;
            }
        }
        if let (Some(new), None) = (&self.new, &self.temp) {
            if new.metadata()?.len() != self.at {
                new.set_len(self.at)?;
            }
        }
        let whole = self.began == 0;
        Ok(Finished {
            temp: self.temp.take(),
            hash: whole.then(|| *self.hasher.finalize().as_bytes()),
        })
    }
}

/// Whether `file` holds `bytes` at `at`.
fn holds_at(file: &mut fs::File, at: u64, bytes: &[u8]) -> io::Result<bool> {
    let mut old = vec![0; bytes.len()];
    file.seek(SeekFrom::Start(at))?;
    match file.read_exact(&mut old) {
        Ok(()) => Ok(old == bytes),
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Ok(false),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_in_parts(old: Option<&[u8]>, parts: &[&[u8]]) -> (Vec<u8>, Option<Vec<u8>>) {
        let dir = tempfile::tempdir().unwrap();
        let scratch = Scratch::new(dir.path().join("scratch"));
        fs::create_dir(scratch.dir()).unwrap();
        let path = dir.path().join("page.html");
        let file = old.map(|bytes| {
            fs::write(&path, bytes).unwrap();
            fs::File::open(&path).unwrap()
        });
        let mut writing = Parts::over(file, 0);
        for part in parts {
            writing.add(part, &scratch).unwrap();
        }
        let done = writing.finish(&scratch).unwrap();
        let old_now = old.map(|_| fs::read(&path).unwrap());
        let new = match done.temp {
            Some(temp) => fs::read(temp).unwrap(),
            None => old_now.clone().unwrap(),
        };
        assert_eq!(done.hash, Some(*blake3::hash(&new).as_bytes()));
        (new, old_now)
    }

    #[test]
    fn parts_that_match_write_nothing_and_others_go_to_a_new_file() {
        let old: &[u8] = b"<head></head><body>one</body>";
        let parts: [&[u8]; 3] = [b"<head></head>", b"<body>one", b"</body>"];
        assert_eq!(
            write_in_parts(Some(old), &parts),
            (old.to_vec(), Some(old.to_vec()))
        );
        let changed: [&[u8]; 3] = [b"<head></head>", b"<body>two", b"</body>"];
        let (new, kept) = write_in_parts(Some(old), &changed);
        assert_eq!(new, b"<head></head><body>two</body>");
        assert_eq!(kept.unwrap(), old, "the old file was written into");
        let shorter: [&[u8]; 1] = [b"<head></head>"];
        let (new, kept) = write_in_parts(Some(old), &shorter);
        assert_eq!(
            (new.as_slice(), kept.unwrap().as_slice()),
            (shorter[0], old)
        );
        assert_eq!(write_in_parts(None, &parts).0, old);
    }
}
