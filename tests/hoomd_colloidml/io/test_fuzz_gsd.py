"""Fuzz the GSD reader: structure-aware mutations of valid files, opened in-process.

A seeded mutator knows the GSD layout (256-byte header, 32-byte index entries, name
list, chunk data) and sets fields to extreme values, flips bytes, truncates and
extends files. A worker subprocess with an address-space limit (RLIMIT_AS) opens every
mutated file in-process with :mod:`hoomd_colloidml.io` and reads every frame: a crash
(signal), a hang (timeout) or an out-of-memory (MemoryError or kill) fails the test;
each file must be read (every chunk gsd returns equals the bytes the index points
at) or refused with :class:`~hoomd_colloidml.io.GSDFormatError` / ``ValueError``.

CI runs 300 files; ``--validate`` runs 10^4 (``python tests/hoomd_colloidml/io/
test_fuzz_gsd.py --count 10000`` runs the same campaign by hand; ``--raw 10000`` opens
the same mutated files with gsd alone, in forked children, to count what validation
prevents: crashes and > 2 GiB allocations).
"""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[3]
MEM_LIMIT = 3 * 2**30  # bytes of address space for the worker
EXTREMES_U64 = [0, 1, 2, 255, 256, 2**31 - 1, 2**31, 2**32 - 1, 2**32, 2**63 - 1, 2**63,
                2**64 - 32, 2**64 - 1]


def _fields(data: bytes):
    """(offset, struct format) of every header and index field of a valid file."""
    out = [(0, "<Q"), (8, "<Q"), (16, "<Q"), (24, "<Q"), (32, "<Q"), (40, "<I"), (44, "<I")]
    out += [(48 + k, "<B") for k in (0, 10, 63)] + [(112 + k, "<B") for k in (0, 5, 63)]
    ix_loc, ix_n = struct.unpack_from("<QQ", data, 8)
    for k in range(min(ix_n, 64)):
        base = ix_loc + 32 * k
        if base + 32 > len(data) or struct.unpack_from("<q", data, base + 16)[0] == 0:
            break
        out += [(base, "<Q"), (base + 8, "<Q"), (base + 16, "<q"), (base + 24, "<I"),
                (base + 28, "<H"), (base + 30, "<B"), (base + 31, "<B")]
    return out


def _regions(data: bytes):
    nl_loc, nl_n = struct.unpack_from("<QQ", data, 24)
    ix_loc, ix_n = struct.unpack_from("<QQ", data, 8)
    return {
        "header": (0, 256),
        "index": (ix_loc, min(len(data), ix_loc + 32 * ix_n)),
        "namelist": (nl_loc, min(len(data), nl_loc + 64 * nl_n)),
        "any": (0, len(data)),
    }


def mutate(data: bytes, rng: np.random.Generator) -> bytes:
    """Apply 1-3 structure-aware mutations to a valid GSD file's bytes."""
    buf = bytearray(data)
    fields = _fields(data)
    regions = _regions(data)
    for _ in range(int(rng.integers(1, 4))):
        op = rng.choice(["field", "field", "field", "flip", "flip", "truncate", "extend",
                         "zero_block", "copy_block"])
        if op == "field" and fields:
            off, fmt = fields[int(rng.integers(len(fields)))]
            size = struct.calcsize(fmt)
            if off + size > len(buf):
                continue
            bits = 8 * size
            choice = rng.integers(4)
            if choice == 0:
                ok = [v for v in EXTREMES_U64 if v < 2**bits]
                val = ok[int(rng.integers(len(ok)))]
            elif choice == 1:
                old = int.from_bytes(buf[off:off + size], "little")
                val = (old + int(rng.integers(-64, 65))) % 2**bits
            elif choice == 2:
                val = int(rng.integers(0, 2**min(bits, 63)))
            else:
                val = 1 << int(rng.integers(bits))
            buf[off:off + size] = val.to_bytes(size, "little")
        elif op == "flip":
            name = str(rng.choice(list(regions)))
            lo, hi = regions[name]
            if hi <= lo:
                continue
            for _ in range(int(rng.integers(1, 9))):
                k = int(rng.integers(lo, hi))
                if k < len(buf):
                    buf[k] ^= 1 << int(rng.integers(8))
        elif op == "truncate":
            buf = buf[: int(rng.integers(0, len(buf) + 1))]
        elif op == "extend":
            buf += bytes(rng.integers(0, 256, int(rng.integers(1, 4096)), dtype=np.uint8))
        elif op in ("zero_block", "copy_block") and len(buf) > 16:
            n = int(rng.integers(1, 64))
            k = int(rng.integers(0, max(1, len(buf) - n)))
            if op == "zero_block":
                buf[k:k + n] = bytes(len(buf[k:k + n]))
            else:
                j = int(rng.integers(0, max(1, len(buf) - n)))
                buf[k:k + n] = buf[j:j + n][: len(buf[k:k + n])]
    return bytes(buf)


