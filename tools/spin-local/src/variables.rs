//! Spin application variables, as `spin up` provides them: `[variables]` declares them (each with
//! a `default` or `required = true`), `[component.ID.variables]` gives a component its own
//! values as templates over them (`"{{ cache_control }}"`), and a guest reads those with
//! `fermyon:spin/variables.get` (spin-sdk's `variables::get`).
//!
//! Values come, first match wins, from `--variable NAME=VALUE`, the environment variable
//! `SPIN_VARIABLE_NAME` (Spin's environment provider), then the declared default. They are
//! resolved once at start-up: this host has no dynamic providers (Vault, Key Vault), so a value
//! cannot change while it runs, and a missing required value stops it before it serves.

use std::collections::BTreeMap;
use std::sync::Arc;

use anyhow::{anyhow, bail, Context, Result};

use crate::manifest::Variable;

mod bindings {
    wasmtime::component::bindgen!({
        path: "wit/variables.wit",
        world: "variables-host",
    });
}

pub use bindings::fermyon::spin::variables::add_to_linker;
use bindings::fermyon::spin::variables::{Error as GuestError, Host};

/// Checks a name as Spin does: lower-case ASCII letters, digits and single underscores,
/// each `_`-separated word starting with a letter (`custom_404_path` is refused), so that it
/// maps one-to-one onto its `SPIN_VARIABLE_*` name.
pub fn check_name(name: &str) -> Result<(), String> {
    let reason = if name.is_empty() {
        "it is empty"
    } else if !name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        "only lower-case letters, digits and underscores are allowed"
    } else if !name.as_bytes()[0].is_ascii_lowercase() {
        "it must start with a lower-case letter"
    } else if name.ends_with('_') {
        "it must end with a letter or digit"
    } else if name.contains("__") {
        "it must not contain two underscores in a row"
    } else if !name
        .split('_')
        .all(|w| w.as_bytes()[0].is_ascii_lowercase())
    {
        "'_'-separated words must start with an ASCII letter"
    } else {
        return Ok(());
    };
    Err(format!("invalid variable name {name:?}: {reason}"))
}

/// The environment variable Spin's environment provider reads for `name`.
pub fn env_name(name: &str) -> String {
    format!("SPIN_VARIABLE_{}", name.to_ascii_uppercase())
}

/// The application's variables and their values. `overrides` are the `--variable` pairs;
/// `env` looks up the process environment (a parameter, so tests need not change it).
pub fn resolve_app(
    declared: &BTreeMap<String, Variable>,
    overrides: &[(String, String)],
    env: impl Fn(&str) -> Option<String>,
) -> Result<BTreeMap<String, String>> {
    for (name, _) in overrides {
        if !declared.contains_key(name) {
            bail!("--variable {name}: spin.toml declares no such variable in [variables]");
        }
    }
    let mut values = BTreeMap::new();
    for (name, var) in declared {
        check_name(name).map_err(|e| anyhow!("[variables]: {e}"))?;
        if var.required == var.default.is_some() {
            bail!("[variables] {name}: give it either a default or `required = true`, not both or neither");
        }
        let value = overrides
            .iter()
            .rev() // the last --variable for a name wins
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .or_else(|| env(&env_name(name)))
            .or_else(|| var.default.clone())
            .ok_or_else(|| {
                anyhow!(
                    "variable '{name}' is required: set {}=VALUE or pass --variable {name}=VALUE",
                    env_name(name)
                )
            })?;
        values.insert(name.clone(), value);
    }
    Ok(values)
}

/// A component's own variables: each `[component.ID.variables]` template filled in from the
/// application's values.
pub fn resolve_component(
    templates: &BTreeMap<String, String>,
    app_values: &BTreeMap<String, String>,
) -> Result<ComponentVariables> {
    let mut values = BTreeMap::new();
    for (key, template) in templates {
        check_name(key).map_err(anyhow::Error::msg)?;
        let value = expand(template, app_values)
            .with_context(|| format!("variable '{key}' = {template:?}"))?;
        values.insert(key.clone(), value);
    }
    Ok(ComponentVariables(Arc::new(values)))
}

