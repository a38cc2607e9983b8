"""竞岗考评 — scoring, tallying and 公示 sheets for a bureau's 竞争轮岗 (competitive job rotation)."""

__version__ = "0.1.0"
