//! Nothing the socketioxide companion sends identifies the host: every packet
//! of a conversation covering every answer kind is checked against the host
//! name, the pid, the machine's addresses and identity-bearing environment
//! variables planted for the test; the pod id is keyed, not a bare digest.

mod common;
use common::{addr, local_pod, Client, Error, ARRIVAL_BOUND};

const PLANTED: [(&str, &str); 4] = [
    ("POD_NAME", "planted-pod-k9w4"),
    ("POD_IP", "127.0.0.77"),
    ("NODE_NAME", "planted-node-m3v8"),
    ("MY_POD_NAMESPACE", "planted-ns-z5c1"),
];

/// The host's own addresses as the kernel lists them (IPv4, and IPv6 both
/// as listed and as written). A list that cannot be read fails the test:
/// no address checked is no check.
fn addresses() -> Vec<String> {
    let read = |path: &str| {
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
    };
    let mut out: Vec<String> = read("/proc/net/fib_trie")
        .lines()
        .filter_map(|l| l.trim().strip_prefix("|-- "))
        .map(String::from)
        .collect();
    for line in read("/proc/net/if_inet6").lines() {
        let hex = line.split_whitespace().next().unwrap_or_default();
        let bits = u128::from_str_radix(hex, 16)
            .unwrap_or_else(|e| panic!("not an address in /proc/net/if_inet6: {line:?}: {e}"));
        out.push(hex.to_string());
        out.push(std::net::Ipv6Addr::from(bits).to_string());
    }
    out.retain(|a| a != "0.0.0.0" && !a.ends_with(".0") && !a.ends_with(".255"));
    // Loopback is always there: the lists were read and understood.
    for loopback in ["127.0.0.1", "::1"] {
        assert!(
            out.iter().any(|a| a == loopback),
            "{loopback} missing from {out:?}"
        );
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn companion_packets_carry_only_the_opaque_id() -> Result<(), Error> {
    // Edition 2021: set_var is safe; set before any pod starts.
    for (k, v) in PLANTED {
        std::env::set_var(k, v);
    }
    let (port, pod) = local_pod(Default::default()).await?;
    let mut listener = Client::connect(addr(port), "/conncheck").await?;
    let mut s = Client::connect(addr(port), "/conncheck").await?;
    assert_eq!(s.hello().await?, pod);
    listener
        .request("listen", r#"{"room":"room-ident"}"#)
        .await?;
    s.request("send", r#"{"room":"room-ident","nonce":"nonce-ident"}"#)
        .await?;
    s.request("send", r#"{"room":"bad room","nonce":"x"}"#)
        .await?;
    s.request("listen", "{}").await?;
    for _ in 0..20 {
        s.request("hello", "").await?;
    }
    assert_eq!(listener.probes_within(ARRIVAL_BOUND, 1).await?.len(), 1);
    let raw: Vec<String> = listener
        .received
        .iter()
        .chain(&s.received)
        .cloned()
        .collect();
    assert!(raw.len() >= 25, "saw {} packets", raw.len());
    assert!(raw.iter().any(|p| p.contains("rate-limited")));
    assert!(
        pod.len() == 16
            && pod
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    );

    // The id's 16 hex digits may hold any digit run by chance; mask it, then
    // nothing else may name the host.
    let text = raw.join("\n").replace(&pod, "<pod>").to_lowercase();
    let hostname = std::fs::read_to_string("/proc/sys/kernel/hostname")?
        .trim()
        .to_lowercase();
    let mut secrets: Vec<String> = PLANTED.iter().map(|(_, v)| v.to_string()).collect();
    secrets.push(hostname.clone());
    secrets.extend(addresses());
    for secret in secrets.iter().filter(|s| s.len() >= 3) {
        assert!(!text.contains(secret.as_str()), "leaked {secret}");
    }
    let pid = std::process::id().to_string();
    let digits: Vec<&str> = text.split(|c: char| !c.is_ascii_digit()).collect();
    assert!(!digits.contains(&pid.as_str()), "leaked pid {pid}");

    // Keyed: the same identity under another key gives another id, and the
    // id is not what anyone could compute from the host name alone.
    let pid_n = std::process::id();
    assert_ne!(
        conncheck_companion::pod_id(&[0u8; 32], &hostname, pid_n),
        pod
    );
    assert_ne!(conncheck_companion::pod_id(&[], &hostname, pid_n), pod);
    let (_, other) = local_pod(Default::default()).await?;
    assert_ne!(
        other, pod,
        "a random key per companion, so ids differ even in one process"
    );
    let key = b"0123456789abcdef0123456789abcdef".to_vec();
    let fixed = |key: &Vec<u8>| conncheck_companion::Options {
        key: Some(key.clone()),
        ..Default::default()
    };
    assert_eq!(
        local_pod(fixed(&key)).await?.1,
        local_pod(fixed(&key)).await?.1
    );
    Ok(())
}

#[tokio::test]
async fn options_are_checked() {
    let (_, io) = socketioxide::SocketIo::new_layer();
    let short = conncheck_companion::Options {
        key: Some(b"short".to_vec()),
        ..Default::default()
    };
    let bad_ns = conncheck_companion::Options {
        namespace: "conncheck".into(),
        ..Default::default()
    };
    assert_eq!(
        conncheck_companion::attach(&io, short).err(),
        Some(conncheck_companion::OptionsError::KeyTooShort)
    );
    assert_eq!(
        conncheck_companion::attach(&io, bad_ns).err(),
        Some(conncheck_companion::OptionsError::Namespace)
    );
}
