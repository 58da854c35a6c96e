//! `deploy/spinapp.yaml` against the SpinApp CRD's own schema: the `openAPIV3Schema` of
//! `spinapps.core.spinkube.dev`, version v1alpha1, copied from the Spin operator's repository
//! into `deploy/schema/spinapp-v1alpha1.schema.json` (source, commit and how to refresh it:
//! `deploy/schema/README.md`). This is what the API server checks a SpinApp against.
//!
//! The validator is written here rather than taken from a JSON-Schema crate. It implements
//! exactly the keywords the CRD uses, with the API server's structural-schema rules where they
//! differ from plain JSON Schema:
//! - an unknown field is an error: kubectl's default `--validate=strict` has the server reject
//!   it (without validation the server drops it silently: a typo'd field deploys without it),
//!   unless the schema says `x-kubernetes-preserve-unknown-fields`;
//! - a field set to null is dropped before validation (no field here is `nullable`), so a
//!   required field set to null is missing;
//! - `x-kubernetes-int-or-string`: an integer or a string (the `anyOf` beside it says the same);
//! - `metadata` is ObjectMeta, which the CRD leaves to the server: the fields a manifest sets
//!   are checked by hand below (`check_object_meta`).
//!
//! `format`, `default`, `description`, `x-kubernetes-map-type` and
//! `x-kubernetes-list-type: atomic` carry nothing to check (`format`, e.g. int32, is taken as
//! informational). Any other keyword is an error, both where the manifest
//! reaches it and anywhere in the schema (`schema_uses_only_keywords_the_validator_knows`): a
//! refreshed CRD that brings CEL rules (`x-kubernetes-validations`) or `oneOf` fails here until
//! the validator learns them, instead of passing unchecked.
//!
//! kubectl reads YAML as YAML 1.1 (sigs.k8s.io/yaml), this test through yaml-rust2 as YAML 1.2.
//! Plain scalars the two read differently (`yes`, `on`, `0777`, `1_000`, `Null`, ...) are
//! reported too, so the test and the cluster never see different manifests silently.
//!
//! Every check can fail: `broken_manifests_are_rejected` breaks the real manifest in the ways
//! the schema forbids and expects each to be reported. No wasm build needed:
//! `cargo test --test spinapp_schema`.

use std::path::Path;

use regex_lite::Regex;
use serde_json::{json, Map, Value};
use yaml_rust2::parser::{MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};
use yaml_rust2::{Event, Yaml, YamlLoader};

const MANIFEST: &str = "deploy/spinapp.yaml";
const SCHEMA: &str = "deploy/schema/spinapp-v1alpha1.schema.json";
const API_VERSION: &str = "core.spinkube.dev/v1alpha1";
const KIND: &str = "SpinApp";

fn read(relative: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

fn schema() -> Value {
    serde_json::from_str(&read(SCHEMA)).unwrap_or_else(|e| panic!("{SCHEMA} is not JSON: {e}"))
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn at(path: &str) -> &str {
    if path.is_empty() {
        "(the document)"
    } else {
        path
    }
}

fn describe(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string {s:?}"),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "a mapping".into(),
    }
}

// ---------------------------------------------------------------------------------------------
// YAML to the JSON the API server receives.

fn to_json(y: &Yaml, path: &str) -> Result<Value, String> {
    Ok(match y {
        Yaml::Null => Value::Null,
        Yaml::Boolean(b) => Value::Bool(*b),
        Yaml::Integer(i) => Value::from(*i),
        Yaml::Real(r) => r
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
            .ok_or_else(|| format!("{}: {r} is not a JSON number", at(path)))?,
        Yaml::String(s) => Value::String(s.clone()),
        Yaml::Array(items) => Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| to_json(v, &format!("{path}[{i}]")))
                .collect::<Result<_, _>>()?,
        ),
        Yaml::Hash(h) => {
            let mut m = Map::new();
            for (k, v) in h {
                let Yaml::String(k) = k else {
                    return Err(format!("{}: the key {k:?} is not a string", at(path)));
                };
                m.insert(k.clone(), to_json(v, &join(path, k))?);
            }
            Value::Object(m)
        }
        Yaml::Alias(_) | Yaml::BadValue => {
            return Err(format!("{}: a YAML value with no JSON form", at(path)))
        }
    })
}

