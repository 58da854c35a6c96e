//! What the deployment configures, as Spin variables of the component (declared in
//! `spin.toml`): `cache_control`, `custom_not_found_path` and `fallback_path`. Read by the
//! Spin entry (`lib.rs`), checked here, and passed to [`crate::respond()`], which stays pure.
//! A value that cannot be read or is invalid is reported on stderr (the host's log) and
//! replaced by the default: a typo in the manifest must not take the site down. (Not
//! spin-fileserver's `custom_404_path`: Spin refuses a variable name with a word that starts
//! with a digit.)

use http::HeaderValue;

use crate::caching;
use crate::path::{self, SafePath};

pub const CUSTOM_NOT_FOUND_VAR: &str = "custom_not_found_path";
pub const FALLBACK_VAR: &str = "fallback_path";

#[derive(Debug, Clone)]
pub struct Settings {
    /// `Cache-Control` on every 200, 206 and 304.
    pub cache_control: HeaderValue,
    /// A file under the mount served, with status 404, for any path that is not found.
    pub custom_404: Option<SafePath>,
    /// A file under the mount served, with status 200, for paths that are not found and do
    /// not look like files (no extension in the last segment): a single-page app's routes.
    pub fallback: Option<SafePath>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            cache_control: caching::default_cache_control(),
            custom_404: None,
            fallback: None,
        }
    }
}

/// A variable as the entry read it: `Ok(None)` when the component has no such variable,
/// `Err` with the host's reason when it could not be read.
pub type Variable = Result<Option<String>, String>;

impl Settings {
    /// The settings from the three variables; each invalid one is logged and left at its
    /// default.
    pub fn from_variables(
        cache_control: Variable,
        custom_404: Variable,
        fallback: Variable,
    ) -> Self {
        let value = cache_control
            .and_then(|v| caching::cache_control(v.as_deref()).map_err(str::to_string));
        let cache_control = value.unwrap_or_else(|why| {
            log_ignored(caching::CACHE_CONTROL_VAR, &why);
            caching::default_cache_control()
        });
        Settings {
            cache_control,
            custom_404: file_setting(CUSTOM_NOT_FOUND_VAR, custom_404),
            fallback: file_setting(FALLBACK_VAR, fallback),
        }
    }
}

/// A file path setting: empty or undefined is none; a value must name a file inside the
/// mount (`404.html`, `/app/index.html`), checked with the same rules as request paths.
fn file_setting(name: &str, value: Variable) -> Option<SafePath> {
    let value = match value {
        Ok(Some(v)) if !v.trim().is_empty() => v,
        Ok(_) => return None,
        Err(why) => {
            log_ignored(name, &why);
            return None;
        }
    };
    match path::resolve(value.trim().as_bytes()) {
        Ok(p) if !p.is_dir_request() => Some(p),
        _ => {
            log_ignored(
                name,
                &format!("{value:?} is not a file path inside the mount"),
            );
            None
        }
    }
}

pub(crate) fn log_ignored(name: &str, why: &str) {
    eprintln!("static-files: ignoring variable {name} ({why})");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_cache_control(v: &str) -> HeaderValue {
        Settings::from_variables(Ok(Some(v.to_owned())), Ok(None), Ok(None)).cache_control
    }

    #[test]
    fn cache_control_from_its_variable() {
        assert_eq!(
            with_cache_control("public, max-age=3600"),
            "public, max-age=3600"
        );
        assert_eq!(with_cache_control("no-store"), "no-store");
        let default = caching::DEFAULT_CACHE_CONTROL;
        assert_eq!(
            Settings::from_variables(Ok(None), Ok(None), Ok(None)).cache_control,
            default
        );
        assert_eq!(with_cache_control(""), default);
        assert_eq!(with_cache_control("max-age=1\r\nX-Evil: 1"), default);
        assert_eq!(with_cache_control("max-age 1"), default);
        let provider_error = Err("provider(\"vault unreachable\")".to_owned());
        assert_eq!(
            Settings::from_variables(provider_error, Ok(None), Ok(None)).cache_control,
            default
        );
    }

    fn path_setting(v: &str) -> Option<String> {
        file_setting("x", Ok(Some(v.to_owned()))).map(|p| p.as_str().to_owned())
    }

    #[test]
    fn file_paths_stay_inside_the_mount() {
        assert_eq!(path_setting("404.html").as_deref(), Some("404.html"));
        assert_eq!(
            path_setting("/errors/404.html").as_deref(),
            Some("errors/404.html")
        );
        assert_eq!(path_setting(" index.html ").as_deref(), Some("index.html"));
        assert_eq!(path_setting(""), None);
        assert_eq!(path_setting("../secret.txt"), None);
        assert_eq!(path_setting("/%2e%2e/x"), None);
        assert_eq!(path_setting("docs/"), None, "a directory is no file");
        assert_eq!(file_setting("x", Ok(None)), None);
        assert_eq!(file_setting("x", Err("unreadable".into())), None);
    }
}
