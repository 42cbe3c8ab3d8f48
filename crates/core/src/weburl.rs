//! URLs of the four schemes the page may reach (http, https, ws, wss),
//! parsed and resolved as the browser's WHATWG URL parser does, so that an
//! address is checked as the browser will use it. What that parser would
//! rewrite beyond case (percent-encoded or non-ASCII host names, IPv4
//! addresses in other forms than four decimal numbers) and every other
//! scheme are refused: the page never reads such an address differently
//! from the browser, it does not read it at all. The tests compare every
//! answer with the `url` crate's.

mod encode;
mod host;
mod parse;

use std::fmt;

pub use host::Host;

/// The schemes with their default ports.
const SCHEMES: [(&str, u16); 4] = [("http", 80), ("https", 443), ("ws", 80), ("wss", 443)];

/// Not a URL of a supported form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvalidUrl;

#[derive(Clone, PartialEq, Eq)]
pub struct Url {
    scheme: &'static str,
    /// Percent-encoded, empty for none.
    username: String,
    password: String,
    host: Host,
    /// `None` for the scheme's default port.
    port: Option<u16>,
    /// Percent-encoded segments; `/a/` is `["a", ""]`.
    path: Vec<String>,
    query: Option<String>,
    fragment: Option<String>,
    /// The whole URL as written, and where its path begins and ends.
    serialization: String,
    path_at: (usize, usize),
}

impl Url {
    pub fn parse(text: &str) -> Result<Url, InvalidUrl> {
        parse::parse(text, None)
    }

    /// `text` (a path, a `//host` reference, a query, …) resolved against
    /// this URL.
    pub fn join(&self, text: &str) -> Result<Url, InvalidUrl> {
        parse::parse(text, Some(self))
    }

    fn empty(scheme: &'static str) -> Url {
        Url {
            scheme,
            username: String::new(),
            password: String::new(),
            host: Host::Domain(String::new()),
            port: None,
            path: Vec::new(),
            query: None,
            fragment: None,
            serialization: String::new(),
            path_at: (0, 0),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.serialization
    }

    pub fn scheme(&self) -> &str {
        self.scheme
    }

    /// Switches between the four schemes (a port that becomes the default
    /// one goes); any other scheme is refused.
    pub fn set_scheme(&mut self, scheme: &str) -> Result<(), InvalidUrl> {
        let (name, _) = SCHEMES
            .iter()
            .find(|(name, _)| *name == scheme)
            .ok_or(InvalidUrl)?;
        self.scheme = name;
        self.drop_default_port();
        self.rebuild();
        Ok(())
    }

    pub fn host(&self) -> &Host {
        &self.host
    }

    /// The host as written in the URL (IPv6 in brackets).
    pub fn host_str(&self) -> String {
        self.host.serialize()
    }

    pub fn port(&self) -> Option<u16> {
        self.port
    }

    pub fn port_or_known_default(&self) -> u16 {
        self.port.unwrap_or_else(|| default_port(self.scheme))
    }

    /// `scheme://host[:port]`, the origin as browsers write it.
    pub fn origin(&self) -> String {
        format!("{}://{}", self.scheme, self.host_port())
    }

    fn host_port(&self) -> String {
        let mut text = self.host.serialize();
        if let Some(port) = self.port {
            text.push(':');
            text.push_str(&port.to_string());
        }
        text
    }

    pub fn has_credentials(&self) -> bool {
        !self.username.is_empty() || !self.password.is_empty()
    }

    pub fn clear_credentials(&mut self) {
        self.username.clear();
        self.password.clear();
        self.rebuild();
    }

    pub fn clear_fragment(&mut self) {
        self.fragment = None;
        self.rebuild();
    }

    /// The path, percent-encoded, starting with `/`.
    pub fn path(&self) -> &str {
        &self.serialization[self.path_at.0..self.path_at.1]
    }

    /// The path's segments, percent-encoded (`/a/b/` is `a`, `b`, ``).
    pub fn path_segments(&self) -> impl Iterator<Item = &str> {
        self.path.iter().map(String::as_str)
    }

    /// A new path (a leading `/` is implied), with `.` and `..` resolved.
    pub fn set_path(&mut self, path: &str) {
        self.path.clear();
        let path = path.strip_prefix(['/', '\\']).unwrap_or(path);
        parse::push_path(&mut self.path, path);
        self.rebuild();
    }

    /// The query, percent-encoded, without `?`.
    pub fn query(&self) -> Option<&str> {
        self.query.as_deref()
    }

    /// The query's form-encoded pairs, decoded.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        encode::parse_pairs(self.query.as_deref().unwrap_or_default())
    }

    /// The query replaced by these pairs, form-encoded (`?` alone for none).
    pub fn set_query_pairs(&mut self, pairs: &[(String, String)]) {
        let mut query = String::new();
        for (name, value) in pairs {
            encode::append_pair(&mut query, name, value);
        }
        self.query = Some(query);
        self.rebuild();
    }

    /// One form-encoded pair appended to the query.
    pub fn append_query_pair(&mut self, name: &str, value: &str) {
        encode::append_pair(self.query.get_or_insert_with(String::new), name, value);
        self.rebuild();
    }

    fn drop_default_port(&mut self) {
        if self.port == Some(default_port(self.scheme)) {
            self.port = None;
        }
    }

    fn rebuilt(mut self) -> Url {
        self.rebuild();
        self
    }

    /// `serialization` written again from the parts.
    fn rebuild(&mut self) {
        let mut out = format!("{}://", self.scheme);
        if self.has_credentials() {
            out.push_str(&self.username);
            if !self.password.is_empty() {
                out.push(':');
                out.push_str(&self.password);
            }
            out.push('@');
        }
        out.push_str(&self.host_port());
        let start = out.len();
        for segment in &self.path {
            out.push('/');
            out.push_str(segment);
        }
        self.path_at = (start, out.len());
        if let Some(query) = &self.query {
            out.push('?');
            out.push_str(query);
        }
        if let Some(fragment) = &self.fragment {
            out.push('#');
            out.push_str(fragment);
        }
        self.serialization = out;
    }
}

/// The name-value pairs of a form-encoded query string (no `?`), decoded.
pub fn form_pairs(query: &str) -> Vec<(String, String)> {
    encode::parse_pairs(query)
}

fn default_port(scheme: &str) -> u16 {
    SCHEMES
        .iter()
        .find(|(name, _)| *name == scheme)
        .map_or(0, |(_, port)| *port)
}

impl fmt::Display for Url {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.serialization)
    }
}

impl fmt::Debug for Url {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Url({:?})", self.serialization)
    }
}

#[cfg(test)]
#[path = "weburl_tests.rs"]
mod tests;
