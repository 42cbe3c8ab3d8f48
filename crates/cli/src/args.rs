//! The command line: the page's configuration keys as flags, with the
//! page's defaults, and how they become the page's configuration (the URL
//! plays the page's address; the flags act as a support link's settings).

use clap::Parser;
use conncheck_core::check::Millis;
use conncheck_core::weburl::Url;

/// Longest `--watch`.
pub const MAX_WATCH_S: u64 = 24 * 3600;
/// Most sessions `--watch` holds at once.
pub const MAX_SESSIONS: u32 = 32;

/// conncheck from a terminal: the page's network checks (WebSocket,
/// Socket.IO handshake and upgrade, sticky sessions, cross-pod delivery,
/// connection lifetime) and the same diagnosis, for operators and CI.
///
/// Exit status: 0 when no finding is critical or a warning, 1 when one is
/// (or a check failed without a finding), 2 when the checks could not run.
#[derive(Debug, Parser)]
#[command(name = "conncheck", version, about, long_about)]
pub struct Args {
    /// The address where the page would be served (https://app.example.com/conncheck/):
    /// relative --socketio paths resolve against it, its conncheck.json is read
    /// (unless --config), and requests carry its origin as a page's would. A
    /// query in it (?socketio=...&namespace=...) is read as a support link's.
    pub url: String,

    /// The Socket.IO endpoint: a path against URL or an http(s) URL
    /// [page default: /socket.io/ against URL].
    #[arg(long, value_name = "P")]
    pub socketio: Option<String>,

    /// The Socket.IO namespace to connect to [page default: /].
    #[arg(long, value_name = "NS")]
    pub namespace: Option<String>,

    /// The load balancer's affinity cookie names, comma-separated
    /// [page default: none; the known ones are recognised]. Recorded in
    /// the report's configuration: the check that reads them
    /// (affinity-cookie, what a page's script sees of cookies) is a
    /// browser's own and does not run here.
    #[arg(long, value_name = "NAMES")]
    pub cookie: Option<String>,

    /// The namespace of the app's conncheck companion (/conncheck): enables
    /// the exact pod count and the cross-pod check [page default: off].
    #[arg(long, value_name = "NS")]
    pub companion: Option<String>,

    /// Hold a Socket.IO WebSocket session this many seconds after the report
    /// and report whether it was cut (connection-lifetime)
    /// [page default: 0, not held; at most 7200].
    #[arg(long, value_name = "S")]
    pub lifetime: Option<String>,

    /// An extra plain WebSocket URL (ws:// or wss://) to test [page default: none].
    #[arg(long, value_name = "URL")]
    pub ws: Option<String>,

    /// Read the configuration from this local file (conncheck.json's format)
    /// instead of URL's conncheck.json.
    #[arg(long, value_name = "FILE")]
    pub config: Option<std::path::PathBuf>,

    /// Print the report as JSON (the page's report schema, conncheck/1: the
    /// support view opens it) instead of text.
    #[arg(long)]
    pub json: bool,

    /// Instead of the checks: hold Socket.IO sessions open for DURATION
    /// (90s, 10m, 1h; a bare number is seconds), on WebSocket and on
    /// polling, answer the server's pings, and report every drop with its
    /// time, close code or HTTP status and what ended it, and the known
    /// limit it matches when a timeout on the path may have ended it (a
    /// gateway or timeout answer, a lost request, a WebSocket cut without
    /// a close frame); a dropped session is opened again. For rolling
    /// updates and idle timeouts.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub watch: Option<Millis>,

    /// How many sessions --watch holds at once on each transport (at most 32).
    #[arg(long, value_name = "N", default_value_t = 1,
          value_parser = clap::value_parser!(u32).range(1..=MAX_SESSIONS as i64))]
    pub sessions: u32,

    /// No progress lines on stderr.
    #[arg(long, short)]
    pub quiet: bool,
}

/// "90s", "10m", "1h", "45": a duration in milliseconds, at most a day.
fn parse_duration(text: &str) -> Result<Millis, String> {
    let text = text.trim();
    let (number, unit) = match text.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((at, _)) => text.split_at(at),
        None => (text, "s"),
    };
    let n: u64 = number
        .parse()
        .map_err(|_| "a duration such as 90s, 10m or 1h".to_owned())?;
    let s = match unit {
        "s" => n,
        "m" => n.saturating_mul(60),
        "h" => n.saturating_mul(3600),
        _ => return Err("a duration such as 90s, 10m or 1h".to_owned()),
    };
    if s == 0 || s > MAX_WATCH_S {
        return Err(format!("between 1 s and {} h", MAX_WATCH_S / 3600));
    }
    Ok(s * 1000)
}

impl Args {
    /// The page's address (without its query and fragment) and the link
    /// query the configuration reads: URL's own, then the flags.
    pub fn page(&self) -> Result<(Url, String), String> {
        let mut url = Url::parse(self.url.trim())
            .map_err(|_| "URL is not a valid absolute URL".to_owned())?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err("URL must be an http:// or https:// address".into());
        }
        url.clear_fragment();
        let mut pairs = url.query_pairs();
        let flags = [
            ("socketio", &self.socketio),
            ("namespace", &self.namespace),
            ("cookie", &self.cookie),
            ("companion", &self.companion),
            ("lifetime", &self.lifetime),
            ("ws", &self.ws),
        ];
        for (key, value) in flags {
            if let Some(value) = value {
                pairs.push((key.to_owned(), value.clone()));
            }
        }
        url.set_query_pairs(&pairs);
        let query = url.query().unwrap_or("").to_owned();
        let page = url.as_str().split('?').next().unwrap_or_default();
        let page = Url::parse(page).map_err(|_| "URL is not a valid absolute URL".to_owned())?;
        Ok((page, query))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90s"), Ok(90_000));
        assert_eq!(parse_duration("10m"), Ok(600_000));
        assert_eq!(parse_duration("1h"), Ok(3_600_000));
        assert_eq!(parse_duration("45"), Ok(45_000));
        assert!(parse_duration("0").is_err());
        assert!(parse_duration("25h").is_err());
        assert!(parse_duration("5 d").is_err());
        assert!(parse_duration("s").is_err());
        assert!(parse_duration("99999999999999999999999").is_err());
    }

    #[test]
    fn flags_follow_the_urls_own_settings() {
        let args = Args::parse_from([
            "conncheck",
            "http://127.0.0.1:8080/app/?socketio=/a/&x=1#frag",
            "--socketio",
            "/b/",
            "--namespace",
            "/chat",
        ]);
        let (url, query) = args.page().unwrap();
        assert_eq!(url.as_str(), "http://127.0.0.1:8080/app/");
        assert_eq!(
            query,
            "socketio=%2Fa%2F&x=1&socketio=%2Fb%2F&namespace=%2Fchat"
        );
    }

    #[test]
    fn only_web_addresses() {
        for bad in ["ftp://x/", "not a url", "/relative"] {
            let args = Args::parse_from(["conncheck", bad]);
            assert!(args.page().is_err(), "{bad}");
        }
    }
}
