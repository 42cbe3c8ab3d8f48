//! What may leave the browser in a report: URLs without credentials or
//! query-string secrets.

use url::Url;

/// Query parameters whose values are protocol facts, never secrets.
const SAFE_QUERY_KEYS: &[&str] = &["EIO", "transport"];

pub const REDACTED: &str = "REDACTED";

/// The URL with user name, password and fragment removed and every query
/// value replaced by `REDACTED`, except Engine.IO's protocol parameters.
/// Text that is not a URL is replaced as a whole.
pub fn redact_url(text: &str) -> String {
    let Ok(mut url) = Url::parse(text) else {
        return REDACTED.to_owned();
    };
    // Cannot fail for the hierarchical URLs we accept; ignore it for others.
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url.set_fragment(None);
    if url.query().is_some() {
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .map(|(k, v)| {
                let keep = SAFE_QUERY_KEYS.contains(&k.as_ref());
                (
                    k.into_owned(),
                    if keep {
                        v.into_owned()
                    } else {
                        REDACTED.to_owned()
                    },
                )
            })
            .collect();
        url.query_pairs_mut().clear().extend_pairs(pairs);
    }
    url.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_table() {
        let table = [
            (
                "wss://a.example/socket.io/?EIO=4&transport=websocket",
                "wss://a.example/socket.io/?EIO=4&transport=websocket",
            ),
            (
                "wss://a.example/ws?token=s3cr3t&EIO=4",
                "wss://a.example/ws?token=REDACTED&EIO=4",
            ),
            (
                "https://bob:hunter2@a.example/x#frag",
                "https://a.example/x",
            ),
            (
                "turn:turn.example:3478?transport=tcp",
                "turn:turn.example:3478?transport=tcp",
            ),
            ("not a url", "REDACTED"),
        ];
        for (input, expected) in table {
            assert_eq!(redact_url(input), expected, "input {input}");
        }
    }
}
