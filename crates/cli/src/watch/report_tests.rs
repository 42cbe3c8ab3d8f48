//! What `--watch` reports at the end: a drop that matched a limit is an
//! event when a session outlived it (conncheck's own close never is), and
//! the lists are bounded with totals.

use conncheck_core::check::Millis;

use super::report::{summary, Cut, OpenFailure, WatchReport, LISTED};

fn cut(transport: &'static str, at_ms: Millis, code: u16, limit: Option<&str>) -> Cut {
    Cut {
        at_ms,
        session: 1,
        transport,
        lifetime_ms: 3_000,
        code: Some(code),
        clean: false,
        status: None,
        waited_ms: None,
        pings_answered: 0,
        ended_by: Some("The connection was cut without a close frame.".into()),
        limit: limit.map(Into::into),
        event: false,
    }
}

fn report() -> WatchReport {
    WatchReport::new("http://127.0.0.1:8080/socket.io/".into(), 60_000, 9)
}

#[test]
fn a_matched_drop_that_a_session_outlived_is_an_event_and_conncheck_s_own_close_never() {
    let idle = "an idle timeout of about 3 s";
    let mut r = report();
    r.add_drop(cut("websocket", 3_000, 1006, Some(idle)));
    r.add_drop(cut("websocket", 3_100, 1009, None));
    r.add_drop(cut("polling", 3_200, 0, Some(idle)));
    // A WebSocket session lived 30 s; no polling one more than 4.9 s.
    r.mark_events(&[30_000, 4_900]);
    let seen: Vec<_> = r
        .drops
        .iter()
        .map(|d| (d.limit.as_deref(), d.event))
        .collect();
    assert_eq!(seen, [(None, true), (None, false), (Some(idle), false)]);
    // Outlived by more than 2 s: 5.1 s is, 5 s is not.
    let mut r = report();
    r.add_drop(cut("polling", 0, 0, Some(idle)));
    r.add_drop(cut("websocket", 0, 1006, Some(idle)));
    r.mark_events(&[5_100, 5_000]);
    let seen: Vec<_> = r.drops.iter().map(|d| d.event).collect();
    assert_eq!(seen, [false, true]);
}

/// A long watch of many sessions lists the first drops and failed opens
/// of each transport, counts them all, and says how many it left out.
#[test]
fn the_report_lists_the_first_drops_of_each_transport_and_counts_all() {
    let mut report = report();
    for (transport, n) in [("websocket", LISTED + 5), ("polling", 3)] {
        for at_ms in 0..n as Millis {
            report.add_drop(cut(transport, at_ms, 1006, None));
            report.add_open_failure(OpenFailure {
                at_ms,
                session: 1,
                transport,
                summary: "refused".into(),
            });
        }
    }
    let listed = |t: &str| report.drops.iter().filter(|d| d.transport == t).count();
    assert_eq!((listed("websocket"), listed("polling")), (LISTED, 3));
    assert_eq!(report.open_failures.len(), LISTED + 3);
    assert_eq!((report.drops_total, report.open_failures_total), (208, 208));
    // The first ones, in order.
    let last = report.drops.iter().rfind(|d| d.transport == "websocket");
    assert_eq!(last.map(|d| d.at_ms), Some(LISTED as Millis - 1));
    let text = summary(&report);
    assert!(
        text.starts_with("208 drop(s) and 208 failed open(s) in 60 s"),
        "{text}"
    );
    assert!(
        text.ends_with(
            "  5 more drop(s) not listed: the report lists the first 200 of each transport.\n"
        ),
        "{text}"
    );
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(
        (&json["drops_total"], &json["open_failures_total"]),
        (&208.into(), &208.into())
    );
}
