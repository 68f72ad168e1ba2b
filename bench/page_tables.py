#!/usr/bin/env python3
"""Second reading of reference pages' request parameters, to measure popcheck's page readers.

usage: page_tables.py [--summary] RESULTS.tsv

RESULTS.tsv has one line per page: `page<TAB>catalogue-folder<TAB>exit-status[<TAB>group...]`, where
the folder is what `popcheck compile PAGE --out FOLDER` wrote and the group (the page's repository or
product; `-` or absent when not known) groups the totals. --summary prints the totals only. For each page this script reads the parameter
names and required flags the page shows, with rules of its own that are deliberately simpler than
popcheck's (the rows of the first table in the request section whose first cell is a parameter name,
or every bold name followed by a Type/类型 bullet), and compares them with the contract's
parameters and their fields. It prints one line per page that differs and the totals:

  pages                   pages given
  one contract            pages that compiled (exit 0) into exactly one catalogue file
  tables agree            of those, pages whose (name, required) pairs of the parameter table equal
                          the second reading (in any order; fields of a parameter are not rows)
"""
import json
import os
import re
import sys

REQUEST = re.compile(r"(请求参数|输入参数|request param)", re.I)
NAME = re.compile(r"^[A-Za-z][A-Za-z0-9._\- ]{0,80}$")
REQUIRED_LABELS = {"是否必选", "是否必需", "是否必须", "是否必填", "是否必要", "必选", "必填",
                   "必要", "必需", "必须", "required", "required?", "是否必要参数",
                   "mandatory", "mandatory or not", "required or not"}
YES = {"是", "yes", "true", "必选", "必填", "必须", "必需", "必要", "required", "y"}
NO = {"否", "no", "false", "可选", "选填", "非必选", "非必填", "非必须", "non-required",
      "optional", "n"}


def clean(cell):
    c = re.sub(r"\\(.)", r"\1", cell).strip()
    c = c.replace("└", "").strip()
    for mark in ("**", "__", "`"):
        if c.startswith(mark) and c.endswith(mark) and len(c) > 2 * len(mark):
            c = c[len(mark):-len(mark)].strip()
    return c


def flag(text):
    t = clean(text).lower().rstrip(".。")
    if t in YES:
        return True
    if t in NO:
        return False
    return None


def request_lines(text):
    """The lines of the request section(s): from a request heading to the next heading of its level
    or above. Fenced code is skipped."""
    lines, out, level, fence = text.split("\n"), [], 0, False
    for line in lines:
        if line.lstrip().startswith("```"):
            fence = not fence
            if level:
                out.append("")
            continue
        m = re.match(r"^(#{1,6})\s+(.*)$", line) if not fence else None
        if m:
            n = len(m.group(1))
            if level and n <= level:
                level = 0
            if not level and REQUEST.search(m.group(2)):
                level = n
            continue
        if level and not fence:
            out.append(line)
    return out


def logical_rows(lines):
    """Table rows as (first line index, text): from a line starting with '|' through the first line
    that ends with '|' (cells may run over several lines, or stand one per line)."""
    buf, start = None, 0
    for i, line in enumerate(lines):
        t = line.strip()
        if buf is None:
            if not t.startswith("|"):
                continue
            buf, start = t, i
        elif t:
            buf += "\n" + t
        if buf is not None and buf.endswith("|") and len(buf) > 1:
            yield start, buf
            buf = None


def split_cells(row):
    return [c.strip() for c in re.split(r"(?<!\\)\|", row.strip().strip("|"))]


NAME_LABELS = ("名称", "name", "parameter", "parameters", "参数", "参数名", "参数名称", "字段")
LABELS = set(NAME_LABELS) | REQUIRED_LABELS | {
    "类型", "type", "数据类型", "参数类型", "描述", "说明", "description", "示例值", "示例", "example",
    "example value", "example values", "默认值", "default value", "备注", "mandatory or not"}


