//! `affinity-cookie`'s judgement: status and summary from its data.

use super::AffinityCookieData;
use crate::check::Status;
use crate::privacy::observed;

pub(crate) fn summarize(d: &AffinityCookieData) -> (Status, String) {
    if !d.read {
        return (Status::Skip, "The page could not read its cookies.".into());
    }
    if d.found.is_empty() {
        return (
            Status::Pass,
            "No affinity cookie is visible to the page. HttpOnly cookies (ingress-nginx, GKE, Istio) cannot be seen from a page: the sticky-session result is the authority.".into(),
        );
    }
    let names: Vec<String> = d
        .found
        .iter()
        // The platform is this page's own, from the name: never the stored one.
        .map(|f| {
            let platform = super::identify(&f.cookie.name, &d.configured).unwrap_or("unknown");
            format!("{} ({platform})", observed(&f.cookie.name))
        })
        .collect();
    let cross_site_unready = d.cross_origin
        && d.found.iter().any(|f| {
            f.cookie.same_site.as_deref().is_some_and(|s| s != "none")
                || f.cookie.secure == Some(false)
        });
    if cross_site_unready {
        (
            Status::Warn,
            format!(
                "Affinity cookie visible: {}. The Socket.IO endpoint is on another site, and the cookie is not SameSite=None; Secure, so the browser may not send it there.",
                names.join(", ")
            ),
        )
    } else {
        (
            Status::Pass,
            format!("Affinity cookie visible: {}.", names.join(", ")),
        )
    }
}