def base_files(directory: Path) -> list[Path]:
    """Valid seed files: gsd.hoomd-written 3D and 2D trajectories (+ the engine's, if any)."""
    sys.path.insert(0, str(REPO))
    from tests.hoomd_colloidml.io.gsd_factory import write_trajectory

    files = [
        Path(write_trajectory(str(directory / "seed3d.gsd"), n_frames=3, n=8)),
        Path(write_trajectory(str(directory / "seed2d.gsd"), n_frames=2, n=9, dims=2)),
    ]
    try:
        from hoomd_colloidml.engine import MonteCarlo
        from hoomd_colloidml.lattice import crystal, rattle

        mc = MonteCarlo(rattle(crystal("fcc", 2, 0.5), 0.02, seed=0), seed=1)
        p = directory / "seed_engine.gsd"
        writer = mc.trajectory(str(p), every=1)
        mc.run(2, progress=False)
        writer.close()
        files.append(p)
    except Exception:  # noqa: BLE001 - the embedded engine is optional for this test
        pass
    return files


def _read_everything(path: str) -> str:
    """Open with hoomd_colloidml.io and read every frame and chunk; return the outcome."""
    import gsd.fl

    from hoomd_colloidml.io import GSDFormatError, iter_frames, open_trajectory

    try:
        with open_trajectory(path) as (traj, info):
            with open(path, "rb") as fh, gsd.fl.open(path, "r") as f:
                for frame in range(info.n_frames):
                    for ent in info.frame_entries(frame):
                        name = info.names[ent["id"]]
                        got = f.read_chunk(frame=frame, name=name)
                        raw = info.read_raw(fh, info.find(frame, name))
                        if isinstance(got, str):
                            continue
                        if got.tobytes() != raw.tobytes():
                            return "mismatch"
        for _ in iter_frames(path):
            pass
        return "read"
    except GSDFormatError:
        return "refused"
    except ValueError:  # frame selection / system validation messages
        return "refused"
    except MemoryError:
        return "oom"


def worker(seed: int, count: int, outdir: str) -> dict:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEM_LIMIT, MEM_LIMIT))
    import hoomd_colloidml.io  # noqa: F401 - import before the loop

    rng = np.random.default_rng(seed)
    out = Path(outdir)
    seeds = [p.read_bytes() for p in base_files(out)]
    stats = {"read": 0, "refused": 0, "oom": 0, "mismatch": 0, "error": 0}
    examples: dict[str, str] = {}
    cur = out / "current.gsd"
    progress = out / "progress"
    for k in range(count):
        data = mutate(seeds[k % len(seeds)], rng)
        cur.write_bytes(data)
        progress.write_text(str(k))
        try:
            outcome = _read_everything(str(cur))
        except Exception as exc:  # noqa: BLE001 - an unclear error is a finding
            outcome = "error"
            print(f"file {k}: {type(exc).__name__}: {exc}", file=sys.stderr)
            (out / f"error_{k}.gsd").write_bytes(data)
        if outcome in ("mismatch", "oom"):
            (out / f"{outcome}_{k}.gsd").write_bytes(data)
            examples.setdefault(outcome, str(k))
        stats[outcome] += 1
    keep = os.environ.get("COLLOIDML_FUZZ_KEEP")
    if keep:
        import shutil

        for p in out.glob("*_*.gsd"):
            shutil.copy(p, keep)
    return stats


