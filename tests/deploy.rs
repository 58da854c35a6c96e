//! What can go wrong between our deployment files and `spin.toml`, checked with spin-local's
//! own manifest parser, router and variable resolution rather than a second copy of Spin's
//! rules. `deploy/spinapp.yaml`'s fields are `tests/spinapp_schema.rs`'s business; here: it
//! names the app, probes routed paths and sets declared variables. The CI workflow and
//! `.ci/run` run scripts that exist and curl routed paths. `spin watch` covers every crate a
//! component is built from.
//!
//! Each check is a function over the files' text, so that one test per check can feed it
//! broken copies of the real files. No wasm build needed.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use regex_lite::Regex;
use spin_local::files::glob_match;
use spin_local::manifest::{self, App, Route};
use spin_local::routes::Router;
use spin_local::variables::resolve_app;
use yaml_rust2::{Yaml, YamlLoader};

/// The scripts that run the tests: a workflow calling neither tests nothing.
const TEST_ENTRIES: [&str; 2] = [".ci/run", "scripts/test.sh"];

/// A check's findings; `Err` when a file is not even what it claims to be.
type Problems = Result<Vec<String>, String>;

fn root() -> PathBuf {
    // Canonical, so that paths reached through `..` compare equal.
    std::fs::canonicalize(env!("CARGO_MANIFEST_DIR")).unwrap()
}

