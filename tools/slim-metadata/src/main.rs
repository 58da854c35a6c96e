//! `slim-metadata IN.wasm OUT.wasm`: a build step of `scripts/build.sh`.
//!
//! A spin-sdk component module carries its WIT as `component-type*` custom sections, which
//! Spin (or any componentizer) reads to turn the module into a component. spin-sdk 5.2 embeds
//! the whole Spin platform world (every host interface Spin has) plus three worlds of the
//! `wasi` crate: about 80 KB, over a third of the app's module, for the five interfaces the
//! module actually imports or exports. This rewrites those sections as one section holding
//! just the interfaces the module's imports and exports name, with the ones they depend on.
//!
//! It then checks its work: both modules are componentized with the WASI preview1 adapter (as
//! Spin and `spin-local` do) and must give components with the same imports and exports.

use std::collections::HashSet;

use anyhow::{bail, ensure, Context, Result};
use wasi_preview1_component_adapter_provider::{
    WASI_SNAPSHOT_PREVIEW1_ADAPTER_NAME, WASI_SNAPSHOT_PREVIEW1_REACTOR_ADAPTER,
};
use wit_component::{ComponentEncoder, StringEncoding};
use wit_parser::{Resolve, WorldItem, WorldKey};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, output] = args.as_slice() else {
        eprintln!("usage: slim-metadata IN.wasm OUT.wasm");
        std::process::exit(2);
    };
    if let Err(e) = run(input, output) {
        eprintln!("slim-metadata: {input}: {e:#}");
        std::process::exit(1);
    }
}

fn run(input: &str, output: &str) -> Result<()> {
    let module = std::fs::read(input).with_context(|| format!("cannot read {input}"))?;
    let slim = slim(&module)?;
    let (before, after) = (component_shape(&module)?, component_shape(&slim)?);
    ensure!(
        before == after,
        "the slimmed module componentizes differently from the original:\n  before: {before:?}\n  after:  {after:?}"
    );
    let (before, after) = (bindgen_version(&module)?, bindgen_version(&slim)?);
    ensure!(
        before == after,
        "the slimmed module lost its wit-bindgen producer (Spin reads it): before {before:?}, after {after:?}"
    );
    std::fs::write(output, &slim).with_context(|| format!("cannot write {output}"))?;
    Ok(())
}

/// The module with its `component-type*` sections replaced by one for the WIT it uses.
/// A module without such sections comes back unchanged.
pub fn slim(module: &[u8]) -> Result<Vec<u8>> {
    let (imports, exports) = core_names(module)?;
    let (stripped, mut bindgen) = wit_component::metadata::decode(module)?;
    let Some(mut stripped) = stripped else {
        return Ok(module.to_vec());
    };
    let resolve = &mut bindgen.resolve;
    let world = bindgen.world;

    // Interfaces named by the module's imports and exports, then everything they use.
    let named = |key: &WorldKey, names: &HashSet<String>, resolve: &Resolve| match key {
        WorldKey::Interface(id) => resolve.id_of(*id).is_some_and(|n| names.contains(&n)),
        WorldKey::Name(n) => names.contains(n),
    };
    let mut keep: HashSet<WorldKey> = HashSet::new();
    let w = &resolve.worlds[world];
    for (key, _) in w
        .imports
        .iter()
        .filter(|(k, _)| named(k, &imports, resolve))
    {
        keep.insert(key.clone());
    }
    let exported: Vec<WorldKey> = w
        .exports
        .keys()
        .filter(|k| named(k, &exports, resolve))
        .cloned()
        .collect();
    let mut todo: Vec<WorldKey> = keep.iter().chain(&exported).cloned().collect();
    while let Some(key) = todo.pop() {
        if let WorldKey::Interface(id) = key {
            for dep in resolve.interface_direct_deps(id).collect::<Vec<_>>() {
                if keep.insert(WorldKey::Interface(dep)) {
                    todo.push(WorldKey::Interface(dep));
                }
            }
        }
    }
    for name in &imports {
        let found = keep
            .iter()
            .any(|k| named(k, &HashSet::from([name.clone()]), resolve));
        if !found {
            bail!("the module imports '{name}', which its WIT does not declare");
        }
    }

    let w = &mut resolve.worlds[world];
    // Only imports that are interfaces or types they use stay; the original order is kept,
    // and it already lists every interface after the ones it depends on.
    w.imports.retain(|k, item| {
        keep.contains(k)
            || (matches!(item, WorldItem::Type { .. }) && matches!(k, WorldKey::Name(_)))
    });
    w.exports.retain(|k, _| exported.contains(k));
    // The decoder merges every section into a synthetic `root:root/root` world, and does so
    // again when it reads ours: under that name the two would clash. Give it its own.
    let package = w.package.context("the merged world has no package")?;
    let old_name = resolve.packages[package].name.clone();
    let new_name = wit_parser::PackageName {
        namespace: "slim".into(),
        name: "metadata".into(),
        version: None,
    };
    resolve.package_names.shift_remove(&old_name);
    resolve.package_names.insert(new_name.clone(), package);
    resolve.packages[package].name = new_name;
    // The original producers go into the new section: Spin picks its componentizer by the
    // `wit-bindgen` version they name, and without it takes the module for a wit-bindgen 0.2
    // one and fails ("adapter module did not export ...").
    let encoded = wit_component::metadata::encode(
        resolve,
        world,
        StringEncoding::UTF8,
        bindgen.producers.as_ref(),
    )?;
    let section = wasm_encoder::CustomSection {
        name: "component-type:slim".into(),
        data: encoded.into(),
    };
    wasm_encoder::Section::append_to(&section, &mut stripped);
    Ok(stripped)
}

