//! conncheck-companion for socketioxide: an opt-in namespace that tells the
//! conncheck page an opaque id of the pod serving a session and how many
//! servers share its adapter, and relays a short nonce through the adapter
//! (e.g. `socketioxide-redis`) so a session on another pod can confirm
//! cross-pod delivery. Same wire behaviour as the
//! Node companion in `companions/node`; docs/companion.md has the protocol.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let (layer, io) = socketioxide::SocketIo::new_layer();
//! let companion = conncheck_companion::attach(&io, conncheck_companion::Options::default())?;
//! println!("pod id {}", companion.pod);
//! # Ok(()) }
//! ```

pub mod protocol;

use hmac::{Hmac, KeyInit, Mac};
use protocol::{Done, Hello, Probe, RateLimiter, Refused, ROOM_PREFIX};
use serde_json::Value;
use sha2::Sha256;
use socketioxide::adapter::{Adapter, LocalAdapter};
use socketioxide::extract::{AckSender, SocketRef};
use socketioxide::handler::FromMessageParts;
use socketioxide::SocketIo;
use socketioxide_core::adapter::DefinedAdapter;
use std::any::TypeId;
use std::borrow::Cow;
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a broadcast may wait on the adapter (e.g. an unreachable Redis)
/// before the companion gives up on it; the ack has been sent already.
const BROADCAST_BOUND: Duration = Duration::from_secs(5);

/// What an operator may choose.
#[derive(Clone, Debug)]
pub struct Options {
    /// The namespace to register; [`protocol::DEFAULT_NAMESPACE`] by default.
    pub namespace: Cow<'static, str>,
    /// HMAC key of the pod id (at least 16 bytes); random per process when `None`.
    pub key: Option<Vec<u8>>,
    /// How many servers share the adapter, told in `hello`. With the local
    /// adapter the companion knows (1); socketioxide 0.18 keeps another
    /// adapter's `server_count` to itself, so give it here (docs/companion.md).
    pub server_count: Option<ServerCount>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            namespace: Cow::Borrowed(protocol::DEFAULT_NAMESPACE),
            key: None,
            server_count: None,
        }
    }
}

type CountFuture = Pin<Box<dyn Future<Output = Option<u16>> + Send>>;

/// Asks how many servers share the adapter; `None` when it cannot tell.
#[derive(Clone)]
pub struct ServerCount(Arc<dyn Fn() -> CountFuture + Send + Sync>);

impl ServerCount {
    pub fn new<F, Fut>(count: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Option<u16>> + Send + 'static,
    {
        Self(Arc::new(move || Box::pin(count()) as CountFuture))
    }

    /// The count, within [`protocol::COUNT_BOUND`] and 1 to [`protocol::MAX_PODS`].
    async fn ask(&self) -> Option<u16> {
        let count = tokio::time::timeout(protocol::COUNT_BOUND, (self.0)()).await;
        count
            .ok()
            .flatten()
            .filter(|n| (1..=protocol::MAX_PODS).contains(n))
    }
}

impl std::fmt::Debug for ServerCount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ServerCount")
    }
}

/// Why `attach` refused its options.
#[derive(Debug, PartialEq, Eq)]
pub enum OptionsError {
    Namespace,
    KeyTooShort,
    NoRandomness,
}

impl std::fmt::Display for OptionsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Namespace => "conncheck-companion: the namespace must look like /conncheck",
            Self::KeyTooShort => "conncheck-companion: the key must be at least 16 bytes",
            Self::NoRandomness => "conncheck-companion: no system randomness for the key",
        })
    }
}

impl std::error::Error for OptionsError {}

/// The attached companion.
pub struct Companion<A: Adapter> {
    /// The opaque pod id this process tells clients.
    pub pod: String,
    /// The adapter's namespace initialisation: `.await` it for remote
    /// adapters such as `socketioxide-redis` (`()` for the local adapter).
    pub init: A::InitRes,
}

/// Registers the companion namespace on `io`.
pub fn attach<A: Adapter + DefinedAdapter>(
    io: &SocketIo<A>,
    options: Options,
) -> Result<Companion<A>, OptionsError> {
    if !protocol::is_namespace(&options.namespace) {
        return Err(OptionsError::Namespace);
    }
    let key = match options.key {
        Some(key) if key.len() < 16 => return Err(OptionsError::KeyTooShort),
        Some(key) => key,
        None => {
            let mut key = vec![0u8; 32];
            getrandom::getrandom(&mut key).map_err(|_| OptionsError::NoRandomness)?;
            key
        }
    };
    let pod: Arc<str> = pod_id(&key, &hostname(), std::process::id()).into();
    let id = pod.to_string();
    let local = TypeId::of::<A>() == TypeId::of::<LocalAdapter>();
    let count = match options.server_count {
        None if local => Some(ServerCount::new(|| std::future::ready(Some(1)))),
        count => count,
    };
    let init = io.ns(options.namespace, move |socket: SocketRef<A>| {
        on_connect(socket, pod.clone(), count.clone())
    });
    Ok(Companion { pod: id, init })
}

