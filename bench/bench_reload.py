"""How long a knowledge-base reload takes, and how long it holds up the server's event loop.

A reload (``python -m bot kb reload``, SIGHUP, a replica following a publish) reads the YAML
files, validates them and builds the matcher, in a worker thread of the server. Measured on
the real knowledge base and on a 1,000-entry one derived from it (bench_matcher's synthetic
KB, written out as YAML files), each ``--runs`` times:

- build: files (already read) to a ready matcher, in this process's main thread;
- one answer edited, one question added: the same, after a curator changed one file so (the
  files unchanged since the last build are not parsed again: bot/kb/loader.py; an index whose
  texts did not change is not built again, and one built again normalises only the texts the
  last build did not read: bot/matcher/index.py);
- the chooser: the model that settles near-ties (bot/matcher/chooser.py), which a server
  trains in a worker thread after the swap, answering meanwhile without it (none above
  400 entries);
- loop stall: the longest an asyncio timer firing every millisecond waits while the same
  build and the chooser's training run in a worker thread, as in the server (the GIL is
  shared), against the same timer's longest wait with no reload.

    .venv/bin/python bench/bench_reload.py [--runs 5] [--entries 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_matcher import synthetic_kb  # noqa: E402

from bot.kb.live import build, read_files  # noqa: E402
from bot.kb.loader import forget_parsed_files, load  # noqa: E402
from bot.matcher.chooser import forget_trained_choosers  # noqa: E402

SPECIAL_FILES = ("synonyms.yaml", "intents.yaml", "places.yaml")

KNOWLEDGE = ROOT / "knowledge"


def synthetic_files(entries: int, directory: Path) -> dict[str, str]:
    """A ``entries``-entry knowledge base as files: the real special files, entries in 10."""
    kb = synthetic_kb(load(KNOWLEDGE), entries)
    for name in SPECIAL_FILES:
        (directory / name).write_text((KNOWLEDGE / name).read_text(encoding="utf-8"))
    dumped = [e.model_dump(mode="json", by_alias=True, exclude_none=True) for e in kb.entries]
    for entry in dumped:
        # The synthetic answers are written anew in zh-Hant and en only: no translation to mark.
        entry.pop("translated", None)
    chunk = max(1, len(dumped) // 10)
    for part in range(0, len(dumped), chunk):
        text = yaml.safe_dump(
            {"entries": dumped[part : part + chunk]}, allow_unicode=True, sort_keys=False
        )
        (directory / f"part{part // chunk:02d}.yaml").write_text(text, encoding="utf-8")
    return read_files(directory)


async def _longest_wait(work: asyncio.Future[object] | None, seconds: float) -> float:
    """The longest delay of a 1 ms timer while ``work`` runs (or for ``seconds``)."""
    loop = asyncio.get_running_loop()
    longest = 0.0
    deadline = loop.time() + seconds
    while (work is not None and not work.done()) or (work is None and loop.time() < deadline):
        before = loop.time()
        await asyncio.sleep(0.001)
        longest = max(longest, loop.time() - before - 0.001)
    return longest


def _build_and_learn(files: dict[str, str]) -> None:
    """What a server runs in worker threads on a reload: the build, then the chooser."""
    forget_trained_choosers()
    build(files, "bench", settle_near_ties=False).matcher.learn_to_settle_near_ties()


async def stalls(files: dict[str, str], runs: int) -> tuple[list[float], list[float]]:
    during, idle = [], []
    for _ in range(runs):
        forget_parsed_files()
        work = asyncio.ensure_future(asyncio.to_thread(_build_and_learn, files))
        during.append(await _longest_wait(work, 0))
        await work
        idle.append(await _longest_wait(None, 0.5))
    return during, idle


def _edited(files: dict[str, str], field: str, run: int) -> dict[str, str]:
    """``files`` with the first entry's English answer changed, or a question added to it (a
    different edit each run: an edit seen before would be a file parsed before)."""
    name = next(n for n in sorted(files) if n not in SPECIAL_FILES)
    data = yaml.safe_load(files[name])
    entry = data["entries"][0]
    if field == "answer":
        entry["answer"]["en"] += f" (edited {run})"
    else:
        entry["questions"]["en"].append(f"a question added in edit {run}")
    return {**files, name: yaml.safe_dump(data, allow_unicode=True, sort_keys=False)}


def report(label: str, files: dict[str, str], runs: int) -> None:
    builds = []
    for _ in range(runs):
        forget_parsed_files()  # every file new, as at a server's first reload
        started = time.perf_counter()
        knowledge = build(files, "bench", settle_near_ties=False)
        builds.append(time.perf_counter() - started)
    trainings = []
    for _ in range(runs):
        forget_trained_choosers()
        started = time.perf_counter()
        knowledge.matcher.learn_to_settle_near_ties()
        trainings.append(time.perf_counter() - started)
    edits: dict[str, list[float]] = {"answer": [], "question": []}
    for run in range(runs):
        for field, times in edits.items():
            edited = _edited(files, field, run)
            started = time.perf_counter()
            build(edited, "bench", settle_near_ties=False)
            times.append(time.perf_counter() - started)
            build(
                files, "bench", settle_near_ties=False
            )  # back to the files the other figures are measured on
    during, idle = asyncio.run(stalls(files, runs))
    size = sum(len(text.encode("utf-8")) for text in files.values())
    print(
        f"{label}: {len(knowledge.kb)} entries, {size / 1024:.0f} KiB of YAML; "
        f"build median {statistics.median(builds):.2f} s (range {min(builds):.2f}-"
        f"{max(builds):.2f}); one answer edited: median {statistics.median(edits['answer']):.2f} s,"
        f" one question added: median {statistics.median(edits['question']):.2f} s;"
        f" then the chooser, in a worker thread: "
        + (
            f"median {statistics.median(trainings):.2f} s;"
            if knowledge.matcher.chooser
            else "none at this size;"
        )
        + f" longest loop stall during a reload in a thread: median "
        f"{statistics.median(during) * 1000:.0f} ms (max {max(during) * 1000:.0f}), "
        f"without a reload {statistics.median(idle) * 1000:.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--entries", type=int, default=1000)
    args = parser.parse_args()
    report("real", read_files(KNOWLEDGE), args.runs)
    with tempfile.TemporaryDirectory() as scratch:
        report(f"synthetic {args.entries}", synthetic_files(args.entries, Path(scratch)), args.runs)


if __name__ == "__main__":
    main()
