"""Privacy requests: a customer's data (GDPR Art. 15, ``app.privacy.access``, section by
section from ``app.privacy.holdings``) and erasing a customer (GDPR Art. 17).

Where a customer's personal data lives, and what an erase does there (``app.privacy.erasers``
holds one eraser per place; other domains register theirs with ``app.privacy.registry``):

- ``customers``: name, email, phone, company, address, tags -> the document stays as a
  tombstone (``erased``, ``erasedAt``, ``erasure.reason``, pseudonym ``erased-<hash>`` as name,
  ``<pseudonym>@erased.invalid`` as email so the unique email index frees the real address).
- ``orders``: amounts, items, currency and dates are kept for accounting under the tombstone's
  ``_id``; free-text status notes are replaced.
- ``tickets``: subject, body, every message body, the customer's name as message author,
  survey comments (``satisfaction.comment``, ``ratings.comment``) are replaced.
- ``tagging_examples``: agent-labelled copies of the customer's ticket texts: deleted.
- ``rule_runs``: the changes a rule made to their tickets (message texts, titles): emptied.
- ``tasks``: tasks about the customer: titles replaced.
- ``segment_assignments``, ``propensity_scores``: profiling output about them: deleted (the
  next run recomputes from the pseudonymous orders).
- ``campaign_assignments``, ``campaign_events``: ids, variants, times and revenue only; kept
  (experiment accounting, pseudonymous like orders), any string naming them scrubbed.
- ``audit_log``: entries about the customer, their orders and tickets keep who/when/which
  fields, their old and new values are emptied; a customer's own name as actor is replaced.
- ``jobs``: job parameters and results (import errors can quote a row) scrubbed of their name,
  email and phone.
- ``imports.files`` (GridFS): uploads waiting for their import job cannot be edited; those that
  mention the customer are listed as needing expiry (deleted when their job ends, 24 h at most).
- ``idempotency_keys``: SHA-256 fingerprints of request parameters, no plain text; expire in
  24 h (listed).
- Not personal data: ``counters``, products, inventory (no addresses are stored), knowledge
  base, workflow configuration, tagger and propensity models (weights, no texts), api keys
  (staff), rate limits (keyed by caller). Customer portal accounts are JWTs issued elsewhere:
  the CRM stores no credentials for them.
"""
