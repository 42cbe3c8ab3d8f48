//! Cross-pod delivery with socketioxide-redis: Debian's redis-server on a
//! loopback port and three socketioxide pods in this process; a raw session
//! on one pod listens while a session on another pod sends.

mod common;
use common::{addr, local_pod, redis_pod, Client, Error, Redis, ARRIVAL_BOUND, DELIVERY_BOUND};

const NS: &str = "/conncheck";

/// Listeners on pods 0 and 2 and beside the sender on pod 1.
struct Run {
    far: Vec<Client>,
    near: Client,
    sender: Client,
    sender_pod: String,
    /// The servers each hello said the adapter reports.
    counts: Vec<serde_json::Value>,
}

async fn prepare(ports: &[u16], room: &str) -> Result<Run, Error> {
    let mut far = vec![
        Client::connect(addr(ports[0]), NS).await?,
        Client::connect(addr(ports[2]), NS).await?,
    ];
    let mut near = Client::connect(addr(ports[1]), NS).await?;
    let mut sender = Client::connect(addr(ports[1]), NS).await?;
    let hellos = [
        far[0].hello_answer().await?,
        sender.hello_answer().await?,
        far[1].hello_answer().await?,
    ];
    let ids = hellos.clone().map(|h| h["pod"].to_string());
    let counts = hellos.iter().map(|h| h["pods"].clone()).collect();
    assert!(
        ids[0] != ids[1] && ids[1] != ids[2] && ids[0] != ids[2],
        "each pod has its own id: {ids:?}"
    );
    for client in far.iter_mut().chain([&mut near]) {
        assert_eq!(
            client
                .request("listen", &format!(r#"{{"room":"{room}"}}"#))
                .await?,
            r#"[{"ok":true}]"#
        );
    }
    let sender_pod = hellos[1]["pod"].as_str().unwrap_or_default().to_owned();
    Ok(Run {
        far,
        near,
        sender,
        sender_pod,
        counts,
    })
}

async fn send(run: &mut Run, room: &str, nonce: &str) -> Result<(), Error> {
    let ack = run
        .sender
        .request("send", &format!(r#"{{"room":"{room}","nonce":"{nonce}"}}"#))
        .await?;
    assert_eq!(ack, r#"[{"ok":true}]"#);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_redis_the_nonce_reaches_sessions_on_every_other_pod() -> Result<(), Error> {
    let redis = Redis::start()?;
    let mut ports = Vec::new();
    for _ in 0..3 {
        ports.push(redis_pod(&redis.url()).await?.0);
    }
    let mut run = prepare(&ports, "room-redis-ok").await?;
    assert_eq!(
        run.counts,
        [3, 3, 3],
        "every pod's adapter reports the three"
    );
    send(&mut run, "room-redis-ok", "nonce-redis-ok").await?;
    let want = format!(
        r#"{{"nonce":"nonce-redis-ok","from":"{}"}}"#,
        run.sender_pod
    );
    assert_eq!(
        run.near.probes_within(ARRIVAL_BOUND, 1).await?,
        vec![want.clone()]
    );
    for client in &mut run.far {
        assert_eq!(
            client.probes_within(ARRIVAL_BOUND, 1).await?,
            vec![want.clone()]
        );
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_an_adapter_the_nonce_stays_on_the_senders_pod() -> Result<(), Error> {
    let mut ports = Vec::new();
    for _ in 0..3 {
        ports.push(local_pod(Default::default()).await?.0);
    }
    let mut run = prepare(&ports, "room-no-adapter").await?;
    assert_eq!(
        run.counts,
        [1, 1, 1],
        "each local adapter reports itself only"
    );
    send(&mut run, "room-no-adapter", "nonce-no-adapter").await?;
    // The sender's pod did broadcast: its local listener has it.
    assert_eq!(run.near.probes_within(ARRIVAL_BOUND, 1).await?.len(), 1);
    for client in &mut run.far {
        assert_eq!(
            client.probes_within(DELIVERY_BOUND, 1).await?,
            Vec::<String>::new()
        );
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn once_redis_is_killed_after_the_pods_connected_the_nonce_does_not_cross(
) -> Result<(), Error> {
    let mut redis = Redis::start()?;
    let mut ports = Vec::new();
    for _ in 0..3 {
        ports.push(redis_pod(&redis.url()).await?.0);
    }
    let mut run = prepare(&ports, "room-redis-gone").await?;
    redis.kill();
    // Without Redis nobody can count: hello leaves the number out, within
    // its bound.
    let started = std::time::Instant::now();
    let hello = run.sender.hello_answer().await?;
    assert_eq!(hello.get("pods"), None, "{hello}");
    assert!(hello["pod"].is_string(), "{hello}");
    assert!(started.elapsed() < ARRIVAL_BOUND, "{:?}", started.elapsed());
    send(&mut run, "room-redis-gone", "nonce-redis-gone").await?;
    for client in &mut run.far {
        assert_eq!(
            client.probes_within(DELIVERY_BOUND, 1).await?,
            Vec::<String>::new()
        );
    }
    // The pods still serve: the failure is the adapter's, not a dead server.
    assert_eq!(run.sender.hello().await?, run.sender_pod);
    Ok(())
}
