//! The words of the Socket.IO findings: title for the end user,
//! explanation for support staff, who can fix it and the fix per platform.

use super::texts::{finding, fixes};
use crate::catalog::FindingId;
use crate::diagnosis::{Finding, FixBy, Platform, Severity};
use crate::privacy::observed;

pub fn websocket_blocked(evidence: Vec<String>) -> Finding {
    finding(
        FindingId::WebsocketBlocked,
        Severity::Critical,
        "Live updates will not work properly: WebSocket connections are blocked between you and the server.",
        "Requests to the Socket.IO path reach the server, but every WebSocket upgrade fails. A hop between \
         the browser and the server (the service's ingress or load balancer, or a proxy or firewall on the \
         user's network) does not forward the Upgrade and Connection headers, or refuses WebSockets. \
         Clients fall back to long-polling at best, with more latency and load; clients configured with \
         transports: [\"websocket\"] cannot connect at all.",
        evidence,
        FixBy::Operator,
        fixes(&[
            (Platform::Any, "If only some users are affected, their company network, VPN or antivirus may block WebSockets: ask their IT to allow wss:// to this site."),
            (Platform::IngressNginx, "ingress-nginx forwards Upgrade/Connection by default: check the hop in front of it (cloud load balancer, CDN, WAF) and any configuration-snippet that sets proxy_set_header Connection. With the F5 NGINX Ingress Controller (nginx.org annotations), list the service in nginx.org/websocket-services."),
            (Platform::Gke, "The GKE Ingress (class gce) carries WebSockets, but a BackendConfig is needed for their lifetime: timeoutSec: 3600. nginx annotations are ignored on class gce."),
            (Platform::Traefik, "Traefik forwards upgrades by default: look for a headers middleware that rewrites Connection or Upgrade, and for a proxy in front of Traefik."),
            (Platform::Haproxy, "Use mode http, no option httpclose on the backend, and timeout tunnel 1h so upgraded connections live."),
            (Platform::Istio, "Envoy forwards upgrades by default: check for a VirtualService with websocketUpgrade: false or an EnvoyFilter that removes upgrade_configs."),
            (Platform::GatewayApi, "Envoy-based implementations (Envoy Gateway, Istio, Contour, Cilium) upgrade WebSockets on an HTTPRoute by default: look for a policy or filter that removes it, and for a hop in front of the Gateway."),
            (Platform::Envoy, "Envoy answers an upgrade itself with 403 unless the HTTP connection manager has upgrade_configs: [{upgrade_type: websocket}]."),
            (Platform::Nginx, "In the Socket.IO location: proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection $connection_upgrade; with map $http_upgrade $connection_upgrade { default upgrade; '' close; } in the http block."),
        ]),
    )
}

pub fn socketio_unreachable(evidence: Vec<String>) -> Finding {
    finding(
        FindingId::SocketioUnreachable,
        Severity::Critical,
        "Live updates will not work: the live-update server cannot be reached from your network.",
        "Nothing answered at the Socket.IO endpoint: the connection was refused, reset, timed out or the \
         name did not resolve. A firewall, proxy or VPN on the user's network may block the host, or the \
         server is not listening there.",
        evidence,
        FixBy::Network,
        fixes(&[
            (Platform::Any, "Check that the Socket.IO host resolves and accepts HTTPS from the user's network (firewall, proxy allow-list, VPN split tunnel). If the page itself is served from another host, that host must be reachable too."),
            (Platform::IngressNginx, "kubectl get ingress,svc,endpoints: the host must be in the Ingress rules and the controller's load balancer must have an external address."),
            (Platform::Nginx, "Check that a server block listens for this host and port (listen, server_name) and that the firewall lets it through."),
        ]),
    )
}

pub fn not_found(evidence: Vec<String>) -> Finding {
    finding(
        FindingId::SocketioNotFound,
        Severity::Critical,
        "Live updates will not work: the server does not send live-update requests to the live-update service.",
        "The Socket.IO path answered with something other than Engine.IO: a 404, or an HTML page (often \
         the app's own catch-all route). The proxy does not route this path to the Socket.IO server, or \
         the client and server disagree on the path (the default is /socket.io/).",
        evidence,
        FixBy::Operator,
        fixes(&[
            (Platform::Any, "Client and server `path` must be the same; route that whole prefix to the Socket.IO service, and keep it out of any SPA fallback."),
            (Platform::IngressNginx, "Add path: /socket.io (pathType: Prefix) for the Socket.IO service; a rewrite-target that strips the prefix needs the server's `path` to match what is left."),
            (Platform::Gke, "Add an Ingress rule for /socket.io (pathType: Prefix) to the Socket.IO backend service."),
            (Platform::Traefik, "IngressRoute match PathPrefix(`/socket.io/`) to the service; with a StripPrefix middleware, set the server's `path` accordingly."),
            (Platform::Haproxy, "acl is_socketio path_beg /socket.io/ and use_backend socketio if is_socketio, before the default backend."),
            (Platform::Istio, "VirtualService http match uri prefix /socket.io/ routed to the Socket.IO service, listed before catch-all routes."),
            (Platform::Nginx, "location /socket.io/ { proxy_pass http://socketio_backend; } placed so that a try_files ... /index.html fallback does not catch it."),
        ]),
    )
}

