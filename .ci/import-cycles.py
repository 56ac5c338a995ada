#!/usr/bin/env python3
"""File-level import graph of a Rust crate, and its cycles (Tarjan SCC). Exits 1 when a file
imports one that imports it back, directly or through others (ARCHITECTURE.md, "No import
circles between files"); `.ci/run` runs it on both crates.

Usage: .ci/import-cycles.py SRC_DIR [--strict] [--edges] [--summary]

Edges (A -> B):
  * A declares `mod b;` (parent -> child file), non-test only;
  * A names a path (in a `use` or in code) that resolves to an item DEFINED in B.
    `use` re-exports are followed to the defining file. With --strict, every file whose
    re-export the path passes through also gets an edge (e.g. `super::WebError` through
    `web/mod.rs`'s `pub use error::WebError`).
  * glob imports (`use x::*`): an edge for each exported name of x that appears in A.
Ignored: `#[cfg(test)]` items (inline test modules, test-only uses, `mod tests;` files),
comments, string literals.
"""
import os
import re
import sys
from collections import defaultdict

IDENT = r"[A-Za-z_][A-Za-z0-9_]*"


def strip(src):
    """Remove comments, strings and char literals (keep line structure roughly)."""
    out = []
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if src.startswith("//", i):
            j = src.find("\n", i)
            i = n if j < 0 else j
            continue
        if src.startswith("/*", i):
            depth, i = 1, i + 2
            while i < n and depth:
                if src.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                elif src.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                else:
                    i += 1
            out.append(" ")
            continue
        m = re.match(r'b?r(#*)"', src[i:i + 20])
        if m and (i == 0 or not (src[i - 1].isalnum() or src[i - 1] == "_")):
            hashes = m.group(1)
            end = src.find('"' + hashes, i + m.end())
            i = n if end < 0 else end + 1 + len(hashes)
            out.append('""')
            continue
        if c == '"' or (c == "b" and src.startswith('b"', i) and not (src[i - 1].isalnum() or src[i - 1] == "_")):
            i += 2 if c == "b" else 1
            while i < n and src[i] != '"':
                i += 2 if src[i] == "\\" else 1
            i += 1
            out.append('""')
            continue
        if c == "'":
            m = re.match(r"'(\\.[^']*|[^\\'])'", src[i:i + 12])
            if m:
                i += m.end()
                out.append("' '")
                continue
        out.append(c)
        i += 1
    return "".join(out)


def match_brace(s, i):
    """s[i] == '{' -> index after the matching '}'."""
    depth = 0
    while i < len(s):
        if s[i] == "{":
            depth += 1
        elif s[i] == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return len(s)


def skip_item(s, i):
    """Skip one item starting at i (attributes then item). Returns end index."""
    while True:
        m = re.match(r"\s*#\s*\[", s[i:])
        if not m:
            break
        j = i + m.end() - 1
        depth = 0
        while j < len(s):
            if s[j] == "[":
                depth += 1
            elif s[j] == "]":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        i = j + 1
    # item ends at first ';' at depth 0 or after first top-level {...} block
    j = i
    paren = 0
    while j < len(s):
        ch = s[j]
        if ch in "([":
            paren += 1
        elif ch in ")]":
            paren -= 1
        elif ch == ";" and paren == 0:
            return j + 1
        elif ch == "{" and paren == 0:
            end = match_brace(s, j)
            # `impl X {}` / `mod t {}` / fn: end here
            return end
        j += 1
    return j


def remove_cfg_test(s):
    """Drop #[cfg(test)] items. Returns (code, test_mod_names)."""
    test_mods = set()
    pat = re.compile(r"#\s*\[\s*cfg\s*\(\s*test\s*\)\s*\]")
    while True:
        m = pat.search(s)
        if not m:
            return s, test_mods
        end = skip_item(s, m.end())
        item = s[m.end():end]
        mm = re.search(r"\bmod\s+(" + IDENT + r")\s*;", item)
        if mm and "{" not in item:
            test_mods.add(mm.group(1))
        s = s[:m.start()] + " " + s[end:]


