#!/usr/bin/env python3
"""prom_check.py FILE - a strict check of a Prometheus text exposition
(format 0.0.4), for when promtool is not installed and as a second
opinion: every sample belongs to a metric declared by one # TYPE line
before it (and one # HELP), names and label names are valid, label values
are properly quoted and escaped, values are floats, no series repeats,
counters end in _total, and each histogram has increasing le bounds with
cumulative counts ending in le="+Inf" equal to _count.  Prints what is
wrong and exits 1, else exits 0."""
import re
import sys

NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*$")
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"')
SAMPLE = re.compile(r"([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$")


def labels_of(text, errors, n):
    out, pos = [], 0
    while pos < len(text):
        m = LABEL.match(text, pos)
        if not m:
            errors.append("line %d: bad labels {%s}" % (n, text))
            return None
        out.append((m.group(1), m.group(2)))
        pos = m.end()
        if pos < len(text):
            if text[pos] != ",":
                errors.append("line %d: bad labels {%s}" % (n, text))
                return None
            pos += 1
    if len({k for k, _ in out}) != len(out):
        errors.append("line %d: a label repeats" % n)
    return tuple(out)


def main():
    errors, types, helps, seen = [], {}, set(), set()
    hist = {}
    for n, line in enumerate(open(sys.argv[1], encoding="utf-8"), 1):
        line = line.rstrip("\n")
        if line.startswith("# HELP "):
            name = line.split(" ", 3)[2]
            if name in helps:
                errors.append("line %d: second HELP for %s" % (n, name))
            helps.add(name)
            continue
        if line.startswith("# TYPE "):
            p = line.split(" ")
            if len(p) != 4 or not NAME.match(p[2]) or p[3] not in (
                    "counter", "gauge", "histogram", "summary", "untyped"):
                errors.append("line %d: bad TYPE line" % n)
                continue
            if p[2] in types:
                errors.append("line %d: second TYPE for %s" % (n, p[2]))
            types[p[2]] = p[3]
            if p[3] == "counter" and not p[2].endswith("_total"):
                errors.append("line %d: counter %s lacks _total" % (n, p[2]))
            continue
        if line.startswith("#") or not line:
            continue
        m = SAMPLE.match(line)
        if not m:
            errors.append("line %d: not a sample: %r" % (n, line))
            continue
        name, labels = m.group(1), labels_of(m.group(3) or "", errors, n)
        try:
            value = float(m.group(4))
        except ValueError:
            errors.append("line %d: bad value %r" % (n, m.group(4)))
            continue
        base = re.sub(r"_(bucket|sum|count)$", "", name)
        family = name if name in types else base
        if family not in types:
            errors.append("line %d: %s has no TYPE before it" % (n, name))
            continue
        if family not in helps:
            errors.append("line %d: %s has no HELP" % (n, family))
        if (name, labels) in seen:
            errors.append("line %d: series repeats: %s" % (n, line))
        seen.add((name, labels))
        if types[family] == "histogram" and labels is not None:
            h = hist.setdefault(family, {"le": [], "count": None})
            if name.endswith("_bucket"):
                le = dict(labels).get("le")
                if le is None:
                    errors.append("line %d: bucket without le" % n)
                else:
                    h["le"].append((float(le), value))
            elif name.endswith("_count"):
                h["count"] = value
    for family, h in hist.items():
        bounds = [b for b, _ in h["le"]]
        counts = [c for _, c in h["le"]]
        if bounds != sorted(bounds) or not bounds or bounds[-1] != float("inf"):
            errors.append("%s: le bounds not increasing to +Inf" % family)
        if counts != sorted(counts):
            errors.append("%s: bucket counts not cumulative" % family)
        if counts and h["count"] != counts[-1]:
            errors.append("%s: +Inf bucket != _count" % family)
    for e in errors:
        print(e)
    return 1 if errors else 0


sys.exit(main())
