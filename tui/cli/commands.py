"""Every ``shuzhi`` command, declared once: name, summary, options and the
function that runs it (``"module:function"`` in this package, imported only
when that command runs). The parser and the help are built from this table
by :mod:`tui.cli.parsing`."""

from __future__ import annotations

from .parsing import Command, Option

EXIT_CODES_HELP = """\
退出码：
  0  成功
  1  检查未通过，或输入无效（答案文件、工作流文件、导出被拒等）
  2  用法错误（命令或参数不对）
  3  找不到报告、报告名有歧义，或报告正被另一个会话编辑"""

DESCRIPTION = "述职：党建工作述职报告的写作助手。不带命令时打开全屏界面。"
EPILOG = EXIT_CODES_HELP + "\n\n报告可用编号、编号开头几位或标题开头指定（须唯一）。"

# -- global options: accepted before the command and after it
DATA_DIR = Option(("--data-dir",), "数据目录（默认读环境变量 SHUZHI_DATA_DIR，再用系统默认位置）", metavar="目录")
VERSION = Option(("--version",), "显示版本号并退出")
GLOBAL_OPTIONS = (DATA_DIR, VERSION)
COMMAND_OPTIONS = (DATA_DIR,)  # the global options a command accepts too

REPORT_HELP = "报告编号、编号开头几位或标题开头"
REPORT = Option(("report",), REPORT_HELP, metavar="报告")
JSON = Option(("--json",), "以 JSON 输出")


def _export_options() -> tuple[Option, ...]:
    from workflows.export import FORMATS, PROFILES

    keys = tuple(fmt.key for fmt in FORMATS.values())
    notes = {"docx": "默认，公文格式 Word", "pdf": "需要 LibreOffice"}
    named = [f"{key}（{notes[key]}）" if key in notes else key for key in keys]
    listing = "、".join(named[:-1]) + " 或 " + named[-1] if len(named) > 1 else "".join(named)
    return (
        REPORT,
        Option(("-f", "--format"), listing, metavar="格式", default="docx", choices=keys),
        Option(("-o", "--output"), "文件或文件夹（默认：当前文件夹，按标题命名）", metavar="路径"),
        Option(("--draft",), "导出草稿：允许有待填项，待填处保留标记"),
        Option(("--profile",), "standard（默认，每行28字、每页22行）或 line28", metavar="版式",
               default="standard", choices=tuple(PROFILES)),
    )


