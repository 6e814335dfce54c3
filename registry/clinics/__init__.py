"""What clinics use: verification, rosters, receipts, watch lists, webhooks and egress rules."""
