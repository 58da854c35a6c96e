//! Turns a component's `files` entries into read-only directory mounts.
//!
//! A `{ source = "dir", destination = "/path" }` directory is preopened directly (edits to it
//! show up without a restart). Single files and glob matches cannot be preopened on their own,
//! so they are copied into a per-component staging directory that is mounted at `/`, which is
//! what Spin does for all files when it runs an app locally.

use std::path::{Component as PathComponent, Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::manifest::{Component, FileEntry};

/// A host directory visible to the guest, read-only, at `guest` (absolute, no trailing `/`
/// except for the root itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mount {
    pub host: PathBuf,
    pub guest: String,
}

/// Resolves `component.files` against `app_dir`; `staging_root` is where per-component copies
/// of individual files go (`<staging_root>/<component id>/`).
pub fn resolve_mounts(
    app_dir: &Path,
    component: &Component,
    staging_root: &Path,
) -> Result<Vec<Mount>> {
    let mut dirs: Vec<Mount> = Vec::new();
    // (host file, destination relative to the guest root)
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();

    for entry in &component.files {
        match entry {
            FileEntry::Mapping {
                source,
                destination,
            } => {
                let meta = std::fs::metadata(source).with_context(|| {
                    format!("files: source {} does not exist", source.display())
                })?;
                let guest = normalize_guest(destination)?;
                if meta.is_dir() {
                    dirs.push(Mount {
                        host: source.clone(),
                        guest,
                    });
                } else {
                    staged.push((source.clone(), PathBuf::from(guest.trim_start_matches('/'))));
                }
            }
            FileEntry::Pattern(pattern) => {
                let matches = expand_pattern(app_dir, pattern)?;
                for rel in matches {
                    if !component
                        .exclude_files
                        .iter()
                        .any(|ex| glob_match(ex, &rel_str(&rel)))
                    {
                        staged.push((app_dir.join(&rel), rel));
                    }
                }
            }
        }
    }

    // Preopens shadow each other (the guest resolves a path by its longest matching preopen),
    // whereas Spin merges everything into one tree. So mount directories in place only when no
    // two mounts nest or coincide and no single files need the staging tree at `/`; otherwise
    // copy every directory into the staging tree too.
    let nested = dirs.iter().enumerate().any(|(i, a)| {
        dirs.iter()
            .enumerate()
            .any(|(j, b)| i != j && guest_contains(&a.guest, &b.guest))
    });
    let mut mounts = Vec::new();
    if staged.is_empty() && !nested {
        mounts = dirs;
    } else {
        for m in &dirs {
            for rel in walk_files(&m.host)? {
                let dest = PathBuf::from(m.guest.trim_start_matches('/')).join(&rel);
                staged.push((m.host.join(&rel), dest));
            }
        }
    }

    if !staged.is_empty() {
        let dir = stage(staging_root, &component.id, &staged)?;
        mounts.push(Mount {
            host: dir,
            guest: "/".to_string(),
        });
    }
    Ok(mounts)
}

/// Copies `files` into `<staging_root>/<id>-<hash>/`, the hash covering every file's path, size
/// and mtime: an unchanged set reuses the existing copy, and concurrent hosts (parallel tests)
/// never write into a directory another one is reading (each builds in a temp dir, then renames).
/// Older copies are left in place (a running host may still serve from one); they live under
/// `target/`, so `cargo clean` removes them.
fn stage(staging_root: &Path, id: &str, files: &[(PathBuf, PathBuf)]) -> Result<PathBuf> {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for (src, rel) in files {
        let meta =
            std::fs::metadata(src).with_context(|| format!("cannot read {}", src.display()))?;
        let mtime = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        h.update(src.as_os_str().as_encoded_bytes());
        h.update([0]);
        h.update(rel.as_os_str().as_encoded_bytes());
        h.update([0]);
        h.update(meta.len().to_le_bytes());
        h.update(mtime.to_le_bytes());
    }
    let hash: String = h
        .finalize()
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect();
    let prefix = format!("{}-", sanitize_id(id));
    let dir = staging_root.join(format!("{prefix}{hash}"));
    if dir.is_dir() {
        return Ok(dir);
    }
    std::fs::create_dir_all(staging_root)
        .with_context(|| format!("cannot create {}", staging_root.display()))?;
    let tmp = staging_root.join(format!(".tmp-{prefix}{hash}-{}", crate::unique_suffix()));
    let _ = std::fs::remove_dir_all(&tmp);
    for (src, rel) in files {
        let dest = tmp.join(rel);
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::copy(src, &dest)
            .with_context(|| format!("cannot copy {} to {}", src.display(), dest.display()))?;
    }
    if std::fs::rename(&tmp, &dir).is_err() {
        // Another host staged the same set first; use theirs.
        let _ = std::fs::remove_dir_all(&tmp);
        if !dir.is_dir() {
            bail!("cannot stage files into {}", dir.display());
        }
    }
    Ok(dir)
}