def inline_mods_to_self(code):
    """Inside a top-level inline `mod x { .. }`, the first `super::` of a path names the file's
    module: rewrite it to `self::` (one level of nesting is enough here)."""
    out, pos = [], 0
    for m in re.finditer(r"\bmod\s+" + IDENT + r"\s*\{", code):
        if m.start() < pos:
            continue
        end = match_brace(code, m.end() - 1)
        out.append(code[pos:m.end()])
        out.append(re.sub(r"(?<![A-Za-z0-9_:])super::", "self::", code[m.end():end]))
        pos = end
    out.append(code[pos:])
    return "".join(out)


def parse_use_tree(text):
    """'a::{b, c::d as e, f::*}' -> list of (segments, alias or None, glob)."""
    text = re.sub(r"\s+", "", text)
    res = []

    def rec(prefix, t):
        # split top-level commas
        parts, depth, cur = [], 0, ""
        for ch in t:
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
            if ch == "," and depth == 0:
                parts.append(cur)
                cur = ""
            else:
                cur += ch
        if cur:
            parts.append(cur)
        for p in parts:
            if not p:
                continue
            if "{" in p:
                k = p.index("{")
                head = p[:k].rstrip(":")
                inner = p[k + 1:p.rindex("}")]
                rec(prefix + ([x for x in head.split("::") if x] if head else []), inner)
                continue
            alias = None
            if "as" in p and re.search(r"as" + IDENT + "$", p) and "::" in p or re.match(IDENT + "as" + IDENT + "$", p):
                pass
            mm = re.match(r"^(.*?)(?:\bas\b(" + IDENT + "))?$", p)
            # whitespace was removed, so handle 'xasy' carefully: re-split on original later
            segs = p.split("::")
            if segs[-1] == "*":
                res.append((prefix + segs[:-1], None, True))
                continue
            res.append((prefix + segs, None, False))

    rec([], text)
    return res


def parse_uses(code):
    """Yield (is_pub, list of (segs, alias, glob))."""
    out = []
    for m in re.finditer(r"(?:(\bpub\b(?:\s*\([^)]*\))?)\s+)?\buse\s+([^;]+);", code):
        body = m.group(2)
        # handle `as` aliases before whitespace removal
        body = re.sub(r"\s+as\s+(" + IDENT + r")", r"@\1", body)
        items = []
        for segs, _, glob in parse_use_tree(body):
            alias = None
            if segs and "@" in segs[-1]:
                last, alias = segs[-1].split("@")
                segs = segs[:-1] + [last]
            segs = [x.lstrip(":") for x in segs if x]
            if segs and segs[0] == "":
                segs = segs[1:]
            items.append((segs, alias, glob))
        out.append((bool(m.group(1)), items, m.span()))
    return out


class Module:
    def __init__(self, path, parent):
        self.path = path
        self.parent = parent
        self.children = {}  # name -> Module
        self.defs = set()
        self.uses = []  # (segs, alias, glob)
        self.code = ""


def brace_depths(code):
    """The brace nesting depth at each position of `code` (a brace counts as inside itself)."""
    depths = []
    d = 0
    for ch in code:
        if ch == "{":
            d += 1
        depths.append(d)
        if ch == "}":
            d -= 1
    return depths


def top_level_defs(code):
    defs = set()
    depth = 0
    i = 0
    pat = re.compile(r"\b(?:struct|enum|fn|const|static|trait|type|union)\s+(" + IDENT + r")|\bmacro_rules!\s*(" + IDENT + ")")
    depths = brace_depths(code)
    for m in pat.finditer(code):
        if depths[m.start()] == 0:
            name = m.group(1) or m.group(2)
            if name != "_":
                defs.add(name)
    return defs


