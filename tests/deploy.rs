//! The deployment files carry what each platform needs: `deploy/spinapp.yaml` is a SpinApp the
//! Spin operator accepts, `.github/workflows/ci.yml` builds, tests and smoke-tests the app with
//! the real Spin CLI, and `spin.toml` is laid out the way Spin's templates write it.
//!
//! Each checker returns the list of problems it found; the tests assert that the real files
//! have none, and that broken fixtures are caught (so every check can fail). No wasm build
//! needed: `cargo test --test deploy`.

use std::path::Path;

use yaml_rust2::{Yaml, YamlLoader};

/// The endpoints the README documents and CI curls.
const ENDPOINTS: [&str; 5] = [
    "/",
    "/animals",
    "/iseven?num=4",
    "/students/john/101",
    "/static/index.html",
];

fn read(relative: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

fn assert_clean(what: &str, problems: Vec<String>) {
    assert!(
        problems.is_empty(),
        "{what}:\n  - {}",
        problems.join("\n  - ")
    );
}

/// Asserts that `problems` has one entry mentioning `needle` (a check that fires).
fn assert_caught(problems: &[String], needle: &str) {
    assert!(
        problems.iter().any(|p| p.contains(needle)),
        "expected a problem mentioning {needle:?}, got {problems:#?}"
    );
}

fn load_one_yaml(text: &str) -> Result<Yaml, String> {
    let mut docs = YamlLoader::load_from_str(text).map_err(|e| format!("not YAML: {e}"))?;
    match docs.len() {
        1 => Ok(docs.remove(0)),
        n => Err(format!("expected one YAML document, found {n}")),
    }
}

fn str_at(y: &Yaml) -> Option<&str> {
    y.as_str().filter(|s| !s.trim().is_empty())
}

fn keys(y: &Yaml) -> Vec<String> {
    y.as_hash()
        .map(|h| {
            h.keys()
                .filter_map(|k| k.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Kubernetes quantities ("500m", "1", "256Mi", "1G") for the requests <= limits check.

fn quantity(y: &Yaml) -> Option<f64> {
    let text = match y {
        Yaml::String(s) => s.clone(),
        Yaml::Integer(i) => i.to_string(),
        Yaml::Real(r) => r.clone(),
        _ => return None,
    };
    const SUFFIXES: [(&str, f64); 11] = [
        ("Ki", 1024.0),
        ("Mi", 1048576.0),
        ("Gi", 1073741824.0),
        ("Ti", 1099511627776.0),
        ("n", 1e-9),
        ("u", 1e-6),
        ("m", 1e-3),
        ("k", 1e3),
        ("M", 1e6),
        ("G", 1e9),
        ("T", 1e12),
    ];
    let (number, scale) = SUFFIXES
        .iter()
        .find_map(|(s, f)| text.strip_suffix(s).map(|n| (n, *f)))
        .unwrap_or((text.as_str(), 1.0));
    let value: f64 = number.parse().ok()?;
    (value >= 0.0 && value.is_finite()).then_some(value * scale)
}

// ---------------------------------------------------------------------------------------------
// deploy/spinapp.yaml

/// SpinAppSpec's fields (spin-operator api/v1alpha1/spinapp_types.go). The CRD prunes unknown
/// fields silently, so a typo such as `replica:` would deploy one pod without complaint.
const SPINAPP_SPEC_FIELDS: [&str; 18] = [
    "executor",
    "image",
    "imagePullSecrets",
    "checks",
    "replicas",
    "enableAutoscaling",
    "runtimeConfig",
    "volumes",
    "volumeMounts",
    "variables",
    "serviceAnnotations",
    "deploymentAnnotations",
    "podAnnotations",
    "podLabels",
    "resources",
    "components",
    "serviceAccountName",
    "invocationLimits",
];

fn is_dns_label(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 63
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-')
}

fn check_spinapp(text: &str) -> Vec<String> {
    let doc = match load_one_yaml(text) {
        Ok(d) => d,
        Err(e) => return vec![e],
    };
    let mut problems = Vec::new();
    let mut problem = |p: String| problems.push(p);

    if doc["apiVersion"].as_str() != Some("core.spinkube.dev/v1alpha1") {
        problem(format!(
            "apiVersion must be core.spinkube.dev/v1alpha1, is {:?}",
            doc["apiVersion"]
        ));
    }
    if doc["kind"].as_str() != Some("SpinApp") {
        problem(format!("kind must be SpinApp, is {:?}", doc["kind"]));
    }
    match str_at(&doc["metadata"]["name"]) {
        Some(n) if is_dns_label(n) => {}
        other => problem(format!(
            "metadata.name must be a DNS label (it names the Service), is {other:?}"
        )),
    }

    let spec = &doc["spec"];
    if spec.as_hash().is_none() {
        problem("spec is missing".into());
        return problems;
    }
    for k in keys(spec) {
        if !SPINAPP_SPEC_FIELDS.contains(&k.as_str()) {
            problem(format!(
                "spec.{k} is not a SpinApp field (the CRD would drop it)"
            ));
        }
    }
    match str_at(&spec["image"]) {
        None => problem("spec.image must be a non-empty registry reference".into()),
        Some(image) => {
            let last = image.rsplit('/').next().unwrap_or(image);
            if !image.contains('/') || !(last.contains(':') || image.contains('@')) {
                problem(format!(
                    "spec.image {image:?} needs a registry path and a tag or digest"
                ));
            }
        }
    }
    if spec["executor"].as_str() != Some("containerd-shim-spin") {
        problem(format!(
            "spec.executor must be containerd-shim-spin, is {:?}",
            spec["executor"]
        ));
    }
    let autoscaling = spec["enableAutoscaling"].as_bool() == Some(true);
    match (spec["replicas"].as_i64(), autoscaling) {
        (Some(n), false) if n >= 1 => {}
        (None, true) => {}
        (Some(_), true) => problem("spec.replicas cannot be set with enableAutoscaling".into()),
        (other, false) => problem(format!(
            "spec.replicas must be an integer >= 1, is {other:?}"
        )),
    }

    let resources = &spec["resources"];
    for kind in ["limits", "requests"] {
        for res in ["cpu", "memory"] {
            let v = &resources[kind][res];
            if quantity(v).is_none() {
                problem(format!(
                    "spec.resources.{kind}.{res} must be a quantity, is {v:?}"
                ));
            }
        }
    }
    for res in ["cpu", "memory"] {
        if let (Some(req), Some(lim)) = (
            quantity(&resources["requests"][res]),
            quantity(&resources["limits"][res]),
        ) {
            if req > lim {
                problem(format!("spec.resources.requests.{res} exceeds the limit"));
            }
        }
    }

    if let Some(vars) = spec["variables"].as_vec() {
        for (i, v) in vars.iter().enumerate() {
            if str_at(&v["name"]).is_none() {
                problem(format!("spec.variables[{i}] needs a name"));
            }
            if v["value"].as_str().is_some() == v["valueFrom"].as_hash().is_some() {
                problem(format!(
                    "spec.variables[{i}] needs a string value or a valueFrom, not both"
                ));
            }
        }
    } else if !spec["variables"].is_badvalue() {
        problem("spec.variables must be a list of {name, value}".into());
    }

    for probe in ["readiness", "liveness"] {
        let p = &spec["checks"][probe];
        if p.is_badvalue() {
            continue;
        }
        match str_at(&p["httpGet"]["path"]) {
            Some(path) if path.starts_with('/') => {}
            other => problem(format!(
                "spec.checks.{probe}.httpGet.path must start with '/', is {other:?}"
            )),
        }
    }
    problems
}

#[test]
fn spinapp_has_the_fields_the_operator_needs() {
    assert_clean(
        "deploy/spinapp.yaml",
        check_spinapp(&read("deploy/spinapp.yaml")),
    );
}

#[test]
fn spinapp_is_named_after_the_app_and_probes_routed_paths() {
    let doc = load_one_yaml(&read("deploy/spinapp.yaml")).unwrap();
    let manifest = read("spin.toml").parse::<toml::Table>().unwrap();
    let app_name = manifest["application"]["name"].as_str().unwrap();
    assert_eq!(
        doc["metadata"]["name"].as_str(),
        Some(app_name),
        "metadata.name should be the app name, as `spin kube scaffold` and the README's \
         `svc/{app_name}` assume"
    );
    let image = doc["spec"]["image"].as_str().unwrap();
    let repository = image
        .rsplit('/')
        .next()
        .unwrap()
        .split([':', '@'])
        .next()
        .unwrap();
    assert_eq!(
        repository, app_name,
        "the image repository is the name scaffold derives"
    );

    let routes = http_routes(&manifest);
    for probe in ["readiness", "liveness"] {
        if let Some(path) = doc["spec"]["checks"][probe]["httpGet"]["path"].as_str() {
            assert!(
                routes.iter().any(|r| route_matches(r, path)),
                "{probe} probe path {path} matches no route in spin.toml: {routes:?}"
            );
        }
    }
}

#[test]
fn spinapp_sets_only_variables_spin_toml_declares() {
    let doc = load_one_yaml(&read("deploy/spinapp.yaml")).unwrap();
    let manifest = read("spin.toml").parse::<toml::Table>().unwrap();
    let declared = manifest["variables"].as_table().expect("[variables]");
    let vars = doc["spec"]["variables"].as_vec().expect("spec.variables");
    assert!(!vars.is_empty());
    for v in vars {
        let name = v["name"].as_str().unwrap();
        assert!(
            declared.contains_key(name),
            "spec.variables sets {name}, which spin.toml does not declare"
        );
    }
}

#[test]
fn spinapp_checks_catch_broken_manifests() {
    let good = "apiVersion: core.spinkube.dev/v1alpha1\nkind: SpinApp\nmetadata:\n  name: app\n\
                spec:\n  image: ghcr.io/o/app:1\n  executor: containerd-shim-spin\n  replicas: 2\n\
                \x20 resources:\n    limits: {cpu: 500m, memory: 256Mi}\n\
                \x20   requests: {cpu: 100m, memory: 128Mi}\n";
    assert_clean("fixture", check_spinapp(good));

    let broken = |from: &str, to: &str| {
        assert!(good.contains(from), "fixture lacks {from:?}");
        check_spinapp(&good.replace(from, to))
    };
    assert_caught(
        &broken("core.spinkube.dev/v1alpha1", "core.spinoperator.dev/v1"),
        "apiVersion",
    );
    assert_caught(&broken("kind: SpinApp", "kind: Deployment"), "kind");
    assert_caught(&broken("name: app", "name: My_App"), "metadata.name");
    assert_caught(&broken("ghcr.io/o/app:1", "''"), "spec.image");
    assert_caught(&broken("ghcr.io/o/app:1", "app"), "spec.image");
    assert_caught(&broken("containerd-shim-spin", "wasmtime"), "spec.executor");
    assert_caught(&broken("replicas: 2", "replicas: 0"), "spec.replicas");
    assert_caught(&broken("replicas: 2", "replica: 2"), "spec.replica ");
    assert_caught(
        &broken("limits: {cpu: 500m, memory: 256Mi}", "limits: {cpu: 500m}"),
        "limits.memory",
    );
    assert_caught(&broken("limits: {cpu: 500m,", "limits: {"), "limits.cpu");
    assert_caught(
        &broken("memory: 128Mi", "memory: 1Gi"),
        "requests.memory exceeds",
    );
    assert_caught(
        &broken(
            "replicas: 2\n",
            "replicas: 2\n  checks: {liveness: {httpGet: {path: healthz}}}\n",
        ),
        "liveness",
    );
    let with_vars = |vars: &str| {
        check_spinapp(&good.replace(
            "replicas: 2\n",
            &format!("replicas: 2\n  variables: {vars}\n"),
        ))
    };
    assert_clean("fixture", with_vars("[{name: a, value: '1'}]"));
    assert_caught(&with_vars("[{value: '1'}]"), "variables[0] needs a name");
    assert_caught(
        &with_vars("[{name: a}]"),
        "variables[0] needs a string value",
    );
    assert_caught(&with_vars("{a: '1'}"), "spec.variables must be a list");
    assert_caught(&check_spinapp("a: [unclosed"), "not YAML");
    assert_caught(
        &check_spinapp(&format!("{good}---\n{good}")),
        "one YAML document",
    );
}

#[test]
fn quantities_parse_like_kubernetes() {
    assert_eq!(quantity(&Yaml::String("500m".into())), Some(0.5));
    assert_eq!(quantity(&Yaml::Integer(2)), Some(2.0));
    assert_eq!(quantity(&Yaml::String("256Mi".into())), Some(268435456.0));
    assert_eq!(quantity(&Yaml::String("1G".into())), Some(1e9));
    assert_eq!(quantity(&Yaml::String("lots".into())), None);
    assert_eq!(quantity(&Yaml::BadValue), None);
}

// ---------------------------------------------------------------------------------------------
// .github/workflows/ci.yml

struct Step {
    uses: String,
    run: String,
    with: Yaml,
}

fn workflow_steps(doc: &Yaml) -> Vec<Step> {
    let mut steps = Vec::new();
    for job in doc["jobs"].as_hash().into_iter().flat_map(|h| h.values()) {
        for s in job["steps"].as_vec().into_iter().flatten() {
            steps.push(Step {
                uses: s["uses"].as_str().unwrap_or_default().to_owned(),
                run: s["run"].as_str().unwrap_or_default().to_owned(),
                with: s["with"].clone(),
            });
        }
    }
    steps
}

fn check_workflow(text: &str) -> Vec<String> {
    let doc = match load_one_yaml(text) {
        Ok(d) => d,
        Err(e) => return vec![e],
    };
    let mut problems = Vec::new();

    // GitHub reads the `on` key as a string (a YAML 1.1 reader would make it `true`). Its
    // value is an event name, a list of them, or a map keyed by them.
    let on: Vec<String> = match &doc["on"] {
        Yaml::String(s) => vec![s.clone()],
        Yaml::Array(a) => a
            .iter()
            .filter_map(|e| e.as_str().map(str::to_owned))
            .collect(),
        other => keys(other),
    };
    for event in ["push", "pull_request"] {
        if !on.iter().any(|e| e == event) {
            problems.push(format!("the workflow must run on {event}"));
        }
    }
    let jobs = doc["jobs"]
        .as_hash()
        .map(|h| h.values().collect::<Vec<_>>())
        .unwrap_or_default();
    if jobs.is_empty() {
        problems.push("the workflow has no jobs".into());
    }
    for job in &jobs {
        if str_at(&job["runs-on"]).is_none() {
            problems.push("every job needs runs-on".into());
        }
    }

    let steps = workflow_steps(&doc);
    let position = |pred: &dyn Fn(&Step) -> bool| steps.iter().position(pred);
    let checkout = position(&|s| s.uses.starts_with("actions/checkout@"));
    let rust = position(&|s| {
        (s.uses.starts_with("dtolnay/rust-toolchain@")
            && s.with["targets"]
                .as_str()
                .is_some_and(|t| t.split([',', ' ']).any(|t| t == "wasm32-wasip1")))
            || s.run.contains("rustup target add wasm32-wasip1")
    });
    let spin = position(&|s| {
        s.uses.starts_with("spinframework/actions/spin/setup@")
            || s.uses.starts_with("fermyon/actions/spin/setup@")
    });
    let test = position(&|s| s.run.contains("scripts/test.sh"));
    let build = position(&|s| s.run.contains("spin build"));
    let up = position(&|s| s.run.contains("spin up"));

    let named = [
        ("actions/checkout", checkout),
        ("a Rust toolchain with the wasm32-wasip1 target", rust),
        ("a spin setup action", spin),
        ("scripts/test.sh", test),
        ("spin build", build),
        ("spin up", up),
    ];
    for (what, at) in named {
        if at.is_none() {
            problems.push(format!("the workflow must use {what}"));
        }
    }
    let order = |a: Option<usize>, b: Option<usize>, what: &str| match (a, b) {
        (Some(a), Some(b)) if a > b => Some(what.to_owned()),
        _ => None,
    };
    problems.extend(order(
        checkout,
        test,
        "checkout must come before scripts/test.sh",
    ));
    problems.extend(order(
        rust,
        test,
        "the Rust toolchain must be installed before scripts/test.sh",
    ));
    problems.extend(order(
        spin,
        build,
        "spin must be installed before spin build",
    ));
    problems.extend(order(
        test,
        build,
        "scripts/test.sh must run before spin build",
    ));
    problems.extend(order(build, up, "spin build must run before spin up"));

    if let Some(up) = up {
        // The smoke test: curl every endpoint after `spin up` (same step or later ones).
        let smoke: String = steps[up..]
            .iter()
            .map(|s| s.run.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        if !smoke.contains("curl -f") {
            problems.push("the smoke test must curl with -f so an HTTP error fails the job".into());
        }
        for path in ENDPOINTS {
            let quoted = [
                format!("\"{path}\""),
                format!("'{path}'"),
                format!("3000{path}"),
            ];
            if !quoted.iter().any(|q| smoke.contains(q.as_str())) {
                problems.push(format!("the smoke test must curl {path}"));
            }
        }
    }
    problems
}

#[test]
fn ci_builds_tests_and_smoke_tests_with_spin() {
    assert_clean(
        ".github/workflows/ci.yml",
        check_workflow(&read(".github/workflows/ci.yml")),
    );
}

#[test]
fn ci_smoke_test_paths_are_routed_by_spin_toml() {
    let routes = http_routes(&read("spin.toml").parse::<toml::Table>().unwrap());
    for endpoint in ENDPOINTS {
        let path = endpoint.split('?').next().unwrap();
        assert!(
            routes.iter().any(|r| route_matches(r, path)),
            "{path} matches no route in spin.toml: {routes:?}"
        );
    }
}

#[test]
fn ci_checks_catch_broken_workflows() {
    let good = r#"
on: [push, pull_request]
jobs:
  t:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: dtolnay/rust-toolchain@stable
        with: {targets: wasm32-wasip1}
      - uses: spinframework/actions/spin/setup@v1
      - run: scripts/test.sh
      - run: spin build
      - run: |
          spin up &
          for p in "/" "/animals" "/iseven?num=4" "/students/john/101" "/static/index.html"; do
            curl -fsS "http://127.0.0.1:3000$p"
          done
"#;
    assert_clean("fixture", check_workflow(good));

    let broken = |from: &str, to: &str| {
        assert!(good.contains(from), "fixture lacks {from:?}");
        check_workflow(&good.replacen(from, to, 1))
    };
    assert_caught(&broken("[push, pull_request]", "[push]"), "pull_request");
    assert_caught(&broken("runs-on: ubuntu-latest", "name: t"), "runs-on");
    assert_caught(
        &broken("actions/checkout@v4", "actions/cache@v4"),
        "actions/checkout",
    );
    assert_caught(
        &broken("targets: wasm32-wasip1", "targets: wasm32-wasip2"),
        "wasm32-wasip1",
    );
    assert_caught(
        &broken("spinframework/actions/spin/setup@v1", "foo/setup@v1"),
        "spin setup",
    );
    assert_caught(
        &broken("run: scripts/test.sh", "run: cargo test"),
        "scripts/test.sh",
    );
    assert_caught(&broken("run: spin build", "run: cargo build"), "spin build");
    assert_caught(&broken("spin up &", "cargo run &"), "spin up");
    assert_caught(&broken("curl -fsS", "curl -sS"), "-f");
    assert_caught(&broken(" \"/static/index.html\"", ""), "/static/index.html");
    assert_caught(&broken(" \"/\" ", " "), "curl /");
    // spin build before the tests.
    let swapped = good
        .replace("run: scripts/test.sh", "run: SWAP")
        .replace("run: spin build", "run: scripts/test.sh")
        .replace("run: SWAP", "run: spin build");
    assert_caught(&check_workflow(&swapped), "before spin build");
    assert_caught(&check_workflow("on: [push\n"), "not YAML");
}

// ---------------------------------------------------------------------------------------------
// spin.toml

fn http_routes(manifest: &toml::Table) -> Vec<String> {
    manifest
        .get("trigger")
        .and_then(|t| t.get("http"))
        .and_then(|h| h.as_array())
        .into_iter()
        .flatten()
        .filter_map(|t| t.get("route").and_then(|r| r.as_str()).map(str::to_owned))
        .collect()
}

/// Spin's HTTP route matching, enough for these routes: a trailing `/...` is a wildcard,
/// `:name` matches one segment, anything else matches exactly.
fn route_matches(route: &str, path: &str) -> bool {
    if let Some(prefix) = route.strip_suffix("/...") {
        return path == prefix || path.starts_with(&format!("{prefix}/")) || prefix.is_empty();
    }
    let (r, p): (Vec<_>, Vec<_>) = (route.split('/').collect(), path.split('/').collect());
    r.len() == p.len()
        && r.iter()
            .zip(&p)
            .all(|(r, p)| r.starts_with(':') && !p.is_empty() || r == p)
}

const MANIFEST_TOP_LEVEL: [&str; 5] = [
    "spin_manifest_version",
    "application",
    "variables",
    "trigger",
    "component",
];

fn check_manifest(text: &str, repo: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let first = text.lines().next().unwrap_or_default();
    if !(first.starts_with("#:schema https://schemas.spinframework.dev/spin/manifest-v2/")
        && first.ends_with(".json"))
    {
        problems.push(format!(
            "the first line must be the #:schema comment, is {first:?}"
        ));
    }
    let m: toml::Table = match text.parse() {
        Ok(m) => m,
        Err(e) => return vec![format!("not TOML: {e}")],
    };
    for k in m.keys() {
        if !MANIFEST_TOP_LEVEL.contains(&k.as_str()) {
            problems.push(format!("unknown top-level key {k}"));
        }
    }
    if m.get("spin_manifest_version").and_then(|v| v.as_integer()) != Some(2) {
        problems.push("spin_manifest_version must be 2".into());
    }
    for field in ["name", "version", "description"] {
        let v = m
            .get("application")
            .and_then(|a| a.get(field))
            .and_then(|v| v.as_str());
        if v.is_none_or(|v| v.trim().is_empty()) {
            problems.push(format!("[application] needs a {field}"));
        }
    }
    if let Some(v) = m
        .get("application")
        .and_then(|a| a.get("version"))
        .and_then(|v| v.as_str())
    {
        let parts: Vec<_> = v
            .split(['-', '+'])
            .next()
            .unwrap_or_default()
            .split('.')
            .collect();
        if parts.len() != 3 || parts.iter().any(|p| p.parse::<u64>().is_err()) {
            problems.push(format!("[application] version {v:?} is not semver"));
        }
    }

    let declared_vars = m
        .get("variables")
        .and_then(|v| v.as_table())
        .cloned()
        .unwrap_or_default();
    for (name, var) in &declared_vars {
        let has_default = var.get("default").is_some_and(|d| d.is_str());
        let required = var.get("required").and_then(|r| r.as_bool()) == Some(true);
        if !(has_default ^ required) {
            problems.push(format!(
                "variable {name} needs a default or required = true (not both)"
            ));
        }
    }

    let components = m
        .get("component")
        .and_then(|c| c.as_table())
        .cloned()
        .unwrap_or_default();
    if components.is_empty() {
        problems.push("no [component.*] tables".into());
    }
    for (id, c) in &components {
        match c.get("source") {
            Some(toml::Value::String(s)) if !s.is_empty() => {
                if !s.starts_with("target/wasm32-wasip1/release/") || !s.ends_with(".wasm") {
                    problems.push(format!(
                        "component {id}: source {s:?} is not a wasm32-wasip1 release build"
                    ));
                }
                // `cargo build ... -p NAME` writes NAME with '-' -> '_'.
                let command = c
                    .get("build")
                    .and_then(|b| b.get("command"))
                    .and_then(|v| v.as_str());
                if let Some(pkg) = command.and_then(package_built_by) {
                    let expected = format!("{}.wasm", pkg.replace('-', "_"));
                    if !s.ends_with(&format!("/{expected}")) {
                        problems.push(format!(
                            "component {id}: source {s:?} is not what -p {pkg} builds ({expected})"
                        ));
                    }
                }
            }
            Some(toml::Value::Table(t)) if t.contains_key("url") && t.contains_key("digest") => {}
            other => problems.push(format!("component {id}: needs a source, has {other:?}")),
        }
        if !c
            .get("allowed_outbound_hosts")
            .is_some_and(|h| h.is_array())
        {
            problems.push(format!(
                "component {id}: needs allowed_outbound_hosts (e.g. [])"
            ));
        }
        let build = c.get("build");
        let command_ok = match build.and_then(|b| b.get("command")) {
            Some(toml::Value::String(s)) => !s.trim().is_empty(),
            Some(toml::Value::Array(a)) => !a.is_empty(),
            _ => false,
        };
        if !command_ok {
            problems.push(format!(
                "component {id}: [component.{id}.build] needs a command"
            ));
        }
        let watch = build
            .and_then(|b| b.get("watch"))
            .and_then(|w| w.as_array());
        if watch.is_none_or(|w| w.is_empty() || w.iter().any(|g| !g.is_str())) {
            problems.push(format!(
                "component {id}: [component.{id}.build] needs watch globs (spin watch)"
            ));
        }
        for f in c
            .get("files")
            .and_then(|f| f.as_array())
            .into_iter()
            .flatten()
        {
            let src = f
                .as_str()
                .or_else(|| f.get("source").and_then(|s| s.as_str()));
            match src {
                Some(src) if repo.join(src.split('*').next().unwrap_or(src)).exists() => {}
                other => problems.push(format!(
                    "component {id}: files source {other:?} does not exist"
                )),
            }
        }
        for (var, value) in c
            .get("variables")
            .and_then(|v| v.as_table())
            .into_iter()
            .flatten()
        {
            let template = value.as_str().unwrap_or_default();
            for reference in template
                .split("{{")
                .skip(1)
                .filter_map(|r| r.split("}}").next())
            {
                let name = reference.trim();
                if !declared_vars.contains_key(name) {
                    problems.push(format!(
                        "component {id}: variable {var} uses undeclared {{{{ {name} }}}}"
                    ));
                }
            }
        }
    }

    let triggers = m
        .get("trigger")
        .and_then(|t| t.get("http"))
        .and_then(|h| h.as_array());
    if triggers.is_none_or(|t| t.is_empty()) {
        problems.push("no [[trigger.http]] entries".into());
    }
    for t in triggers.into_iter().flatten() {
        let route = t.get("route").and_then(|r| r.as_str()).unwrap_or_default();
        if !route.starts_with('/') {
            problems.push(format!("trigger route {route:?} must start with '/'"));
        }
        match t.get("component").and_then(|c| c.as_str()) {
            Some(c) if components.contains_key(c) => {}
            other => problems.push(format!("route {route}: component {other:?} does not exist")),
        }
    }
    problems
}

/// The package a `cargo build ... -p NAME` command builds.
fn package_built_by(command: &str) -> Option<&str> {
    let words: Vec<_> = command.split_whitespace().collect();
    words
        .windows(2)
        .find(|w| w[0] == "-p" || w[0] == "--package")
        .map(|w| w[1])
}

fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn spin_toml_is_laid_out_like_spin_templates() {
    assert_clean("spin.toml", check_manifest(&read("spin.toml"), repo_root()));
}

#[test]
fn spin_toml_checks_catch_broken_manifests() {
    let good = r#"#:schema https://schemas.spinframework.dev/spin/manifest-v2/latest.json
spin_manifest_version = 2

[application]
name = "a"
version = "0.1.0"
description = "d"

[variables]
greeting = { default = "hi" }

[[trigger.http]]
route = "/..."
component = "app"

[component.app]
source = "target/wasm32-wasip1/release/my_app.wasm"
allowed_outbound_hosts = []
files = [{ source = "static", destination = "/" }]
variables = { greeting = "{{ greeting }}" }

[component.app.build]
command = "cargo build --target wasm32-wasip1 --release -p my-app"
watch = ["src/**/*.rs"]
"#;
    let repo = repo_root();
    assert_clean("fixture", check_manifest(good, repo));

    let broken = |from: &str, to: &str| {
        assert!(good.contains(from), "fixture lacks {from:?}");
        check_manifest(&good.replacen(from, to, 1), repo)
    };
    assert_caught(&broken("#:schema https", "# https"), "#:schema");
    assert_caught(
        &broken("spin_manifest_version = 2", "spin_manifest_version = 1"),
        "spin_manifest_version",
    );
    assert_caught(
        &broken("spin_manifest_version = 2", "spin_manifest = 2"),
        "unknown top-level key",
    );
    assert_caught(&broken("name = \"a\"\n", ""), "needs a name");
    assert_caught(
        &broken("version = \"0.1.0\"", "version = \"one\""),
        "not semver",
    );
    assert_caught(&broken("description = \"d\"\n", ""), "needs a description");
    assert_caught(
        &broken("{ default = \"hi\" }", "{ secret = true }"),
        "variable greeting",
    );
    assert_caught(
        &broken("component = \"app\"", "component = \"ap\""),
        "does not exist",
    );
    assert_caught(
        &broken("route = \"/...\"", "route = \"...\""),
        "must start with '/'",
    );
    assert_caught(
        &broken(
            "source = \"target/wasm32-wasip1/release/my_app.wasm\"\n",
            "",
        ),
        "needs a source",
    );
    assert_caught(
        &broken("release/my_app.wasm", "release/other.wasm"),
        "-p my-app",
    );
    assert_caught(
        &broken("target/wasm32-wasip1/release/", "target/debug/"),
        "wasm32-wasip1 release",
    );
    assert_caught(
        &broken("allowed_outbound_hosts = []\n", ""),
        "allowed_outbound_hosts",
    );
    assert_caught(
        &broken("command = \"cargo", "commands = \"cargo"),
        "needs a command",
    );
    assert_caught(&broken("watch = [\"src/**/*.rs\"]", "watch = []"), "watch");
    assert_caught(
        &broken("source = \"static\"", "source = \"no-such-dir\""),
        "files source",
    );
    assert_caught(
        &broken("\"{{ greeting }}\"", "\"{{ greting }}\""),
        "undeclared",
    );
    assert_caught(
        &check_manifest("#:schema x\n[application", repo),
        "not TOML",
    );
}

#[test]
fn route_matching_follows_spin() {
    assert!(route_matches("/...", "/anything/at/all"));
    assert!(route_matches("/static/...", "/static/index.html"));
    assert!(route_matches("/static/...", "/static"));
    assert!(!route_matches("/static/...", "/staticfoo"));
    assert!(route_matches("/students/:name/:id", "/students/john/101"));
    assert!(!route_matches("/students/:name/:id", "/students/john"));
    assert!(route_matches("/animals", "/animals"));
    assert!(!route_matches("/animals", "/animals/x"));
}

/// A TOML array of strings.
fn strings(value: &toml::Value) -> Vec<&str> {
    let array = value.as_array().expect("an array");
    array
        .iter()
        .map(|v| v.as_str().expect("a string"))
        .collect()
}

/// `dir/rel` with `..` resolved, relative to the repository root ("" for the root itself).
fn join_lexically(dir: &str, rel: &str) -> String {
    let mut parts: Vec<&str> = dir
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    for p in rel.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// The crate at `dir` and every crate it depends on by path (build dependencies of the wasm,
/// not dev-dependencies), as directories relative to the repository root.
fn crate_dirs(dir: &str, out: &mut Vec<String>) {
    if out.iter().any(|d| d == dir) {
        return;
    }
    out.push(dir.to_owned());
    let cargo: toml::Table = read(&join_lexically(dir, "Cargo.toml")).parse().unwrap();
    for (_, dep) in cargo
        .get("dependencies")
        .and_then(|d| d.as_table())
        .into_iter()
        .flatten()
    {
        if let Some(path) = dep.get("path").and_then(|p| p.as_str()) {
            crate_dirs(&join_lexically(dir, path), out);
        }
    }
}

/// `spin watch` rebuilds a component when a file its `watch` globs match changes: they must
/// cover the sources of the component's crate and of every crate it uses by path, or an edit
/// there is silently not rebuilt.
#[test]
fn spin_watch_covers_every_crate_a_component_is_built_from() {
    let manifest: toml::Table = read("spin.toml").parse().unwrap();
    let workspace: toml::Table = read("Cargo.toml").parse().unwrap();
    let members = strings(&workspace["workspace"]["members"]);
    for (id, c) in manifest["component"].as_table().unwrap() {
        let command = c["build"]["command"].as_str().unwrap();
        let package = package_built_by(command)
            .unwrap_or_else(|| panic!("component {id}: no -p in {command:?}"));
        let dir = members
            .iter()
            .copied()
            .find(|m| {
                let cargo: toml::Table = read(&join_lexically(m, "Cargo.toml")).parse().unwrap();
                cargo["package"]["name"].as_str() == Some(package)
            })
            .unwrap_or_else(|| panic!("component {id}: no workspace member named {package}"));
        let watch = strings(&c["build"]["watch"]);
        let mut dirs = Vec::new();
        crate_dirs(&join_lexically(dir, ""), &mut dirs);
        assert!(
            dirs.len() > 1,
            "component {id}: expected path dependencies, found {dirs:?}"
        );
        for d in dirs {
            let sources = join_lexically(&d, "src/**/*.rs");
            let manifest = join_lexically(&d, "Cargo.toml");
            for needed in [sources, manifest] {
                assert!(
                    watch.contains(&needed.as_str()),
                    "component {id}: watch {watch:?} misses {needed}"
                );
            }
        }
    }
}