/// The `wit-bindgen` entry of the module's bindgen producers, as Spin reads it to choose how
/// to componentize the module.
fn bindgen_version(module: &[u8]) -> Result<Option<String>> {
    let (_, bindgen) = wit_component::metadata::decode(module)?;
    Ok(bindgen.producers.as_ref().and_then(|p| {
        let processors = p.get("processed-by")?;
        processors
            .iter()
            .find_map(|(k, v)| k.starts_with("wit-bindgen").then(|| format!("{k} {v}")))
    }))
}

/// Names a core module imports from (`wasi:http/types@0.2.0`) and the interfaces its
/// exports belong to (`wasi:http/incoming-handler@0.2.0#handle`).
fn core_names(module: &[u8]) -> Result<(HashSet<String>, HashSet<String>)> {
    let (mut imports, mut exports) = (HashSet::new(), HashSet::new());
    for payload in wasmparser::Parser::new(0).parse_all(module) {
        match payload? {
            wasmparser::Payload::ImportSection(s) => {
                for import in s.into_imports() {
                    let import = import?;
                    if import.module != WASI_SNAPSHOT_PREVIEW1_ADAPTER_NAME {
                        imports.insert(import.module.to_string());
                    }
                }
            }
            wasmparser::Payload::ExportSection(s) => {
                for export in s {
                    if let Some((iface, _)) = export?.name.split_once('#') {
                        exports.insert(iface.to_string());
                    }
                }
            }
            _ => {}
        }
    }
    Ok((imports, exports))
}

/// `wasi:http/types@0.2.6` -> `wasi:http/types@0.2`: the part of the version a host
/// matches on (semver-compatible versions are interchangeable). A componentizer imports
/// the newest compatible version its WIT mentions: the full platform WIT names
/// `wasi:http@0.2.6`, the module itself was written against 0.2.0.
fn compatible(name: &str) -> String {
    let Some((base, version)) = name.split_once('@') else {
        return name.to_string();
    };
    let parts: Vec<&str> = version.split('.').collect();
    let keep = if parts.first() == Some(&"0") { 2 } else { 1 };
    format!("{base}@{}", parts[..keep.min(parts.len())].join("."))
}

/// The top-level import and export names of the component Spin would make of `module`.
fn component_shape(module: &[u8]) -> Result<(Vec<String>, Vec<String>)> {
    let component = ComponentEncoder::default()
        .validate(true)
        .module(module)?
        .adapter(
            WASI_SNAPSHOT_PREVIEW1_ADAPTER_NAME,
            WASI_SNAPSHOT_PREVIEW1_REACTOR_ADAPTER,
        )?
        .encode()?;
    let (mut imports, mut exports) = (Vec::new(), Vec::new());
    let mut depth = 0;
    for payload in wasmparser::Parser::new(0).parse_all(&component) {
        match payload? {
            wasmparser::Payload::ModuleSection { .. }
            | wasmparser::Payload::ComponentSection { .. } => depth += 1,
            wasmparser::Payload::End(_) => depth -= 1,
            wasmparser::Payload::ComponentImportSection(s) if depth == 0 => {
                for i in s {
                    imports.push(compatible(i?.name.name));
                }
            }
            wasmparser::Payload::ComponentExportSection(s) if depth == 0 => {
                for e in s {
                    exports.push(compatible(e?.name.name));
                }
            }
            _ => {}
        }
    }
    Ok((imports, exports))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_as_a_host_matches_them() {
        assert_eq!(compatible("wasi:http/types@0.2.6"), "wasi:http/types@0.2");
        assert_eq!(compatible("wasi:http/types@0.2.0"), "wasi:http/types@0.2");
        assert_eq!(compatible("a:b/c@1.4.2"), "a:b/c@1");
        assert_eq!(compatible("a:b/c"), "a:b/c");
    }

    #[test]
    fn a_module_without_metadata_is_unchanged() {
        let empty = b"\0asm\x01\0\0\0".to_vec();
        assert_eq!(slim(&empty).unwrap(), empty);
    }
}