fn read(relative: &str) -> String {
    let path = root().join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn relative(path: &Path) -> String {
    path.strip_prefix(root()).unwrap().display().to_string()
}

/// spin.toml as spin-local loads and routes it.
fn load_spin(manifest: &str) -> Result<(App, Router), String> {
    let app = manifest::parse(manifest, &root()).map_err(|e| format!("spin.toml: {e:#}"))?;
    let routes = app.http_triggers.iter().filter_map(|t| match &t.route {
        Route::Pattern(p) => Some((p.as_str(), t.component.as_str())),
        Route::Private => None,
    });
    let (router, _) = Router::build(routes).map_err(|e| format!("spin.toml: {e:#}"))?;
    Ok((app, router))
}

/// The component a request for `path` (query and all) reaches.
fn component_for(router: &Router, path: &str) -> Option<String> {
    let path = path.split('?').next().unwrap_or(path);
    router.route(path).map(|m| m.entry.component.clone())
}

/// Why setting these variables would not configure the app (an undeclared name, a required
/// one left unset): the runtime would refuse to start.
fn variables_problem(app: &App, names: impl Iterator<Item = String>) -> Option<String> {
    let settings: Vec<_> = names.map(|n| (n, String::new())).collect();
    let problem = resolve_app(&app.variables, &settings, |_| None).err()?;
    Some(format!("{problem:#}"))
}

fn one_yaml(text: &str) -> Result<Yaml, String> {
    let docs = YamlLoader::load_from_str(text).map_err(|e| format!("not YAML: {e}"))?;
    docs.into_iter()
        .next()
        .ok_or_else(|| "an empty YAML file".to_owned())
}

// ---- deploy/spinapp.yaml ----------------------------------------------------------------------

fn check_spinapp(spinapp: &str, manifest: &str) -> Problems {
    let (doc, (app, router)) = (one_yaml(spinapp)?, load_spin(manifest)?);
    let mut problems = Vec::new();
    // The operator names the Deployment and Service after it; the README's `svc/<app>` too.
    if doc["metadata"]["name"].as_str() != Some(&app.name) {
        problems.push(format!("metadata.name is not {:?}", app.name));
    }
    // A probe on an unrouted path gets 404: pods never ready, or restarted forever.
    for probe in ["readiness", "liveness"] {
        match doc["spec"]["checks"][probe]["httpGet"]["path"].as_str() {
            Some(path) if component_for(&router, path).is_some() => {}
            Some(path) => problems.push(format!("{probe} probe {path} is not routed")),
            None => problems.push(format!("spec.checks.{probe}.httpGet.path is missing")),
        }
    }
    let vars = &doc["spec"]["variables"];
    let names = (0..).map_while(|i| vars[i]["name"].as_str().map(str::to_owned));
    problems.extend(variables_problem(&app, names).map(|e| format!("spec.variables: {e}")));
    Ok(problems)
}

// ---- .github/workflows/ci.yml and .ci/run -------------------------------------------------------

/// The paths a shell script curls on the app: the words of `for` loops that curl, and literal
/// `127.0.0.1:PORT/path` URLs.
fn curled_paths(script: &str) -> Vec<String> {
    let url = Regex::new(r#"127\.0\.0\.1:[^/\s"']*(/[^\s"'$)]*)"#).unwrap();
    let for_loop = Regex::new(r"(?s)for \w+ in ([^;\n]*); do(.*?)\bdone\b").unwrap();
    let mut paths: Vec<String> = url.captures_iter(script).map(|c| c[1].to_owned()).collect();
    let loops = for_loop.captures_iter(script);
    for c in loops.filter(|c| c[2].contains("curl")) {
        let words = c[1].split_whitespace().map(|w| w.trim_matches(['"', '\'']));
        paths.extend(words.filter(|w| w.starts_with('/')).map(str::to_owned));
    }
    paths
}

/// The project scripts a shell text calls.
fn scripts_run(script: &str) -> BTreeSet<String> {
    let re = Regex::new(r"(?m)(?:^|[\s;&|(])(?:\./)?(scripts/[\w.-]+|\.ci/run)\b").unwrap();
    re.captures_iter(script).map(|c| c[1].to_owned()).collect()
}

/// A shell script's calls to our scripts must find them (a rename fails only on the runner),
/// and its smoke test proves only what it curls: every path routed, every component reached,
/// every variable it sets declared.
fn check_script(what: &str, script: &str, manifest: &str) -> Problems {
    let (app, router) = load_spin(manifest)?;
    let mut problems = Vec::new();
    let scripts = scripts_run(script);
    for missing in scripts.iter().filter(|s| !root().join(s).is_file()) {
        problems.push(format!("{what} runs {missing}, which does not exist"));
    }
    let paths = curled_paths(script);
    if paths.is_empty() {
        problems.push(format!("{what} curls no path of the app"));
    }
    let mut reached = BTreeSet::new();
    for path in &paths {
        let component = component_for(&router, path);
        if component.is_none() {
            problems.push(format!("{what} curls {path}, which is not routed"));
        }
        reached.extend(component);
    }
    for route in router.routes().filter(|r| !reached.contains(&r.component)) {
        problems.push(format!("{what} curls nothing {} serves", route.component));
    }
    let set = Regex::new(r"(?:--variable\s+|SPIN_VARIABLE_)(\w+)=").unwrap();
    let names = set.captures_iter(script).map(|c| c[1].to_ascii_lowercase());
    problems.extend(variables_problem(&app, names).map(|e| format!("{what}: {e}")));
    Ok(problems)
}

fn check_workflow(workflow: &str, manifest: &str) -> Problems {
    let doc = one_yaml(workflow)?;
    let mut problems = Vec::new();
    // What GitHub needs to run anything: events, and jobs with a runner and steps.
    let jobs = doc["jobs"].as_hash().cloned().unwrap_or_default();
    if doc["on"].is_badvalue() || jobs.is_empty() {
        problems.push("the workflow needs `on` events and jobs".to_owned());
    }
    let mut runs = Vec::new();
    for (name, job) in &jobs {
        let name = name.as_str().unwrap_or_default();
        let steps = job["steps"].as_vec().map(Vec::as_slice).unwrap_or_default();
        if matches!(job["runs-on"], Yaml::BadValue | Yaml::Null) || steps.is_empty() {
            problems.push(format!("job {name} needs runs-on and steps"));
        }
        runs.extend(steps.iter().filter_map(|s| s["run"].as_str()));
    }
    let runs = runs.join("\n");
    if !TEST_ENTRIES.iter().any(|t| scripts_run(&runs).contains(*t)) {
        problems.push(format!("the workflow runs none of {TEST_ENTRIES:?}"));
    }
    problems.extend(check_script("the workflow", &runs, manifest)?);
    Ok(problems)
}

// ---- spin.toml's watch globs ------------------------------------------------------------------

fn toml_at<'a>(table: &'a toml::Table, keys: &[&str]) -> Option<&'a toml::Value> {
    let (first, rest) = keys.split_first()?;
    rest.iter().try_fold(table.get(*first)?, |v, k| v.get(*k))
}

