"""Errors that carry a list of problems, each a Chinese line for the user."""

from __future__ import annotations


class ProblemsError(Exception):
    """A file that cannot be used, with every problem found in it.

    Subclasses set ``what`` (the kind of file) and ``outcome`` (what it
    means for the user, e.g. that nothing was saved).
    """

    what = "文件"
    outcome = ""

    def __init__(self, problems: list[str], source: str = "") -> None:
        super().__init__("\n".join(problems))
        self.problems = problems
        self.source = source

    def __str__(self) -> str:
        outcome = f"，{self.outcome}" if self.outcome else ""
        if self.source:
            head = f"{self.what}“{self.source}”有{len(self.problems)}处问题{outcome}："
        else:
            head = f"{self.what}有问题{outcome}："
        return "\n".join([head, *(f"  - {p}" for p in self.problems)])
