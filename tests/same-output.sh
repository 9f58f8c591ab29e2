#!/usr/bin/env bash
# Runs every command of two idx binaries on data/ and on ../shared/vectors and compares their
# stdout, stderr and exit codes byte for byte: the before/after check of a redesign step that
# must not change any output.
#
#   bash tests/same-output.sh OLD_IDX NEW_IDX
#
# Prints one line per difference and ends with 'N same, M different'; exit 1 if any differ.
set -u
old=$(realpath "$1"); new=$(realpath "$2")
root=$(cd "$(dirname "$0")/.." && pwd)
vectors="$root/../shared/vectors"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
same=0; diff=0

# run NAME DIR ARGS...: one command line in DIR with both binaries.
run() {
    local name=$1 dir=$2; shift 2
    for b in old new; do
        local bin=$old; [ $b = new ] && bin=$new
        (cd "$dir" && "$bin" "$@" >"$work/$b.out" 2>"$work/$b.err" </dev/null; echo $? >"$work/$b.code")
    done
    if cmp -s "$work/old.out" "$work/new.out" && cmp -s "$work/old.err" "$work/new.err" \
        && cmp -s "$work/old.code" "$work/new.code"; then
        same=$((same + 1))
    else
        diff=$((diff + 1)); echo "DIFFERENT: $name: idx $*"
    fi
}

d="$root/data"
a="--actions actions.csv"
for m in pw cw ew pw,cw,ew; do
    run "compute $m" "$d" compute -m $m $a prices.csv
    run "compute $m no actions" "$d" compute -m $m prices.csv
    run "compute $m json" "$d" compute -m $m $a --format json --decimals 6 prices.csv
    run "returns $m" "$d" returns --method $m $a --format csv prices.csv
done
run "compute tr" "$d" compute -m cw,ew $a --total-return prices.csv
run "compute members" "$d" compute -m cw $a --constituents constituents.csv prices.csv
run "compute group-by" "$d" compute -m cw $a --group-by group prices.csv
run "compute rebalance" "$d" compute -m ew $a --rebalance monthly prices.csv
run "compute from-to" "$d" compute -m pw $a --from 2024-06-01 --to 2024-07-01 prices.csv
run "compute check" "$d" compute -m cw --check $a prices.csv
run "returns table" "$d" returns --method cw $a --format table prices.csv
run "returns markdown" "$d" returns --method cw $a --format markdown --as-of 2024-12-31 prices.csv
run "returns json" "$d" returns --method cw $a --format json --period ytd,1y,calendar prices.csv
run "weights" "$d" weights -m cw $a prices.csv
run "weights date" "$d" weights -m cw $a --date 2024-06-28 --top 5 --decimals 4 prices.csv
run "weights by" "$d" weights -m cw $a --by group prices.csv
run "weights ew" "$d" weights -m ew $a --format json prices.csv
run "share" "$d" share -m cw $a --members ZALF,ZBRV prices.csv
run "share from" "$d" share -m cw $a --members ZALF --from 2024-12-01 --decimals 4 prices.csv
run "relative method" "$d" relative --method ew,cw $a prices.csv
run "check" "$d" check prices.csv
run "check actions" "$d" check --actions actions.csv --format json prices.csv
run "check markdown" "$d" check --actions actions.csv --format markdown prices.csv
run "chart" "$d" compute -m cw $a -o "$work/levels.csv" prices.csv
run "chart svg" "$work" chart levels.csv -o - --format svg
run "chart png" "$work" chart levels.csv -o - --format png --log
run "returns file" "$work" returns levels.csv --format csv
run "relative columns" "$d" relative --method pw,cw $a --common-dates prices.csv
run "usage error" "$d" compute prices.csv
run "data error" "$d" compute -m cw no-such-file.csv

if [ -d "$vectors" ]; then
    for v in "$vectors"/*/; do
        [ -f "$v/args" ] || continue
        # shellcheck disable=SC2046
        eval "set -- $(cat "$v/args")"
        run "vector $(basename "$v")" "$v" compute "$@"
        run "vector $(basename "$v") json" "$v" compute "$@" --format json
    done
fi
echo "$same same, $diff different"
[ "$diff" -eq 0 ]
