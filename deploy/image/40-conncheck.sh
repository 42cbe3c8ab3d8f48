#!/bin/sh
# Renders the conncheck image's nginx locations from the deploy-time
# settings, before nginx starts (the nginx image runs every executable
# /docker-entrypoint.d/*.sh; a failure here stops the container with the
# message below instead of starting nginx with a broken config).
#
#   CONNCHECK_PATH         where the page is served, default /conncheck
#                          (the page answers at /conncheck/; /conncheck
#                          redirects there)
#   CONNCHECK_CONNECT_SRC  origins added to the CSP's connect-src beside
#                          'self', space separated: every origin your
#                          conncheck.json (socketio, ws, livekit,
#                          allow_origins) points at, e.g.
#                          "https://rtc.example.com wss://rtc.example.com"
#
# conncheck.json itself is read from /etc/conncheck/conncheck.json (mount
# your ConfigMap's directory there); it is read at every request.
set -eu

template=${CONNCHECK_TEMPLATE:-/etc/nginx/conncheck/conncheck.conf.template}
out_dir=${CONNCHECK_RENDER_DIR:-/tmp/conncheck}
path=${CONNCHECK_PATH:-/conncheck}
extra=${CONNCHECK_CONNECT_SRC:-}

fail() {
    echo "40-conncheck.sh: $*" >&2
    exit 1
}

# A path of plain segments: it is written into nginx's config, so nothing
# that could end a directive or a string (; { } " ' space) gets through.
case $path in
    /*) ;;
    *) fail "CONNCHECK_PATH must start with /, got: $path" ;;
esac
case $path in
    / | */ | *//* | */.* | *[!A-Za-z0-9/._~-]*)
        fail "CONNCHECK_PATH must be /segment[/segment...] of letters, digits and . _ ~ - (not ending in /), got: $path" ;;
esac

# Each source is a scheme, host or origin (https://rtc.example.com:8443,
# wss://rtc.example.com, *.example.com): no quotes, semicolons or keywords.
sources="'self'"
set -f
for source in $extra; do
    case $source in
        *[!A-Za-z0-9.:/*-]* | '')
            fail "CONNCHECK_CONNECT_SRC: not an origin: $source" ;;
    esac
    sources="$sources $source"
done
set +f

CONNCHECK_PATH=$path
CONNCHECK_CONNECT_SOURCES=$sources
export CONNCHECK_PATH CONNCHECK_CONNECT_SOURCES
mkdir -p "$out_dir"
# Only these two names are replaced: nginx's own $uri etc. stay as they are.
envsubst '${CONNCHECK_PATH} ${CONNCHECK_CONNECT_SOURCES}' <"$template" >"$out_dir/conncheck.conf.tmp"
mv "$out_dir/conncheck.conf.tmp" "$out_dir/conncheck.conf"
echo "40-conncheck.sh: the page at $path/, connect-src $sources"
