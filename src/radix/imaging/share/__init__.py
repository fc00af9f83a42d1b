"""Share links per study (manual 3 §2.2.3 分享记录): 30 min / 60 min / permanent, visitor limit, revocable, QR."""
