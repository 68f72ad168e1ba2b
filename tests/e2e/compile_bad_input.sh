#!/usr/bin/env bash
# Bad input through the real binary: an empty file, a binary file, a page with no tables, invalid
# UTF-8, an api-docs.json that is not JSON, a truncated table and a 50 MB file. Each gets a clear error
# naming the file (and the line where it applies), never a crash; the good input next to them is still
# compiled; the exit status is 2.
set -euo pipefail
: "${POPCHECK:?path of the popcheck binary}" "${POPCHECK_SRC:?source tree}"
data="$POPCHECK_SRC/data"  # the bundled metadata
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; echo "--- stderr" >&2; cat "$tmp/err.txt" >&2; exit 1; }

: >"$tmp/empty.md"
printf '\177ELF\002\001\001\000\000\000\000\000\000\000\000\000\003\000>\000\001\000\000\000' \
  >"$tmp/binary.bin"
printf '# DescribeThings\n\nThis page describes things but has no table at all.\n\n## Examples\n\nNone.\n' \
  >"$tmp/notables.md"
# Line 7 holds a byte that is not UTF-8.
printf '# RemoveThings\n\n## 请求参数\n\n|名称|类型|是否必选|示例值|描述|\n|--|--|----|---|--|\n|RegionId|String|是|cn-\377|地域。|\n' \
  >"$tmp/badutf8.md"
printf '{\n  "info": {"product": "Ecs"},\n  "apis": {\n    oops\n  }\n}\n' >"$tmp/notjson.json"
printf '# RemoveThings\n\n## 请求参数\n\n|名称|类型|是否必选|示例值|描述|\n|--|--|----|---|--|\n|RegionId|String|是|cn-hangzhou|地域\n' \
  >"$tmp/truncated.md"
head -c 52428800 /dev/zero | tr '\0' 'x' >"$tmp/big.md"
cp "$POPCHECK_SRC/tests/data/pages/zh-five-columns.md" "$tmp/good.md"  # the project's own page

set +e
"$POPCHECK" compile "$tmp/empty.md" "$tmp/binary.bin" "$tmp/notables.md" "$tmp/badutf8.md" \
  "$tmp/notjson.json" "$tmp/truncated.md" "$tmp/big.md" "$tmp/good.md" \
  --metadata "$data/metadata/ecs-2014-05-26.json" --out "$tmp/cat" >"$tmp/out.txt" 2>"$tmp/err.txt"
rc=$?
set -e
[ "$rc" -eq 2 ] || fail "exit status $rc, expected 2"
for f in empty.md binary.bin notables.md badutf8.md notjson.json truncated.md big.md; do
  grep -q "$tmp/$f" "$tmp/err.txt" || fail "no error names $f"
done
grep -q "$tmp/good.md" "$tmp/err.txt" && fail "the good page was reported as an error"
grep -q "$tmp/notjson.json:4:" "$tmp/err.txt" || fail "the JSON error does not name line 4"
grep -q "$tmp/badutf8.md:7:" "$tmp/err.txt" || fail "the UTF-8 error does not name line 7"
grep -q "larger than" "$tmp/err.txt" || fail "the 50 MB file is not reported as too large"
[ -f "$tmp/cat/ecs/UnbindLabels.json" ] || fail "the good page was not compiled"
grep -q "^1 actions" "$tmp/out.txt" || fail "summary does not count the one good action"
grep -q "7 failed" "$tmp/out.txt" || fail "summary does not count seven failed inputs"
# No stack traces or sanitizer reports: every line of stderr is a popcheck message.
if grep -v "^popcheck compile: " "$tmp/err.txt" | grep -q .; then fail "unexpected stderr output"; fi
echo "ok: $(wc -l <"$tmp/err.txt") inputs rejected with clear errors, the good one compiled"
