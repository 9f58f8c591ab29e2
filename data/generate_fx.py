#!/usr/bin/env python3
"""Generate data/usdjpy.csv: a synthetic USD/JPY rate (yen per dollar) for each date of
data/prices.csv, for trying `idx --fx` on the sample (fictional, deterministic).

Run from the repository root:   python3 data/generate_fx.py
Standard library only; fixed seed, so every run writes identical bytes. The rate is a random
walk from 141.00 with daily moves of about 0.5%, rounded to 2 decimals. It is not a real
exchange rate.
"""

import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    with open(os.path.join(HERE, "prices.csv"), encoding="utf-8") as f:
        next(f)
        dates = sorted({line.split(",", 1)[0] for line in f if line.strip()})
    rng = random.Random(15)
    rate = 141.0
    lines = ["date,rate"]
    for d in dates:
        lines.append(f"{d},{rate:.2f}")
        rate *= 1 + rng.gauss(0, 0.005)
    with open(os.path.join(HERE, "usdjpy.csv"), "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