pub fn server_error(status: u16, evidence: Vec<String>) -> Finding {
    finding(
        FindingId::SocketioServerError,
        Severity::Critical,
        &format!("Live updates will not work: the live-update server is failing (HTTP {status})."),
        "The proxy answered with a server error instead of passing the request on: no backend was ready \
         (502/503), or the backend did not answer in time (504). Long-polls that outlive the proxy's \
         timeout also end this way.",
        evidence,
        FixBy::Operator,
        fixes(&[
            (Platform::Any, "Make sure Socket.IO backends are running and ready, and that every proxy timeout is above the server's pingInterval (25 s by default)."),
            (Platform::IngressNginx, "kubectl get endpoints for the service (empty means no ready pod); check readiness probes; nginx.ingress.kubernetes.io/proxy-read-timeout and proxy-send-timeout: \"3600\"."),
            (Platform::Gke, "The load balancer's health check must pass: a BackendConfig healthCheck with a requestPath that answers 200 (the Socket.IO path does not); timeoutSec: 3600."),
            (Platform::Traefik, "Check the service has endpoints and passes Traefik's health check; raise serversTransport responding timeouts."),
            (Platform::Haproxy, "show stat: are the servers DOWN? timeout server must exceed pingInterval; timeout tunnel for WebSockets."),
            (Platform::Istio, "Envoy's access log flags UH/UF mean no healthy upstream: check the pods and the DestinationRule's outlierDetection."),
            (Platform::Nginx, "Check that the upstream servers run and listen; proxy_read_timeout 3600s for the Socket.IO location."),
        ]),
    )
}

pub fn protocol_mismatch(evidence: Vec<String>) -> Finding {
    finding(
        FindingId::SocketioProtocolMismatch,
        Severity::Critical,
        "Live updates will not work: the app and its server speak different Socket.IO versions.",
        "The server answered in another Engine.IO protocol version than the one Socket.IO 3/4 clients \
         speak (version 4): either an old Socket.IO 2 server (length-prefixed Engine.IO 3 payloads), or a \
         server that refuses protocol 4 (error 5, \"Unsupported protocol version\").",
        evidence,
        FixBy::Operator,
        fixes(&[(Platform::Any, "Align versions: upgrade the server to Socket.IO 4 (or socketioxide, python-socketio 5); for old v2 clients on a v4 server, set allowEIO3: true.")]),
    )
}

pub fn forbidden(evidence: Vec<String>) -> Finding {
    finding(
        FindingId::SocketioForbidden,
        Severity::Critical,
        "Live updates will not work: the server refuses the connection.",
        "The handshake was refused before any namespace: the server's allowRequest or an authentication \
         layer answered 401/403 (Engine.IO error 4, \"Forbidden\"), or a proxy's access rule did.",
        evidence,
        FixBy::Operator,
        fixes(&[
            (Platform::Any, "Check the server's allowRequest and origin checks, and the user's session (signing in again may help)."),
            (Platform::IngressNginx, "Check whitelist-source-range, auth-url and ModSecurity rules that apply to the Socket.IO path."),
            (Platform::Istio, "Check AuthorizationPolicy and RequestAuthentication rules matching the Socket.IO path."),
        ]),
    )
}

pub fn namespace_rejected(namespace: &str, message: &str) -> Finding {
    finding(
        FindingId::NamespaceRejected,
        Severity::Critical,
        "Live updates will not work: the server refused this connection to its namespace.",
        "The Engine.IO session opened, but the namespace's middleware answered the CONNECT with a connect \
         error (44). This is the application's own decision: usually authentication, or a namespace name \
         the server does not know.",
        vec![format!(
            "CONNECT {} answered with a connect error: {}",
            observed(namespace),
            observed(message)
        )],
        FixBy::Operator,
        fixes(&[(Platform::Any, "Check the namespace the client connects to and the auth payload it sends; the user may need to sign in again.")]),
    )
}

