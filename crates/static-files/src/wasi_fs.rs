//! The mount, read with `wasi:filesystem` (WASI 0.2) calls on its preopened descriptor,
//! neither through `std::fs` nor through the preview1 adapter.
//!
//! Under Spin each file system call is a hop to a blocking thread and back. Through the
//! adapter, one file cost five (`path_open` and `fd_read` each add a `stat` of their own);
//! here it is three for a file up to 64 KiB: `open-at`, `stat`, and one `read` (the host
//! returns at most 64 KiB a read).
//! `std::fs` would cost more still: it links wasi-libc's preopen table, which every
//! instance fills in `_initialize` before it answers anything (docs/benchmark.md).

use std::io::{self, Read, Seek, SeekFrom};

use wasi::filesystem::preopens;
use wasi::filesystem::types::{
    Descriptor, DescriptorFlags, DescriptorType, ErrorCode, OpenFlags, PathFlags,
};

use crate::fs::{FileSource, Meta, ReadError};

/// The component's `files` mount: `spin.toml` gives it exactly one, at `/`.
pub struct WasiFs(Option<Descriptor>);

impl WasiFs {
    /// The preopen at `/`, else the first one (a manifest that mounts `static` elsewhere);
    /// without any, every file is missing, and each request says why in the log.
    pub fn mount() -> Self {
        let mut dirs = preopens::get_directories();
        let at_root = dirs.iter().position(|(_, path)| path == "/");
        let root = match at_root {
            Some(i) => Some(dirs.swap_remove(i).0),
            None => dirs.into_iter().next().map(|(dir, _)| dir),
        };
        if root.is_none() {
            spin_glue::stdio::stderr_line(
                "static-files: no files mount (`files = [...]` in spin.toml): nothing to serve",
            );
        }
        WasiFs(root)
    }
}

/// An open file and the offset of the next read (`wasi:filesystem` reads at an offset).
pub struct WasiFile {
    file: Descriptor,
    pos: u64,
}

impl FileSource for WasiFs {
    type File = WasiFile;

    fn open(&self, rel: &str) -> Result<(WasiFile, Meta), ReadError> {
        let root = self.0.as_ref().ok_or(ReadError::NotFound)?;
        let path = if rel.is_empty() { "." } else { rel };
        let file = root
            .open_at(
                PathFlags::SYMLINK_FOLLOW,
                path,
                OpenFlags::empty(),
                DescriptorFlags::READ,
            )
            .map_err(|e| error(rel, e))?;
        let stat = file.stat().map_err(|e| error(rel, e))?;
        if stat.type_ == DescriptorType::Directory {
            return Err(ReadError::IsDirectory);
        }
        let modified = stat.data_modification_timestamp.map_or(0, |t| {
            u128::from(t.seconds) * 1_000_000_000 + u128::from(t.nanoseconds)
        });
        let meta = Meta {
            len: stat.size,
            modified,
        };
        Ok((WasiFile { file, pos: 0 }, meta))
    }
}

/// Coarse, as `StdFs` makes them; the unexpected ones are logged.
fn error(rel: &str, e: ErrorCode) -> ReadError {
    match e {
        ErrorCode::NoEntry => ReadError::NotFound,
        ErrorCode::IsDirectory => ReadError::IsDirectory,
        // A file used as a directory: an ordinary miss.
        ErrorCode::NotDirectory => ReadError::Other,
        e => {
            spin_glue::stdio::stderr_line(&format!("static-files: opening {rel:?}: {e:?}"));
            ReadError::Other
        }
    }
}

impl Read for WasiFile {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let (data, _end) = self
            .file
            .read(buf.len() as u64, self.pos)
            .map_err(io_error)?;
        // The host never returns more than asked for; `min` keeps a bad host from a panic.
        let n = data.len().min(buf.len());
        buf[..n].copy_from_slice(&data[..n]);
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for WasiFile {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        let (base, delta) = match pos {
            SeekFrom::Start(n) => {
                self.pos = n;
                return Ok(n);
            }
            SeekFrom::Current(d) => (self.pos, d),
            SeekFrom::End(d) => {
                let stat = self.file.stat().map_err(io_error)?;
                (stat.size, d)
            }
        };
        self.pos = base.checked_add_signed(delta).ok_or_else(invalid)?;
        Ok(self.pos)
    }
}

fn io_error(e: ErrorCode) -> io::Error {
    io::Error::other(format!("{e:?}"))
}

fn invalid() -> io::Error {
    io::Error::from(io::ErrorKind::InvalidInput)
}
