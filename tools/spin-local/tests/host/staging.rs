//! spin-local's staged copy of `files` mounts takes nothing from outside the mount.

use crate::harness::traversal::{attack, corpus, fixture, inside_is_served};

/// A directory mount next to a single file: spin-local then copies the files into a staging
/// tree instead of preopening the directory. Symlinks leading out of the mount must not be
/// copied in either. (Spin's own copy follows symlinks and serves their targets: the
/// README lists the difference. This is a test of spin-local's staging.)
#[test]
fn nothing_outside_the_mount_is_served_from_a_staged_copy() {
    let fx = fixture(", \"extra.txt\"", false);
    let host = spin_local::start(
        &fx.dir.join("app/spin.toml"),
        crate::harness::host_options(),
    )
    .unwrap();
    let addr = host.addr();
    inside_is_served(addr);
    let mut targets: Vec<Vec<u8>> = [
        "/static/link-file",
        "/static/link-file-rel",
        "/static/link-dir/inner.txt",
        "/static/link-dir-rel/inner.txt",
        "/static/sub/up/neighbour.txt",
    ]
    .iter()
    .map(|t| t.as_bytes().to_vec())
    .collect();
    targets.extend(corpus(&fx).into_iter().step_by(7));
    attack(addr, &fx, &targets);
}