/// `literal {{ name }} literal`: each `{{ name }}` replaced by the application variable's value.
fn expand(template: &str, app_values: &BTreeMap<String, String>) -> Result<String> {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let close = after
            .find("}}")
            .ok_or_else(|| anyhow!("'{{{{' without '}}}}'"))?;
        let name = after[..close].trim();
        let value = app_values
            .get(name)
            .ok_or_else(|| anyhow!("no variable {name:?} in [variables]"))?;
        out.push_str(value);
        rest = &after[close + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The variables one component may read, shared by all of its requests.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ComponentVariables(Arc<BTreeMap<String, String>>);

impl ComponentVariables {
    /// What `get(name)` answers the guest, with the error cases Spin uses.
    fn lookup(&self, name: &str) -> Result<String, GuestError> {
        check_name(name).map_err(GuestError::InvalidName)?;
        self.0.get(name).cloned().ok_or_else(|| {
            GuestError::Undefined(format!("no variable for this component named {name:?}"))
        })
    }
}

impl Host for ComponentVariables {
    fn get(&mut self, name: String) -> Result<String, GuestError> {
        self.lookup(&name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn declared(entries: &[(&str, Option<&str>)]) -> BTreeMap<String, Variable> {
        entries
            .iter()
            .map(|(n, d)| {
                let var = Variable {
                    default: d.map(str::to_string),
                    required: d.is_none(),
                    secret: false,
                };
                (n.to_string(), var)
            })
            .collect()
    }

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn names_follow_spins_rules() {
        for ok in ["a", "abc", "a1b2c3", "a_b1", "cache_control"] {
            assert_eq!(check_name(ok), Ok(()), "{ok}");
        }
        for bad in [
            "",
            "aX",
            "1bc",
            "_x",
            "x.y",
            "x_",
            "a__b",
            "x-y",
            "CACHE_CONTROL",
            "a_1",
            "custom_404_path",
        ] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
        assert_eq!(env_name("cache_control"), "SPIN_VARIABLE_CACHE_CONTROL");
    }

    #[test]
    fn flag_beats_environment_beats_default() {
        let vars = declared(&[
            ("a", Some("default")),
            ("b", Some("default")),
            ("c", Some("default")),
        ]);
        let env = |k: &str| {
            (k == "SPIN_VARIABLE_A" || k == "SPIN_VARIABLE_B").then(|| format!("env {k}"))
        };
        let flags = [
            ("a".to_string(), "old".to_string()),
            ("a".to_string(), "flag".to_string()),
        ];
        let values = resolve_app(&vars, &flags, env).unwrap();
        assert_eq!(values["a"], "flag");
        assert_eq!(values["b"], "env SPIN_VARIABLE_B");
        assert_eq!(values["c"], "default");
    }

    #[test]
    fn required_needs_a_value_and_unknown_flags_are_refused() {
        let vars = declared(&[("token", None)]);
        let err = resolve_app(&vars, &[], no_env).unwrap_err().to_string();
        assert!(
            err.contains("SPIN_VARIABLE_TOKEN=VALUE") && err.contains("--variable token="),
            "{err}"
        );
        let env = |k: &str| (k == "SPIN_VARIABLE_TOKEN").then(|| "t".to_string());
        assert_eq!(resolve_app(&vars, &[], env).unwrap()["token"], "t");
        let flags = [("nope".to_string(), "1".to_string())];
        assert!(resolve_app(&vars, &flags, no_env)
            .unwrap_err()
            .to_string()
            .contains("nope"));
    }

    #[test]
    fn declarations_are_checked() {
        let both = BTreeMap::from([(
            "a".to_string(),
            Variable {
                default: Some("x".into()),
                required: true,
                secret: false,
            },
        )]);
        assert!(resolve_app(&both, &[], no_env).is_err());
        let neither = BTreeMap::from([("a".to_string(), Variable::default())]);
        assert!(resolve_app(&neither, &[], no_env).is_err());
        assert!(resolve_app(&declared(&[("Bad", Some("x"))]), &[], no_env).is_err());
    }

    #[test]
    fn component_templates_expand() {
        let app = BTreeMap::from([
            ("host".to_string(), "example.com".to_string()),
            ("cache_control".to_string(), "no-store".to_string()),
        ]);
        let templates = BTreeMap::from([
            (
                "cache_control".to_string(),
                "{{ cache_control }}".to_string(),
            ),
            (
                "url".to_string(),
                "https://{{host}}/{{ host }}!".to_string(),
            ),
            ("plain".to_string(), "literal".to_string()),
        ]);
        let vars = resolve_component(&templates, &app).unwrap();
        assert_eq!(vars.lookup("cache_control").unwrap(), "no-store");
        assert_eq!(
            vars.lookup("url").unwrap(),
            "https://example.com/example.com!"
        );
        assert_eq!(vars.lookup("plain").unwrap(), "literal");
        assert!(matches!(vars.lookup("host"), Err(GuestError::Undefined(_))));
        assert!(matches!(
            vars.lookup("Host"),
            Err(GuestError::InvalidName(_))
        ));

        let unknown = BTreeMap::from([("x".to_string(), "{{ nope }}".to_string())]);
        assert!(resolve_component(&unknown, &app).is_err());
        let unclosed = BTreeMap::from([("x".to_string(), "{{ host".to_string())]);
        assert!(resolve_component(&unclosed, &app).is_err());
        let bad_key = BTreeMap::from([("X".to_string(), "v".to_string())]);
        assert!(resolve_component(&bad_key, &app).is_err());
    }
}
