//! The path traversal fixture and attack: the real `static_files.wasm` served from a
//! temporary app whose `static/` holds symlinks to a file and to a directory
//! outside the mount (absolute and relative), next to secrets one and two levels up.
//! A generated corpus of `..` in every encoding (`%2e`, `%252e`, overlong UTF-8 `%c0%ae`,
//! backslash, `%5c`, mixed case), absolute paths, NUL, absolute-form targets and forged
//! `spin-path-info` headers must reveal no byte from outside the mount: every answer is a
//! 404 or a 400 with one of the fixed error bodies, never a 5xx.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use super::{parse_reply, send_raw, TempDir};

/// The app around the mount: the real component, the mount as the real spin.toml has it.
pub fn manifest(extra_files: &str) -> String {
    super::static_files_manifest("traversal", extra_files)
}

/// ```text
/// D/secret.txt                 two levels above the mount
/// D/outside/inner.txt          a directory outside the mount
/// D/app/neighbour.txt          next to the mount
/// D/app/spin.toml
/// D/app/static/index.html      the mount
/// D/app/static/sub/page.txt
/// D/app/static/link-file      -> D/secret.txt          (absolute)
/// D/app/static/link-file-rel  -> ../neighbour.txt      (relative)
/// D/app/static/link-dir       -> D/outside             (absolute)
/// D/app/static/link-dir-rel   -> ../../outside         (relative)
/// D/app/static/link-root      -> /
/// D/app/static/sub/up         -> ../..                 (the app dir, via a subdirectory)
/// ```
pub struct Fixture {
    pub dir: TempDir,
    pub secret: String,
}

pub fn fixture(extra_files: &str, wide_links: bool) -> Fixture {
    super::assert_components_are_fresh();
    let dir = TempDir::new("traversal");
    let nonce = format!(
        "{:x}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    );
    let secret = format!("SECRET-{nonce}");
    let d = dir.path();
    let write = |rel: &str, body: &str| {
        let p = d.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, body).unwrap();
    };
    write("secret.txt", &format!("{secret} two levels up\n"));
    write(
        "outside/inner.txt",
        &format!("{secret} in a directory outside\n"),
    );
    write(
        "app/neighbour.txt",
        &format!("{secret} next to the mount\n"),
    );
    write("app/extra.txt", "an extra file\n");
    write("app/static/index.html", "<p>inside</p>\n");
    write("app/static/sub/page.txt", "a page inside\n");
    write("app/spin.toml", &manifest(extra_files));
    let link = |target: &Path, name: &str| {
        std::os::unix::fs::symlink(target, d.join("app/static").join(name)).unwrap();
    };
    link(&d.join("secret.txt"), "link-file");
    link(Path::new("../neighbour.txt"), "link-file-rel");
    link(&d.join("outside"), "link-dir");
    link(Path::new("../../outside"), "link-dir-rel");
    if wide_links {
        link(Path::new("/"), "link-root");
        link(Path::new("../.."), "sub/up");
    }
    // The fixture is real: on the host, the links do lead out.
    let through = std::fs::read_to_string(d.join("app/static/link-dir-rel/inner.txt")).unwrap();
    assert!(through.contains(&secret));
    Fixture { dir, secret }
}

/// Every way of writing `..`, one segment each.
const DOTS: &[&str] = &[
    "..",
    "%2e%2e",
    "%2E%2E",
    "%2e%2E",
    ".%2e",
    "%2E.",
    "%252e%252e",
    "%252E%252E",
    "%25%32%65%25%32%65",
    "%c0%ae%c0%ae",
    "%C0%AE%C0%AE",
    "%e0%80%ae%e0%80%ae",
    "%f0%80%80%ae%f0%80%80%ae",
    "%c0%2e%c0%2e",
    "%ef%bc%8e%ef%bc%8e",
    "%u002e%u002e",
    "..%00",
    ".%00.",
    "...",
    "..;",
];

