//! Files written into the book (`new`, `init`, `import`): whole into a hidden temporary file
//! beside the file (which the book's loader skips, should a crash leave one), flushed to disk,
//! then renamed into place. A full disk or a crash leaves the old file or the new one, never
//! one cut short; a hard-linked copy of the old file keeps its bytes.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

use tempfile::NamedTempFile;

/// Writes a new file at `path`; fails with `AlreadyExists`, writing nothing, if one is there
/// (even one that appeared since the caller looked).
pub fn create_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let temp = temporary(path, bytes, None)?;
    temp.persist_noclobber(path)
        .map(|_| ())
        .map_err(|e| e.error)
}

/// Replaces the file at `path` (or creates it) with `bytes`, keeping the old file's permissions.
pub fn replace(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let permissions = fs::metadata(path).ok().map(|m| m.permissions());
    let temp = temporary(path, bytes, permissions)?;
    temp.persist(path).map(|_| ()).map_err(|e| e.error)
}

/// A temporary file beside `path` holding `bytes`, with `permissions` or those of a new file.
/// Dropped on an error, it is removed.
fn temporary(
    path: &Path,
    bytes: &[u8],
    permissions: Option<fs::Permissions>,
) -> io::Result<NamedTempFile> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".briefbook-new");
    // tempfile makes files only their owner may read; a new file of the book gets the usual
    // permissions (the umask applies).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    let mut temp = builder.tempfile_in(dir)?;
    temp.write_all(bytes)?;
    temp.as_file().sync_all()?;
    if let Some(permissions) = permissions {
        temp.as_file().set_permissions(permissions)?;
    }
    Ok(temp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_file_never_replaces_one_and_a_replaced_one_is_a_new_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sources.toml");
        create_new(&path, b"first").unwrap();
        let again = create_new(&path, b"second").unwrap_err();
        assert_eq!(again.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(fs::read(&path).unwrap(), b"first");
        fs::hard_link(&path, dir.path().join("backup")).unwrap();
        replace(&path, b"third").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"third");
        assert_eq!(fs::read(dir.path().join("backup")).unwrap(), b"first");
        let left: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 2, "a temporary file was left");
    }
}