/// HMAC-SHA256 of the process's identity under `key`, cut to 64 bits in hex.
/// The host name goes in, never out: without the key it cannot be recomputed.
pub fn pod_id(key: &[u8], hostname: &str, pid: u32) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else {
        return String::new(); // unreachable: HMAC takes keys of any length
    };
    mac.update(format!("{hostname}\n{pid}").as_bytes());
    mac.finalize().into_bytes()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|s| s.trim().to_string())
        .unwrap_or_default()
}

/// Whether the client asked for an ack: a request without one does nothing.
struct AckId(Option<i64>);

impl<A: Adapter> FromMessageParts<A> for AckId {
    type Error = Infallible;
    fn from_message_parts(
        _: &Arc<socketioxide::socket::Socket<A>>,
        _: &mut socketioxide_core::Value,
        ack_id: &Option<i64>,
    ) -> Result<Self, Infallible> {
        Ok(AckId(*ack_id))
    }
}

/// Every argument of the event as JSON (socketioxide's `Data` extractors see
/// only the first one unless the type is a tuple). Binary attachments stay
/// `{"_placeholder":true,…}` objects, which `read_arg` refuses at top level.
struct Args(Vec<Value>);

impl<A: Adapter> FromMessageParts<A> for Args {
    type Error = Infallible;
    fn from_message_parts(
        _: &Arc<socketioxide::socket::Socket<A>>,
        v: &mut socketioxide_core::Value,
        _: &Option<i64>,
    ) -> Result<Self, Infallible> {
        let args = match v {
            socketioxide_core::Value::Str(s, _) => serde_json::from_str::<Vec<Value>>(s.as_str())
                .map(|all| all.into_iter().skip(1).collect())
                .unwrap_or_default(),
            socketioxide_core::Value::Bytes(_) => Vec::new(),
        };
        Ok(Args(args))
    }
}

// socketioxide 0.18 handlers are async; the work is done before the returned
// future so answers leave in request order, and only the broadcast and
// `hello`'s count await.
fn on_connect<A: Adapter>(
    socket: SocketRef<A>,
    pod: Arc<str>,
    count: Option<ServerCount>,
) -> impl Future<Output = ()> {
    let limiter = Arc::new(Mutex::new(RateLimiter::default()));
    // The ack to answer with when the request may be served; a request
    // without an ack is dropped, one over the rate limit refused.
    let admit = move |id: AckId, ack: AckSender<A>| -> Option<AckSender<A>> {
        id.0?;
        let allowed = limiter
            .lock()
            .map(|mut l| l.allow(Instant::now()))
            .unwrap_or(false);
        if allowed {
            return Some(ack);
        }
        let _ = ack.send(&Refused {
            ok: false,
            error: "rate-limited",
        });
        None
    };

    let (hello_pod, hello_admit) = (pod.clone(), admit.clone());
    // The one answer that waits: on the adapter's count.
    socket.on("hello", move |id: AckId, ack: AckSender<A>| {
        let (ack, pod, count) = (hello_admit(id, ack), hello_pod.clone(), count.clone());
        async move {
            let Some(ack) = ack else { return };
            let pods = match count {
                Some(count) => count.ask().await,
                None => None,
            };
            let v = protocol::PROTOCOL_VERSION;
            let _ = ack.send(&Hello {
                ok: true,
                v,
                pod: &pod,
                pods,
            });
        }
    });

    let listen_admit = admit.clone();
    socket.on(
        "listen",
        move |s: SocketRef<A>, id: AckId, Args(args): Args, ack: AckSender<A>| {
            if let Some(ack) = listen_admit(id, ack) {
                match protocol::read_arg(&args, ["room"]) {
                    Err(error) => {
                        let _ = ack.send(&Refused { ok: false, error });
                    }
                    Ok([room]) => {
                        let old: Vec<_> = s
                            .rooms()
                            .into_iter()
                            .filter(|r| r.starts_with(ROOM_PREFIX))
                            .collect();
                        s.leave(old);
                        s.join(format!("{ROOM_PREFIX}{room}"));
                        let _ = ack.send(&Done { ok: true });
                    }
                }
            }
            std::future::ready(())
        },
    );

    socket.on(
        "send",
        move |s: SocketRef<A>, id: AckId, Args(args): Args, ack: AckSender<A>| {
            let fields =
                admit(id, ack).and_then(|ack| match protocol::read_arg(&args, ["room", "nonce"]) {
                    Err(error) => {
                        let _ = ack.send(&Refused { ok: false, error });
                        None
                    }
                    Ok(fields) => {
                        let _ = ack.send(&Done { ok: true });
                        Some(fields)
                    }
                });
            let pod = pod.clone();
            async move {
                let Some([room, nonce]) = fields else { return };
                // After the ack, as the Node companion does; through the adapter,
                // so with Redis it reaches listeners on every pod.
                let probe = Probe {
                    nonce: &nonce,
                    from: &pod,
                };
                let room = format!("{ROOM_PREFIX}{room}");
                let _ = tokio::time::timeout(BROADCAST_BOUND, s.within(room).emit("probe", &probe))
                    .await;
            }
        },
    );
    std::future::ready(())
}
