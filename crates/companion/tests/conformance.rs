//! The Rust and Node companions put identical packets on the wire: the same
//! scripted conversation (answers, refusals, rate limit, ordering, requests
//! without acks, unknown events) runs against a socketioxide pod and a Node
//! socket.io pod, and the two transcripts must match byte for byte once the
//! pod ids and Engine.IO session ids are masked.

mod common;
use common::{addr, local_pod, Client, Error, ARRIVAL_BOUND, DELIVERY_BOUND};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

const NS: &str = "/conncheck";

struct NodePod(Child);
impl Drop for NodePod {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The Node companion's test pod (companions/node/test/fixtures/pod.js) without an adapter.
fn node_pod(args: &[&str]) -> Result<(NodePod, u16), Error> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../companions/node");
    if !dir.join("node_modules/socket.io").is_dir() {
        return Err("companions/node/node_modules missing: run scripts/setup.sh".into());
    }
    let mut child = Command::new("node")
        .arg(dir.join("test/fixtures/pod.js"))
        .args(args)
        .stdout(Stdio::piped())
        .spawn()?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let pod = NodePod(child);
    // The pod prints one line when listening, or exits (closing stdout).
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line)?;
    let port = line
        .trim()
        .strip_prefix("listening ")
        .ok_or(format!("node pod said {line:?}"))?
        .parse()?;
    Ok((pod, port))
}

/// Runs the script against the pod on `port`; returns both sessions' packets, masked.
async fn transcript(port: u16) -> Result<Vec<String>, Error> {
    let mut a = Client::connect(addr(port), NS).await?;
    let mut b = Client::connect(addr(port), NS).await?;
    let pod = b.hello().await?;
    a.request("listen", r#"{"room":"room-conf-1"}"#).await?;
    b.request("send", r#"{"room":"room-conf-1","nonce":"nonce-conf-1"}"#)
        .await?;
    assert_eq!(a.probes_within(ARRIVAL_BOUND, 1).await?.len(), 1);
    for args in [
        "",
        r#""room-conf-1""#,
        r#"[{"room":"room-conf-1","nonce":"nonce-conf-1"}]"#,
        r#"{"room":"room-conf-1","nonce":"nonce-conf-1"},"extra""#,
        r#"{"room":"room-conf-1"}"#,
        r#"{"room":"room-conf-1","nonce":"nonce-is-much-too-long-for-the-limit"}"#,
        r#"{"room":"room-conf-1","nonce":"nonce<b>x"}"#,
        r#"{"room":"room conf 1","nonce":"nonce-conf-1"}"#,
        r#"{"room":12345678,"nonce":"nonce-conf-1"}"#,
        // Valid: fields beyond room and nonce are ignored.
        r#"{"room":"room-conf-1","nonce":"nonce-conf-x","more":{"x":[1,2]}}"#,
    ] {
        b.request("send", args).await?;
    }
    // The last is valid (extra fields are ignored): b now listens to room-conf-2.
    for args in [
        "",
        "{}",
        r#"{"room":"short"}"#,
        r#"{"room":"room-conf-2","nonce":1}"#,
    ] {
        b.request("listen", args).await?;
    }
    // A session listening to its own room: the ack comes before the probe.
    b.request("send", r#"{"room":"room-conf-2","nonce":"nonce-conf-2"}"#)
        .await?;
    assert_eq!(b.probes_within(ARRIVAL_BOUND, 1).await?.len(), 1);
    // No ack asked, or an event the companion does not know: nothing at all,
    // so the next packet either session gets is the answer to the next hello.
    b.send(r#"42/conncheck,["send",{"room":"room-conf-1","nonce":"nonce-no-ack"}]"#)
        .await?;
    b.send(r#"42/conncheck,90["unknown"]"#).await?;
    b.hello().await?;
    // Rate limit: 20 answered requests per window; this goes past it.
    for _ in 0..8 {
        b.request("hello", "").await?;
    }
    let probes = a.probes_within(DELIVERY_BOUND, 3).await?;
    assert_eq!(
        probes.len(),
        2,
        "only the two valid sends to room-conf-1 arrive: {probes:?}"
    );
    let mask = |p: &String| {
        let p = p.replace(&pod, "<pod>");
        match p.find("{\"sid\":\"") {
            Some(i) if p.starts_with("40/") => format!("{}{{\"sid\":<sid>}}", &p[..i]),
            _ => p,
        }
    };
    let mut all: Vec<String> = a
        .received
        .iter()
        .map(|p| format!("A {}", mask(p)))
        .collect();
    all.extend(b.received.iter().map(|p| format!("B {}", mask(p))));
    Ok(all)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rust_and_node_companions_send_identical_packets() -> Result<(), Error> {
    let (_node, node_port) = node_pod(&[])?;
    let (rust_port, _) = local_pod(Default::default()).await?;
    let node = transcript(node_port).await?;
    let rust = transcript(rust_port).await?;
    assert!(
        node.iter().any(|p| p.contains(r#""error":"rate-limited""#)),
        "{node:#?}"
    );
    assert!(
        node.iter().any(|p| p.contains(r#""error":"bad-nonce""#)),
        "{node:#?}"
    );
    for (i, (n, r)) in node.iter().zip(&rust).enumerate() {
        assert_eq!(n, r, "packet {i} differs (node, rust)");
    }
    assert_eq!(node.len(), rust.len(), "node {node:#?}\nrust {rust:#?}");
    Ok(())
}

/// What the page sees from a server without the companion: the same refusal
/// from both servers, which it reads as "no companion".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_companion_both_servers_refuse_the_namespace_alike() -> Result<(), Error> {
    let (_node, node_port) = node_pod(&["--no-companion"])?;
    let (layer, _io) = socketioxide::SocketIo::new_layer();
    let rust_port = common::serve(layer).await?;
    for port in [node_port, rust_port] {
        let err = Client::connect(addr(port), NS)
            .await
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some(r#"namespace not joined: 44/conncheck,{"message":"Invalid namespace"}"#),
            "port {port}"
        );
    }
    Ok(())
}
