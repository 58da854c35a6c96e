//! The animals page in a real browser: `/animals` and `/static/index.html`, served by the
//! runtime, opened in headless Chromium through chromedriver (Debian's `chromium` and
//! `chromium-driver`): the title, the heading, the four animals in order, and no console
//! error or CSP violation (Chromium logs both as SEVERE). A screenshot of each goes to
//! `target/browser/`. And an SVG with a script, opened on its own: the script must not run.
//! Needs Chromium, so the Spin tier of `scripts/test.sh` runs it (`--include-ignored`),
//! after installing the two packages where they are missing.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::wd::{Capabilities, WebDriverCompatibleCommand};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

use crate::harness::{app, root, serve, static_files_manifest, TempDir};

/// chromedriver on a free loopback port, stopped when dropped.
struct Driver(Child, u16);

impl Driver {
    fn start() -> Driver {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver (Debian: apt-get install chromium chromium-driver)");
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not listen");
            std::thread::sleep(Duration::from_millis(50));
        }
        Driver(child, port)
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// chromedriver's log endpoint (`POST /session/{id}/se/log`): the browser's console since
/// the last call.
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/se/log", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (
            http::Method::POST,
            Some(json!({"type": "browser"}).to_string()),
        )
    }
}

async fn open(driver: &Driver) -> Client {
    let mut caps = Capabilities::new();
    // As root and without a network: no sandbox, no GPU, nothing fetched in the background.
    let args = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=800,600",
    ];
    caps.insert("goog:chromeOptions".into(), json!({ "args": args }));
    caps.insert("goog:loggingPrefs".into(), json!({ "browser": "ALL" }));
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", driver.1))
        .await
        .expect("a Chromium session")
}

async fn severe_log_entries(client: &Client) -> Vec<Value> {
    let log = client.issue_cmd(BrowserLog).await.unwrap();
    let entries = log.as_array().expect("a list of log entries");
    entries
        .iter()
        .filter(|e| e["level"] == "SEVERE")
        .cloned()
        .collect()
}

/// The control: an error written to the console does show in the log, so an empty log
/// below means no error, not a log that is never read.
async fn assert_the_log_is_read(client: &Client) {
    client
        .goto(&format!("http://{}/", app().addr()))
        .await
        .unwrap();
    client
        .execute("console.error('log probe')", vec![])
        .await
        .unwrap();
    let severe = severe_log_entries(client).await;
    assert!(
        severe
            .iter()
            .any(|e| e["message"].as_str().unwrap_or("").contains("log probe")),
        "the console probe is missing from the browser log: {severe:#?}"
    );
}

async fn check_page(client: &Client, path: &str, shot: &str) {
    let url = format!("http://{}{path}", app().addr());
    client.goto(&url).await.unwrap();
    assert_eq!(client.title().await.unwrap(), "List of Animals", "{path}");
    let h1 = client.find(Locator::Css("h1")).await.unwrap();
    assert_eq!(
        h1.text().await.unwrap(),
        "This is a list of Animals",
        "{path}"
    );
    let mut options = Vec::new();
    for option in client
        .find_all(Locator::Css("select > option"))
        .await
        .unwrap()
    {
        options.push(option.text().await.unwrap());
    }
    assert_eq!(options, ["Snake", "Horse", "Mouse", "Bird"], "{path}");

    let dir = root().join("target/browser");
    std::fs::create_dir_all(&dir).unwrap();
    let png = client.screenshot().await.unwrap();
    assert!(
        png.starts_with(b"\x89PNG"),
        "{path}: the screenshot is a PNG"
    );
    std::fs::write(dir.join(shot), png).unwrap();

    let severe = severe_log_entries(client).await;
    assert!(
        severe.is_empty(),
        "{path}: console errors or CSP violations: {severe:#?}"
    );
}

/// Runs `check` in a fresh Chromium session whose console is shown to be read.
fn in_chromium(check: impl AsyncFnOnce(&Client)) {
    let driver = Driver::start();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let client = open(&driver).await;
        assert_the_log_is_read(&client).await;
        check(&client).await;
        client.close().await.unwrap();
    });
}

/// An SVG is a document a browser runs scripts in, with the origin that served it; the
/// static component's policy for it (`http-rules`' `XML_CSP`) must stop this one.
#[test]
#[ignore = "needs Chromium and chromedriver: scripts/test.sh runs it in the Spin tier"]
fn an_svg_opened_on_its_own_runs_no_script() {
    let dir = TempDir::new("svg-script");
    std::fs::create_dir_all(dir.join("static")).unwrap();
    std::fs::write(
        dir.join("static/drawing.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"40\" height=\"40\">\
         <rect width=\"40\" height=\"40\" style=\"fill: teal\"/>\
         <script>console.error('svg script ran')</script></svg>\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("spin.toml"),
        static_files_manifest("svg-script", ""),
    )
    .unwrap();
    let files = serve(&dir.join("spin.toml"), &[], "svg-script");
    in_chromium(async |client| {
        let url = format!("http://{}/static/drawing.svg", files.addr());
        client.goto(&url).await.unwrap();
        let severe = severe_log_entries(client).await;
        let said = |text: &str| {
            severe
                .iter()
                .any(|e| e["message"].as_str().unwrap_or("").contains(text))
        };
        assert!(!said("svg script ran"), "the SVG's script ran: {severe:#?}");
        // The drawing was opened and its script refused, not merely never reached.
        assert!(
            said("sandboxed") || said("Content Security Policy"),
            "no sign of the script being blocked: {severe:#?}"
        );
    });
}

#[test]
#[ignore = "needs Chromium and chromedriver: scripts/test.sh runs it in the Spin tier"]
fn the_animals_page_renders_in_chromium() {
    in_chromium(async |client| {
        check_page(client, "/animals", "animals.png").await;
        check_page(client, "/static/index.html", "static-index.png").await;
    });
}
