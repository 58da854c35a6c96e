//! Content codings: which one to send (`Accept-Encoding`), and gzip itself.
//!
//! Only gzip is produced. Measured on the stripped release component (`scripts/build.sh`):
//!
//! | build                                         | bytes     |
//! |-----------------------------------------------|-----------|
//! | all the HTTP rules, no codec                  |   219 165 |
//! | + gzip (miniz_oxide deflate, our framing)     |   242 254 |
//! | + brotli (`brotli` 8.0.4 encoder, quality 5)  | 1 209 949 |
//!
//! gzip costs 23 KB and keeps the component under its 250 KB budget; brotli's encoder
//! (with its built-in dictionary) costs 968 KB, five times the whole component, to save
//! typically 15-20% more than gzip on text. Left out. Serving precompressed `.br`
//! siblings from the mount was considered too: nothing in this project produces them, a
//! sibling can go stale against its file (two contents behind one URL), and every
//! request would pay an extra failed open for them; for a site of small pages the gain
//! over gzip is tens of bytes. Worth revisiting only with a build step that writes them.

use http_rules::qvalues;

/// A content coding this component can send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    Identity,
    Gzip,
}

impl Coding {
    /// The token for `Content-Encoding` and for the entity tag's suffix.
    pub fn token(self) -> &'static str {
        match self {
            Coding::Identity => "identity",
            Coding::Gzip => "gzip",
        }
    }
}

/// Offers in the server's order of preference: on equal q-values gzip wins over
/// identity, so `Accept-Encoding: gzip, identity` gets the smaller body.
const OFFERS: [(&str, Coding); 2] = [("gzip", Coding::Gzip), ("identity", Coding::Identity)];

/// Bodies shorter than this are sent as they are (unless the client refuses identity).
///
/// Why 256 bytes: under that, gzip's fixed cost (18 bytes of framing plus a block header
/// and code tables) eats most of the gain on text, and the answer fits in one TCP segment
/// either way. From a few hundred bytes on, markup and code shrink by a third or more
/// (this site's 453-byte page: 262 bytes gzipped, -42%), at a cost of microseconds. A
/// common alternative is 1 KiB ("it fits in a packet anyway"); 256 keeps the saving on
/// small pages like ours, which is also the only file the end-to-end tests can see.
pub const MIN_COMPRESS_LEN: usize = 256;

/// Whether a content type is worth compressing: text-like formats only. Images, fonts,
/// audio, video, PDF and archives are compressed already (WOFF2, PNG, JPEG...) or gain too
/// little; wasm gains, but it is not a text format and browsers fetch it rarely.
pub fn compressible(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence.starts_with("text/")
        || essence.ends_with("+json")
        || essence.ends_with("+xml")
        || matches!(
            essence.as_str(),
            "application/json" | "application/xml" | "application/yaml" | "application/javascript"
        )
}

/// The coding to send a `len`-byte body of a (non-)`compressible` type in, by the
/// request's `Accept-Encoding` (`None`: no such header). `None` means nothing the client
/// accepts can be sent: the caller answers 406.
///
/// The choice depends only on the headers, the type and the length, never on the
/// compressed bytes, so a HEAD or a 304 knows its `Content-Encoding` and `ETag` without
/// compressing anything (text over the threshold always shrinks under gzip).
pub fn negotiate(accept_encoding: Option<&str>, compressible: bool, len: usize) -> Option<Coding> {
    if !compressible {
        return identity_acceptable(accept_encoding).then_some(Coding::Identity);
    }
    let tokens = OFFERS.map(|(t, _)| t);
    let chosen = OFFERS[qvalues::encoding(accept_encoding, &tokens)?].1;
    // Small bodies stay as they are, unless the client refuses identity outright:
    // then compressing is the only way to answer at all.
    if chosen != Coding::Identity && len < MIN_COMPRESS_LEN && identity_acceptable(accept_encoding)
    {
        return Some(Coding::Identity);
    }
    Some(chosen)
}

/// Whether the client accepts an uncompressed body (it does unless it says
/// `identity;q=0`, or `*;q=0` without an `identity` entry).
pub fn identity_acceptable(accept_encoding: Option<&str>) -> bool {
    qvalues::encoding(accept_encoding, &["identity"]).is_some()
}

/// The body in `coding`.
pub fn encode(coding: Coding, body: Vec<u8>) -> Vec<u8> {
    match coding {
        Coding::Identity => body,
        Coding::Gzip => gzip(&body),
    }
}