COMMANDS: tuple[Command, ...] = (
    Command("open", "打开全屏界面并直接进入这份报告的填写向导（输出不是终端时改为逐行问答）", "app:cmd_open", (
        REPORT,
        Option(("--item",), "从这个条目开始（条目编号见 shuzhi workflow show）；默认从上次看到的条目继续",
               metavar="条目"),
    )),
    Command("new", "新建报告，输出新报告的编号", "reports:cmd_new", (
        Option(("--workflow",), "工作流编号（见 shuzhi workflows）或工作流文件路径", metavar="工作流"),
        Option(("--year",), "述职年度，如 2025", metavar="年度"),
        Option(("--unit",), "单位名称", metavar="单位"),
        Option(("--name",), "述职人姓名", metavar="姓名"),
        Option(("--position",), "职务，如 党组书记", metavar="职务"),
        Option(("--title",), "报告在列表中的名称（默认按报告标题生成）", metavar="标题"),
        Option(("--from",), "以往年的这份报告为基础：沿用其答案（逐项标为待确认），年度自动加一",
               metavar="报告", dest="from_report"),
    )),
    Command("list", "列出报告（最近更新的在前；默认列出最近的 100 份，--json 默认全部）", "reports:cmd_list", (
        JSON,
        Option(("--limit",), "最多列出这么多份", metavar="份数"),
        Option(("--all",), "列出全部报告", dest="all"),
    )),
    Command(
        "fill", "从 YAML 或 JSON 答案文件合并答案（有任何问题则什么都不保存）", "answers:cmd_fill", (
            REPORT,
            Option(("file",), "答案文件（.yaml/.yml 或 .json；“-”表示从标准输入读取）", metavar="文件"),
        ),
        epilog="答案文件的写法：shuzhi answers 报告 导出一份看看；字段清单：shuzhi workflow show 工作流 --json",
    ),
    Command("answers", "输出报告的答案（答案文件格式）", "answers:cmd_answers", (
        REPORT,
        Option(("--format",), "yaml（默认）或 json", metavar="格式", default="yaml", choices=("yaml", "json")),
    )),
    Command(
        "ask", "逐行问答，按顺序填写每个条目（适合读屏软件和简单终端）", "answers:cmd_ask", (
            REPORT,
            Option(("--pending",), "只问还有待填项或错误的条目"),
        ),
        epilog=(
            "回答方式：直接回车保留当前值；输入“-”清空；多行文字和列表逐行输入，以单独一行“.”结束；\n"
            "选择题可输入序号。每答一项立即保存；按 Ctrl+D 结束。"
        ),
    ),
    Command("check", "检查待填项、错误和规范提醒；可以导出正式稿时退出码为 0，否则为 1", "check:cmd_check",
            (REPORT, JSON)),
    Command("preview", "预览报告全文（终端中分页显示；管道输出时为纯文本）", "check:cmd_preview", (REPORT,)),
    Command("export", "导出报告，输出写入的文件路径", "check:cmd_export", _export_options),
    Command(
        "rollup", "把各党支部的报告或答案文件中的数字汇总到本单位报告（合计写入报告，记录来源）",
        "rollup:cmd_rollup", (
            Option(("report",), "本单位的报告：" + REPORT_HELP, metavar="报告"),
            Option(("sources",), "支部报告（编号或标题开头）或支部的答案文件（.yaml/.yml/.json），可列多个",
                   metavar="来源", nargs="+"),
            Option(("--dry-run",), "只计算并显示合计，不写入报告"),
            Option(("--strict",), "有任何支部缺少数据时不写入，退出码为 1"),
            Option(("--year-mismatch-ok",), "允许来源的述职年度与本报告不同（照常汇总，并提示）"),
        ),
        description=(
            "把各党支部的数字汇总到本单位（机关党委、局党组）的述职报告：按工作流中 rollup 的规定，"
            "逐项相加各支部的支委会、党员大会、党课、主题党日等次数，一次写入报告，并记录每个合计来自哪些支部。\n"
            "来源可以是本机的支部报告（编号或标题开头），也可以是支部用 shuzhi answers 导出的答案文件。\n"
            "有任何来源不能汇总（工作流不对、同一支部出现两次、年度不一致、文件损坏）时，什么都不写入。"
        ),
        epilog=(
            "示例：\n"
            "  shuzhi rollup 2025年机关党建 第一党支部 第二党支部 三支部.yaml\n"
            "  shuzhi rollup 3fa2 支部答案/*.yaml --dry-run\n"
            "\n再次汇总会替换上次的合计和来源记录；汇总后手工改过的合计，shuzhi check 会提醒。\n"
            + EXIT_CODES_HELP
        ),
    ),
    Command("workflows", "列出可用的工作流", "workflows:cmd_workflows", (JSON,)),
    Command("workflow", "查看或校验工作流", subcommands=(
        Command("show", "显示工作流的条目和字段", "workflows:cmd_workflow_show", (
            Option(("workflow",), "工作流编号或文件路径", metavar="工作流"),
            Option(("--json",), "以 JSON 输出（含每个字段的 id、类型、必填、取值范围、选项）"),
        )),
        Command("validate", "校验工作流文件，列出全部问题", "workflows:cmd_workflow_validate", (
            Option(("file",), "工作流文件（YAML）", metavar="文件"),
        )),
    )),
    Command("demo", "用示例答案生成一份演示报告，导出 Word 和纯文本，输出两个文件路径", "reports:cmd_demo", (
        Option(("-o", "--output"), "导出到此文件夹（默认：当前文件夹）", metavar="文件夹"),
    )),
    Command(
        "backups", "列出报告的备份（时间、已答字段数、大小）", "backups:cmd_backups", (REPORT, JSON),
        epilog="恢复某个备份：shuzhi restore 报告 [备份]（备份写序号或文件名；不写则恢复最新的完好备份）",
    ),
    Command("restore", "从备份恢复报告（默认恢复最新的完好备份；损坏的报告文件会先移到一旁）",
            "backups:cmd_restore", (
                REPORT,
                Option(("backup",), "备份的序号（见 shuzhi backups，1 为最新）或文件名；默认为最新的完好备份",
                       metavar="备份", nargs="?"),
            )),
    Command("unlock", "解除报告的编辑锁定（只在确定没有别的会话正在编辑时使用）", "backups:cmd_unlock", (REPORT,)),
)