fn load_manifest(text: &str) -> Result<Value, String> {
    let mut docs = YamlLoader::load_from_str(text).map_err(|e| format!("not YAML: {e}"))?;
    match docs.len() {
        1 => to_json(&docs.remove(0), ""),
        n => Err(format!("expected one YAML document, found {n}")),
    }
}

// ---------------------------------------------------------------------------------------------
// Plain scalars that YAML 1.1 (kubectl) and YAML 1.2 (yaml-rust2, this test) read differently.

#[derive(Debug, PartialEq)]
enum Reading {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str,
}

/// What go-yaml v2 (under sigs.k8s.io/yaml, which kubectl uses) makes of a plain scalar:
/// its resolve table, then `strconv.ParseInt(s, 0, 64)` and `ParseFloat` with '_' removed.
fn yaml11_reading(v: &str) -> Reading {
    match v {
        "" | "~" | "null" | "Null" | "NULL" => return Reading::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "true" | "True" | "TRUE" => {
            return Reading::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "false" | "False" | "FALSE" => {
            return Reading::Bool(false)
        }
        _ => {}
    }
    let plain = v.replace('_', "");
    let (negative, body) = match plain.as_bytes().first() {
        Some(b'-') => (true, &plain[1..]),
        Some(b'+') => (false, &plain[1..]),
        _ => (false, plain.as_str()),
    };
    let lower = body.to_ascii_lowercase();
    let (radix, digits) = if let Some(d) = lower.strip_prefix("0x") {
        (16, d)
    } else if let Some(d) = lower.strip_prefix("0o") {
        (8, d)
    } else if let Some(d) = lower.strip_prefix("0b") {
        (2, d)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, &lower[1..])
    } else {
        (10, lower.as_str())
    };
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_alphanumeric()) {
        if let Ok(n) = i64::from_str_radix(digits, radix) {
            return Reading::Int(if negative { -n } else { n });
        }
    }
    let float = Regex::new(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$").unwrap();
    match plain.parse::<f64>() {
        Ok(f) if float.is_match(&plain) => Reading::Float(f),
        _ => Reading::Str,
    }
}

/// What yaml-rust2 makes of the same plain scalar.
fn yaml12_reading(v: &str) -> Reading {
    match Yaml::from_str(v) {
        Yaml::Null => Reading::Null,
        Yaml::Boolean(b) => Reading::Bool(b),
        Yaml::Integer(i) => Reading::Int(i),
        Yaml::Real(r) => r.parse().map(Reading::Float).unwrap_or(Reading::Str),
        _ => Reading::Str,
    }
}

struct PlainScalars(Vec<(String, usize)>);

impl MarkedEventReceiver for PlainScalars {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        if let Event::Scalar(v, TScalarStyle::Plain, _, None) = ev {
            self.0.push((v, mark.line()));
        }
    }
}