/// Deflate level 6, zlib's default: on text within a few percent of level 9 for a
/// fraction of the time, which matters when every request compresses afresh (Spin gives
/// each request a new instance, so there is nothing to cache the result in).
const LEVEL: u8 = 6;

/// A gzip member (RFC 1952) holding `data`: a 10-byte header, raw deflate, then the
/// CRC-32 and the length modulo 2^32, both little-endian.
pub fn gzip(data: &[u8]) -> Vec<u8> {
    // No name, no modification time (so the output depends on the input alone, as a
    // strong entity tag needs), XFL 0, OS 255 "unknown".
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    deflate(data, &mut out);
    out.extend_from_slice(&crc32(data).to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out
}

/// Raw deflate of `data`, appended to `out`.
///
/// Not `miniz_oxide::deflate::compress_to_vec`: that keeps its compressor (over 64 KiB,
/// one buffer alone is `[u8; 65536]`) on the stack, and this component runs with a
/// 64 KiB WebAssembly stack (`.cargo/config.toml`), which it would overflow. Here the
/// compressor lives on the heap.
fn deflate(mut data: &[u8], out: &mut Vec<u8>) {
    use miniz_oxide::deflate::core::{compress, CompressorOxide, TDEFLFlush, TDEFLStatus};
    use miniz_oxide::DataFormat;

    let mut compressor: Box<CompressorOxide> = Box::default();
    compressor.set_format_and_level(DataFormat::Raw, LEVEL);
    let start = out.len();
    // Room for the usual case (text to about half its size); grown on demand.
    out.resize(start + data.len() / 2 + 64, 0);
    let mut pos = start;
    loop {
        let (status, read, written) =
            compress(&mut compressor, data, &mut out[pos..], TDEFLFlush::Finish);
        pos += written;
        data = &data[read.min(data.len())..];
        match status {
            TDEFLStatus::Done => break,
            TDEFLStatus::Okay => {
                if out.len() - pos < 64 {
                    let grow = out.len().max(1024);
                    out.resize(out.len() + grow, 0);
                }
            }
            // Only reachable through misuse of the API (bad parameters); never with
            // the fixed ones above. Sending a truncated body would be worse than this.
            TDEFLStatus::BadParam | TDEFLStatus::PutBufFailed => {
                unreachable!("deflate failed: {status:?}")
            }
        }
    }
    out.truncate(pos);
}

/// The CRC-32 that gzip uses (IEEE 802.3, reflected, polynomial 0xEDB88320).
/// A 1 KiB table built at compile time: `crc32fast`'s slice-by-16 tables weigh 16 KiB in
/// the component, and this runs over bodies that are being deflated anyway.
fn crc32(data: &[u8]) -> u32 {
    const TABLE: [u32; 256] = {
        let mut table = [0u32; 256];
        let mut i = 0;
        while i < 256 {
            let mut c = i as u32;
            let mut k = 0;
            while k < 8 {
                c = if c & 1 != 0 {
                    0xedb8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
                k += 1;
            }
            table[i] = c;
            i += 1;
        }
        table
    };
    !data.iter().fold(!0u32, |c, &b| {
        TABLE[((c ^ u32::from(b)) & 0xff) as usize] ^ (c >> 8)
    })
}

/// Decompresses a gzip member with miniz_oxide's inflater, checking the framing by hand.
/// For tests only (the component never decompresses).
#[cfg(test)]
pub(crate) fn gunzip(gz: &[u8]) -> Vec<u8> {
    assert_eq!(&gz[..3], &[0x1f, 0x8b, 8], "gzip magic and deflate method");
    assert_eq!(gz[3], 0, "no optional fields");
    let body = &gz[10..gz.len() - 8];
    let data = miniz_oxide::inflate::decompress_to_vec(body).expect("valid deflate");
    let trailer = &gz[gz.len() - 8..];
    assert_eq!(trailer[..4], crc32(&data).to_le_bytes(), "CRC-32");
    assert_eq!(trailer[4..], (data.len() as u32).to_le_bytes(), "ISIZE");
    data
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_known_values() {
        assert_eq!(crc32(b""), 0);
        assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
        assert_eq!(
            crc32(b"The quick brown fox jumps over the lazy dog"),
            0x414f_a339
        );
    }

    #[test]
    fn gzip_round_trips() {
        let text = "<p>Snake, Horse, Mouse, Bird</p>\n".repeat(200);
        let gz = gzip(text.as_bytes());
        assert!(
            gz.len() < text.len() / 10,
            "repetitive text shrinks: {}",
            gz.len()
        );
        assert_eq!(gunzip(&gz), text.as_bytes());
    }

    #[test]
    fn gzip_of_edge_inputs() {
        assert_eq!(gunzip(&gzip(b"")), b"");
        assert_eq!(gunzip(&gzip(b"x")), b"x");
        // Incompressible input larger than the first output guess: the buffer must grow.
        let mut noise = Vec::with_capacity(300_000);
        let mut x: u32 = 1;
        for _ in 0..300_000 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            noise.push((x >> 24) as u8);
        }
        assert_eq!(gunzip(&gzip(&noise)), noise);
    }

    #[test]
    fn gzip_is_deterministic() {
        let text = b"same input, same bytes: the strong tag depends on it".repeat(20);
        assert_eq!(gzip(&text), gzip(&text));
    }

    #[test]
    fn text_like_types_are_compressible() {
        for t in [
            "text/html; charset=utf-8",
            "text/css; charset=utf-8",
            "text/javascript; charset=utf-8",
            "text/plain; charset=utf-8",
            "text/markdown; charset=utf-8",
            "text/csv; charset=utf-8",
            "application/json",
            "application/manifest+json",
            "application/xml",
            "application/yaml",
            "image/svg+xml",
            "Text/HTML",
        ] {
            assert!(compressible(t), "{t}");
        }
        for t in [
            "image/png",
            "image/jpeg",
            "image/webp",
            "font/woff2",
            "application/wasm",
            "application/pdf",
            "application/octet-stream",
            "video/mp4",
            "",
        ] {
            assert!(!compressible(t), "{t}");
        }
    }

    const BIG: usize = MIN_COMPRESS_LEN;

    #[test]
    fn gzip_when_accepted() {
        for ae in [
            "gzip",
            "gzip, deflate, br",
            "*",
            "br;q=1, gzip;q=0.5",
            "GZIP",
            "x-gzip, gzip;q=0.1",
        ] {
            assert_eq!(negotiate(Some(ae), true, BIG), Some(Coding::Gzip), "{ae}");
        }
    }

    #[test]
    fn identity_when_gzip_is_not_wanted() {
        for ae in [
            None,
            Some(""),
            Some("identity"),
            Some("br"),
            Some("deflate"),
            Some("gzip;q=0"),
            Some("gzip;q=0.5, identity"),
            Some("*;q=0, identity"),
        ] {
            assert_eq!(negotiate(ae, true, BIG), Some(Coding::Identity), "{ae:?}");
        }
    }

    #[test]
    fn threshold_and_type_keep_identity() {
        assert_eq!(
            negotiate(Some("gzip"), true, BIG - 1),
            Some(Coding::Identity)
        );
        assert_eq!(negotiate(Some("gzip"), true, 0), Some(Coding::Identity));
        assert_eq!(
            negotiate(Some("gzip"), false, 1 << 20),
            Some(Coding::Identity)
        );
    }

    #[test]
    fn refused_identity_forces_gzip_even_when_small() {
        for ae in ["gzip, identity;q=0", "gzip;q=0.1, *;q=0"] {
            assert_eq!(negotiate(Some(ae), true, 1), Some(Coding::Gzip), "{ae}");
        }
    }

    #[test]
    fn nothing_acceptable_is_none() {
        for ae in [
            "identity;q=0, *;q=0",
            "*;q=0",
            "br, identity;q=0",
            "gzip;q=0, identity;q=0",
        ] {
            assert_eq!(negotiate(Some(ae), true, BIG), None, "{ae}");
            assert_eq!(
                negotiate(Some(ae), false, BIG),
                None,
                "{ae} (not compressible)"
            );
        }
        // gzip is acceptable, but a PNG is only offered as it is.
        assert_eq!(negotiate(Some("gzip, identity;q=0"), false, BIG), None);
    }

    #[test]
    fn identity_acceptability() {
        assert!(identity_acceptable(None));
        assert!(identity_acceptable(Some("gzip")));
        assert!(!identity_acceptable(Some("identity;q=0")));
        assert!(!identity_acceptable(Some("gzip, *;q=0")));
        assert!(identity_acceptable(Some("*;q=0, identity;q=0.1")));
    }

    #[test]
    fn encode_dispatches() {
        assert_eq!(encode(Coding::Identity, b"abc".to_vec()), b"abc");
        assert_eq!(gunzip(&encode(Coding::Gzip, b"abc".to_vec())), b"abc");
    }
}
