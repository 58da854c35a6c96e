//! What each built component asks of its host. The app needs only WASI and `wasi:http`, so
//! it runs on any wasi:http host, plain `wasmtime serve` included. The static component also
//! reads its `cache_control` variable through Spin's variables interface, which Spin, Fermyon
//! Cloud, Akamai Functions, SpinKube and `spin-local` provide and plain `wasmtime serve` does
//! not. An import added by a dependency or a new SDK call shows up here first.

mod harness;

use wasmtime::component::Component;
use wasmtime::Engine;

/// The interfaces (without their versions) the core module at `wasm` imports once
/// componentized, the way every host but Spin sees it.
fn imports(wasm: &str) -> Vec<String> {
    let path = harness::root()
        .join("target/wasm32-wasip1/release")
        .join(wasm);
    let module = std::fs::read(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; run scripts/build.sh", path.display()));
    let bytes = spin_local::componentize::componentize(&module).expect("componentizes");
    let engine = Engine::default();
    let component = Component::new(&engine, bytes).expect("compiles");
    let mut names: Vec<String> = component
        .component_type()
        .imports(&engine)
        .map(|(name, _)| name.split('@').next().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

fn non_wasi(imports: &[String]) -> Vec<&str> {
    imports
        .iter()
        .map(String::as_str)
        .filter(|n| !n.starts_with("wasi:"))
        .collect()
}

/// No sockets and no outbound HTTP: `allowed_outbound_hosts = []` is not only a promise.
fn assert_no_network(imports: &[String]) {
    for absent in ["wasi:http/outgoing-handler", "wasi:sockets/tcp"] {
        assert!(
            !imports.iter().any(|n| n == absent),
            "{absent} in {imports:?}"
        );
    }
}

/// One component's imports: an interface it must use, exactly the non-WASI ones it may
/// use, and no network.
fn assert_imports(wasm: &str, needed: &str, non_wasi_wanted: &[&str]) {
    let imports = imports(wasm);
    assert!(imports.iter().any(|n| n == needed), "{needed}: {imports:?}");
    assert_eq!(non_wasi(&imports), non_wasi_wanted, "{imports:?}");
    assert_no_network(&imports);
}

#[test]
fn the_app_needs_only_wasi() {
    assert_imports("tutorial_app.wasm", "wasi:http/types", &[]);
}

#[test]
fn the_static_component_needs_wasi_and_spin_variables() {
    assert_imports(
        "static_files.wasm",
        "wasi:filesystem/preopens",
        &["fermyon:spin/variables"],
    );
}