fn yaml11_differences(text: &str) -> Vec<String> {
    let mut scalars = PlainScalars(Vec::new());
    if Parser::new_from_str(text).load(&mut scalars, true).is_err() {
        return Vec::new(); // load_manifest reports it
    }
    const SPECIAL_FLOATS: [&str; 12] = [
        ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan",
        ".NaN", ".NAN",
    ];
    scalars
        .0
        .into_iter()
        .filter(|(v, _)| !SPECIAL_FLOATS.contains(&v.as_str()))
        .filter_map(|(v, line)| {
            let (old, new) = (yaml11_reading(&v), yaml12_reading(&v));
            (old != new).then(|| {
                format!(
                    "line {line}: the plain scalar `{v}` is {old:?} to kubectl (YAML 1.1) but \
                     {new:?} here (YAML 1.2): quote it"
                )
            })
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The validator: the JSON-Schema subset of the CRD, with the API server's rules.

/// Every keyword the CRD's schema uses; anything else is reported, not ignored.
const KEYWORDS: [&str; 19] = [
    "type",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "enum",
    "anyOf",
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "minItems",
    "x-kubernetes-int-or-string",
    "x-kubernetes-preserve-unknown-fields",
    // Nothing to check:
    "format",
    "default",
    "description",
    "x-kubernetes-map-type",
    "x-kubernetes-list-type",
];
const TYPES: [&str; 6] = ["object", "array", "string", "integer", "number", "boolean"];

fn validate(schema: &Value, value: &Value, path: &str, out: &mut Vec<String>) {
    let Some(s) = schema.as_object() else {
        out.push(format!("{}: the schema here is not an object", at(path)));
        return;
    };
    for k in s.keys() {
        if !KEYWORDS.contains(&k.as_str()) {
            out.push(format!(
                "{}: the schema keyword {k:?} is not implemented by this validator",
                at(path)
            ));
        }
    }
    if let Some(t) = s.get("x-kubernetes-list-type").filter(|t| *t != "atomic") {
        out.push(format!(
            "{}: x-kubernetes-list-type {t} (uniqueness) is not implemented by this validator",
            at(path)
        ));
    }

    let is_integer = value.is_i64() || value.is_u64();
    if s.get("x-kubernetes-int-or-string") == Some(&Value::Bool(true))
        && !(is_integer || value.is_string())
    {
        out.push(format!(
            "{}: must be an integer or a string, is {}",
            at(path),
            describe(value)
        ));
        return;
    }
    if let Some(t) = s.get("type") {
        let t = t.as_str().unwrap_or("(not a string)");
        let fits = match t {
            "object" => value.is_object(),
            "array" => value.is_array(),
            "string" => value.is_string(),
            "integer" => is_integer,
            "number" => value.is_number(),
            "boolean" => value.is_boolean(),
            _ => {
                out.push(format!(
                    "{}: the schema type {t} is not implemented",
                    at(path)
                ));
                return;
            }
        };
        if !fits {
            out.push(format!(
                "{}: must be of type {t}, is {}",
                at(path),
                describe(value)
            ));
            return;
        }
    }
    if let Some(alternatives) = s.get("anyOf").and_then(Value::as_array) {
        let fits_one = alternatives.iter().any(|alt| {
            let mut scratch = Vec::new();
            validate(alt, value, path, &mut scratch);
            scratch.is_empty()
        });
        if !fits_one {
            out.push(format!(
                "{}: {} fits none of anyOf {}",
                at(path),
                describe(value),
                Value::Array(alternatives.clone())
            ));
        }
    }
    if let Some(allowed) = s.get("enum").and_then(Value::as_array) {
        if !allowed.contains(value) {
            out.push(format!(
                "{}: must be one of {}, is {}",
                at(path),
                Value::Array(allowed.clone()),
                describe(value)
            ));
        }
    }

    if let Value::String(text) = value {
        if let Some(pattern) = s.get("pattern").and_then(Value::as_str) {
            match Regex::new(pattern) {
                Ok(re) if re.is_match(text) => {}
                Ok(_) => out.push(format!(
                    "{}: {} does not match the pattern {pattern}",
                    at(path),
                    describe(value)
                )),
                Err(e) => out.push(format!("{}: the pattern {pattern} fails: {e}", at(path))),
            }
        }
        let chars = text.chars().count() as u64;
        if let Some(min) = s
            .get("minLength")
            .and_then(Value::as_u64)
            .filter(|m| chars < *m)
        {
            out.push(format!("{}: shorter than {min} characters", at(path)));
        }
        if let Some(max) = s
            .get("maxLength")
            .and_then(Value::as_u64)
            .filter(|m| chars > *m)
        {
            out.push(format!("{}: longer than {max} characters", at(path)));
        }
    }
    if let (Some(x), Some(min)) = (value.as_f64(), s.get("minimum").and_then(Value::as_f64)) {
        if x < min {
            out.push(format!("{}: {x} is below the minimum {min}", at(path)));
        }
    }

    if let Value::Array(items) = value {
        if let Some(min) = s.get("minItems").and_then(Value::as_u64) {
            if (items.len() as u64) < min {
                out.push(format!("{}: fewer than {min} items", at(path)));
            }
        }
        if let Some(item_schema) = s.get("items") {
            for (i, item) in items.iter().enumerate() {
                validate(item_schema, item, &format!("{path}[{i}]"), out);
            }
        }
    }

    if let Value::Object(fields) = value {
        if path == "metadata" {
            // ObjectMeta: the server's own type, which the CRD declares as a bare object.
            check_object_meta(fields, out);
            return;
        }
        for r in s
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let r = r.as_str().unwrap_or_default();
            if fields.get(r).is_none_or(Value::is_null) {
                out.push(format!("{}: missing the required field {r:?}", at(path)));
            }
        }
        let properties = s.get("properties").and_then(Value::as_object);
        let preserve = s.get("x-kubernetes-preserve-unknown-fields") == Some(&Value::Bool(true));
        for (k, v) in fields {
            if v.is_null() {
                continue; // dropped before validation
            }
            let child = join(path, k);
            match (
                properties.and_then(|p| p.get(k)),
                s.get("additionalProperties"),
            ) {
                (Some(property), _) => validate(property, v, &child, out),
                (None, Some(Value::Bool(true))) => {}
                (None, Some(extra @ Value::Object(_))) => validate(extra, v, &child, out),
                (None, _) if preserve => {}
                (None, _) => out.push(format!(
                    "{child}: unknown field (`kubectl apply` is refused; with validation off \
                     the API server would drop it silently)"
                )),
            }
        }
    }
}

/// The ObjectMeta fields a manifest may set (the others are the server's: uid,
/// resourceVersion, creationTimestamp, managedFields, ...).
const OBJECT_META_FIELDS: [&str; 7] = [
    "name",
    "generateName",
    "namespace",
    "labels",
    "annotations",
    "finalizers",
    "ownerReferences",
];

fn check_object_meta(meta: &Map<String, Value>, out: &mut Vec<String>) {
    let subdomain =
        Regex::new(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$").unwrap();
    let label = Regex::new(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$").unwrap();
    for k in meta.keys() {
        if !OBJECT_META_FIELDS.contains(&k.as_str()) {
            out.push(format!(
                "metadata.{k}: not an ObjectMeta field a manifest sets"
            ));
        }
    }
    match meta.get("name") {
        Some(Value::String(n)) if n.len() <= 253 && subdomain.is_match(n) => {}
        None if meta.get("generateName").is_some() => {}
        None => out.push("metadata.name: missing (`kubectl apply` needs a name)".into()),
        Some(other) => out.push(format!(
            "metadata.name: must be a DNS-1123 subdomain (lower case, digits, '-', '.'), is {}",
            describe(other)
        )),
    }
    match meta.get("namespace") {
        None => {}
        Some(Value::String(n)) if n.len() <= 63 && label.is_match(n) => {}
        Some(other) => out.push(format!(
            "metadata.namespace: must be a DNS-1123 label, is {}",
            describe(other)
        )),
    }
    for map in ["labels", "annotations"] {
        match meta.get(map) {
            None => {}
            Some(Value::Object(m)) => {
                for (k, v) in m.iter().filter(|(_, v)| !v.is_string()) {
                    out.push(format!(
                        "metadata.{map}.{k}: must be a string, is {}",
                        describe(v)
                    ));
                }
            }
            Some(other) => out.push(format!(
                "metadata.{map}: must be a mapping of strings, is {}",
                describe(other)
            )),
        }
    }
}

/// The whole check of a parsed manifest.
fn check_document(doc: &Value, schema: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if doc["apiVersion"] != API_VERSION {
        out.push(format!(
            "apiVersion: must be {API_VERSION} for this schema to apply, is {}",
            describe(&doc["apiVersion"])
        ));
    }
    if doc["kind"] != KIND {
        out.push(format!(
            "kind: must be {KIND}, is {}",
            describe(&doc["kind"])
        ));
    }
    if doc.is_object() && doc["spec"].is_null() {
        out.push("spec: missing (the schema allows it, but there is nothing to run)".into());
    }
    if doc.get("status").is_some() {
        out.push(
            "status: written by the operator through the status subresource; a manifest \
             does not set it"
                .into(),
        );
    }
    validate(schema, doc, "", &mut out);
    out
}

fn check_spinapp(text: &str, schema: &Value) -> Vec<String> {
    let mut out = yaml11_differences(text);
    match load_manifest(text) {
        Ok(doc) => out.extend(check_document(&doc, schema)),
        Err(e) => out.push(e),
    }
    out
}

fn assert_caught(problems: &[String], needle: &str, case: &str) {
    assert!(
        problems.iter().any(|p| p.contains(needle)),
        "{case}: expected a problem mentioning {needle:?}, got {problems:#?}"
    );
}

// ---------------------------------------------------------------------------------------------

#[test]
fn spinapp_yaml_fits_the_crd_schema() {
    let problems = check_spinapp(&read(MANIFEST), &schema());
    assert!(
        problems.is_empty(),
        "{MANIFEST} against {SCHEMA}:\n  - {}",
        problems.join("\n  - ")
    );
}

#[test]
fn schema_is_the_spinapp_v1alpha1_schema_with_its_source_named() {
    let s = schema();
    assert_eq!(s["type"], "object");
    assert!(
        s["description"]
            .as_str()
            .unwrap_or_default()
            .starts_with("SpinApp "),
        "{SCHEMA} should be the SpinApp schema, its description is {}",
        s["description"]
    );
    let top: Vec<&str> = s["properties"]
        .as_object()
        .expect("properties")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(top, ["apiVersion", "kind", "metadata", "spec", "status"]);
    assert_eq!(
        s["properties"]["spec"]["required"],
        json!(["executor", "image"])
    );

    let readme = read("deploy/schema/README.md");
    for needed in [
        "spinframework/spin-operator",
        "config/crd/bases/core.spinkube.dev_spinapps.yaml",
        "v1alpha1",
    ] {
        assert!(
            readme.contains(needed),
            "deploy/schema/README.md should name {needed}"
        );
    }
    let commit = Regex::new(r"`[0-9a-f]{40}`").unwrap();
    assert!(
        commit.is_match(&readme),
        "deploy/schema/README.md should name the commit"
    );
}

#[test]
fn schema_uses_only_keywords_the_validator_knows() {
    fn walk(node: &Value, path: &str, out: &mut Vec<String>) {
        let Some(s) = node.as_object() else {
            out.push(format!("{path}: not a schema object"));
            return;
        };
        for (k, v) in s {
            if !KEYWORDS.contains(&k.as_str()) {
                out.push(format!("{path}: keyword {k:?}"));
            }
            match k.as_str() {
                "type" if !TYPES.contains(&v.as_str().unwrap_or_default()) => {
                    out.push(format!("{path}: type {v}"))
                }
                "x-kubernetes-list-type" if v != "atomic" => {
                    out.push(format!("{path}: list type {v}"))
                }
                "pattern" => {
                    if let Err(e) = Regex::new(v.as_str().unwrap_or_default()) {
                        out.push(format!("{path}: pattern {v}: {e}"));
                    }
                }
                "properties" => {
                    for (name, p) in v.as_object().into_iter().flatten() {
                        walk(p, &join(path, name), out);
                    }
                }
                "items" => walk(v, &format!("{path}[]"), out),
                "additionalProperties" if v.is_object() => walk(v, &format!("{path}.*"), out),
                "anyOf" => {
                    for (i, alt) in v.as_array().into_iter().flatten().enumerate() {
                        walk(alt, &format!("{path}|anyOf[{i}]"), out);
                    }
                }
                _ => {}
            }
        }
    }
    let mut unknown = Vec::new();
    walk(&schema(), "", &mut unknown);
    assert!(
        unknown.is_empty(),
        "{SCHEMA} uses what tests/spinapp_schema.rs does not implement:\n  - {}",
        unknown.join("\n  - ")
    );
}

#[test]
fn broken_manifests_are_rejected() {
    let schema = schema();
    let text = read(MANIFEST);
    let good = load_manifest(&text).unwrap();
    assert!(check_document(&good, &schema).is_empty());

    // Breaks the parsed manifest (robust to its comments and layout).
    let broken = |case: &str, change: fn(&mut Value), needle: &str| {
        let mut doc = good.clone();
        change(&mut doc);
        assert_caught(&check_document(&doc, &schema), needle, case);
    };
    fn remove(v: &mut Value, key: &str) {
        let fields = v.as_object_mut().expect("a mapping");
        fields
            .remove(key)
            .unwrap_or_else(|| panic!("no field {key}"));
    }
    broken(
        "no image",
        |d| remove(&mut d["spec"], "image"),
        r#"spec: missing the required field "image""#,
    );
    broken(
        "no executor",
        |d| remove(&mut d["spec"], "executor"),
        r#"spec: missing the required field "executor""#,
    );
    broken(
        "null image",
        |d| d["spec"]["image"] = Value::Null,
        r#"missing the required field "image""#,
    );
    broken(
        "replicas a string",
        |d| d["spec"]["replicas"] = json!("2"),
        "spec.replicas: must be of type integer",
    );
    broken(
        "replicas a fraction",
        |d| d["spec"]["replicas"] = json!(2.5),
        "spec.replicas: must be of type integer",
    );
    broken(
        "typo'd field",
        |d| {
            let n = d["spec"]
                .as_object_mut()
                .unwrap()
                .remove("replicas")
                .unwrap();
            d["spec"]["replica"] = n;
        },
        "spec.replica: unknown field",
    );
    broken(
        "autoscaling a string",
        |d| d["spec"]["enableAutoscaling"] = json!("true"),
        "spec.enableAutoscaling: must be of type boolean",
    );
    broken(
        "variables a mapping",
        |d| d["spec"]["variables"] = json!({"cache_control": "no-cache"}),
        "spec.variables: must be of type array",
    );
    broken(
        "variable without a name",
        |d| remove(&mut d["spec"]["variables"][0], "name"),
        r#"spec.variables[0]: missing the required field "name""#,
    );
    broken(
        "secret reference without a key",
        |d| d["spec"]["variables"][0]["valueFrom"] = json!({"secretKeyRef": {"name": "s"}}),
        r#"spec.variables[0].valueFrom.secretKeyRef: missing the required field "key""#,
    );
    broken(
        "cpu not a quantity",
        |d| d["spec"]["resources"]["limits"]["cpu"] = json!("half"),
        "spec.resources.limits.cpu: the string \"half\" does not match the pattern",
    );
    broken(
        "memory a boolean",
        |d| d["spec"]["resources"]["requests"]["memory"] = json!(true),
        "spec.resources.requests.memory: must be an integer or a string",
    );
    broken(
        "resources a list",
        |d| d["spec"]["resources"] = json!(["cpu"]),
        "spec.resources: must be of type object",
    );
    broken(
        "probe without a path",
        |d| d["spec"]["checks"]["liveness"]["httpGet"] = json!({}),
        r#"spec.checks.liveness.httpGet: missing the required field "path""#,
    );
    broken(
        "probe path a number",
        |d| d["spec"]["checks"]["readiness"]["httpGet"]["path"] = json!(80),
        "spec.checks.readiness.httpGet.path: must be of type string",
    );
    broken(
        "probe period with a unit",
        |d| d["spec"]["checks"]["readiness"]["periodSeconds"] = json!("10s"),
        "spec.checks.readiness.periodSeconds: must be of type integer",
    );
    broken(
        "probe misspelt",
        |d| d["spec"]["checks"]["ready"] = json!({"httpGet": {"path": "/"}}),
        "spec.checks.ready: unknown field",
    );
    broken(
        "label a number",
        |d| d["spec"]["podLabels"] = json!({"tier": 1}),
        "spec.podLabels.tier: must be of type string",
    );
    broken(
        "no components",
        |d| d["spec"]["components"] = json!([]),
        "spec.components: fewer than 1 items",
    );
    broken(
        "spec a list",
        |d| d["spec"] = json!([]),
        "spec: must be of type object",
    );
    broken("no spec", |d| remove(d, "spec"), "spec: missing");
    broken(
        "other group",
        |d| d["apiVersion"] = json!("core.spinoperator.dev/v1"),
        "apiVersion",
    );
    broken(
        "other kind",
        |d| d["kind"] = json!("Deployment"),
        "kind: must be SpinApp",
    );
    broken(
        "name not DNS",
        |d| d["metadata"]["name"] = json!("Tutorial_App"),
        "metadata.name: must be a DNS-1123 subdomain",
    );
    broken(
        "no name",
        |d| remove(&mut d["metadata"], "name"),
        "metadata.name: missing",
    );
    broken(
        "server field",
        |d| d["metadata"]["uid"] = json!("x"),
        "metadata.uid",
    );
    broken(
        "label value a number",
        |d| d["metadata"]["labels"] = json!({"v": 2}),
        "metadata.labels.v: must be a string",
    );
    broken(
        "status set",
        |d| d["status"] = json!({"readyReplicas": 2}),
        "status: written by the operator",
    );
    broken(
        "status wrong",
        |d| d["status"] = json!({"conditions": [{"status": "Yes"}]}),
        r#"status.conditions[0].status: must be one of ["True","False","Unknown"]"#,
    );

    // Breaks the text: what only the YAML shows.
    let edited = |case: &str, from: &str, to: &str, needles: &[&str]| {
        assert!(
            text.contains(from),
            "{MANIFEST} lacks {from:?}: update the case {case:?}"
        );
        let problems = check_spinapp(&text.replacen(from, to, 1), &schema);
        for needle in needles {
            assert_caught(&problems, needle, case);
        }
    };
    edited(
        "YAML 1.1 boolean",
        "  replicas: 2\n",
        "  replicas: 2\n  enableAutoscaling: yes\n",
        &[
            "the plain scalar `yes` is Bool(true) to kubectl",
            "spec.enableAutoscaling: must be of type boolean",
        ],
    );
    edited(
        "YAML 1.1 boolean in a string field",
        r#"value: "public, max-age=600""#,
        "value: on",
        &["the plain scalar `on` is Bool(true) to kubectl (YAML 1.1) but Str here"],
    );
    edited(
        "YAML 1.1 octal",
        "  replicas: 2\n",
        "  replicas: 010\n",
        &["`010` is Int(8) to kubectl (YAML 1.1) but Int(10) here"],
    );
    edited(
        "duplicate key",
        "  replicas: 2\n",
        "  replicas: 2\n  replicas: 3\n",
        &["duplicated key"],
    );
    edited(
        "not YAML",
        "  replicas: 2\n",
        "  replicas: [2\n",
        &["not YAML"],
    );
    edited(
        "two documents",
        "apiVersion:",
        "---\na: 1\n---\napiVersion:",
        &["expected one YAML document, found 2"],
    );
    edited(
        "non-string key",
        "  replicas: 2\n",
        "  replicas: 2\n  1: one\n",
        &["the key Integer(1) is not a string"],
    );
}

#[test]
fn quantities_follow_the_crd_pattern() {
    let schema = schema();
    let limits = &schema["properties"]["spec"]["properties"]["resources"]["properties"]["limits"];
    let check = |q: Value| {
        let mut out = Vec::new();
        validate(limits, &json!({ "cpu": q }), "limits", &mut out);
        out
    };
    for ok in [
        json!("500m"),
        json!("256Mi"),
        json!("1.5Gi"),
        json!("1e3"),
        json!(2),
        json!("+1"),
    ] {
        assert_eq!(
            check(ok.clone()),
            Vec::<String>::new(),
            "{ok} is a quantity"
        );
    }
    for bad in [
        json!("lots"),
        json!("500 m"),
        json!("1.5.2"),
        json!("256MiB"),
        json!(0.5),
    ] {
        assert!(!check(bad.clone()).is_empty(), "{bad} is not a quantity");
    }
}

#[test]
fn validator_reports_what_it_does_not_implement() {
    let mut out = Vec::new();
    let schema = json!({"type": "object", "properties": {"a": {"oneOf": [{"type": "string"}]}}});
    validate(&schema, &json!({"a": "x"}), "", &mut out);
    assert_caught(
        &out,
        r#"a: the schema keyword "oneOf" is not implemented"#,
        "oneOf",
    );

    let mut out = Vec::new();
    let schema =
        json!({"type": "array", "x-kubernetes-list-type": "set", "items": {"type": "string"}});
    validate(&schema, &json!(["a", "a"]), "l", &mut out);
    assert_caught(&out, "x-kubernetes-list-type \"set\"", "list-type set");

    let mut out = Vec::new();
    let schema = json!({"type": "object", "x-kubernetes-validations": [{"rule": "self.a > 0"}]});
    validate(&schema, &json!({}), "", &mut out);
    assert_caught(&out, "x-kubernetes-validations", "CEL");
}

#[test]
fn yaml_readings_agree_where_they_should() {
    for same in [
        "2",
        "500m",
        "256Mi",
        "true",
        "false",
        "null",
        "~",
        "1.5",
        "1e3",
        "+12",
        "0x1F",
        "0o17",
        "ghcr.io/x:1",
        "/",
    ] {
        assert_eq!(yaml11_reading(same), yaml12_reading(same), "{same}");
    }
    for differs in [
        "yes", "no", "on", "off", "y", "N", "Null", "NULL", "010", "1_000", "0b101", "-0x1F",
    ] {
        assert_ne!(
            yaml11_reading(differs),
            yaml12_reading(differs),
            "{differs}"
        );
    }
    // Quoted scalars are strings in both.
    assert!(yaml11_differences("a: 'yes'\nb: \"on\"\n").is_empty());
    assert_eq!(yaml11_differences("a: yes\n").len(), 1);
}