/// Guest paths are absolute; drop a trailing `/` so duplicates compare equal.
fn normalize_guest(dest: &str) -> Result<String> {
    if !dest.starts_with('/') {
        bail!("files: destination '{dest}' must be an absolute path");
    }
    let trimmed = dest.trim_end_matches('/');
    Ok(if trimmed.is_empty() {
        "/".to_string()
    } else {
        trimmed.to_string()
    })
}

/// Whether guest path `outer` is `inner` or one of its ancestors.
fn guest_contains(outer: &str, inner: &str) -> bool {
    outer == "/"
        || inner == outer
        || inner
            .strip_prefix(outer)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// `id` with anything but ASCII letters, digits, `-` and `_` made `_`: safe in a file name.
pub(crate) fn sanitize_id(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn rel_str(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// Files (relative to `app_dir`) named by a `files` string: a plain relative file path, or a
/// glob with `*`, `?` and `**`. A plain directory is mounted whole, as its files.
fn expand_pattern(app_dir: &Path, pattern: &str) -> Result<Vec<PathBuf>> {
    let rel = Path::new(pattern);
    if rel.is_absolute()
        || rel
            .components()
            .any(|c| matches!(c, PathComponent::ParentDir))
    {
        bail!("files: '{pattern}' must be a relative path inside the application directory");
    }
    if !pattern.contains(['*', '?', '[']) {
        let full = app_dir.join(rel);
        let meta = std::fs::metadata(&full)
            .with_context(|| format!("files: {} does not exist", full.display()))?;
        let app_root = app_dir.canonicalize()?;
        if !full.canonicalize()?.starts_with(&app_root) {
            bail!("files: '{pattern}' resolves outside the application directory");
        }
        if meta.is_dir() {
            return Ok(walk_files(&full)?
                .into_iter()
                .map(|f| rel.join(f))
                .collect());
        }
        return Ok(vec![rel.to_path_buf()]);
    }
    if pattern.contains('[') {
        bail!("files: '{pattern}': character classes ([...]) are not supported by spin-local");
    }
    // Walk only from the longest literal prefix of the pattern.
    let literal: Vec<&str> = pattern
        .split('/')
        .take_while(|s| !s.contains(['*', '?']))
        .collect();
    let base = literal.join("/");
    let walk_root = app_dir.join(&base);
    if !walk_root.is_dir() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for f in walk_files(&walk_root)? {
        let rel = Path::new(&base).join(&f);
        if glob_match(pattern, &rel_str(&rel)) {
            out.push(rel);
        }
    }
    Ok(out)
}

/// All regular files under `dir`, relative to it, sorted. A symlink is kept only when it
/// resolves to a file inside `dir` itself, and linked directories are never entered: a copy
/// must not carry files from outside the mount (nor loop, nor walk the whole disk).
fn walk_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let root = dir
        .canonicalize()
        .with_context(|| format!("cannot read {}", dir.display()))?;
    let mut out = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        let here = dir.join(&rel);
        for entry in
            std::fs::read_dir(&here).with_context(|| format!("cannot read {}", here.display()))?
        {
            let entry = entry?;
            let child = rel.join(entry.file_name());
            let kind = entry.file_type()?;
            if kind.is_dir() {
                stack.push(child);
            } else if kind.is_file()
                || (kind.is_symlink() && links_to_file_inside(&entry.path(), &root))
            {
                out.push(child);
            } else if kind.is_symlink() {
                eprintln!(
                    "spin-local: files: skipping {}: a link to a directory or out of the mount",
                    entry.path().display()
                );
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Whether the symlink at `path` resolves to a regular file under `root` (canonical).
fn links_to_file_inside(path: &Path, root: &Path) -> bool {
    path.canonicalize()
        .is_ok_and(|target| target.starts_with(root) && target.is_file())
}

/// Glob match on `/`-separated relative paths: `*` and `?` stay within one segment, `**` as a
/// whole segment matches any number of segments.
pub fn glob_match(pattern: &str, path: &str) -> bool {
    let pat: Vec<&str> = pattern.split('/').filter(|s| !s.is_empty()).collect();
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    match_segments(&pat, &segs)
}

fn match_segments(pat: &[&str], segs: &[&str]) -> bool {
    match pat.split_first() {
        None => segs.is_empty(),
        Some((&"**", rest)) => (0..=segs.len()).any(|i| match_segments(rest, &segs[i..])),
        Some((p, rest)) => match segs.split_first() {
            Some((s, srest)) => {
                match_segment(p.as_bytes(), s.as_bytes()) && match_segments(rest, srest)
            }
            None => false,
        },
    }
}

fn match_segment(p: &[u8], s: &[u8]) -> bool {
    match p.split_first() {
        None => s.is_empty(),
        Some((b'*', rest)) => (0..=s.len()).any(|i| match_segment(rest, &s[i..])),
        Some((b'?', rest)) => !s.is_empty() && match_segment(rest, &s[1..]),
        Some((c, rest)) => s.first() == Some(c) && match_segment(rest, &s[1..]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn globs() {
        assert!(glob_match("static/*.css", "static/a.css"));
        assert!(!glob_match("static/*.css", "static/sub/a.css"));
        assert!(glob_match("static/**/*.css", "static/sub/a.css"));
        assert!(glob_match("static/**/*.css", "static/a.css"));
        assert!(glob_match("**/*", "a/b/c"));
        assert!(glob_match("a?c.txt", "abc.txt"));
        assert!(!glob_match("a?c.txt", "ac.txt"));
        assert!(glob_match("README.md", "README.md"));
        assert!(!glob_match("*.md", "docs/README.md"));
    }

    fn tmpdir(name: &str) -> PathBuf {
        let d =
            std::env::temp_dir().join(format!("spin-local-files-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    fn component(files: Vec<FileEntry>, exclude: &[&str]) -> Component {
        Component {
            id: "c".into(),
            source: "c.wasm".into(),
            files,
            exclude_files: exclude.iter().map(|s| s.to_string()).collect(),
            environment: BTreeMap::new(),
            allowed_outbound_hosts: vec![],
            variables: BTreeMap::new(),
        }
    }

    #[test]
    fn directory_mapping_is_mounted_directly_and_patterns_are_staged() {
        let app = tmpdir("mix");
        std::fs::create_dir_all(app.join("static/css")).unwrap();
        std::fs::write(app.join("static/css/a.css"), "a").unwrap();
        std::fs::write(app.join("static/index.html"), "i").unwrap();
        std::fs::write(app.join("notes.txt"), "n").unwrap();
        std::fs::write(app.join("skip.txt"), "s").unwrap();
        let staging = app.join("stage");

        let c = component(
            vec![FileEntry::Mapping {
                source: app.join("static"),
                destination: "/assets/".into(),
            }],
            &[],
        );
        let m = resolve_mounts(&app, &c, &staging).unwrap();
        assert_eq!(
            m,
            vec![Mount {
                host: app.join("static"),
                guest: "/assets".into()
            }]
        );

        let c = component(
            vec![
                FileEntry::Mapping {
                    source: app.join("static"),
                    destination: "/".into(),
                },
                FileEntry::Pattern("*.txt".into()),
            ],
            &["skip.txt"],
        );
        let m = resolve_mounts(&app, &c, &staging).unwrap();
        // The `/` directory collides with the staged files, so both end up in staging.
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].guest, "/");
        let root = &m[0].host;
        assert!(root.join("notes.txt").is_file());
        assert!(!root.join("skip.txt").exists());
        assert!(root.join("css/a.css").is_file());
        assert!(root.join("index.html").is_file());
        let _ = std::fs::remove_dir_all(&app);
    }

    #[test]
    fn nested_directory_mounts_are_merged() {
        let app = tmpdir("nested");
        std::fs::create_dir_all(app.join("a/x")).unwrap();
        std::fs::write(app.join("a/x/one.txt"), "1").unwrap();
        std::fs::create_dir_all(app.join("b")).unwrap();
        std::fs::write(app.join("b/two.txt"), "2").unwrap();
        let c = component(
            vec![
                FileEntry::Mapping {
                    source: app.join("a"),
                    destination: "/".into(),
                },
                FileEntry::Mapping {
                    source: app.join("b"),
                    destination: "/x".into(),
                },
            ],
            &[],
        );
        let m = resolve_mounts(&app, &c, &app.join("stage")).unwrap();
        assert_eq!(m.len(), 1);
        assert!(m[0].host.join("x/one.txt").is_file());
        assert!(m[0].host.join("x/two.txt").is_file());
        assert!(guest_contains("/", "/x") && guest_contains("/x", "/x/y"));
        assert!(!guest_contains("/x", "/xy") && !guest_contains("/x/y", "/x"));
        let _ = std::fs::remove_dir_all(&app);
    }

    #[test]
    fn missing_sources_and_escapes_are_errors() {
        let app = tmpdir("err");
        let staging = app.join("stage");
        let c = component(vec![FileEntry::Pattern("nope.txt".into())], &[]);
        assert!(resolve_mounts(&app, &c, &staging).is_err());
        let c = component(vec![FileEntry::Pattern("../x".into())], &[]);
        assert!(resolve_mounts(&app, &c, &staging).is_err());
        let c = component(
            vec![FileEntry::Mapping {
                source: app.join("nope"),
                destination: "/".into(),
            }],
            &[],
        );
        assert!(resolve_mounts(&app, &c, &staging).is_err());
        let _ = std::fs::remove_dir_all(&app);
    }
}