def read_page(text):
    """(name, required) of the rows of the first parameter table of the request section, or of its
    bold-name list."""
    rows = []
    lines = request_lines(text)
    logical = list(logical_rows(lines))
    req_col, tables, last_end = None, 0, None
    for k, (start, row) in enumerate(logical):
        if set(row) <= set("|-: \n"):
            continue
        cells = split_cells(row)
        labels = [clean(c).lower().rstrip(":：?？") for c in cells]
        before_delimiter = k + 1 < len(logical) and set(logical[k + 1][1]) <= set("|-: \n")
        if before_delimiter or all(l in LABELS for l in labels):
            if any(l in REQUIRED_LABELS for l in labels) or labels[0] in NAME_LABELS:
                tables += 1
            req_col = next((j for j, l in enumerate(labels) if l in REQUIRED_LABELS), None)
            continue
        name = clean(cells[0])
        if tables == 1 and NAME.match(name):
            req = flag(cells[req_col]) if req_col is not None and req_col < len(cells) else None
            rows.append((name, bool(req)))
    for i, line in enumerate(lines):
        m = re.match(r"^\*\*([A-Za-z][A-Za-z0-9._\\\-]*)\*\*\s*[:：]?$", line)
        if m:
            name = clean(m.group(1))
            kind, req = False, False
            for nxt in lines[i + 1:i + 12]:
                b = re.match(r"^\s*[-*]\s+([^:：]{1,20})[:：]\s*(.*)$", nxt)
                if re.match(r"^\*\*", nxt):
                    break
                if b and b.group(1).strip().lower() in ("类型", "type", "数据类型"):
                    kind = True
                if b and b.group(1).strip().lower() in REQUIRED_LABELS:
                    req = bool(flag(b.group(2)))
            if kind:
                rows.append((name, req))
    return rows


def contract_rows(folder):
    files = []
    for root, _, names in os.walk(folder):
        files += [os.path.join(root, n) for n in names if n.endswith(".json")]
    if len(files) != 1:
        return None, len(files)
    with open(files[0], encoding="utf-8") as f:
        contract = json.load(f)["contract"]
    rows = []

    for p in contract["params"]:
        if p.get("table", 0) == 0:
            rows.append((p["name"], bool(p.get("required"))))
    return rows, 1


def main():
    args = sys.argv[1:]
    summary = "--summary" in args
    args = [a for a in args if a != "--summary"]
    if len(args) != 1:
        sys.exit("usage: page_tables.py [--summary] RESULTS.tsv")
    out = (lambda *a: None) if summary else print
    totals = {}  # group -> [pages, one contract, tables agree]
    for line in open(args[0], encoding="utf-8"):
        page, folder, status, *rest = line.rstrip("\n").split("\t")
        t = totals.setdefault(rest[0] if rest else "-", [0, 0, 0])
        t[0] += 1
        rows, n = (None, 0) if status != "0" else contract_rows(folder)
        if rows is None:
            out(f"NO CONTRACT ({n} files, exit {status}): {page}")
            continue
        t[1] += 1
        with open(page, encoding="utf-8", errors="replace") as f:
            want = read_page(f.read())
        if sorted(rows) == sorted(want):
            t[2] += 1
        else:
            missing = sorted(set(want) - set(rows))
            extra = sorted(set(rows) - set(want))
            out(f"DIFFERS: {page}\n    page only: {missing[:6]}\n    contract only: {extra[:6]}")
    pct = lambda a, b: f"{100.0 * a / b:.1f}%" if b else "-"
    line = lambda p, o, a: f"pages {p}; one contract {o} ({pct(o, p)}); tables agree {a} of {o} ({pct(a, o)})"
    if len(totals) > 1 or "-" not in totals:
        for product in sorted(totals):
            print(f"  {product}: " + line(*totals[product]))
    print(line(*(sum(t[k] for t in totals.values()) for k in range(3))))


if __name__ == "__main__":
    main()
