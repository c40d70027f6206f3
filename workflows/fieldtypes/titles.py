"""titles: titles of documents, one per line; the 书名号 are added by the report."""

from __future__ import annotations

from ..model import Field
from .list_ import ListType


class TitlesType(ListType):
    name = "titles"
    label = "文件标题列表"
    order = 50
    strip_title_marks = True

    def hint(self, f: Field) -> str:
        return "（每行一个文件标题，书名号会自动加上）"


TYPE = TitlesType()
