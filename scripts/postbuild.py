#!/usr/bin/env python3
"""Post-build step for dist/: makes the page run under a strict
Content-Security-Policy (script-src 'self', style-src 'self') and ready for
gzip_static.

Trunk injects its wasm loader as an inline <script type="module"> (Trunk
issue 288), which script-src 'self' forbids. This moves it into a hashed file
loaded with <script type="module" src integrity>, then refuses a page that
still has inline script or style, and writes .gz copies of the hashed assets.
"""
import base64
import gzip
import hashlib
import pathlib
import re
import sys

INLINE_MODULE = re.compile(r'<script type="module">(.*?)</script>', re.S)
HASHED_ASSET = re.compile(r"-[0-9a-f]{1,16}(_bg)?\.(js|wasm|css)$")


def main(dist: pathlib.Path) -> None:
    index = dist / "index.html"
    html = index.read_text(encoding="utf-8")
    loaders = INLINE_MODULE.findall(html)
    if len(loaders) > 1:
        sys.exit(f"postbuild: {index} has {len(loaders)} inline module scripts; expected Trunk's one loader")
    if loaders:
        body = loaders[0].strip() + "\n"
        data = body.encode()
        name = f"loader-{hashlib.sha256(data).hexdigest()[:16]}.js"
        (dist / name).write_bytes(data)
        integrity = "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()
        tag = f'<script type="module" src="./{name}" integrity="{integrity}" crossorigin="anonymous"></script>'
        html = INLINE_MODULE.sub(lambda _: tag, html)
        index.write_text(html, encoding="utf-8")
    # What the CSP would still block: inline scripts, style elements and attributes.
    for pattern, what in [
        (r"<script(?![^>]*\bsrc=)[^>]*>", "an inline <script>"),
        (r"<style\b", "a <style> element"),
        (r"\sstyle=", "a style= attribute"),
        (r"\son[a-z]+=", "an inline event handler"),
    ]:
        if re.search(pattern, html):
            sys.exit(f"postbuild: {index} still has {what}, which the deploy CSP blocks")
    for asset in dist.iterdir():
        if HASHED_ASSET.search(asset.name):
            gz = asset.with_name(asset.name + ".gz")
            gz.write_bytes(gzip.compress(asset.read_bytes(), compresslevel=9, mtime=0))


if __name__ == "__main__":
    main(pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "dist"))
