//! Where file bytes come from: a tiny trait, so the request logic runs natively in tests
//! over an in-memory map, and in the component over the WASI preopen. Files are opened,
//! not read: a large one is streamed from its open handle (`crate::body`).

use std::collections::BTreeMap;
use std::io::{ErrorKind, Read, Seek};
use std::path::PathBuf;

/// Why a file could not be read. Deliberately coarse: the response never says more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadError {
    NotFound,
    /// The path names a directory (the caller may then look for its `index.html`).
    IsDirectory,
    /// Anything else: permissions, a name too long, an I/O failure.
    Other,
}

/// A read-only tree of files addressed by `/`-joined relative paths (`css/site.css`;
/// the empty path is the root directory). Paths given here are already checked safe.
pub trait FileSource {
    /// An open file, read from the start or from a seek position.
    type File: Read + Seek;

    /// Opens a file, with its length and modification time. A directory is
    /// [`ReadError::IsDirectory`], so the caller may look for its `index.html`.
    fn open(&self, rel: &str) -> Result<(Self::File, Meta), ReadError>;

    /// The whole file: for the small ones, which are compressed and hashed in memory.
    fn read(&self, rel: &str) -> Result<Vec<u8>, ReadError> {
        let (mut file, meta) = self.open(rel)?;
        let mut body = Vec::with_capacity(usize::try_from(meta.len).unwrap_or(0));
        file.read_to_end(&mut body).map_err(|_| ReadError::Other)?;
        Ok(body)
    }
}

/// What is known of an open file without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Meta {
    pub len: u64,
    /// Nanoseconds since the epoch; 0 where the file system keeps no times. With the
    /// length, the entity tag of a file too large to hash per request.
    pub modified: u128,
}

/// The real file system under a root directory. In the component the root is `/`, the
/// mount that `spin.toml`'s `files` preopens.
#[derive(Debug, Clone)]
pub struct StdFs {
    root: PathBuf,
}

impl StdFs {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }
}

impl FileSource for StdFs {
    type File = std::fs::File;

    fn open(&self, rel: &str) -> Result<(std::fs::File, Meta), ReadError> {
        let path = self.root.join(rel);
        let opened = std::fs::File::open(&path).and_then(|f| Ok((f.metadata()?, f)));
        match opened {
            Ok((m, _)) if m.is_dir() => Err(ReadError::IsDirectory),
            Ok((m, file)) => {
                let modified = m
                    .modified()
                    .ok()
                    .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                    .map_or(0, |since| since.as_nanos());
                Ok((
                    file,
                    Meta {
                        len: m.len(),
                        modified,
                    },
                ))
            }
            Err(e) if e.kind() == ErrorKind::NotFound => Err(ReadError::NotFound),
            Err(e) if e.kind() == ErrorKind::IsADirectory => Err(ReadError::IsDirectory),
            // Opening a directory fails differently across hosts (EISDIR, EBADF, ...);
            // only on this error path is the extra `stat` worth paying.
            Err(e) => match std::fs::metadata(&path) {
                Ok(m) if m.is_dir() => Err(ReadError::IsDirectory),
                _ => {
                    // `ENOTDIR` (a file used as a directory) is an ordinary miss.
                    if e.kind() != ErrorKind::NotADirectory {
                        spin_glue::stdio::stderr_line(&format!(
                            "static-files: opening {rel:?}: {:?}",
                            e.kind()
                        ));
                    }
                    Err(ReadError::Other)
                }
            },
        }
    }
}

/// An in-memory tree for tests: file paths to contents. Directories exist implicitly,
/// as the prefixes of file paths.
#[derive(Debug, Clone, Default)]
pub struct MemFs {
    files: BTreeMap<String, Vec<u8>>,
}

impl MemFs {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file; `rel` is like `css/site.css` (no leading `/`).
    pub fn with(mut self, rel: &str, body: impl Into<Vec<u8>>) -> Self {
        self.files.insert(rel.to_owned(), body.into());
        self
    }
}

impl FileSource for MemFs {
    type File = std::io::Cursor<Vec<u8>>;

    /// Every file has the same modification time, 0: tests tell files apart by content.
    fn open(&self, rel: &str) -> Result<(Self::File, Meta), ReadError> {
        if let Some(body) = self.files.get(rel) {
            let meta = Meta {
                len: body.len() as u64,
                modified: 0,
            };
            return Ok((std::io::Cursor::new(body.clone()), meta));
        }
        let is_dir = rel.is_empty()
            || self.files.keys().any(|k| {
                k.len() > rel.len() && k.starts_with(rel) && k.as_bytes()[rel.len()] == b'/'
            });
        Err(if is_dir {
            ReadError::IsDirectory
        } else {
            ReadError::NotFound
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same tree on both sources: they must answer alike.
    const TREE: &[(&str, &str)] = &[
        ("a/b/c.txt", "x"),
        ("top.txt", "y"),
        ("docs/index.html", "<p>docs</p>"),
    ];

    fn assert_reads_tree(fs: &impl FileSource) {
        for (rel, body) in TREE {
            assert_eq!(fs.read(rel), Ok(body.as_bytes().to_vec()), "{rel}");
        }
        // Directories are the prefixes of file paths, the root among them.
        for rel in ["", "a", "a/b", "docs"] {
            assert_eq!(fs.read(rel), Err(ReadError::IsDirectory), "{rel:?}");
        }
        for rel in ["a/b/c", "a/bb", "missing", "missing/x.txt"] {
            assert_eq!(fs.read(rel), Err(ReadError::NotFound), "{rel:?}");
        }
    }

    #[test]
    fn memfs_files_and_directories() {
        let fs = TREE
            .iter()
            .fold(MemFs::new(), |fs, (rel, body)| fs.with(rel, *body));
        assert_reads_tree(&fs);
    }

    /// A throwaway directory under the system temp dir, removed on drop.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new(tag: &str) -> Self {
            let dir = std::env::temp_dir().join(format!(
                "static-files-test-{tag}-{}-{:?}",
                std::process::id(),
                std::time::SystemTime::now()
            ));
            std::fs::create_dir_all(&dir).unwrap();
            TempDir(dir)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn stdfs_maps_errors() {
        let tmp = TempDir::new("stdfs");
        for (rel, body) in TREE {
            let path = tmp.0.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, body).unwrap();
        }
        let fs = StdFs::new(&tmp.0);
        assert_reads_tree(&fs);
        // A file used as a directory: a miss, not a crash.
        assert_eq!(fs.read("top.txt/x"), Err(ReadError::Other));
        // A name longer than any file system allows.
        assert_eq!(fs.read(&"n".repeat(5000)), Err(ReadError::Other));
    }
}
