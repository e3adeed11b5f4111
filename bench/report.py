"""The report: one generated Markdown block per benchmark in docs/benchmarks.md.

A block sits between `<!-- BEGIN bench:NAME -->` and `<!-- END bench:NAME -->`; a run replaces only
the blocks of the benchmarks it ran, so the hand-written analysis around them stays.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

TITLES = {
    "webhook": "1. Webhook throughput (and 4. alert latency under that load)",
    "fanout": "2. Morning fan-out",
    "cost": "3. SMS cost",
    "scaling": "5. Scaling curve",
    "ussd": "6. USSD menu: 200 concurrent sessions (issue 12)",
    "console": "7. Staff console dashboard",
    "import": "8. Patient file import (issue 13)",
}
WEBHOOK_RATIO, WEBHOOK_P99_MS, ALERT_P99_S = 0.5, 50.0, 1.0
FANOUT_RATIO, PEAK_MB, NORMAL_DAY_SEGMENTS = 1.25, 300.0, 2


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("**met**" if ok else "**missed**")


def fmt(value: Any, digits: int = 1) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def header(data: dict[str, Any]) -> list[str]:
    meta = data["meta"]
    m = meta["machine"]
    busy = (
        f"**busy machine**: other processes used {meta['busy_before']:.0%} of the CPUs just before; "
        "numbers are pessimistic"
        if meta["busy"]
        else f"quiet machine (other processes used {meta['busy_before']:.0%} of the CPUs just before)"
    )
    pg = f", PostgreSQL {m['postgres']}" if m.get("postgres") else ""
    return [
        f"- date: {meta['date']}; run time {meta['minutes']} min; {busy}",
        f"- machine: {m['cores']} cores, {m['memory_gb']} GB RAM, {m['cpu']}; Python {m['python']}, "
        f"SQLite {m['sqlite']}{pg}",
        f"- command: `{meta['command']}`" + (" (smoke: toy sizes, timings mean nothing)" if meta["smoke"] else ""),
        "",
    ]


def webhook(data: dict[str, Any]) -> list[str]:
    lines = [
        "| database | web workers | patients | conc. | bare msg/s | bare p99 ms | service msg/s | p50 ms | p99 ms "
        "| ratio | errors | target (≥ 0.5 × bare, p99 ≤ 50 ms) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    alerts = [
        "| database | web workers | conc. | probes | delivered | p50 s (all staff) | p99 s | max s "
        "| p50 s (first staff) | target (p99 ≤ 1 s) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    notes = []
    for run in data["runs"]:
        for row in run["levels"]:
            s, b = row["service"], row.get("bare", {})
            ok = None
            if row.get("ratio") is not None:
                ok = row["ratio"] >= WEBHOOK_RATIO and s["p99_ms"] <= WEBHOOK_P99_MS and s["errors"] == 0
            lines.append(
                f"| {run['db']} | {run['workers']} | {fmt(run['patients'])} | {row['concurrency']} "
                f"| {fmt(b.get('rps'), 0)} "
                f"| {fmt(b.get('p99_ms'))} | {fmt(s['rps'], 0)} | {fmt(s['p50_ms'])} | {fmt(s['p99_ms'])} "
                f"| {fmt(row.get('ratio'), 2)} | {s['errors']} | {verdict(ok)} |"
            )
            a = row["alert"]
            a_ok = a["missing"] == 0 and a["p99_s"] is not None and a["p99_s"] <= ALERT_P99_S
            if a["missing"]:
                notes.append(
                    f"- {run['db']} ({run['workers']} web workers) c={row['concurrency']}: {a['missing']} of "
                    f"{a['probes']} probes' alerts had not reached every staff member 10 s after the load ended "
                    "(the sender fell behind); their latency is over 10 s and not in the percentiles"
                )
            alerts.append(
                f"| {run['db']} | {run['workers']} | {row['concurrency']} | {a['probes']} | {a['delivered']} "
                f"| {fmt(a['p50_s'], 3)} "
                f"| {fmt(a['p99_s'], 3)} | {fmt(a['max_s'], 3)} | {fmt(a['first_p50_s'], 3)} | {verdict(a_ok)} |"
            )
            if s["wraps"]:
                notes.append(
                    f"- {run['db']} c={row['concurrency']}: the request slice ran out {s['wraps']} time(s); "
                    "repeated MessageSids took the duplicate path"
                )
        stored = run.get("stored", {})
        notes.append(
            f"- {run['db']}: {run['workers']} gunicorn sync workers, load by {run['tool']}, {fmt(run['seconds'], 0)} s "
            f"per level; peak RSS per web worker: service {fmt(run.get('service_peak_mb'), 0)} MB, bare "
            f"{fmt(run.get('bare_peak_mb'), 0)} MB, `f0care worker` {fmt(run.get('sender_peak_mb'), 0)} MB; stored "
            f"{fmt(stored.get('in/inbound/replied', 0))} inbound messages, {fmt(stored.get('declarations', 0))} "
            f"declarations, {fmt(stored.get('alerts', 0))} alerts, {fmt(stored.get('out/alert/sent', 0))} staff "
            f"alerts sent"
        )
    return [
        *lines,
        "",
        "Alert latency (4): a red declaration posted every 0.2 s from patients outside the load, beside it; "
        "from the post to the stub's acceptance of the alert to every staff member of the clinic.",
        "",
        *alerts,
        "",
        *notes,
    ]


def fanout(data: dict[str, Any]) -> list[str]:
    lines = [
        "| database | patients | senders | service s | msg/s | floor s | floor msg/s | service/floor | job queue s "
        "| peak MB job / worker / loop | target (≤ 1.25 × floor, ≤ 300 MB) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    notes = []
    for run in data["runs"]:
        s, f = run["service"], run.get("floor", {})
        peaks = (s["job_peak_mb"], s["worker_peak_mb"], f.get("peak_mb"))
        ok = None
        if run.get("ratio") is not None:
            ok = run["ratio"] <= FANOUT_RATIO and all(p is not None and p <= PEAK_MB for p in peaks)
        lines.append(
            f"| {run['db']} | {fmt(run['patients'])} | {run['senders']} | {fmt(s['seconds'])} "
            f"| {fmt(s['msg_per_s'], 0)} "
            f"| {fmt(f.get('seconds'))} | {fmt(f.get('msg_per_s'), 0)} | {fmt(run.get('ratio'), 2)} "
            f"| {fmt(s['job']['queue_s'])} | {' / '.join(fmt(p, 0) for p in peaks)} | {verdict(ok)} |"
        )
        if "inline" in run:
            notes.append(
                f"- {run['db']}: `f0care jobs run morning-prompts` (queues and sends in one process): "
                f"{fmt(run['inline']['seconds'])} s, peak {fmt(run['inline']['peak_mb'], 0)} MB"
            )
        notes.append(
            f"- {run['db']}: stub accepted {fmt(s['stub_count'])} prompts to {fmt(s['distinct_phones'])} distinct "
            f"phones (none twice); database {s['db_status']}"
        )
    return [*lines, "", *notes]


def cost(data: dict[str, Any]) -> list[str]:
    lines = [
        "| scenario | to the patient(s) | to staff | per patient-day | messages | target |",
        "|---|---|---|---|---|---|",
    ]
    for row in data["scenarios"]:
        ok = None
        if row.get("normal"):
            ok = row["per_patient_day"] <= NORMAL_DAY_SEGMENTS
        lines.append(
            f"| {row['name']} | {row['patient_segments']} | {row['staff_segments']} | {fmt(row['per_patient_day'], 2)} "
            f"| {row['detail']} | {verdict(ok) if ok is not None else ''} |"
        )
    check = data["check"]
    return [
        *lines,
        "",
        f"- segments counted by the service (Message.segments; the stub answered num_segments null so the "
        f"service kept its own count) and checked message by message with tests/support/sms_segments.py, written from "
        f"GSM 03.38: {check['checked']} messages checked, {check['mismatches']} mismatches"
        + (f" ({'; '.join(check['examples'])})" if check["mismatches"] else ""),
        *[f"- {note}" for note in data.get("notes", [])],
    ]


KINDS = ("webhook (service)", "fan-out (service)", "fan-out (plain loop)", "fan-out (job alone, queueing)")


def sorted_points(points: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """By database (in the run's order), then benchmark, then patients."""
    dbs = list(dict.fromkeys(p["db"] for p in points))
    kind = {name: i for i, name in enumerate(KINDS)}
    return sorted(points, key=lambda p: (dbs.index(p["db"]), kind.get(p["bench"], len(KINDS)), p["patients"]))


def scaling(data: dict[str, Any], plot: Path) -> list[str]:
    lines = [
        "| benchmark | database | patients | msg/s | µs per message | p99 ms | peak MB |",
        "|---|---|---|---|---|---|---|",
    ]
    for p in sorted_points(data["points"]):
        lines.append(
            f"| {p['bench']} | {p['db']} | {fmt(p['patients'])} | {fmt(p['msg_per_s'], 0)} | "
            f"{fmt(p['us_per_message'], 0)} | {fmt(p.get('p99_ms'))} | {fmt(p.get('peak_mb'), 0)} |"
        )
    tail = [f"- {note}" for note in data.get("notes", [])]
    if data.get("plot"):
        tail.append(f"\n![scaling]({plot.name})")
    return [*lines, "", *tail]


def ussd(data: dict[str, Any]) -> list[str]:
    lines = [
        "| database | web workers | sessions | think s | patients | screens | screens/s | p50 ms | p90 ms | p99 ms "
        "| max ms | END p99 ms | errors | target (p99 < 2 s) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    notes = []
    for run in data["runs"]:
        lines.append(
            f"| {run['db']} | {run['workers']} | {run['sessions']} | {fmt(run['think_s'])} | {fmt(run['patients'])} "
            f"| {fmt(run['screens'])} | {fmt(run['screens_per_s'], 0)} | {fmt(run['p50_ms'])} | {fmt(run['p90_ms'])} "
            f"| {fmt(run['p99_ms'])} | {fmt(run['max_ms'])} | {fmt(run['end_p99_ms'])} | {run['errors']} "
            f"| {verdict(run['met'])} |"
        )
        stored = run.get("stored", {})
        notes.append(
            f"- {run['db']}, think {fmt(run['think_s'])} s: {fmt(run['sessions_done'])} sessions completed in "
            f"{fmt(run['seconds'], 0)} s; stored {fmt(stored.get('ussd_requests', 0))} USSD requests, "
            f"{fmt(stored.get('declarations', 0))} declarations, {fmt(stored.get('alerts', 0))} alerts"
        )
    return [*lines, "", *notes]


def console(data: dict[str, Any]) -> list[str]:
    lines = [
        "| database | view | active patients | days of declarations | requests | p50 ms | p95 ms | max ms "
        "| app CPU p50 ms | page KB | target (p95 ≤ 200 ms) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for run in data["runs"]:
        lines.append(
            f"| {run['db']} | {run['view']} | {fmt(run['patients'])} | {run['days']} | {run['requests']} "
            f"| {fmt(run['p50_ms'])} | {fmt(run['p95_ms'])} | {fmt(run['max_ms'])} | {fmt(run.get('cpu_p50_ms'))} "
            f"| {fmt(run['bytes'] / 1024, 0)} "
            f"| {verdict(run['ok'])} |"
        )
    return lines


def patient_import(data: dict[str, Any]) -> list[str]:
    lines = [
        "| database | rows | cohort | CSV KB | dry run s | import s (process) | XLSX KB | read s | check s "
        "| transaction s | service s | target (< 30 s) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for run in data["runs"]:
        lines.append(
            f"| {run['db']} | {fmt(run['rows'])} | {fmt(run['cohort'])} | {fmt(run['csv_kb'])} "
            f"| {fmt(run['dry_run_s'], 2)} | {fmt(run['import_s'], 2)} | {fmt(run['xlsx_kb'])} "
            f"| {fmt(run['read_s'], 2)} | {fmt(run['check_s'], 2)} "
            f"| {fmt(run['transaction_s'], 2)} | {fmt(run['service_s'], 2)} | {verdict(run['met'])} |"
        )
    return lines


def render(name: str, data: dict[str, Any], plot: Path) -> str:
    bodies = {"webhook": webhook, "fanout": fanout, "cost": cost, "ussd": ussd, "console": console}
    body = {**bodies, "import": patient_import}.get(name)
    lines = scaling(data, plot) if name == "scaling" else body(data) if body else []
    return "\n".join([f"### {TITLES[name]}", "", *header(data), *lines]).rstrip() + "\n"


def write(path: Path, name: str, data: dict[str, Any], plot: Path) -> None:
    """Replace (or append) the benchmark's generated block in `path`."""
    begin, end = f"<!-- BEGIN bench:{name} -->", f"<!-- END bench:{name} -->"
    block = f"{begin}\n{render(name, data, plot)}{end}"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        text = head + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
