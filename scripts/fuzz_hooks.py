"""Schemathesis hooks for scripts/fuzz_graphql.py: strategies for our custom scalars."""

from __future__ import annotations

import schemathesis
from hypothesis import strategies as st
from schemathesis.graphql import nodes

# Decimal travels as a string; mix valid amounts with junk the server must refuse cleanly.
schemathesis.graphql.scalar(
    "Decimal",
    st.one_of(
        st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str),
        st.text(max_size=20),
    ).map(nodes.String),
)
schemathesis.graphql.scalar("JSON", st.text(max_size=20).map(nodes.String))
# An upload cannot be written inline; a string in its place must be refused cleanly.
schemathesis.graphql.scalar("Upload", st.text(max_size=10).map(nodes.String))
