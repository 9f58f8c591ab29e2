#!/usr/bin/env python3
"""Side-by-side benchmark of idx against the reference implementations (issue 5's workload).

Usage (from the repository root, with ../shared beside it):
    python3 benches/compare.py [--symbols 500] [--days 10080] [--runs 3] [--data DIR]

Builds the workload with ../shared/bench/gen.py (5.04 million rows by default, date-sorted and
symbol-grouped), builds idx in release mode, then times every command alternately, run after
run, so that all share the machine's state. Wall time is the median over the runs; peak memory
is the largest resident set of the whole process (from wait4). The peers (DuckDB, polars,
pandas; `pip install duckdb polars pandas`) run when installed. Prints each figure and the
ratios of the targets, and checks idx's levels against every peer's.
"""
import argparse, csv, importlib.util, json, os, statistics, subprocess, sys, tempfile, time

GNU_TIME = "/usr/bin/time"  # Debian's `time` package; without it peak memory shows 0
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.path.join(ROOT, "..", "shared", "bench")

ap = argparse.ArgumentParser()
ap.add_argument("--symbols", type=int, default=500)
ap.add_argument("--days", type=int, default=10080)
ap.add_argument("--runs", type=int, default=3)
ap.add_argument("--data", default=os.path.join(ROOT, "target", "bench-data"))
a = ap.parse_args()
os.makedirs(a.data, exist_ok=True)


def path(name):
    return os.path.join(a.data, name)


def generate(days, order, out, actions):
    if not os.path.exists(out):
        print(f"generating {out} ...", file=sys.stderr)
        subprocess.run([sys.executable, os.path.join(SHARED, "gen.py"), "--symbols", str(a.symbols),
                        "--days", str(days), "--order", order, "--out", out, "--actions", actions],
                       check=True)


