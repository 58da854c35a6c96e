//! Path traversal through the runtime: the real `static_files.wasm` serving a temporary app
//! with symlinks out of its mount (see `tests/harness/traversal.rs`): no byte from outside.

use crate::harness::traversal::{
    attack, corpus, fixture, forged_path_info, get_raw, inside_is_served,
};

/// The mount as the real spin.toml has it, one directory, preopened in place (on Spin with
/// `--direct-mounts`: its default copy of the mount would follow the fixture's symlinks).
#[test]
fn nothing_outside_the_mount_is_served() {
    let fx = fixture("", true);
    let host = crate::harness::runtime::serve_in_place(&fx.dir.join("app/spin.toml"), "traversal");
    let addr = host.addr();
    inside_is_served(addr);
    let targets = corpus(&fx);
    assert!(targets.len() > 1500, "{} targets", targets.len());
    let statuses = attack(addr, &fx, &targets);
    eprintln!(
        "traversal corpus: {} targets, statuses {statuses:?}",
        targets.len()
    );
    assert!(statuses.get(&404).copied().unwrap_or(0) > 100);
    // A symlink within the mount that stays within it is not an escape; the component
    // may serve it or not. The one checked here leaves, so it is refused.
    assert_eq!(get_raw(addr, b"/static/link-file", "").unwrap().status, 404);
    forged_path_info(addr, &fx);
    // And the host is still serving.
    inside_is_served(addr);
}
