//! The rule and words of `cross-pod-delivery-broken`: with the server
//! companion, a broadcast from one pod never reached a session on another.

use super::texts::{finding, fixes};
use crate::catalog::FindingId;
use crate::checks::cross_pod::{CrossPodData, CrossPodResult};
use crate::diagnosis::{Finding, FixBy, Platform, Severity};

pub(super) fn finding_for(d: Option<&CrossPodData>) -> Option<Finding> {
    let d = d?;
    let Some(CrossPodResult::NotDelivered { waited_ms }) = d.result else {
        return None;
    };
    let evidence = vec![
        format!(
            "Two sessions on different pods ({} pods seen over {} sessions), told apart by the companion's pod ids",
            d.pods, d.sessions
        ),
        "The companion on one pod accepted a broadcast to a room the other session listened to".into(),
        format!("The other session received nothing within {waited_ms} ms"),
    ];
    Some(finding(
        FindingId::CrossPodDeliveryBroken,
        Severity::Critical,
        "Messages will reach only some users: the live-update servers do not pass messages to each other.",
        "The Socket.IO service runs on several pods, and a message emitted on one pod does not reach clients \
         connected to another. The pods need an adapter that shares broadcasts (usually Redis): it is missing, \
         misconfigured, or cannot reach Redis. Users then see only messages of users on their own pod.",
        evidence,
        FixBy::Operator,
        fixes(&[
            (Platform::Any, "Node socket.io: io.adapter(createAdapter(pubClient, subClient)) from @socket.io/redis-adapter (or @socket.io/redis-streams-adapter) on every pod, with both Redis clients connected and an error listener that logs; check that every pod reaches Redis (redis-cli -h <host> ping from a pod)."),
            (Platform::Any, "socketioxide: build the layer with socketioxide-redis (RedisAdapter, RedisAdapterCtr::new_with_redis(client)) and await the namespace's adapter init on every pod; a pod that cannot reach Redis fails its broadcasts."),
            (Platform::Any, "Helm charts: enable the chart's Redis (for example redis.enabled: true) or set the external Redis URL in the values, and roll all pods so that every one of them uses the adapter."),
            (Platform::IngressNginx, "Sticky sessions do not replace the adapter: keep affinity: cookie for long-polling and add the Redis adapter for broadcasts across pods."),
            (Platform::Gke, "A Memorystore or in-cluster Redis reachable from every pod (NetworkPolicy, VPC firewall); sessionAffinity alone does not make pods share messages."),
        ]),
    ))
}
