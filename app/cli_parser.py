"""The command line's own words in Chinese: ``usage:``, ``options:``, ``show this help message and exit`` and
argparse's error messages come from argparse's ``gettext`` calls; :class:`ChineseArgumentParser` answers
them from :data:`ARGPARSE_ZH` while it builds, parses and prints (and only then: argparse itself is left as
it was, for any other program in the same interpreter)."""

from __future__ import annotations

import argparse
from contextlib import contextmanager
from typing import Any, Iterator, NoReturn

REPORT_HELP = "打印公示表或会议用表（PDF），不需要图形界面"
"""The ``report`` sub-command in ``python -m app --help`` (its full description loads the report package)."""

ARGPARSE_ZH = {
    "usage: ": "用法：",
    "positional arguments": "参数",
    "options": "选项",
    "optional arguments": "选项",                       # Python before 3.10
    "show this help message and exit": "显示本帮助并退出",
    "show program's version number and exit": "显示版本号并退出",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选择 %(value)r（可选：%(choices)s）",
    "invalid choice: %(value)r, maybe you meant %(closest)r? (choose from %(choices)s)":
        "无效的选择 %(value)r，是否想用 %(closest)r？（可选：%(choices)s）",
    "invalid %(type)s value: %(value)r": "无效的值 %(value)r",
    "expected one argument": "需要一个值",
    "expected at most one argument": "最多给一个值",
    "expected at least one argument": "至少需要一个值",
    "expected %s argument": "需要 %s 个值",
    "expected %s arguments": "需要 %s 个值",
    "ambiguous option: %(option)s could match %(matches)s": "有歧义的选项：%(option)s 可能是 %(matches)s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "one of the arguments %s is required": "须给出参数 %s 之一",
    "ignored explicit argument %r": "多余的值 %r 被忽略",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "未知的子命令 %(parser_name)r（可选：%(choices)s）",
    "argument \"-\" with mode %r": "参数“-”不能以模式 %r 打开",
    "can't open '%(filename)s': %(error)s": "无法打开“%(filename)s”：%(error)s",
}


@contextmanager
def chinese() -> Iterator[None]:
    """argparse's ``_`` and ``ngettext`` answer in Chinese for the duration (they are looked up when called)."""
    saved = argparse._, argparse.ngettext
    argparse._ = lambda text: ARGPARSE_ZH.get(text, text)
    argparse.ngettext = lambda one, many, n: ARGPARSE_ZH.get(one if n == 1 else many, one if n == 1 else many)
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved


class ChineseArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose every word, argparse's own included, is Chinese; sub-parsers are the same."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        with chinese():
            super().__init__(*args, **kwargs)

    def add_subparsers(self, **kwargs: Any) -> Any:
        with chinese():
            return super().add_subparsers(**kwargs)

    def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
        with chinese():
            return super().parse_known_args(args, namespace)

    def parse_args(self, args: Any = None, namespace: Any = None) -> Any:  # type: ignore[override]
        with chinese():
            return super().parse_args(args, namespace)

    def format_usage(self) -> str:
        with chinese():
            return super().format_usage()

    def format_help(self) -> str:
        with chinese():
            return super().format_help()

    def error(self, message: str) -> NoReturn:
        with chinese():
            super().error(message)
