"""SPEC §9: the 摘要码 printed on paper and the seals made with the 监督组's password.

- **摘要码**: the audit chain's head after row n (the hash of row n) as the 监督组 read it off a sheet
  or the wall: its first 16 hex digits, uppercase, in groups of four, with n —
  ``摘要码 3F2A-91C0-7B44-E1D9（第 n 条）``.
- **Seal**: ``HMAC-SHA256(K, "jinggang-seal/1|" + action + "|" + stage + "|" + n + "|" + head_hex)``
  over the head before the seal row, with ``K = PBKDF2-HMAC-SHA256(password, seal_salt, ≥ 200,000
  iterations, 32 bytes)``. ``seal_salt`` is not the salt of the stored password verifier, so the
  verifier (which anyone holding the file can read) does not give K away.

Pure functions: the services store and read them, ``verify`` and ``verify_evidence.py`` recompute them.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

SEAL_FORMAT = "jinggang-seal/1"
KDF_ITERATIONS = 200_000
KEY_BYTES = 32
CODE_DIGITS = 16

# What a seal can be made for (SPEC §9, §10): a stage's lock, publication and unlock; a count's
# opening, closing and an accepted difference (§10), and its reopening for a correction (§11: "corrections
# need a sealed unlock" — of the count, which is closed while its stage may still be a draft).
LOCK, PUBLISH, UNLOCK = "lock", "publish", "unlock"
OPEN_COUNT, CLOSE_COUNT, ACCEPT_DIFFERENCE = "open-count", "close-count", "accept-difference"
REOPEN_COUNT = "reopen-count"
ACTIONS = (LOCK, PUBLISH, UNLOCK, OPEN_COUNT, CLOSE_COUNT, ACCEPT_DIFFERENCE, REOPEN_COUNT)
ACTION_LABELS = {LOCK: "锁定", PUBLISH: "公布", UNLOCK: "解锁", OPEN_COUNT: "开始计票",
                 CLOSE_COUNT: "结束计票", ACCEPT_DIFFERENCE: "认可差额", REOPEN_COUNT: "重新打开计票"}

_CODE = re.compile(r"^\s*(?:摘要码\s*)?([0-9A-Fa-f]{4})-?([0-9A-Fa-f]{4})-?([0-9A-Fa-f]{4})-?([0-9A-Fa-f]{4})"
                   r"\s*(?:(?:@|（第|\(第)\s*(\d+)\s*(?:条[）)]?)?)?\s*$")


def code_digits(head_hex: str) -> str:
    """The 16 hex digits of a head as printed: ``3F2A-91C0-7B44-E1D9``."""
    digits = head_hex[:CODE_DIGITS].upper()
    return "-".join(digits[i:i + 4] for i in range(0, CODE_DIGITS, 4))


def digest_code(head_hex: str, n: int) -> str:
    """``摘要码 3F2A-91C0-7B44-E1D9（第 n 条）``: the chain's head after row ``n``."""
    return f"摘要码 {code_digits(head_hex)}（第 {n} 条）"


def qr_payload(head_hex: str, n: int) -> str:
    """What a sheet's QR code carries: the full head and n, ``JGHEAD1:812:3F2A…`` (uppercase, so the QR
    code uses its compact alphanumeric mode and stays readable at 11 mm)."""
    return f"JGHEAD1:{n}:{head_hex.upper()}"


@dataclass(frozen=True)
class PrintedCode:
    digits: str            # 16 uppercase hex digits, no dashes
    n: int | None          # the row it was printed for (None: any row of the chain)

    def __str__(self) -> str:
        shown = "-".join(self.digits[i:i + 4] for i in range(0, CODE_DIGITS, 4))
        return shown if self.n is None else f"{shown}@{self.n}"


def parse_printed(text: str) -> PrintedCode:
    """``3F2A-91C0-7B44-E1D9@812``, ``3F2A91C07B44E1D9``, or the whole printed line with （第 812 条）."""
    m = _CODE.match(text or "")
    if not m:
        raise ValueError(f"“{text}” 不是摘要码（应为 16 位十六进制数字，如 3F2A-91C0-7B44-E1D9@812）")
    return PrintedCode("".join(m.group(i) for i in range(1, 5)).upper(), int(m.group(5)) if m.group(5) else None)


def new_salt() -> str:
    return secrets.token_hex(16)


def kdf_text(salt_hex: str, iterations: int = KDF_ITERATIONS) -> str:
    """How the seal key is derived, as stored: ``pbkdf2_sha256$200000$<salt hex>``."""
    return f"pbkdf2_sha256${iterations}${salt_hex}"


def parse_kdf(text: str) -> tuple[int, bytes]:
    """(iterations, salt) of a stored ``kdf_text``; ValueError when it is not one."""
    kind, iterations, salt = text.split("$")
    if kind != "pbkdf2_sha256" or int(iterations) < KDF_ITERATIONS:
        raise ValueError(text)
    return int(iterations), bytes.fromhex(salt)


def seal_key(password: str, kdf: str) -> bytes:
    """K = PBKDF2-HMAC-SHA256(password, seal_salt, iterations, 32 bytes)."""
    iterations, salt = parse_kdf(kdf)
    return hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations, KEY_BYTES)


def seal_message(action: str, stage: str, n: int, head_hex: str) -> str:
    return f"{SEAL_FORMAT}|{action}|{stage}|{n}|{head_hex}"


def seal_mac(key: bytes, action: str, stage: str, n: int, head_hex: str) -> str:
    """The seal over the head after row ``n`` (the row before the seal row)."""
    return hmac.new(key, seal_message(action, stage, n, head_hex).encode("utf-8"), hashlib.sha256).hexdigest()


def seal_valid(key: bytes, action: str, stage: str, n: int, head_hex: str, mac: str) -> bool:
    return hmac.compare_digest(seal_mac(key, action, stage, n, head_hex), str(mac))
