//! What an answer to an Engine.IO request means, by server and proxy.

use super::*;

fn answer(status: u16, body: &str) -> Answer {
    classify(status, &[], body).0.answer
}

fn error(code: Option<u8>, message: &str, dialect: Dialect) -> Answer {
    Answer::EngineioError(EngineIoError {
        code,
        message: message.into(),
        dialect,
    })
}

#[test]
fn wire_table() {
    use Dialect::*;
    // Bodies captured from socket.io 4.8.4, socket.io 2.5.0 and socketioxide 0.18.9.
    let table: &[(u16, &str, Answer)] = &[
        (200, r#"0{"sid":"3LWbXo5pKuIsUrDwAAAA","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}"#, Answer::EngineioOpen),
        (200, r#"97:0{"sid":"H9QcsX-vvwlHibnFAAAA","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000}2:40"#, Answer::Engineio3),
        (200, "40{\"sid\":\"x\"}\x1e2", Answer::EngineioPackets),
        (200, "ok", Answer::Ok),
        (400, r#"{"code":3,"message":"Bad request"}"#, error(Some(3), "Bad request", Node)),
        (400, r#"{"code":1,"message":"Session ID unknown"}"#, error(Some(1), "Session ID unknown", Node)),
        (400, r#"{"code":0,"message":"Transport unknown"}"#, error(Some(0), "Transport unknown", Node)),
        (400, r#"{"code":5,"message":"Unsupported protocol version"}"#, error(Some(5), "Unsupported protocol version", Node)),
        (403, r#"{"code":4,"message":"Forbidden"}"#, error(Some(4), "Forbidden", Node)),
        (400, r#"{"code":"1","message":"Session ID unknown"}"#, error(Some(1), "Session ID unknown", Socketioxide)),
        (400, r#"{"code":"2","message":"Bad handshake method"}"#, error(Some(2), "Bad handshake method", Socketioxide)),
        (400, r#""Invalid session fXGDWQ8Ybyv3gsmLAAAA""#, error(Some(1), "Invalid session", PythonEngineio)),
        (400, "Invalid session fXGDWQ8Ybyv3gsmLAAAA", error(Some(1), "Invalid session", PythonEngineio)),
        (400, r#""Invalid transport""#, error(Some(0), "Invalid transport", PythonEngineio)),
        // socketioxide's answer to a GET transport=websocket without Upgrade.
        (400, "", Answer::Empty),
        (404, "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n", Answer::Html),
        (502, "<html><head><title>502 Bad Gateway</title></head></html>", Answer::Html),
        (200, "<!DOCTYPE html><html lang=\"en\">", Answer::Html),
        (404, "not found on pod-a\n", Answer::Text),
        (404, "Cannot GET /socket.io/", Answer::Text),
        (400, r#"{"code":true,"message":"x"}"#, Answer::Text),
        (200, r#"{"sid":"x"}"#, Answer::Text),
        (200, "0{broken", Answer::Text),
    ];
    for (status, body, expected) in table {
        assert_eq!(&answer(*status, body), expected, "{status} {body:?}");
    }
}

#[test]
fn open_packet_is_returned_but_never_in_the_observation() {
    let (obs, open) = classify(
        200,
        &[],
        r#"0{"sid":"SID-7","upgrades":[],"pingInterval":1,"pingTimeout":1}"#,
    );
    assert_eq!(open.unwrap().sid, "SID-7");
    assert!(!serde_json::to_string(&obs).unwrap().contains("SID-7"));
}

#[test]
fn html_by_content_type_and_proxy_headers() {
    let headers = [
        (
            "content-type".to_owned(),
            "text/html; charset=utf-8".to_owned(),
        ),
        ("server".to_owned(), "nginx/1.22.1".to_owned()),
        ("via".to_owned(), "1.1 google".to_owned()),
    ];
    let (obs, _) = classify(502, &headers, "Bad gateway");
    assert_eq!(obs.answer, Answer::Html);
    assert_eq!(obs.server.as_deref(), Some("nginx/1.22.1"));
    assert_eq!(obs.via.as_deref(), Some("1.1 google"));
    let json = serde_json::to_value(&obs).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"status": 502, "answer": {"kind": "html"}, "server": "nginx/1.22.1", "via": "1.1 google"})
    );
}

#[test]
fn steps_serialize_flat() {
    let (obs, _) = classify(404, &[], "<html>");
    let step = HttpStep {
        ms: 12,
        result: StepResult::Answered(obs),
    };
    let json = serde_json::to_value(&step).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"ms": 12, "result": "answered", "status": 404, "answer": {"kind": "html"}})
    );
    assert_eq!(serde_json::from_value::<HttpStep>(json).unwrap(), step);
    assert_eq!(step.describe(), "HTTP 404 with an HTML page");
    let failed = HttpStep {
        ms: 3,
        result: StepResult::NetworkError {
            message: "TypeError: Failed to fetch".into(),
        },
    };
    assert_eq!(
        serde_json::to_value(&failed).unwrap(),
        serde_json::json!({"ms": 3, "result": "network-error", "message": "TypeError: Failed to fetch"})
    );
}

#[test]
fn error_answers_serialize_with_their_code() {
    let (obs, _) = classify(400, &[], r#"{"code":"3","message":"Bad request"}"#);
    assert_eq!(
        serde_json::to_value(&obs).unwrap(),
        serde_json::json!({"status": 400, "answer": {"kind": "engineio-error", "code": 3, "message": "Bad request", "dialect": "socketioxide"}})
    );
    assert_eq!(obs.error_code(), Some(BAD_REQUEST));
}
