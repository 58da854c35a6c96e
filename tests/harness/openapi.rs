//! Checks an answer against `static/openapi.json`: the path and method are documented
//! (or the answer is the documented 404/405), the status is listed for the operation,
//! the content type is one the response declares, and JSON bodies fit their schema.
//! Every request made through `harness::request` is checked, so the document cannot
//! drift from what the components do.

use std::sync::OnceLock;

use serde_json::Value;

use super::Reply;

fn document() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| {
        let text = std::fs::read_to_string(super::root().join("static/openapi.json")).unwrap();
        serde_json::from_str(&text).expect("static/openapi.json is JSON")
    })
}

pub fn check(method: &str, target: &str, reply: &Reply) -> Result<(), String> {
    check_against(document(), method, target, reply)
}

pub fn check_against(doc: &Value, method: &str, target: &str, reply: &Reply) -> Result<(), String> {
    // Limits the host enforces before any component runs; not the API's to describe.
    if matches!(reply.status, 413 | 414 | 431) {
        return Ok(());
    }
    let path = target.split('?').next().unwrap_or_default();
    let Some(item) = path_item(doc, path) else {
        return match reply.status {
            400 | 404 => Ok(()),
            s => Err(format!("{path} is not documented, yet answered {s}")),
        };
    };
    let method = method.to_ascii_lowercase();
    if method == "head" {
        // HEAD answers as GET would, without a body: the statuses are GET's.
        let get = &item["get"];
        return status_response(doc, get, reply.status).map(|_| ());
    }
    let Some(operation) = item.get(&method) else {
        if reply.status != 405 {
            return Err(format!(
                "{method} {path} is not documented, yet answered {}",
                reply.status
            ));
        }
        return content(doc, &doc["components"]["responses"]["Error"], reply);
    };
    let response = status_response(doc, operation, reply.status)?;
    content(doc, response, reply)
}

/// The path item whose template matches `path`: `{param}` matches one segment, or the
/// rest of the path when the parameter says `x-matches-rest`.
fn path_item<'a>(doc: &'a Value, path: &str) -> Option<&'a Value> {
    let paths = doc["paths"].as_object()?;
    paths
        .iter()
        .find(|(template, item)| matches(template, path, item))
        .map(|(_, item)| item)
}

fn matches(template: &str, path: &str, item: &Value) -> bool {
    let rest_param = |name: &str| {
        item["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|p| p["name"] == name && p["x-matches-rest"] == true)
    };
    let mut want = template.split('/');
    let mut got = path.split('/');
    loop {
        match (want.next(), got.next()) {
            (None, None) => return true,
            (Some(w), g) if w.starts_with('{') && rest_param(w.trim_matches(['{', '}'])) => {
                return want.next().is_none() && (g.is_some() || template.ends_with('}'));
            }
            (Some(w), Some(g)) if w.starts_with('{') => {
                if g.is_empty() {
                    return false;
                }
            }
            (Some(w), Some(g)) if w == g => {}
            _ => return false,
        }
    }
}

fn status_response<'a>(
    doc: &'a Value,
    operation: &'a Value,
    status: u16,
) -> Result<&'a Value, String> {
    let responses = &operation["responses"];
    let response = responses
        .get(status.to_string())
        .or_else(|| responses.get("default"));
    response
        .map(|r| resolve(doc, r))
        .ok_or_else(|| format!("status {status} is not documented for this operation"))
}

fn content(doc: &Value, response: &Value, reply: &Reply) -> Result<(), String> {
    let response = resolve(doc, response);
    let Some(content) = response["content"].as_object() else {
        return if reply.body.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "status {} is documented without content, yet has a body",
                reply.status
            ))
        };
    };
    let media = reply.header("content-type").unwrap_or_default();
    let media = media.split(';').next().unwrap_or_default().trim();
    let declared = content
        .iter()
        .find(|(range, _)| media_matches(range, media));
    let Some((_, entry)) = declared else {
        return Err(format!(
            "content type {media:?} is not among {:?}",
            content.keys().collect::<Vec<_>>()
        ));
    };
    if media == "application/json" && !reply.body.is_empty() {
        let body: Value =
            serde_json::from_slice(&reply.body).map_err(|e| format!("invalid JSON: {e}"))?;
        fits(doc, &entry["schema"], &body, "$")?;
    }
    Ok(())
}

fn media_matches(range: &str, media: &str) -> bool {
    range == "*/*"
        || range == media
        || range
            .strip_suffix("/*")
            .is_some_and(|t| media.starts_with(&format!("{t}/")))
}

fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    match value["$ref"].as_str().and_then(|r| r.strip_prefix('#')) {
        Some(pointer) => resolve(
            doc,
            doc.pointer(pointer)
                .unwrap_or_else(|| panic!("dangling $ref {pointer}")),
        ),
        None => value,
    }
}

/// The JSON Schema keywords the document uses: type, properties, required,
/// additionalProperties, items, enum, pattern (as anchored `^...$` character classes).
fn fits(doc: &Value, schema: &Value, value: &Value, at: &str) -> Result<(), String> {
    let schema = resolve(doc, schema);
    let fail = |why: String| Err(format!("{at}: {why} in {value}"));
    match schema["type"].as_str() {
        Some("object") => {
            let Some(object) = value.as_object() else {
                return fail("not an object".into());
            };
            let properties = schema["properties"].as_object();
            for name in schema["required"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                if !object.contains_key(name) {
                    return fail(format!("missing {name}"));
                }
            }
            for (name, field) in object {
                match properties.and_then(|p| p.get(name)) {
                    Some(s) => fits(doc, s, field, &format!("{at}.{name}"))?,
                    None if schema["additionalProperties"] == false => {
                        return fail(format!("unexpected {name}"))
                    }
                    None => {}
                }
            }
        }
        Some("array") => {
            let Some(items) = value.as_array() else {
                return fail("not an array".into());
            };
            for (i, item) in items.iter().enumerate() {
                fits(doc, &schema["items"], item, &format!("{at}[{i}]"))?;
            }
        }
        Some("string") => {
            let Some(s) = value.as_str() else {
                return fail("not a string".into());
            };
            if let Some(allowed) = schema["enum"].as_array() {
                if !allowed.iter().any(|a| a == value) {
                    return fail("not in the enum".into());
                }
            }
            if let Some(pattern) = schema["pattern"].as_str() {
                if !regex_lite::Regex::new(pattern)
                    .map_err(|e| e.to_string())?
                    .is_match(s)
                {
                    return fail(format!("does not match {pattern}"));
                }
            }
        }
        Some(other) => {
            return fail(format!(
                "schema type {other} is not supported by this checker"
            ))
        }
        None => {}
    }
    Ok(())
}
