"""Vendor the GraphiQL assets Strawberry's page loads from unpkg into app/static/graphiql/.

Run once per Strawberry upgrade: ``.venv/bin/python scripts/vendor_graphiql.py``. It reads the
exact package versions and Subresource Integrity hashes from Strawberry's own page, fetches each
package from the npm registry (``npm pack``), checks the file against its hash and copies it.
The app then serves the page with unpkg URLs rewritten to /static/graphiql/ (app/graphiql.py).
"""

from __future__ import annotations

import base64
import hashlib
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from strawberry.http.ides import get_graphql_ide_html

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "app" / "static" / "graphiql"
ASSET = re.compile(
    r'(?:src|href)="https://unpkg\.com/(?P<package>(?:@[^/]+/)?[^@/]+)@(?P<version>[^/]+)/'
    r'(?P<path>[^"]+)"\s+integrity="(?P<integrity>sha384-[^"]+)"'
)


def sri(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def main() -> int:
    html = get_graphql_ide_html(graphql_ide="graphiql")
    assets = list(ASSET.finditer(html))
    if not assets:
        print("no unpkg assets found in Strawberry's GraphiQL page", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        for asset in assets:
            spec = f"{asset['package']}@{asset['version']}"
            packed = (
                subprocess.run(
                    ["npm", "pack", spec, "--silent", "--pack-destination", tmp],
                    check=True,
                    capture_output=True,
                    text=True,
                )
                .stdout.strip()
                .splitlines()[-1]
            )
            with tarfile.open(Path(tmp) / packed) as tar:
                member = tar.extractfile(f"package/{asset['path']}")
                assert member is not None, f"{asset['path']} missing from {spec}"
                data = member.read()
            if sri(data) != asset["integrity"]:
                print(f"{spec}/{asset['path']}: integrity mismatch", file=sys.stderr)
                return 1
            out = TARGET / spec / asset["path"]
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(data)
            print(f"vendored {spec}/{asset['path']} ({len(data):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
