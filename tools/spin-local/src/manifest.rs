//! Reads the parts of a Spin manifest (v2) that the local host needs.
//!
//! Parsing is pure (`parse` takes the text and the manifest's directory); only `load` touches the
//! file system. Unknown keys are ignored, as Spin ignores keys it does not use for a trigger.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use serde::Deserialize;

/// A Spin application, as far as its HTTP trigger is concerned.
#[derive(Debug, Clone, PartialEq)]
pub struct App {
    pub name: String,
    pub version: Option<String>,
    pub description: Option<String>,
    /// The manifest's directory: every relative path in the manifest resolves against it.
    pub dir: PathBuf,
    /// `[[trigger.http]]` entries, in manifest order.
    pub http_triggers: Vec<HttpTrigger>,
    /// `[component.ID]` tables, by id.
    pub components: BTreeMap<String, Component>,
    /// `[variables]`, served to components by [`crate::variables`].
    pub variables: BTreeMap<String, Variable>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HttpTrigger {
    pub route: Route,
    pub component: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Route {
    /// A route pattern such as `/`, `/foo`, `/foo/...` or `/users/:id`.
    Pattern(String),
    /// `route = { private = true }`: reachable only by service chaining, never from outside.
    Private,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Component {
    pub id: String,
    /// Absolute (manifest-dir-joined) path of the Wasm file.
    pub source: PathBuf,
    pub files: Vec<FileEntry>,
    pub exclude_files: Vec<String>,
    pub environment: BTreeMap<String, String>,
    pub allowed_outbound_hosts: Vec<String>,
    /// `[component.ID.variables]`: name to template (`"{{ app_variable }}"`).
    pub variables: BTreeMap<String, String>,
}

/// One entry of a component's `files` list.
#[derive(Debug, Clone, PartialEq)]
pub enum FileEntry {
    /// A file or glob pattern relative to the manifest dir, mounted at the same relative path.
    Pattern(String),
    /// `{ source = "dir", destination = "/path" }`.
    Mapping {
        source: PathBuf,
        destination: String,
    },
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Variable {
    pub default: Option<String>,
    pub required: bool,
    pub secret: bool,
}

/// Reads and parses the manifest at `path` (a `spin.toml` file, or a directory holding one).
pub fn load(path: &Path) -> Result<App> {
    let file = if path.is_dir() {
        path.join("spin.toml")
    } else {
        path.to_path_buf()
    };
    let text = std::fs::read_to_string(&file)
        .with_context(|| format!("cannot read Spin manifest {}", file.display()))?;
    let dir = file
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    // Absolute, so that paths stay valid whatever the process's working directory becomes.
    let dir = if dir.as_os_str().is_empty() {
        std::env::current_dir()?
    } else {
        std::path::absolute(&dir)?
    };
    parse(&text, &dir).with_context(|| format!("invalid Spin manifest {}", file.display()))
}

/// Parses manifest text; `dir` is the directory relative paths resolve against.
pub fn parse(text: &str, dir: &Path) -> Result<App> {
    let raw: RawManifest = toml::from_str(text)?;
    match raw.spin_manifest_version {
        Some(toml::Value::Integer(2)) => {}
        Some(toml::Value::String(ref s)) if s == "2" => {}
        Some(other) => bail!("unsupported spin_manifest_version {other}: only 2 is supported"),
        None if raw.spin_version.is_some() => {
            bail!(
                "this is a version 1 manifest (spin_version); only manifest version 2 is supported"
            )
        }
        None => bail!("missing spin_manifest_version (expected spin_manifest_version = 2)"),
    }
    let application = raw
        .application
        .ok_or_else(|| anyhow!("missing [application] table"))?;

    let mut http_triggers = Vec::new();
    for (kind, entries) in raw.trigger {
        if kind != "http" {
            bail!("trigger type '{kind}' is not supported by spin-local (only http)");
        }
        for (i, entry) in entries.into_iter().enumerate() {
            let t: RawHttpTrigger = entry
                .try_into()
                .with_context(|| format!("invalid [[trigger.http]] entry #{}", i + 1))?;
            http_triggers.push(t.resolve(i)?);
        }
    }

    let mut components = BTreeMap::new();
    for (id, c) in raw.component {
        let comp = c
            .resolve(&id, dir)
            .with_context(|| format!("invalid component '{id}'"))?;
        components.insert(id, comp);
    }

    for t in &http_triggers {
        if !components.contains_key(&t.component) {
            bail!(
                "[[trigger.http]] refers to component '{}', but there is no [component.{}]",
                t.component,
                t.component
            );
        }
    }

    let variables = raw
        .variables
        .into_iter()
        .map(|(k, v)| {
            let v = Variable {
                default: v.default,
                required: v.required,
                secret: v.secret,
            };
            (k, v)
        })
        .collect();

    Ok(App {
        name: application.name,
        version: application.version,
        description: application.description,
        dir: dir.to_path_buf(),
        http_triggers,
        components,
        variables,
    })
}

// ---- raw serde shapes -------------------------------------------------------------------------

#[derive(Deserialize)]
struct RawManifest {
    spin_manifest_version: Option<toml::Value>,
    spin_version: Option<toml::Value>,
    application: Option<RawApplication>,
    #[serde(default)]
    variables: BTreeMap<String, RawVariable>,
    #[serde(default)]
    trigger: BTreeMap<String, Vec<toml::Value>>,
    #[serde(default)]
    component: BTreeMap<String, RawComponent>,
}

#[derive(Deserialize)]
struct RawApplication {
    name: String,
    version: Option<String>,
    description: Option<String>,
}

#[derive(Deserialize, Default)]
struct RawVariable {
    default: Option<String>,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    secret: bool,
}

#[derive(Deserialize)]
struct RawHttpTrigger {
    route: RawRoute,
    component: Option<toml::Value>,
    executor: Option<RawExecutor>,
    static_response: Option<toml::Value>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawRoute {
    Pattern(String),
    Private { private: bool },
}

#[derive(Deserialize)]
struct RawExecutor {
    #[serde(rename = "type")]
    kind: String,
}

impl RawHttpTrigger {
    fn resolve(self, index: usize) -> Result<HttpTrigger> {
        let n = index + 1;
        if self.static_response.is_some() {
            bail!("[[trigger.http]] #{n}: static_response is not supported by spin-local");
        }
        let component = match self.component {
            Some(toml::Value::String(id)) => id,
            Some(toml::Value::Table(_)) => bail!(
                "[[trigger.http]] #{n}: inline component tables are not supported by spin-local; \
                 declare [component.ID] and use component = \"ID\""
            ),
            Some(_) => bail!("[[trigger.http]] #{n}: component must be a string id"),
            None => bail!("[[trigger.http]] #{n}: missing component"),
        };
        if let Some(exec) = self.executor {
            match exec.kind.as_str() {
                "spin" | "http" => {}
                "wagi" => bail!(
                    "component '{component}': the wagi executor is not supported by spin-local \
                     (only Spin/WASI HTTP components)"
                ),
                other => bail!("component '{component}': unknown executor type '{other}'"),
            }
        }
        let route = match self.route {
            RawRoute::Pattern(p) => Route::Pattern(p),
            RawRoute::Private { private: true } => Route::Private,
            RawRoute::Private { private: false } => bail!(
                "route must be a string pattern or '{{ private = true }}': \
                 component '{component}' has {{ private = false }}"
            ),
        };
        Ok(HttpTrigger { route, component })
    }
}

#[derive(Deserialize)]
struct RawComponent {
    source: toml::Value,
    #[serde(default)]
    files: Vec<RawFile>,
    #[serde(default)]
    exclude_files: Vec<String>,
    #[serde(default)]
    environment: BTreeMap<String, String>,
    #[serde(default)]
    allowed_outbound_hosts: Vec<String>,
    #[serde(default)]
    variables: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawFile {
    Pattern(String),
    Mapping { source: String, destination: String },
}

impl RawComponent {
    fn resolve(self, id: &str, dir: &Path) -> Result<Component> {
        let source = match self.source {
            toml::Value::String(s) => dir.join(s),
            toml::Value::Table(t) if t.contains_key("url") => bail!(
                "source is a URL; spin-local loads local files only (download it and use a path)"
            ),
            toml::Value::Table(t) if t.contains_key("registry") || t.contains_key("package") => {
                bail!("source is a registry package; spin-local loads local files only")
            }
            _ => bail!("source must be a path string"),
        };
        let files = self
            .files
            .into_iter()
            .map(|f| match f {
                RawFile::Pattern(p) => Ok(FileEntry::Pattern(p)),
                RawFile::Mapping {
                    source,
                    destination,
                } => {
                    if !destination.starts_with('/') {
                        bail!("files: destination '{destination}' must be an absolute path");
                    }
                    Ok(FileEntry::Mapping {
                        source: dir.join(source),
                        destination,
                    })
                }
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Component {
            id: id.to_string(),
            source,
            files,
            exclude_files: self.exclude_files,
            environment: self.environment,
            allowed_outbound_hosts: self.allowed_outbound_hosts,
            variables: self.variables,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TUTORIAL: &str = r#"
#:schema https://schemas.spinframework.dev/spin/manifest-v2/latest.json
spin_manifest_version = 2
[application]
name = "tutorial-app"
version = "0.1.0"
description = "..."
[variables]
greeting = { default = "hi" }
token = { required = true, secret = true }
[[trigger.http]]
route = "/..."
component = "app"
[component.app]
source = "target/wasm32-wasip1/release/tutorial_app.wasm"
allowed_outbound_hosts = []
variables = { greeting = "{{ greeting }}" }
[component.app.build]
command = "cargo build --target wasm32-wasip1 --release -p tutorial-app"
watch = ["src/**/*.rs", "Cargo.toml", "static/index.html"]
[[trigger.http]]
route = "/static/..."
component = "static-files"
[component.static-files]
source = "target/wasm32-wasip1/release/static_files.wasm"
files = [{ source = "static", destination = "/" }, "README.md"]
allowed_outbound_hosts = []
environment = { CACHE_CONTROL = "max-age=60" }
some_future_key = 1
[component.static-files.build]
command = "..."
"#;

    #[test]
    fn parses_the_tutorial_manifest() {
        let app = parse(TUTORIAL, Path::new("/app")).unwrap();
        assert_eq!(app.name, "tutorial-app");
        assert_eq!(app.version.as_deref(), Some("0.1.0"));
        assert_eq!(
            app.http_triggers,
            vec![
                HttpTrigger {
                    route: Route::Pattern("/...".into()),
                    component: "app".into()
                },
                HttpTrigger {
                    route: Route::Pattern("/static/...".into()),
                    component: "static-files".into()
                },
            ]
        );
        let sf = &app.components["static-files"];
        assert_eq!(
            sf.source,
            Path::new("/app/target/wasm32-wasip1/release/static_files.wasm")
        );
        assert_eq!(
            sf.files,
            vec![
                FileEntry::Mapping {
                    source: "/app/static".into(),
                    destination: "/".into()
                },
                FileEntry::Pattern("README.md".into()),
            ]
        );
        assert_eq!(sf.environment["CACHE_CONTROL"], "max-age=60");
        assert_eq!(
            app.components["app"].variables["greeting"],
            "{{ greeting }}"
        );
        assert!(app.variables["token"].required && app.variables["token"].secret);
        assert_eq!(app.variables["greeting"].default.as_deref(), Some("hi"));
    }

    fn err(text: &str) -> String {
        format!("{:#}", parse(text, Path::new("/app")).unwrap_err())
    }

    const HEAD: &str = "spin_manifest_version = 2\n[application]\nname = \"a\"\n";

    #[test]
    fn rejects_wrong_versions() {
        assert!(err("spin_version = \"1\"\nname = \"a\"").contains("version 1"));
        assert!(err("spin_manifest_version = 3\n[application]\nname = \"a\"").contains("only 2"));
    }

    #[test]
    fn rejects_wagi_and_accepts_spin_executor() {
        let wagi = format!(
            "{HEAD}[[trigger.http]]\nroute = \"/\"\ncomponent = \"c\"\nexecutor = {{ type = \"wagi\" }}\n[component.c]\nsource = \"c.wasm\"\n"
        );
        assert!(err(&wagi).contains("wagi executor is not supported"));
        let spin = wagi.replace("wagi", "spin");
        assert!(parse(&spin, Path::new("/app")).is_ok());
    }

    #[test]
    fn rejects_url_sources() {
        let m = format!(
            "{HEAD}[[trigger.http]]\nroute = \"/\"\ncomponent = \"c\"\n[component.c]\nsource = {{ url = \"https://x/y.wasm\", digest = \"sha256:00\" }}\n"
        );
        assert!(err(&m).contains("URL"));
    }

    #[test]
    fn rejects_unknown_component_and_inline_components() {
        let m = format!("{HEAD}[[trigger.http]]\nroute = \"/\"\ncomponent = \"nope\"\n");
        assert!(err(&m).contains("no [component.nope]"));
        let m = format!(
            "{HEAD}[[trigger.http]]\nroute = \"/\"\ncomponent = {{ source = \"x.wasm\" }}\n"
        );
        assert!(err(&m).contains("inline component"));
    }

    #[test]
    fn private_routes_and_other_triggers() {
        let m = format!(
            "{HEAD}[[trigger.http]]\nroute = {{ private = true }}\ncomponent = \"c\"\n[component.c]\nsource = \"c.wasm\"\n"
        );
        let app = parse(&m, Path::new("/app")).unwrap();
        assert_eq!(app.http_triggers[0].route, Route::Private);
        let m = format!("{HEAD}[[trigger.redis]]\nchannel = \"x\"\ncomponent = \"c\"\n");
        assert!(err(&m).contains("'redis' is not supported"));
    }

    #[test]
    fn relative_destination_is_rejected() {
        let m = format!(
            "{HEAD}[component.c]\nsource = \"c.wasm\"\nfiles = [{{ source = \"s\", destination = \"rel\" }}]\n"
        );
        assert!(err(&m).contains("must be an absolute path"));
    }
}