generate(a.days, "date", path("big.csv"), path("big_actions.csv"))
generate(a.days, "symbol", path("big_sym.csv"), path("big_sym_actions.csv"))
generate(a.days // 10, "date", path("small.csv"), path("small_actions.csv"))

# Build idx and the floor program.
build = subprocess.run(["cargo", "build", "--release", "--bin", "idx", "--bench", "floor",
                        "--message-format=json"], cwd=ROOT, check=True, capture_output=True, text=True)
floor = None
for line in build.stdout.splitlines():
    msg = json.loads(line)
    if msg.get("reason") == "compiler-artifact" and msg["target"]["name"] == "floor":
        floor = msg.get("executable")
IDX = os.path.join(ROOT, "target", "release", "idx")


def peer(name):
    script = os.path.join(SHARED, f"peer_{name}.py")
    if importlib.util.find_spec(name) is None:  # (not imported: that would grow this process)
        return None
    return [sys.executable, script, "cap-weighted", path("big.csv"), path("big_actions.csv")]


commands = {
    "floor (csv crate: read, parse 2 numbers)": [floor, path("big.csv")] if floor else None,
    "idx cap-weighted": [IDX, "compute", "--method", "cap-weighted", "--decimals", "10",
                         "--actions", path("big_actions.csv"), path("big.csv")],
    "idx cap-weighted, symbol-grouped": [IDX, "compute", "--method", "cap-weighted", "--decimals",
                                         "10", "--actions", path("big_sym_actions.csv"),
                                         path("big_sym.csv")],
    "idx all three methods": [IDX, "compute", "--method",
                              "price-weighted,cap-weighted,equal-weighted",
                              "--actions", path("big_actions.csv"), path("big.csv")],
    "idx cap-weighted, 1/10 of the rows": [IDX, "compute", "--method", "cap-weighted",
                                           "--actions", path("small_actions.csv"), path("small.csv")],
    "duckdb": peer("duckdb"),
    "polars": peer("polars"),
    "pandas": peer("pandas"),
}
commands = {k: v for k, v in commands.items() if v}

wall = {k: [] for k in commands}
peak = {k: 0 for k in commands}
outputs = {}
for run in range(a.runs):
    for name, cmd in commands.items():
        out_path = path("out_" + "".join(c if c.isalnum() else "_" for c in name) + ".csv")
        # Peak memory through GNU time, which forks from a small process: a process's peak
        # (ru_maxrss) includes whatever its spawner had before exec.
        measure = os.path.exists(GNU_TIME)
        with open(out_path, "w") as out, tempfile.NamedTemporaryFile("r") as mem:
            argv = [GNU_TIME, "-f", "%M", "-o", mem.name] + cmd if measure else cmd
            t0 = time.perf_counter()
            status = subprocess.run(argv, stdout=out, stderr=subprocess.DEVNULL).returncode
            wall[name].append(time.perf_counter() - t0)
            kb = mem.read().strip().splitlines()
        if measure and kb and kb[-1].isdigit():
            peak[name] = max(peak[name], int(kb[-1]) / 1024)
        if status != 0:
            sys.exit(f"{name} failed: {' '.join(cmd)}")
        outputs[name] = out_path

size = os.path.getsize(path("big.csv")) / 2**20
rows = sum(1 for _ in open(path("big.csv"))) - 1
print(f"\nworkload: {rows:,} rows, {size:.0f} MB; median of {a.runs} alternating runs; {os.cpu_count()} cores\n")
print(f"{'command':45} {'wall s':>8} {'peak MB':>9}")
for name in commands:
    print(f"{name:45} {statistics.median(wall[name]):8.2f} {peak[name]:9.1f}")

med = {k: statistics.median(v) for k, v in wall.items()}
cw = med["idx cap-weighted"]
print("\nratios (targets in brackets):")
if "duckdb" in med:
    print(f"  idx / DuckDB wall time                 {cw / med['duckdb']:.2f}   [<= 0.25]")
for p_ in ("polars", "pandas"):
    if p_ in med:
        print(f"  idx / {p_:<6} wall time                 {cw / med[p_]:.2f}")
if any(k.startswith("floor") for k in med):
    f = next(v for k, v in med.items() if k.startswith("floor"))
    print(f"  idx / floor                            {cw / f:.2f}   [<= 2]")
print(f"  idx peak memory, date-sorted           {peak['idx cap-weighted']:.1f} MB   [<= 32 MB]")
print(f"  symbol-grouped / date-sorted time      {med['idx cap-weighted, symbol-grouped'] / cw:.2f}   [<= 2]")
print(f"  symbol-grouped peak / input size       {peak['idx cap-weighted, symbol-grouped'] / size:.2f}   [<= 1]")
print(f"  all three methods / one method         {med['idx all three methods'] / cw:.2f}   [<= 1.3]")
print(f"  10x the rows / 1x the rows (time)      {cw / med['idx cap-weighted, 1/10 of the rows']:.2f}   [<= 11]")


def levels(p_):
    with open(p_) as f:
        return {r["date"]: float(r["level"]) for r in csv.DictReader(f)}


ours = levels(outputs["idx cap-weighted"])
grouped = levels(outputs["idx cap-weighted, symbol-grouped"])
print("\nagreement:")
print(f"  idx date-sorted vs symbol-grouped: {'identical' if open(outputs['idx cap-weighted']).read() == open(outputs['idx cap-weighted, symbol-grouped']).read() else 'DIFFERENT'}")
for p_ in ("duckdb", "polars", "pandas"):
    if p_ in outputs:
        theirs = levels(outputs[p_])
        if theirs.keys() != ours.keys():
            print(f"  {p_}: different dates")
            continue
        rel = max(abs(ours[d] / theirs[d] - 1) for d in ours)
        # The peers print 6 decimals: their own rounding is up to 5e-7 / level.
        rounding = max(5e-7 / theirs[d] for d in ours)
        print(f"  idx vs {p_}: max relative difference {rel:.2e} (their printed rounding alone: up to {rounding:.1e})")