pub fn cors_blocked(evidence: Vec<String>) -> Finding {
    finding(
        FindingId::CorsBlocked,
        Severity::Critical,
        "Live updates will not work: the server does not allow this page's address (CORS).",
        "The Socket.IO server is on another origin and answered, but without CORS headers that allow this \
         page, so the browser hid the answer. Duplicate CORS headers (set both by the proxy and the server) \
         fail the same way.",
        evidence,
        FixBy::Operator,
        fixes(&[
            (Platform::Any, "Allow the page's origin on the server: new Server({ cors: { origin: [\"https://app.example.com\"], credentials: true } }); in socketioxide, a tower-http CorsLayer. Set CORS in one place only."),
            (Platform::IngressNginx, "Do not also set nginx.ingress.kubernetes.io/enable-cors when the server sends CORS headers."),
            (Platform::Nginx, "Do not add_header Access-Control-Allow-Origin in nginx when the Socket.IO server already sends it."),
        ]),
    )
}

pub fn upgrades_disabled(evidence: &str) -> Finding {
    finding(
        FindingId::UpgradesDisabled,
        Severity::Warning,
        "Live updates work, but slower: the server does not use WebSockets.",
        "The server offers no upgrade (\"upgrades\": []), so clients stay on HTTP long-polling: more requests, \
         more latency, and sticky sessions become mandatory with several replicas.",
        vec![evidence.to_owned()],
        FixBy::Operator,
        fixes(&[(Platform::Any, "Enable the websocket transport on the server: transports: [\"polling\", \"websocket\"] (the default).")]),
    )
}

pub fn rate_limited(evidence: Vec<String>) -> Finding {
    finding(
        FindingId::RateLimited,
        Severity::Critical,
        "Live updates will be unreliable: the server turns away some of your connection requests because there are too many.",
        "A rate limit in front of the Socket.IO server refused some of this page's requests (HTTP 429, a \
         Retry-After header, or 503s while other requests of the same page succeeded). A Socket.IO client \
         makes several requests within a second while it connects and upgrades, and more when it reconnects: \
         limits meant for page loads or APIs cut it off, so connections fail, fall back or drop. WebSocket \
         failures that follow are likely the same limit: the browser hides their HTTP status.",
        evidence,
        FixBy::Operator,
        fixes(&[
            (Platform::Any, "Exempt the Socket.IO path from request-rate limits meant for pages and APIs, or allow a burst of at least 10 requests per client; limit concurrent connections instead if needed."),
            (Platform::IngressNginx, "On the Ingress that routes Socket.IO: raise or remove nginx.ingress.kubernetes.io/limit-rps and limit-rpm (the burst is limit-burst-multiplier x the rate), and limit-connections; limited requests get 503 unless the controller's ConfigMap sets limit-req-status-code: \"429\". Put Socket.IO in its own Ingress if the app's limits must stay."),
            (Platform::Nginx, "In the Socket.IO location: remove limit_req, or give it burst=20 nodelay, and set limit_req_status 429 so limits are recognizable (the default answer is 503)."),
            (Platform::Haproxy, "Exclude the Socket.IO path from the http-request deny deny_status 429 rule on the stick-table rate (for example: unless { path_beg /socket.io/ }), or raise the http_req_rate threshold."),
            (Platform::Traefik, "Raise the rateLimit middleware's average and burst on the Socket.IO router, or do not attach the middleware to it."),
            (Platform::Gke, "Cloud Armor: raise the rate_based_ban / throttle threshold (rateLimitOptions) for the Socket.IO path, or exclude it with a higher-priority allow rule."),
            (Platform::Istio, "Raise the local rate limit (EnvoyFilter local_ratelimit token bucket) for the Socket.IO route, or exclude it."),
        ]),
    )
}

pub fn session_stalled(evidence: Vec<String>) -> Finding {
    finding(
        FindingId::SocketioSessionStalled,
        Severity::Critical,
        "Live updates will not work: the live-update server starts a connection but then stops answering it.",
        "The Socket.IO server answered the handshake, so it is reachable and routed, but the session's next \
         requests got no answer at all. The backend process is hung or its event loop is blocked (a \
         synchronous task, CPU starvation, a deadlock), or a proxy buffers the long-polling responses \
         instead of passing them on.",
        evidence,
        FixBy::Operator,
        fixes(&[
            (Platform::Any, "Check the Socket.IO server's health: event-loop lag, CPU limits and throttling, hung workers; restart the stuck pods and add a liveness probe that fails when the event loop is blocked."),
            (Platform::Nginx, "In the Socket.IO location: proxy_buffering off; proxy_http_version 1.1; proxy_read_timeout above the server's pingInterval (for example 3600s)."),
            (Platform::IngressNginx, "nginx.ingress.kubernetes.io/proxy-buffering: \"off\" and proxy-read-timeout: \"3600\" on the Ingress; then check the pods (kubectl top pods, event-loop lag)."),
            (Platform::Haproxy, "Use mode http with timeout server above the ping interval; check the backend servers' health checks so hung servers are taken out."),
            (Platform::Gke, "The backend service's health check must fail for a hung pod: point it at an endpoint that exercises the event loop; BackendConfig timeoutSec above the ping interval."),
        ]),
    )
}