/// A TOML string or array of strings, as `command` and `watch` are.
fn strings(value: Option<&toml::Value>) -> Vec<&str> {
    match value {
        Some(toml::Value::String(s)) => vec![s],
        Some(toml::Value::Array(a)) => a.iter().filter_map(|s| s.as_str()).collect(),
        _ => Vec::new(),
    }
}

fn read_toml(dir: &Path) -> toml::Table {
    let path = dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The directory of the workspace member `cargo build ... -p NAME` builds.
fn member_built_by(command: &str) -> Option<PathBuf> {
    let package = command.split(" -p ").nth(1)?.split_whitespace().next()?;
    let workspace = read_toml(&root());
    let members = strings(toml_at(&workspace, &["workspace", "members"]));
    let mut dirs = members.iter().map(|m| root().join(m));
    dirs.find(|dir| strings(toml_at(&read_toml(dir), &["package", "name"])) == [package])
}

/// The files whose edits change what `dir`'s crate builds: the Cargo.toml, the sources and
/// what they embed (`include_str!`, `include_bytes!`), of the crate and of its path
/// dependencies, transitively (dev-dependencies are not built in).
fn build_inputs(dir: &Path, out: &mut BTreeSet<String>) {
    if !out.insert(relative(&dir.join("Cargo.toml"))) {
        return;
    }
    let cargo = read_toml(dir);
    let deps = cargo.get("dependencies").and_then(|d| d.as_table());
    for dep in deps.into_iter().flat_map(|d| d.values()) {
        if let Some(path) = dep.get("path").and_then(|p| p.as_str()) {
            build_inputs(&dir.join(path).canonicalize().unwrap(), out);
        }
    }
    let embed = Regex::new(r#"include_(?:str|bytes)!\(\s*"([^"]+)""#).unwrap();
    let mut pending = vec![dir.join("src")];
    while let Some(d) = pending.pop() {
        for path in std::fs::read_dir(&d).unwrap().map(|e| e.unwrap().path()) {
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let source = std::fs::read_to_string(&path).unwrap();
                for c in embed.captures_iter(&source) {
                    let embedded = path.parent().unwrap().join(&c[1]).canonicalize().unwrap();
                    out.insert(relative(&embedded));
                }
                out.insert(relative(&path));
            }
        }
    }
}

/// `spin watch` rebuilds a component only when a file its globs match changes: an input they
/// miss is an edit silently not rebuilt. spin-local runs no builds, so it skips
/// `[component.ID.build]`; that table is read as plain TOML.
fn check_watch(manifest: &str) -> Problems {
    let (app, _) = load_spin(manifest)?;
    let raw: toml::Table = manifest.parse().map_err(|e| format!("spin.toml: {e}"))?;
    let mut problems = Vec::new();
    for id in app.components.keys() {
        let build = |key| toml_at(&raw, &["component", id, "build", key]);
        let command = strings(build("command")).join(" ");
        let Some(dir) = member_built_by(&command) else {
            problems.push(format!("{id}: {command:?} builds no workspace member"));
            continue;
        };
        let (watch, mut inputs) = (strings(build("watch")), BTreeSet::new());
        build_inputs(&dir, &mut inputs);
        let watched = |f: &&String| watch.iter().any(|g| glob_match(g, f));
        let missed = inputs.iter().filter(|f| !watched(f));
        problems.extend(missed.map(|f| format!("{id}: watch misses {f}")));
    }
    Ok(problems)
}

// ---- the tests ----------------------------------------------------------------------------------

/// A broken variant of a real file: the first `from` replaced by `to`.
fn mutate(text: &str, (from, to): (&str, &str)) -> String {
    assert!(text.contains(from), "no {from:?}: update the variant");
    text.replacen(from, to, 1)
}

fn assert_clean(what: &str, problems: Problems) {
    let problems = problems.unwrap_or_else(|e| vec![e]);
    assert!(problems.is_empty(), "{what}: {problems:#?}");
}

fn assert_caught(problems: Problems, needle: &str) {
    let problems = problems.unwrap_or_else(|e| vec![e]);
    let caught = problems.iter().any(|p| p.contains(needle));
    assert!(caught, "no problem mentions {needle:?}: {problems:#?}");
}

/// spin.toml with its catch-all moved: `/` and the app's pages are no longer routed.
const UNROUTED: (&str, &str) = ("route = \"/...\"", "route = \"/app/...\"");

#[test]
fn spinapp_names_the_app_probes_routed_paths_and_sets_declared_variables() {
    let problems = check_spinapp(&read("deploy/spinapp.yaml"), &read("spin.toml"));
    assert_clean("deploy/spinapp.yaml", problems);
}

#[test]
fn spinapp_check_catches_broken_variants() {
    let (yaml, toml) = (read("deploy/spinapp.yaml"), read("spin.toml"));
    for (variant, needle) in [
        (("name: tutorial-app", "name: tutorial"), "metadata.name"),
        (("kind: SpinApp", "kind: [SpinApp"), "not YAML"),
        (("name: cache_control", "name: cache"), "no such variable"),
        (("httpGet:\n", "get:\n"), "httpGet.path is missing"),
    ] {
        assert_caught(check_spinapp(&mutate(&yaml, variant), &toml), needle);
    }
    for (variant, needle) in [
        (UNROUTED, "readiness probe / is not routed"),
        (("{ default = \"\" }", "{ required = true }"), "is required"),
    ] {
        assert_caught(check_spinapp(&yaml, &mutate(&toml, variant)), needle);
    }
}

#[test]
fn ci_workflow_runs_the_tests_and_smoke_tests_routed_paths() {
    let problems = check_workflow(&read(".github/workflows/ci.yml"), &read("spin.toml"));
    assert_clean(".github/workflows/ci.yml", problems);
}

#[test]
fn ci_workflow_check_catches_broken_variants() {
    let (ci, toml) = (read(".github/workflows/ci.yml"), read("spin.toml"));
    for (variant, needle) in [
        (("name: CI", "name: CI: x"), "not YAML"),
        (("\non:\n", "\nevents:\n"), "needs `on` events"),
        (("runs-on: ubuntu-latest", "name: t"), "needs runs-on"),
        (("    steps:", "    stops:"), "and steps"),
        (("test.sh", "tests.sh"), "tests.sh, which does not"),
        (("run: scripts/test.sh", "run: cargo test"), "runs none of"),
        ((" \"/static/index.html\"", ""), "static-files serves"),
    ] {
        assert_caught(check_workflow(&mutate(&ci, variant), &toml), needle);
    }
    let unrouted = check_workflow(&ci, &mutate(&toml, UNROUTED));
    assert_caught(unrouted, "curls /animals, which is not routed");
}

#[test]
fn ci_run_runs_existing_scripts_and_smoke_tests_routed_paths() {
    let problems = check_script(".ci/run", &read(".ci/run"), &read("spin.toml"));
    assert_clean(".ci/run", problems);
}

#[test]
fn ci_run_check_catches_broken_variants() {
    let (run, toml) = (read(".ci/run"), read("spin.toml"));
    let check = |run: &str, toml: &str| check_script(".ci/run", run, toml);
    for (variant, needle) in [
        (("-check.sh\n", "-chek.sh\n"), "chek.sh, which does not"),
        (("_FALLBACK_PATH=", "_FALLBACK="), "--variable fallback:"),
        (("cache_control=no", "cache=no"), "--variable cache:"),
    ] {
        assert_caught(check(&mutate(&run, variant), &toml), needle);
    }
    for (variant, needle) in [
        (UNROUTED, "curls /animals, which is not routed"),
        (("\"/static/...\"", "\"/files/...\""), "static-files serves"),
    ] {
        assert_caught(check(&run, &mutate(&toml, variant)), needle);
    }
    assert_caught(check("echo no smoke test", &toml), "curls no path");
}

#[test]
fn spin_watch_covers_every_crate_a_component_is_built_from() {
    assert_clean("spin.toml", check_watch(&read("spin.toml")));
}

#[test]
fn spin_watch_check_catches_broken_variants() {
    let toml = read("spin.toml");
    for glob in [
        "crates/spin-glue/src/**/*.rs",
        "crates/http-rules/Cargo.toml",
        "Cargo.toml",
        "src/**/*.rs",
        "static/index.html",
    ] {
        let unwatched = mutate(&toml, (&format!("    \"{glob}\",\n"), ""));
        // mutate() drops the first occurrence: the app's, so the app misses the files.
        let missed = format!("app: watch misses {}", glob.split('*').next().unwrap());
        assert_caught(check_watch(&unwatched), &missed);
    }
    let unbuilt = mutate(&toml, ("-p static-files", "-p static_files"));
    assert_caught(check_watch(&unbuilt), "builds no workspace member");
}