def load(src_dir, root_file):
    mods = {}

    def build(path, parent, is_dir_owner):
        with open(path) as f:
            raw = f.read()
        code = strip(raw)
        code, test_mods = remove_cfg_test(code)
        code = inline_mods_to_self(code)
        mod = Module(path, parent)
        mod.code = code
        mods[path] = mod
        mod.defs = top_level_defs(code)
        for is_pub, items, span in parse_uses(code):
            for segs, alias, glob in items:
                mod.uses.append((segs, alias, glob, is_pub))
        base = os.path.dirname(path) if is_dir_owner else os.path.splitext(path)[0]
        depths = brace_depths(code)
        for m in re.finditer(r"(?:#\s*\[\s*path\s*=\s*\"\"\s*\]\s*)?\b(?:pub(?:\s*\([^)]*\))?\s+)?mod\s+(" + IDENT + r")\s*;", code):
            name = m.group(1)
            if depths[m.start()] != 0 or name in test_mods:
                continue
            cand = [os.path.join(base, name + ".rs"), os.path.join(base, name, "mod.rs")]
            for c in cand:
                if os.path.exists(c):
                    mod.children[name] = build(c, mod, c.endswith("mod.rs"))
                    break
            else:
                print("warn: no file for mod", name, "in", path, file=sys.stderr)
        return mod

    root = build(os.path.join(src_dir, root_file), None, True)
    return root, mods


class Resolver:
    def __init__(self, root, strict):
        self.root = root
        self.strict = strict

    def start(self, mod, segs):
        """Resolve the first segment; returns (module, rest, via_files) or None."""
        if not segs:
            return None
        s0 = segs[0]
        if s0 == "crate":
            return self.root, segs[1:]
        if s0 == "super":
            m = mod
            i = 0
            while i < len(segs) and segs[i] == "super":
                m = m.parent
                i += 1
            return m, segs[i:]
        if s0 == "self":
            return mod, segs[1:]
        if s0 in mod.children:
            return mod, segs
        return None

    def lookup_name(self, mod, name):
        """A name visible in module `mod` (defined or imported). -> ('def', mod) |
        ('use', segs) | ('mod', child) | None."""
        if name in mod.children:
            return ("mod", mod.children[name])
        if name in mod.defs:
            return ("def", mod)
        for segs, alias, glob, is_pub in mod.uses:
            if glob:
                continue
            local = alias or (segs[-1] if segs else None)
            if local == "self" and len(segs) >= 2:
                local = alias or segs[-2]
                segs = segs[:-1]
            if local == name:
                return ("use", segs)
        return None

    def resolve(self, mod, segs, depth=0):
        """Files the path depends on (set) and, if it ends at a module, that module."""
        if depth > 20:
            return set(), None
        st = self.start(mod, segs)
        if st is None:
            # maybe an alias imported in this module
            if segs:
                look = self.lookup_name(mod, segs[0])
                if look and look[0] == "use":
                    return self.resolve(mod, look[1] + segs[1:], depth + 1)
                if look and look[0] == "def":
                    return {mod.path}, None
            return set(), None
        cur, rest = st
        files = set()
        for k, seg in enumerate(rest):
            if seg == "self":
                continue
            last = k == len(rest) - 1
            if seg in cur.children and (not last or seg not in cur.defs):
                cur = cur.children[seg]
                continue
            if seg in cur.defs:
                files.add(cur.path)
                return files, None
            look = self.lookup_name(cur, seg)
            if look and look[0] == "use":
                if self.strict:
                    files.add(cur.path)
                f, m = self.resolve(cur, look[1] + rest[k + 1:], depth + 1)
                return files | f, m
            # glob re-exports
            for gsegs, _, glob, _ in cur.uses:
                if glob:
                    f, m = self.resolve(cur, gsegs + rest[k:], depth + 1)
                    if f or m:
                        if self.strict:
                            files.add(cur.path)
                        return files | f, m
            # unknown (enum variant of an item etc.): depend on the module file
            files.add(cur.path)
            return files, None
        return files, cur

    def exported(self, mod, depth=0):
        """Names visible in mod -> files they resolve to."""
        names = {}
        for d in mod.defs:
            names[d] = {mod.path}
        for c, cm in mod.children.items():
            names.setdefault(c, set())
        for segs, alias, glob, _ in mod.uses:
            if glob or not segs:
                continue
            local = alias or segs[-1]
            if local == "self" and len(segs) >= 2:
                local, segs = alias or segs[-2], segs[:-1]
            if local not in names:
                f, _ = self.resolve(mod, segs, depth + 1)
                names[local] = f | ({mod.path} if self.strict else set())
        return names


