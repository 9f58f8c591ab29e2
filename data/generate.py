#!/usr/bin/env python3
"""Generate idx's sample data set (fictional, deterministic).

Run from the repository root:   python3 data/generate.py
It (re)writes data/prices.csv, data/actions.csv and data/constituents.csv next to this
script. Standard library only; fixed seed, so every run writes identical bytes.

Universe: 13 fictional companies (made-up tickers), 12 index members on every date.
Trading days: US weekdays 2024-01-02 .. 2025-03-31 without the NYSE holidays
(2024-01-01, 01-15, 02-19, 03-29, 05-27, 06-19, 07-04, 09-02, 11-28, 12-25;
 2025-01-01, 01-09, 01-20, 02-17).

Events (all effective at the open of the date given):
  2024-04-15  ZDLT  secondary offering: shares +10%  (820,000,000 -> 902,000,000)
  2024-06-10  ZALF  4-for-1 split: price / 4 on that row (vs. the no-split path),
                    shares x4 from that date on          (actions.csv: split 4)
  2024-08-01  ZCHR  buyback: shares -3%  (1,500,000,000 -> 1,455,000,000)
  2024-09-16  ZMKE  first price row (announced addition; NOT a member yet)
  2024-09-20  ZHTL  last row and last day as a member
  2024-09-23  ZMKE  joins the index (replaces ZHTL); constituents.csv has the dates
  2024-10-01  ZKLO  1-for-10 reverse split: price x10, shares /10  (actions.csv: split 0.1)
  2024-11-12,
  2024-11-13  ZJUL  trading halt: no rows; with --constituents it is carried at its
                    2024-11-11 close (one warning on stderr)
  2024-12-16  ZECO  special dividend 5.00: that row's price is (previous close - 5.00)
                    times the day's move               (actions.csv: special_dividend 5.00)
  quarterly   ZCHR, ZDLT, ZECO, ZFOX, ZGLF, ZIND: ordinary dividends (actions.csv:
              dividend); the price falls by the dividend on the ex-date, so the price
              index dips slightly and --total-return puts it back.

Prices are kept as integer cents and written as exact 2-decimal text; shares are integers.
"""

import datetime
import decimal
import os
import random

SEED = 20240102

HOLIDAYS = {
    "2024-01-01", "2024-01-15", "2024-02-19", "2024-03-29", "2024-05-27",
    "2024-06-19", "2024-07-04", "2024-09-02", "2024-11-28", "2024-12-25",
    "2025-01-01", "2025-01-09", "2025-01-20", "2025-02-17",
}
FIRST_DAY = datetime.date(2024, 1, 2)
LAST_DAY = datetime.date(2025, 3, 31)

# symbol: (group, start price in cents, shares, daily idiosyncratic vol, beta, daily drift)
STOCKS = {
    "ZALF": ("Tech", 56240, 1_150_000_000, 0.013, 1.25, 0.0001),
    "ZBRV": ("Tech", 18875, 2_300_000_000, 0.014, 1.20, 0.0004),
    "ZCHR": ("Banks", 4710, 1_500_000_000, 0.008, 1.05, 0.0002),
    "ZDLT": ("Banks", 6285, 820_000_000, 0.009, 1.10, 0.0001),
    "ZECO": ("Energy", 8460, 640_000_000, 0.012, 0.80, 0.0000),
    "ZFOX": ("Energy", 3395, 1_900_000_000, 0.013, 0.85, -0.0001),
    "ZGLF": ("Health", 14720, 410_000_000, 0.009, 0.70, 0.0002),
    "ZHTL": ("Health", 9255, 530_000_000, 0.011, 0.75, -0.0004),
    "ZIND": ("Industrials", 23610, 270_000_000, 0.010, 1.00, 0.0003),
    "ZJUL": ("Consumer", 4125, 3_100_000_000, 0.012, 0.95, 0.0002),
    "ZKLO": ("Consumer", 1460, 2_400_000_000, 0.020, 1.10, -0.0025),
    "ZLMA": ("Industrials", 11830, 95_000_000, 0.011, 0.95, 0.0002),
    "ZMKE": ("Health", 9640, 700_000_000, 0.012, 0.80, 0.0003),
}
MARKET_VOL = 0.0085

FIRST_ROW = {"ZMKE": "2024-09-16"}
LAST_ROW = {"ZHTL": "2024-09-20"}
HALTED = {("ZJUL", "2024-11-12"), ("ZJUL", "2024-11-13")}