/// Every way of writing a separator between segments.
const SEPARATORS: &[&str] = &[
    "/",
    "%2f",
    "%2F",
    "\\",
    "%5c",
    "%5C",
    "%252f",
    "%255c",
    "%c0%af",
    "%c1%9c",
    "%e0%80%af",
    "//",
];

/// What lies outside, relative to the mount (written with `/`; the separator replaces it).
const OUTSIDE: &[&str] = &[
    "secret.txt",
    "neighbour.txt",
    "outside/inner.txt",
    "app/spin.toml",
    "etc/passwd",
];

pub fn corpus(fx: &Fixture) -> Vec<Vec<u8>> {
    let mut targets: Vec<Vec<u8>> = Vec::new();
    for dots in DOTS {
        for sep in SEPARATORS {
            for depth in 1..=3 {
                for rest in OUTSIDE {
                    let mut t = String::from("/static/");
                    for _ in 0..depth {
                        t.push_str(dots);
                        t.push_str(sep);
                    }
                    t.push_str(&rest.replace('/', sep));
                    targets.push(t.into_bytes());
                }
            }
        }
    }
    let abs = fx.dir.path().display().to_string();
    let by_hand: Vec<String> = vec![
        // Absolute paths, in the path and encoded.
        "/static//etc/passwd".into(),
        "/static///etc/passwd".into(),
        "/static/%2fetc%2fpasswd".into(),
        "/static/%2Fetc/passwd".into(),
        format!("/static/{abs}/secret.txt"),
        format!("/static/{}", abs.replace('/', "%2f") + "%2fsecret.txt"),
        "/static/C:%5csecret.txt".into(),
        "/static/C:/secret.txt".into(),
        "/static/c%3a%5csecret.txt".into(),
        "/static/%5c%5clocalhost%5cc$%5csecret.txt".into(),
        "/static/file:%2f%2f%2fetc%2fpasswd".into(),
        // NUL and other control characters, encoded.
        "/static/index.html%00".into(),
        "/static/index.html%00.png".into(),
        "/static/%00/../secret.txt".into(),
        "/static/..%00/secret.txt".into(),
        "/static/link-file%00".into(),
        "/static/sub%0a/../../secret.txt".into(),
        // The symlinks, plainly and encoded.
        "/static/link-file".into(),
        "/static/link-file-rel".into(),
        "/static/link%2dfile".into(),
        "/static/LINK-FILE".into(),
        "/static/link-dir/inner.txt".into(),
        "/static/link-dir/".into(),
        "/static/link-dir".into(),
        "/static/link-dir-rel/inner.txt".into(),
        "/static/link-dir-rel/".into(),
        "/static/link-dir%2finner.txt".into(),
        "/static/link-root/etc/passwd".into(),
        format!("/static/link-root{abs}/secret.txt"),
        "/static/sub/up/neighbour.txt".into(),
        "/static/sub/up/spin.toml".into(),
        "/static/sub/up/static/index.html".into(),
        "/static/sub/../link-file".into(),
        "/static/sub/%2e%2e/link-file".into(),
        // Mixed and nested tricks.
        "/static/sub/../../secret.txt".into(),
        "/static/sub/..%2f..%2fsecret.txt".into(),
        "/static/./../secret.txt".into(),
        "/static/%2e/%2e%2e/secret.txt".into(),
        "/static/....//....//secret.txt".into(),
        "/static/..././..././secret.txt".into(),
        "/static/.../secret.txt".into(),
        "/static/%%32%65%%32%65/secret.txt".into(),
        "/static/%2e%2e%2f%2e%2e%2fsecret.txt".into(),
        "/static/..%252f..%252fsecret.txt".into(),
        "/static/index.html/../../secret.txt".into(),
        "/static/..?/secret.txt".into(),
        "/static/..#/secret.txt".into(),
        "/static/%3f/../../secret.txt".into(),
        "/static/..%2e/secret.txt".into(),
        "/static/%2e%2e%5c%2e%2e%5csecret.txt".into(),
    ];
    targets.extend(by_hand.into_iter().map(String::into_bytes));
    // Raw bytes no URL parser should take: the host refuses them (400) before any routing.
    for raw in [
        &b"/static/\0/../secret.txt"[..],
        b"/static/index.html\0",
        b"/static/..\\..\\secret.txt",
        b"/static/\xc0\xae\xc0\xae/secret.txt",
        b"/static/\xef\xbc\x8e\xef\xbc\x8e/secret.txt",
        b"/static/..\t/secret.txt",
    ] {
        targets.push(raw.to_vec());
    }
    targets
}