def run_campaign(count: int, seed: int = 2026, timeout: float = 3600) -> dict:
    with tempfile.TemporaryDirectory() as d:
        env = dict(os.environ, PYTHONPATH=str(REPO))
        proc = subprocess.run(
            [sys.executable, __file__, "--worker", str(seed), str(count), d],
            capture_output=True, text=True, timeout=timeout, env=env, cwd=str(REPO),
        )
        progress = Path(d, "progress").read_text() if Path(d, "progress").exists() else "?"
        assert proc.returncode == 0, (
            f"fuzz worker died (returncode {proc.returncode}, signal = crash, -9 = OOM kill) "
            f"at file {progress}: {proc.stderr[-2000:]}"
        )
        return json.loads(proc.stdout.strip().splitlines()[-1])


def raw_gsd_campaign(count: int, seed: int = 2026) -> dict:
    """The same mutated files opened by gsd alone (no validation), each in a forked child.

    Shows what the validation prevents: a child killed by a signal is a crash, one that
    hits the 2 GiB address-space limit (MemoryError) asked for > 2 GiB. Not run in CI.
    """
    import resource

    import gsd.hoomd

    rng = np.random.default_rng(seed)
    stats = {"read": 0, "error": 0, "crash": 0, "oom": 0, "hang": 0}
    with tempfile.TemporaryDirectory() as d:
        seeds = [p.read_bytes() for p in base_files(Path(d))]
        cur = Path(d) / "current.gsd"
        for k in range(count):
            cur.write_bytes(mutate(seeds[k % len(seeds)], rng))
            pid = os.fork()
            if pid == 0:  # child: open and read every frame with gsd alone
                code = 0
                try:
                    resource.setrlimit(resource.RLIMIT_AS, (2 * 2**30, 2 * 2**30))
                    __import__("signal").alarm(20)
                    with gsd.hoomd.open(str(cur), "r") as f:
                        for _frame in f:
                            pass
                except MemoryError:
                    code = 3
                except BaseException:  # noqa: BLE001
                    code = 2
                os._exit(code)
            _, status = os.waitpid(pid, 0)
            if os.WIFSIGNALED(status):
                sig = os.WTERMSIG(status)
                stats["hang" if sig == 14 else "crash"] += 1
            else:
                stats[{0: "read", 2: "error", 3: "oom"}[os.WEXITSTATUS(status)]] += 1
    return stats


def _check(stats: dict, count: int) -> None:
    assert sum(stats[k] for k in ("read", "refused", "oom", "mismatch", "error")) == count
    assert stats["oom"] == 0 and stats["mismatch"] == 0 and stats["error"] == 0, stats
    assert stats["refused"] > 0 and stats["read"] > 0  # the mutator exercises both paths


def test_mutator_changes_files(tmp_path):
    data = base_files(tmp_path)[0].read_bytes()
    rng = np.random.default_rng(0)
    assert sum(mutate(data, rng) != data for _ in range(50)) >= 45


def test_fuzz_small():
    stats = run_campaign(300, seed=7, timeout=600)
    _check(stats, 300)


@pytest.mark.validate
def test_fuzz_10k():
    stats = run_campaign(10_000, seed=2026)
    print(stats)
    _check(stats, 10_000)


if __name__ == "__main__":
    if sys.argv[1] == "--worker":
        print(json.dumps(worker(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])))
    elif sys.argv[1] == "--raw":
        n = int(sys.argv[2])
        print(json.dumps(raw_gsd_campaign(n, int(sys.argv[3]) if len(sys.argv) > 3 else 2026)))
    elif sys.argv[1] == "--count":
        n = int(sys.argv[2])
        stats = run_campaign(n, seed=int(sys.argv[3]) if len(sys.argv) > 3 else 2026)
        print(json.dumps(stats))
