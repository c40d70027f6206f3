#!/usr/bin/env python3
"""What each cache gains: cold-process timings of shuzhi commands and of the
app's start, with some of the cache's folders made unusable (a file where
the folder would be) and the others warm. The figures quoted in
workflows/cache.py come from here.

    .venv/bin/python bench/caches.py     # REPEAT=5 by default; ≈ 10 minutes

Everything lives in a temporary folder (data, XDG_CACHE_HOME).
"""
import json
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import run as B  # noqa: E402 - bench/run.py

REPEAT = int(os.environ.get("REPEAT", "5"))
tmp = Path(tempfile.mkdtemp(prefix="s-cache-bench-"))
env = B.child_env(tmp)
data = tmp / "data"
rid, _ = B.make_store(data, 20)
cache = tmp / "cache" / "shuzhi"
KINDS = ("workflows", "templates", "reports", "progress")

def prepare(disabled):
    for k in KINDS:
        p = cache / k
        if k in disabled:
            if p.is_dir(): shutil.rmtree(p)
            cache.mkdir(parents=True, exist_ok=True); p.write_text("off")
        elif p.is_file():
            p.unlink()

def cli(args, disabled, n=REPEAT):
    cmd = B.shuzhi_cmd() + ["--data-dir", str(data), *args]
    prepare(disabled)
    B.spawn(cmd, env, cwd=str(tmp)); B.spawn(cmd, env, cwd=str(tmp))  # warm-up / fill
    out = []
    for _ in range(n):
        r = B.spawn(cmd, env, cwd=str(tmp))
        assert r.code in (0, 1), r.stderr[-2000:]
        out.append(r.wall_ms)
    return statistics.median(out)

def app(disabled, n=3):
    prepare(disabled)
    res = []
    for i in range(n + 1):
        o = tmp / "ready.json"; o.unlink(missing_ok=True)
        r = B.spawn([B.PY, B.HARNESS, "start", "app", str(o), "--", "--data-dir", str(data)], env, cwd=str(tmp), tty=True)
        assert r.code == 0, r.stderr[-2000:]
        d = json.loads(o.read_text())
        if i: res.append(((d["painted"] - r.started) * 1000, (d["ready"] - r.started) * 1000))
    return statistics.median(x for x, _ in res), statistics.median(y for _, y in res)

rows = []
for name, args in [("check", ["check", rid]), ("preview", ["preview", rid]), ("list", ["list"]),
                   ("export docx", ["export", rid, "-f", "docx", "-o", str(tmp / "out.docx")])]:
    for disabled in [(), ("reports",), ("workflows",), ("templates",), ("reports", "templates"), KINDS]:
        rows.append((name, "off: " + (",".join(disabled) or "none"), round(cli(args, disabled))))
        print(*rows[-1], flush=True)
for disabled in [(), ("progress",), ("progress", "reports"), KINDS]:
    p, r = app(disabled)
    print("app start 20 reports", "off: " + (",".join(disabled) or "none"), "painted", round(p), "ready", round(r), flush=True)
