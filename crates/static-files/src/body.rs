//! A response body: bytes in memory, or a span of an open file sent in chunks, so that a
//! file of any size is served in bounded guest memory.

use std::io::{self, Read, Seek, SeekFrom};

/// Files up to this size are read whole: hashed for their entity tag and, when text,
/// compressed. Larger ones are streamed (see [`Body::File`]), so a request holds at most
/// this much of a file, plus its gzip form, in memory.
pub const IN_MEMORY_LIMIT: u64 = 1 << 20;

/// The size of each read of a streamed file, and so of each write to the host.
pub const CHUNK: usize = 64 * 1024;

pub enum Body<F> {
    Bytes(Vec<u8>),
    /// `len` bytes of `file` from `start`.
    File {
        file: F,
        start: u64,
        len: u64,
    },
}

impl<F> Body<F> {
    pub fn empty() -> Self {
        Body::Bytes(Vec::new())
    }
}

impl<F> http_rules::response::Framed for Body<F> {
    fn len(&self) -> u64 {
        match self {
            Body::Bytes(bytes) => bytes.len() as u64,
            Body::File { len, .. } => *len,
        }
    }

    fn clear(&mut self) {
        *self = Body::empty();
    }
}

impl<F: Read + Seek> Body<F> {
    /// The body in chunks, none larger than [`CHUNK`], read as they are asked for. A file
    /// that ends early is an error: its length was promised in the head.
    pub fn into_chunks(self) -> impl Iterator<Item = io::Result<Vec<u8>>> {
        let (mut bytes, mut file) = match self {
            Body::Bytes(bytes) => (Some(bytes), None),
            Body::File { file, start, len } => (None, Some((file, start, len, false))),
        };
        std::iter::from_fn(move || {
            if let Some(bytes) = bytes.take() {
                return Some(Ok(bytes));
            }
            let (file, start, left, seeked) = file.as_mut()?;
            if *left == 0 {
                return None;
            }
            let mut read = || -> io::Result<Vec<u8>> {
                if !*seeked {
                    file.seek(SeekFrom::Start(*start))?;
                    *seeked = true;
                }
                let mut chunk = vec![0; (*left).min(CHUNK as u64) as usize];
                file.read_exact(&mut chunk)?;
                *left -= chunk.len() as u64;
                Ok(chunk)
            };
            let chunk = read();
            if chunk.is_err() {
                *left = 0; // nothing more after an error
            }
            Some(chunk)
        })
    }

    /// The whole body in memory: for tests and the fuzzer.
    pub fn into_bytes(self) -> io::Result<Vec<u8>> {
        let mut all = Vec::new();
        for chunk in self.into_chunks() {
            all.extend_from_slice(&chunk?);
        }
        Ok(all)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_rules::response::Framed;
    use std::io::Cursor;

    #[test]
    fn a_file_span_comes_in_chunks_of_at_most_chunk() {
        let data: Vec<u8> = (0..3 * CHUNK + 10).map(|i| i as u8).collect();
        let body = Body::File {
            file: Cursor::new(data.clone()),
            start: 5,
            len: 2 * CHUNK as u64 + 3,
        };
        assert_eq!(body.len(), 2 * CHUNK as u64 + 3);
        let chunks: Vec<Vec<u8>> = body.into_chunks().map(Result::unwrap).collect();
        let sizes: Vec<usize> = chunks.iter().map(Vec::len).collect();
        let all = chunks.concat();
        assert_eq!(sizes, [CHUNK, CHUNK, 3]);
        assert_eq!(all, &data[5..5 + 2 * CHUNK + 3]);
    }

    #[test]
    fn a_file_shorter_than_promised_is_an_error() {
        let body = Body::File {
            file: Cursor::new(vec![1u8; 10]),
            start: 0,
            len: 11,
        };
        assert!(body.into_bytes().is_err());
    }

    #[test]
    fn clearing_drops_the_file() {
        let mut body = Body::File {
            file: Cursor::new(vec![1u8; 10]),
            start: 0,
            len: 10,
        };
        body.clear();
        assert_eq!(body.len(), 0);
        assert!(body.into_bytes().unwrap().is_empty());
    }
}
