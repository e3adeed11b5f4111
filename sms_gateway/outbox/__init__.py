"""The outbox: queued messages claimed, sent through one `Sender`, outcomes and receipts recorded."""