# (date, symbol) -> new shares per old share
SPLITS = {("2024-06-10", "ZALF"): (4, 1), ("2024-10-01", "ZKLO"): (1, 10)}
# (date, symbol) -> new share count (offering, buyback)
SHARE_CHANGES = {
    ("2024-04-15", "ZDLT"): 902_000_000,
    ("2024-08-01", "ZCHR"): 1_455_000_000,
}
SPECIAL_DIVIDENDS = {("2024-12-16", "ZECO"): 500}  # cents
# symbol -> (cents per share, ex-dates)
DIVIDENDS = {
    "ZCHR": (38, ["2024-02-08", "2024-05-09", "2024-08-08", "2024-11-07", "2025-02-06"]),
    "ZDLT": (55, ["2024-03-14", "2024-06-13", "2024-09-12", "2024-12-12", "2025-03-13"]),
    "ZECO": (92, ["2024-02-22", "2024-05-23", "2024-08-22", "2024-11-21", "2025-02-20"]),
    "ZFOX": (31, ["2024-03-07", "2024-06-06", "2024-09-05", "2024-12-05", "2025-03-06"]),
    "ZGLF": (84, ["2024-01-25", "2024-04-25", "2024-07-25", "2024-10-24", "2025-01-23"]),
    "ZIND": (120, ["2024-02-15", "2024-05-16", "2024-08-15", "2024-11-14", "2025-02-13"]),
}

CONSTITUENTS = [(s, "", "") for s in STOCKS if s not in ("ZHTL", "ZMKE")]
CONSTITUENTS += [("ZHTL", "", "2024-09-20"), ("ZMKE", "2024-09-23", "")]


def trading_days():
    day = FIRST_DAY
    while day <= LAST_DAY:
        iso = day.isoformat()
        if day.weekday() < 5 and iso not in HOLIDAYS:
            yield iso
        day += datetime.timedelta(days=1)


def cents_text(cents):
    return "%d.%02d" % divmod(cents, 100)


def main():
    out_dir = os.path.dirname(os.path.abspath(__file__))
    rng = random.Random(SEED)
    days = list(trading_days())
    dividends = {(d, s): c for s, (c, ds) in DIVIDENDS.items() for d in ds}

    price = {s: v[1] for s, v in STOCKS.items()}  # last traded close, cents
    shares = {s: v[2] for s, v in STOCKS.items()}
    seen = set()
    rows = []
    for day in days:
        market = rng.gauss(0.0003, MARKET_VOL)
        for sym in sorted(STOCKS):
            group, _, _, vol, beta, drift = STOCKS[sym]
            move = rng.gauss(drift, vol) + beta * market  # drawn every day: stable stream
            if day < FIRST_ROW.get(sym, day) or day > LAST_ROW.get(sym, day):
                continue
            if (sym, day) in HALTED:
                continue
            if sym not in seen:  # first row: the start price as it is
                seen.add(sym)
                rows.append((day, sym, price[sym], shares[sym], group))
                continue
            base = price[sym] - SPECIAL_DIVIDENDS.get((day, sym), 0) - dividends.get((day, sym), 0)
            num, den = SPLITS.get((day, sym), (1, 1))
            if (day, sym) in SPLITS:
                shares[sym] = shares[sym] * num // den
            shares[sym] = SHARE_CHANGES.get((day, sym), shares[sym])
            # no-split price path divided by the split ratio, then the day's move
            price[sym] = max(1, round(base * den / num * (1.0 + move)))
            rows.append((day, sym, price[sym], shares[sym], group))

    with open(os.path.join(out_dir, "prices.csv"), "w", newline="") as f:
        f.write("date,symbol,price,shares,group\n")
        for day, sym, cents, qty, group in rows:
            f.write("%s,%s,%s,%d,%s\n" % (day, sym, cents_text(cents), qty, group))

    actions = []
    for (day, sym), (num, den) in SPLITS.items():
        ratio = decimal.Decimal(num) / decimal.Decimal(den)
        actions.append((day, sym, "split", str(ratio.normalize())))
    for (day, sym), cents in SPECIAL_DIVIDENDS.items():
        actions.append((day, sym, "special_dividend", cents_text(cents)))
    for (day, sym), cents in dividends.items():
        actions.append((day, sym, "dividend", cents_text(cents)))
    actions.sort()
    with open(os.path.join(out_dir, "actions.csv"), "w", newline="") as f:
        f.write("date,symbol,action,value\n")
        for action in actions:
            f.write(",".join(action) + "\n")

    with open(os.path.join(out_dir, "constituents.csv"), "w", newline="") as f:
        f.write("symbol,start,end\n")
        for member in sorted(CONSTITUENTS):
            f.write(",".join(member) + "\n")


if __name__ == "__main__":
    main()