/// The only bodies a refusal may carry: the component's, or none (the host's own 400).
const REFUSALS: &[&[u8]] = &[b"Not Found\n", b"Bad Request\n", b""];

/// Sends `GET <target>` with the target bytes as written (and `extra` header lines).
pub fn get_raw(addr: SocketAddr, target: &[u8], extra: &str) -> Option<super::Reply> {
    let mut req = b"GET ".to_vec();
    req.extend_from_slice(target);
    req.extend_from_slice(b" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
    req.extend_from_slice(extra.as_bytes());
    req.extend_from_slice(b"\r\n");
    let bytes = send_raw(addr, &req, Duration::from_secs(30)).ok()?;
    parse_reply(&bytes, false)
}

/// Sends the whole corpus; returns how many answers each status got. Panics on any leak,
/// any status but 400/404, or any body but a fixed refusal.
pub fn attack(addr: SocketAddr, fx: &Fixture, targets: &[Vec<u8>]) -> BTreeMap<u16, usize> {
    let mut statuses = BTreeMap::new();
    for target in targets {
        let shown = String::from_utf8_lossy(target);
        let reply = get_raw(addr, target, "")
            .unwrap_or_else(|| panic!("{shown}: no answer (connection closed before a status)"));
        assert!(
            !String::from_utf8_lossy(&reply.body).contains(&fx.secret),
            "{shown} LEAKED a secret: {:?}",
            String::from_utf8_lossy(&reply.body)
        );
        for (n, v) in &reply.headers {
            assert!(!v.contains(&fx.secret), "{shown} leaked a secret in {n}");
        }
        assert!(
            reply.status == 404 || reply.status == 400,
            "{shown} answered {} (want 404 or 400): {:?}",
            reply.status,
            String::from_utf8_lossy(&reply.body)
        );
        assert!(
            REFUSALS.contains(&reply.body.as_slice()),
            "{shown} answered {} with a body that is no fixed refusal: {:?}",
            reply.status,
            String::from_utf8_lossy(&reply.body)
        );
        *statuses.entry(reply.status).or_insert(0) += 1;
    }
    statuses
}

/// `spin-path-info` is the host's to set: a client's copy is dropped, so it cannot point the
/// component outside the mount either.
pub fn forged_path_info(addr: SocketAddr, fx: &Fixture) {
    for forged in [
        "/../secret.txt",
        "/../../secret.txt",
        "/link-file",
        "/link-dir/inner.txt",
        "%2e%2e/neighbour.txt",
    ] {
        let r = get_raw(
            addr,
            b"/static/index.html",
            &format!("spin-path-info: {forged}\r\n"),
        )
        .unwrap();
        assert_eq!(
            r.status,
            200,
            "forged {forged}: {:?}",
            String::from_utf8_lossy(&r.body)
        );
        assert_eq!(r.body, b"<p>inside</p>\n", "forged {forged}");
        assert!(!String::from_utf8_lossy(&r.body).contains(&fx.secret));
    }
}

/// The positive control: what is inside the mount is served, so the 404s above are not
/// just a broken mount.
pub fn inside_is_served(addr: SocketAddr) {
    let r = get_raw(addr, b"/static/index.html", "").unwrap();
    assert_eq!(
        (r.status, r.body.as_slice()),
        (200, &b"<p>inside</p>\n"[..])
    );
    let r = get_raw(addr, b"/static/sub/page.txt", "").unwrap();
    assert_eq!(
        (r.status, r.body.as_slice()),
        (200, &b"a page inside\n"[..])
    );
    let r = get_raw(addr, b"/static/%73ub/page.txt", "").unwrap();
    assert_eq!(r.status, 200, "an escape decodes once");
}