PATH_RE = re.compile(r"(?<![A-Za-z0-9_:])(" + IDENT + r"(?:\s*::\s*" + IDENT + r")+)")


def edges_of(mod, res):
    out = defaultdict(set)  # target -> reasons
    if "--no-mod" not in sys.argv:
        for name, child in mod.children.items():
            out[child.path].add("mod " + name)
    code_wo_uses = re.sub(r"(?:\bpub\b(?:\s*\([^)]*\))?\s+)?\buse\s+[^;]+;", " ", mod.code)
    words = set(re.findall(IDENT, code_wo_uses))
    for segs, alias, glob, is_pub in mod.uses:
        if glob:
            st = res.start(mod, segs) if segs else None
            target = None
            if st:
                f, target = res.resolve(mod, segs)
            if target is None:
                continue
            if res.strict:
                out[target.path].add("glob " + "::".join(segs))
            for name, files in res.exported(target).items():
                if name in words:
                    for f in files:
                        out[f].add("glob %s::%s" % ("::".join(segs), name))
            continue
        files, endmod = res.resolve(mod, segs)
        for f in files:
            out[f].add("use " + "::".join(segs))
    for m in PATH_RE.finditer(code_wo_uses):
        segs = [x.strip() for x in m.group(1).split("::")]
        if segs[0] not in ("crate", "super", "self") and segs[0] not in mod.children:
            look = res.lookup_name(mod, segs[0])
            if not look or look[0] != "use":
                continue
        files, _ = res.resolve(mod, segs)
        for f in files:
            out[f].add("path " + "::".join(segs))
    out.pop(mod.path, None)
    return out


def tarjan(graph):
    index, low, on, stack, sccs = {}, {}, set(), [], []
    counter = [0]
    sys.setrecursionlimit(100000)

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            sccs.append(comp)

    for v in list(graph):
        if v not in index:
            visit(v)
    return sccs


def main():
    src = sys.argv[1]
    strict = "--strict" in sys.argv
    show_edges = "--edges" in sys.argv
    root_file = "lib.rs"
    root, mods = load(src, root_file)
    res = Resolver(root, strict)
    graph = {}
    reasons = {}
    for path, mod in mods.items():
        e = edges_of(mod, res)
        graph[path] = set(e)
        for t, r in e.items():
            reasons[(path, t)] = r
    rel = lambda p: os.path.relpath(p, src)
    if show_edges:
        for p in sorted(graph):
            for t in sorted(graph[p]):
                print("%s -> %s   [%s]" % (rel(p), rel(t), "; ".join(sorted(reasons[(p, t)]))))
    sccs = [c for c in tarjan(graph) if len(c) > 1]
    mutual = sorted({tuple(sorted((a, b))) for a in graph for b in graph[a] if a in graph.get(b, ())})
    print("files: %d  edges: %d  cyclic SCCs: %d  files in cycles: %d  mutual pairs: %d  (%s)" % (
        len(mods), sum(len(v) for v in graph.values()), len(sccs), sum(len(c) for c in sccs), len(mutual),
        "strict" if strict else "defining-file"))
    for a, b in mutual:
        print("MUTUAL %s <-> %s" % (rel(a), rel(b)))
    if "--summary" in sys.argv:
        sys.exit(1 if sccs else 0)
    for c in sorted(sccs, key=len):
        cs = set(c)
        print("SCC (%d): %s" % (len(c), ", ".join(sorted(rel(x) for x in c))))
        for a in sorted(c):
            for b in sorted(graph[a] & cs):
                print("    %s -> %s   [%s]" % (rel(a), rel(b), "; ".join(sorted(reasons[(a, b)]))[:200]))
    sys.exit(1 if sccs else 0)


if __name__ == "__main__":
    main()
