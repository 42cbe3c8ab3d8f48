//! `conncheck`: the page's network checks and diagnosis from a terminal
//! (README, "From a terminal"). Reads the flags, loads the configuration
//! as the page does, runs the checks (or `--watch`) on one thread, prints
//! the report, and exits 0 (no critical or warning finding), 1 (one) or 2
//! (could not run).

mod args;
mod clock;
mod driver;
mod net;
mod output;
mod polling;
mod progress;
mod run;
mod watch;
mod ws;

use std::hash::{BuildHasher, RandomState};
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use conncheck_core::checks::BrowserFacts;
use conncheck_core::config::{self, Config, FileLoad, Source};
use conncheck_core::weburl::Url;

use args::Args;
use net::Net;
use progress::Progress;

/// What the page waits for its conncheck.json (src/run.rs).
const CONFIG_TIMEOUT: Duration = Duration::from_secs(5);
/// How long the sessions' closes sent last may take before the exit.
const BEACON_BOUND: Duration = Duration::from_secs(2);
/// The longest local configuration file read.
const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

fn main() -> ExitCode {
    let args = Args::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return could_not_run(&format!("cannot start the runtime: {e}")),
    };
    let local = tokio::task::LocalSet::new();
    local.block_on(&runtime, run(args))
}

fn could_not_run(message: &str) -> ExitCode {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "conncheck: {message}");
    ExitCode::from(2)
}

async fn run(args: Args) -> ExitCode {
    let (page, query) = match args.page() {
        Ok(page) => page,
        Err(message) => return could_not_run(&message),
    };
    let net = match Net::new(page.origin()) {
        Ok(net) => net,
        Err(message) => return could_not_run(&message),
    };
    let file = match &args.config {
        Some(path) => read_config(path),
        None => fetch_config(&net, &page).await,
    };
    let config = config::resolve(&page, &file, &query);
    if let Some(message) = unusable(&config) {
        return could_not_run(&message);
    }
    let progress = Progress::new(args.quiet);
    let ticker = {
        let progress = progress.clone();
        tokio::task::spawn_local(async move {
            let tick = Duration::from_millis(progress::TICK_MS);
            loop {
                tokio::time::sleep(tick).await;
                progress.tick();
            }
        })
    };
    let code = if let Some(duration_ms) = args.watch {
        watch::run(
            &config,
            &net,
            duration_ms,
            args.sessions,
            args.json,
            &progress,
        )
        .await
    } else {
        let facts = BrowserFacts {
            secure_context: secure_context(&page),
            page_url: page,
        };
        let seed = RandomState::new().hash_one(std::process::id());
        let report = run::run(&config, &facts, &net, seed, &progress).await;
        let view = conncheck_core::view::derive(&report);
        if args.json {
            out(&format!("{}\n", view.json(&report)));
        } else {
            out(&output::text(&report, &view, &output::Paint::for_stdout()));
        }
        ExitCode::from(u8::from(output::alarms(&view)))
    };
    ticker.abort();
    net.flush(BEACON_BOUND).await;
    code
}

/// Why the checks cannot run as asked: no valid Socket.IO endpoint, or a
/// flag (or the URL's query) the configuration refused.
fn unusable(config: &Config) -> Option<String> {
    let refused: Vec<String> = config
        .errors
        .iter()
        .filter(|e| e.source == Source::Query || e.key == config::ConfigKey::Socketio)
        .map(|e| {
            let key = serde_json::to_value(&e.key).unwrap_or_default();
            format!("{}: {}", key.as_str().unwrap_or("?"), e.message)
        })
        .collect();
    if !refused.is_empty() {
        return Some(format!("invalid configuration: {}", refused.join("; ")));
    }
    config
        .socketio
        .is_none()
        .then(|| "no valid Socket.IO endpoint (--socketio)".to_owned())
}

/// A browser treats https and loopback pages as secure contexts.
fn secure_context(page: &Url) -> bool {
    let host = page.host_str();
    page.scheme() == "https"
        || host == "localhost"
        || host.ends_with(".localhost")
        || host.starts_with("127.")
        || host == "[::1]"
}

fn read_config(path: &std::path::Path) -> FileLoad {
    use std::io::Read;
    let mut text = String::new();
    let read = std::fs::File::open(path)
        .and_then(|f| f.take(MAX_CONFIG_BYTES + 1).read_to_string(&mut text));
    match read {
        Ok(n) if n as u64 > MAX_CONFIG_BYTES => {
            FileLoad::Failed(format!("longer than {MAX_CONFIG_BYTES} bytes"))
        }
        Ok(_) => FileLoad::Loaded(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            FileLoad::Failed("the file does not exist".into())
        }
        Err(e) => FileLoad::Failed(format!("cannot be read: {}", e.kind())),
    }
}

/// The page's conncheck.json beside URL, as the page loads it.
async fn fetch_config(net: &Net, page: &Url) -> FileLoad {
    let Ok(url) = page.join(run::CONFIG_FILE) else {
        return FileLoad::NotFound;
    };
    let request = conncheck_core::check::FetchRequest::get(url.as_str());
    let answer = tokio::time::timeout(CONFIG_TIMEOUT, net.fetch(0, request)).await;
    match answer {
        Ok(conncheck_core::check::Event::HttpResponse { status, body, .. }) => match status {
            200..=299 => FileLoad::Loaded(body),
            404 => FileLoad::NotFound,
            status => FileLoad::Failed(format!("HTTP {status}")),
        },
        Ok(conncheck_core::check::Event::HttpFailed { message, .. }) => FileLoad::Failed(message),
        Ok(_) => FileLoad::Failed("no answer".into()),
        Err(_) => FileLoad::Failed(format!("no answer within {} s", CONFIG_TIMEOUT.as_secs())),
    }
}

/// Writes to stdout, whose reader may be gone (`conncheck … | head`): a
/// write that fails is dropped, where `print!` would panic.
pub(crate) fn out(text: &str) {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
}
