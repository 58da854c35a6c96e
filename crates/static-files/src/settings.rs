//! What the deployment configures, as Spin variables of the component (declared in
//! `spin.toml`): `cache_control`, `custom_not_found_path` and `fallback_path`. Read by the
//! Spin entry (`lib.rs`), checked here, and passed to [`crate::respond()`], which stays pure.
//! A value that cannot be read or is invalid is reported on stderr (the host's log) and
//! replaced by the default: a typo in the manifest must not take the site down. (Not
//! spin-fileserver's `custom_404_path`: Spin refuses a variable name with a word that starts
//! with a digit.)

use std::cell::OnceCell;

use http::HeaderValue;

use crate::caching;
use crate::path::{self, SafePath};

pub const CUSTOM_NOT_FOUND_VAR: &str = "custom_not_found_path";
pub const FALLBACK_VAR: &str = "fallback_path";

/// The settings, each read from its variable when first needed: a request for a file
/// asks the host for `cache_control` alone, and only a miss asks for the two page settings.
/// (Each `variables::get` is a host call; under Spin 4.1 the saving was within the
/// run-to-run noise of this machine: docs/benchmark.md.)
pub struct Settings {
    read: Box<dyn Fn(&str) -> Variable>,
    cache_control: OnceCell<HeaderValue>,
    custom_404: OnceCell<Option<SafePath>>,
    fallback: OnceCell<Option<SafePath>>,
}

impl Default for Settings {
    /// Every variable undefined.
    fn default() -> Self {
        Settings::from_variables(|_| Ok(None))
    }
}

/// A variable as the entry read it: `Ok(None)` when the component has no such variable,
/// `Err` with the host's reason when it could not be read.
pub type Variable = Result<Option<String>, String>;

impl Settings {
    /// Settings over `read`, which gives a variable by name. Each invalid value is logged
    /// (when first read) and left at its default.
    pub fn from_variables(read: impl Fn(&str) -> Variable + 'static) -> Self {
        Settings {
            read: Box::new(read),
            cache_control: OnceCell::new(),
            custom_404: OnceCell::new(),
            fallback: OnceCell::new(),
        }
    }

    /// `Cache-Control` on every 200, 206 and 304.
    pub fn cache_control(&self) -> &HeaderValue {
        self.cache_control.get_or_init(|| {
            let value = (self.read)(caching::CACHE_CONTROL_VAR)
                .and_then(|v| caching::cache_control(v.as_deref()).map_err(str::to_string));
            value.unwrap_or_else(|why| {
                log_ignored(caching::CACHE_CONTROL_VAR, &why);
                caching::default_cache_control()
            })
        })
    }

    /// A file under the mount served, with status 404, for any path that is not found.
    pub fn custom_404(&self) -> Option<&SafePath> {
        let read = || file_setting(CUSTOM_NOT_FOUND_VAR, (self.read)(CUSTOM_NOT_FOUND_VAR));
        self.custom_404.get_or_init(read).as_ref()
    }

    /// A file under the mount served, with status 200, for paths that are not found and do
    /// not look like files (no extension in the last segment): a single-page app's routes.
    pub fn fallback(&self) -> Option<&SafePath> {
        let read = || file_setting(FALLBACK_VAR, (self.read)(FALLBACK_VAR));
        self.fallback.get_or_init(read).as_ref()
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
    spin_glue::stdio::stderr_line(&format!("static-files: ignoring variable {name} ({why})"));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Settings where only `cache_control` is defined, as `value`.
    fn cache_control_of(value: Variable) -> HeaderValue {
        let read = move |name: &str| match name {
            caching::CACHE_CONTROL_VAR => value.clone(),
            _ => Ok(None),
        };
        Settings::from_variables(read).cache_control().clone()
    }

    fn with_cache_control(v: &str) -> HeaderValue {
        cache_control_of(Ok(Some(v.to_owned())))
    }

    #[test]
    fn cache_control_from_its_variable() {
        assert_eq!(
            with_cache_control("public, max-age=3600"),
            "public, max-age=3600"
        );
        assert_eq!(with_cache_control("no-store"), "no-store");
        let default = caching::DEFAULT_CACHE_CONTROL;
        assert_eq!(Settings::default().cache_control(), default);
        assert_eq!(with_cache_control(""), default);
        assert_eq!(with_cache_control("max-age=1\r\nX-Evil: 1"), default);
        assert_eq!(with_cache_control("max-age 1"), default);
        let provider_error = Err("provider(\"vault unreachable\")".to_owned());
        assert_eq!(cache_control_of(provider_error), default);
    }

    #[test]
    fn each_variable_is_read_once_and_only_when_needed() {
        use std::cell::RefCell;
        use std::rc::Rc;
        let asked = Rc::new(RefCell::new(Vec::new()));
        let log = Rc::clone(&asked);
        let settings = Settings::from_variables(move |name| {
            log.borrow_mut().push(name.to_owned());
            Ok(Some("404.html".to_owned()))
        });
        assert!(asked.borrow().is_empty());
        settings.cache_control();
        settings.cache_control();
        assert_eq!(*asked.borrow(), [caching::CACHE_CONTROL_VAR]);
        assert_eq!(
            settings.custom_404().map(SafePath::as_str),
            Some("404.html")
        );
        settings.custom_404();
        assert_eq!(asked.borrow().len(), 2);
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
