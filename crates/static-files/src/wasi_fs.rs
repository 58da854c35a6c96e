//! The mount, read with raw WASI preview1 calls on its preopened descriptor rather than
//! through `std::fs`. Linking `std::fs` links wasi-libc's preopen table, which every
//! instance fills in `_initialize` (a scan of `fd_prestat_get` from fd 3) before it answers
//! anything; under Spin that alone cost the empty component 13% of its requests/s, and
//! each call made per file costs more (docs/benchmark.md). Here a file is one `path_open`,
//! one `fd_filestat_get`, its reads and a close.

use std::io::{self, Read, Seek, SeekFrom};

use crate::fs::{FileSource, Meta, ReadError};

/// The descriptor of the one `files` mount: WASI numbers preopens from 3, in the order the
/// manifest lists them, and `spin.toml` gives this component exactly one (at `/`).
const MOUNT_FD: wasi::Fd = 3;

/// The mount at [`MOUNT_FD`].
pub struct WasiFs;

/// An open file, closed when dropped.
pub struct WasiFile(wasi::Fd);

impl FileSource for WasiFs {
    type File = WasiFile;

    fn open(&self, rel: &str) -> Result<(WasiFile, Meta), ReadError> {
        let path = if rel.is_empty() { "." } else { rel };
        let rights = wasi::RIGHTS_FD_READ | wasi::RIGHTS_FD_SEEK | wasi::RIGHTS_FD_FILESTAT_GET;
        // SAFETY: plain calls with valid arguments; the descriptor is owned by `WasiFile`.
        let opened = unsafe {
            wasi::path_open(
                MOUNT_FD,
                wasi::LOOKUPFLAGS_SYMLINK_FOLLOW,
                path,
                0,
                rights,
                0,
                0,
            )
        };
        let file = WasiFile(opened.map_err(|e| error(rel, e))?);
        let stat = unsafe { wasi::fd_filestat_get(file.0) }.map_err(|e| error(rel, e))?;
        if stat.filetype == wasi::FILETYPE_DIRECTORY {
            return Err(ReadError::IsDirectory);
        }
        let meta = Meta {
            len: stat.size,
            modified: u128::from(stat.mtim),
        };
        Ok((file, meta))
    }
}

/// Coarse, as `StdFs` makes them; the unexpected ones are logged.
fn error(rel: &str, e: wasi::Errno) -> ReadError {
    match e {
        wasi::ERRNO_NOENT => ReadError::NotFound,
        wasi::ERRNO_ISDIR => ReadError::IsDirectory,
        // A file used as a directory: an ordinary miss.
        wasi::ERRNO_NOTDIR => ReadError::Other,
        e => {
            eprintln!("static-files: opening {rel:?}: {}", e.name());
            ReadError::Other
        }
    }
}

impl Read for WasiFile {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let iov = wasi::Iovec {
            buf: buf.as_mut_ptr(),
            buf_len: buf.len(),
        };
        // SAFETY: the iovec points into `buf`, valid for writes of its length.
        unsafe { wasi::fd_read(self.0, &[iov]) }.map_err(io_error)
    }
}

impl Seek for WasiFile {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        let (offset, whence) = match pos {
            SeekFrom::Start(n) => (i64::try_from(n).map_err(|_| invalid())?, wasi::WHENCE_SET),
            SeekFrom::Current(n) => (n, wasi::WHENCE_CUR),
            SeekFrom::End(n) => (n, wasi::WHENCE_END),
        };
        unsafe { wasi::fd_seek(self.0, offset, whence) }.map_err(io_error)
    }
}

impl Drop for WasiFile {
    fn drop(&mut self) {
        let _ = unsafe { wasi::fd_close(self.0) };
    }
}

fn io_error(e: wasi::Errno) -> io::Error {
    io::Error::other(e.name())
}

fn invalid() -> io::Error {
    io::Error::from(io::ErrorKind::InvalidInput)
}
