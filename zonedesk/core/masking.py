"""Personal data shown (or logged) in part only."""


def mask_phone(phone: str) -> str:
    """13812345678 -> 138****5678; shorter numbers (landlines) keep only their last two digits."""
    digits = (phone or "").strip()
    if not digits:
        return ""
    if len(digits) >= 11:
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    return "*" * max(0, len(digits) - 2) + digits[-2:]
