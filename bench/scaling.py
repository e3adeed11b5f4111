"""Benchmark 5: webhook and fan-out cost per message at 1k, 10k and 100k patients (1M fan-out with --big).

Points already measured in this run (benchmark 1 at its patient count, benchmark 2 at 100k) are
reused. The plot (matplotlib, when installed) shows microseconds per message against patients:
flat lines mean the cost per message does not grow with the cohort.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench import fanout, webhook

LEVEL = 16  # webhook concurrency for the curve
BIG = 1_000_000


def _webhook_point(run: dict[str, Any], level: int) -> dict[str, Any] | None:
    row = next((r for r in run["levels"] if r["concurrency"] == level), None)
    if row is None:
        return None
    s = row["service"]
    return {
        "bench": "webhook (service)",
        "db": run["db"],
        "patients": run["patients"],
        "msg_per_s": s["rps"],
        "us_per_message": 1e6 / s["rps"] if s["rps"] else None,
        "p99_ms": s["p99_ms"],
        "peak_mb": run.get("service_peak_mb"),
    }


def _fanout_points(run: dict[str, Any]) -> list[dict[str, Any]]:
    s = run["service"]
    points = [
        {
            "bench": "fan-out (service)",
            "db": run["db"],
            "patients": run["patients"],
            "msg_per_s": s["msg_per_s"],
            "us_per_message": s["per_message_ms"] * 1000,
            "peak_mb": max(s["job_peak_mb"], s["worker_peak_mb"]),
        }
    ]
    if "floor" in run:
        f = run["floor"]
        points.append(
            {
                "bench": "fan-out (plain loop)",
                "db": run["db"],
                "patients": run["patients"],
                "msg_per_s": f["msg_per_s"],
                "us_per_message": f["per_message_ms"] * 1000,
                "peak_mb": f["peak_mb"],
            }
        )
    return points


def _webhook_points(
    conf: dict[str, Any],
    db: str,
    sizes: list[int],
    level: int,
    tool: str,
    workdir: Path,
    earlier_web: list[dict[str, Any]],
    notes: list[str],
    log: Any,
) -> list[dict[str, Any]]:
    """The webhook's points of the curve: a run per size (or benchmark 1's run of that size)."""
    points: list[dict[str, Any]] = []
    for n in sizes:
        done = next((r for r in earlier_web if r["db"] == db and r["patients"] == n), None)
        if done is None or _webhook_point(done, level) is None:
            plan = webhook.WebhookPlan(
                db, n, (level,), conf["seconds"], conf["warmup"], tool, conf["workers"], probes=20, bare=False
            )
            log(f"scaling: webhook {db} {n} patients c={level}")
            done = webhook.run(plan, workdir, log)
        point = _webhook_point(done, level)
        if point:
            points.append(point)
    for other in earlier_web:  # benchmark 1's own size is one more point on the curve
        if other["db"] == db and other["patients"] not in sizes and other["workers"] == conf["workers"]:
            point = _webhook_point(other, level)
            if point:
                points.append(point)
                notes.append(f"webhook, {db}, {other['patients']:,} patients: from benchmark 1's run, c={level}")
    return points


def run(
    conf: dict[str, Any],
    dbs: list[str],
    tool: str,
    workdir: Path,
    senders: int | None,
    results: dict[str, Any],
    plot: Path,
    log: Any,
) -> dict[str, Any]:
    from bench.run import default_senders

    level = 4 if conf["smoke"] else LEVEL
    earlier_web = results.get("webhook", {}).get("runs", [])
    earlier_fan = results.get("fanout", {}).get("runs", [])
    sizes = list(conf["scaling_sizes"])
    points: list[dict[str, Any]] = []
    notes: list[str] = []
    for db in dbs[:1] if conf["smoke"] else dbs:  # smoke: the other database is already proven by 1 and 2
        k = default_senders(db, senders)
        points += _webhook_points(conf, db, sizes, level, tool, workdir, earlier_web, notes, log)
        if conf["big"]:
            # 1,000,000: the job alone (delivery at the measured rates would take hours); its memory is the question
            big = fanout.run(fanout.FanoutPlan(db, BIG, k, floor=False, deliver=False), workdir, log)
            q = big["queue_only"]
            points.append(
                {
                    "bench": "fan-out (job alone, queueing)",
                    "db": db,
                    "patients": BIG,
                    "msg_per_s": BIG / q["job"]["queue_s"],
                    "us_per_message": q["job"]["queue_s"] / BIG * 1e6,
                    "peak_mb": q["job_peak_mb"],
                }
            )
        for n in sizes:
            run_ = next((r for r in earlier_fan if r["db"] == db and r["patients"] == n and r["senders"] == k), None)
            if run_ is None:
                log(f"scaling: fan-out {db} {n} patients x{k}")
                run_ = fanout.run(fanout.FanoutPlan(db, n, k, floor=n < BIG), workdir, log)
            points += _fanout_points(run_)
    if not conf["big"]:
        notes.append("the 1,000,000-patient job is not in this run (`--big`)")
    drawn = draw(points, plot, log)
    if not drawn:
        notes.append("no plot: matplotlib is not installed (.venv/bin/pip install matplotlib)")
    return {"points": points, "level": level, "plot": drawn, "notes": notes}


def draw(points: list[dict[str, Any]], path: Path, log: Any) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        log("matplotlib is not installed: no plot (.venv/bin/pip install matplotlib)")
        return False
    fig, axes = plt.subplots(1, 3, figsize=(16, 4.2))
    panels = (
        ("webhook", "us_per_message", "Webhook: µs of wall time per message"),
        ("fan-out", "us_per_message", "Morning fan-out: µs per message"),
        ("", "peak_mb", "Peak MB of the largest process"),
    )
    for ax, (prefix, value, title) in zip(axes, panels, strict=True):
        series: dict[str, list[tuple[int, float]]] = {}
        for p in points:
            if p["bench"].startswith(prefix) and p.get(value):
                label = f"{p['bench'].split('(')[1].rstrip(')')}, {p['db']}"
                if not prefix:
                    label = f"{p['bench'].split(' (')[0]} {label}"
                series.setdefault(label, []).append((p["patients"], p[value]))
        for label, xy in sorted(series.items()):
            xy.sort()
            ax.plot([x for x, _ in xy], [y for _, y in xy], marker="o", label=label)
        ax.set_xscale("log")
        ax.set_ylim(bottom=0)
        ax.set_xlabel("active patients")
        ax.set_title(title)
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True
