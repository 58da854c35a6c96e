//! Every `curl` example in README.md and docs/http.md, run against the app and compared
//! with the output shown, so the documentation cannot drift from what the app does.
//! (`date` headers are left out of the README, and ignored here, as is the
//! `connection: close` that answers this client's own `Connection: close`.)

use crate::harness::{request, Reply};

struct Example {
    command: String,
    expected: Vec<String>,
}

/// The documents whose `console` blocks show real output.
const DOCUMENTS: [&str; 2] = ["README.md", "docs/http.md"];

/// The `$ curl ...` lines of the documents' `console` blocks, each with the lines after it.
fn examples() -> Vec<Example> {
    let mut examples = Vec::new();
    for doc in DOCUMENTS {
        let text = std::fs::read_to_string(crate::harness::root().join(doc)).unwrap();
        examples.extend(examples_in(&text));
    }
    examples
}

fn examples_in(text: &str) -> Vec<Example> {
    let mut examples = Vec::new();
    let mut in_console = false;
    for line in text.lines() {
        if line.starts_with("```") {
            in_console = line == "```console";
            continue;
        }
        if !in_console {
            continue;
        }
        match line.strip_prefix("$ ") {
            Some(command) => examples.push(Example {
                command: command.to_owned(),
                expected: vec![],
            }),
            None => examples
                .last_mut()
                .expect("output before any command")
                .expected
                .push(line.to_owned()),
        }
    }
    examples
}

/// Splits a command line as a POSIX shell would for the quoting the README uses.
fn words(command: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quote = None;
    let mut in_word = false;
    for c in command.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None, ' ') => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (None, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

struct Curl {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    include: bool,
}

fn parse_curl(command: &str) -> Curl {
    let words = words(command);
    assert_eq!(
        words[0], "curl",
        "only curl examples are expected: {command}"
    );
    let mut curl = Curl {
        method: "GET".into(),
        target: String::new(),
        headers: vec![],
        include: false,
    };
    let mut args = words[1..].iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-s" => {}
            "-i" | "-si" => curl.include = true,
            "-X" => curl.method = args.next().expect("a method after -X").clone(),
            "-H" => {
                let header = args.next().expect("a header after -H");
                let (name, value) = header.split_once(':').expect("Name: value");
                curl.headers
                    .push((name.trim().to_owned(), value.trim().to_owned()));
            }
            url => {
                let target = url
                    .strip_prefix("localhost:3000")
                    .unwrap_or_else(|| panic!("unexpected argument {url} in {command}"));
                curl.target = target.to_owned();
            }
        }
    }
    curl
}

fn output(curl: &Curl, reply: &Reply) -> Vec<String> {
    let body = String::from_utf8_lossy(&reply.body);
    let mut lines = Vec::new();
    if curl.include {
        lines.push(format!(
            "HTTP/1.1 {} {}",
            reply.status,
            reason(reply.status)
        ));
        lines.extend(
            reply
                .headers
                .iter()
                .filter(|(n, _)| n != "date" && n != "connection")
                .map(|(n, v)| format!("{n}: {v}")),
        );
        lines.push(String::new());
    }
    lines.extend(body.lines().map(str::to_owned));
    lines
}

fn reason(status: u16) -> &'static str {
    http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("")
}

#[test]
fn the_readme_has_curl_examples_for_every_endpoint() {
    let commands: Vec<String> = examples().into_iter().map(|e| e.command).collect();
    for path in [
        "localhost:3000/ ",
        "/animals",
        "/iseven?",
        "/students/",
        "/static/",
    ] {
        assert!(
            commands.iter().any(|c| format!("{c} ").contains(path)),
            "no example for {path}"
        );
    }
}

#[test]
fn every_curl_example_shows_the_real_output() {
    let examples = examples();
    assert!(
        examples.len() >= 10,
        "only {} examples found",
        examples.len()
    );
    for example in examples {
        let curl = parse_curl(&example.command);
        let headers: Vec<(&str, &str)> = curl
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let reply = request(&curl.method, &curl.target, &headers);
        let mut expected = example.expected.clone();
        while expected.last().is_some_and(|l| l.is_empty()) {
            expected.pop();
        }
        let mut actual = output(&curl, &reply);
        while actual.last().is_some_and(|l| l.is_empty()) {
            actual.pop();
        }
        assert_eq!(actual, expected, "$ {}", example.command);
    }
}

#[test]
fn shell_words_follow_quotes() {
    assert_eq!(
        words("curl -s 'a b' \"c\" d"),
        ["curl", "-s", "a b", "c", "d"]
    );
    assert_eq!(
        words("curl -H 'If-None-Match: \"x\"' u"),
        ["curl", "-H", "If-None-Match: \"x\"", "u"]
    );
}

/// Every command the README shows in its `sh` blocks that is one of this repo's scripts
/// exists and is executable, and every flag it gives `scripts/up.sh` is one spin-local's
/// `up` parses (Spin's `spin up` takes the same ones but `--request-timeout` and
/// `--memory-limit`, which the README marks as spin-local's).
#[test]
fn every_script_the_readme_shows_exists_and_takes_its_flags() {
    let root = crate::harness::root();
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let up_flags = std::fs::read_to_string(root.join("tools/spin-local/src/main.rs")).unwrap();
    let mut in_sh = false;
    let mut scripts = 0;
    for line in readme.lines() {
        if line.starts_with("```") {
            in_sh = line == "```sh";
            continue;
        }
        let command = line.split('#').next().unwrap_or_default();
        let words = words(command);
        // A leading NAME=value is the command's environment.
        let mut rest = words
            .iter()
            .skip_while(|w| w.contains('=') && !w.starts_with('-'));
        let Some(program) = rest.next().filter(|p| in_sh && p.starts_with("scripts/")) else {
            continue;
        };
        scripts += 1;
        let path = root.join(program);
        let mode = std::fs::metadata(&path)
            .unwrap_or_else(|_| panic!("the README runs {program}, which does not exist"))
            .permissions();
        assert!(
            std::os::unix::fs::PermissionsExt::mode(&mode) & 0o111 != 0,
            "{program} is not executable"
        );
        if program == "scripts/up.sh" {
            for flag in rest.filter(|w| w.starts_with("--")) {
                let flag = flag.split('=').next().unwrap();
                assert!(
                    up_flags.contains(&format!("\"{flag}\"")),
                    "the README gives scripts/up.sh {flag}, which spin-local up does not parse"
                );
            }
        }
    }
    assert!(
        scripts >= 3,
        "only {scripts} script commands found in the README"
    );
}
