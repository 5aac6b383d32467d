#!/usr/bin/env python3
"""Rewrites relative import specifiers (and `new URL("./…", import.meta.url)`) that point to files moved
between two commits, in every .ts file of the working tree.

For merging a branch that moved files (e.g. `refactor`, issue 15) with branches that added code importing
the old paths: after the merge, run

    python3 tools/fix_moved_imports.py BASE MOVING_COMMIT [OLD=NEW ...]

where the renames are taken from `git diff -M --name-status BASE MOVING_COMMIT`, plus OLD=NEW pairs for
files git does not see as renamed (rewritten while moved). A file that itself sits
at a moved path's new location is resolved from its old location. Specifiers that point to unmoved files
are left as they are. Prints each rewritten file; `deno check .` afterwards shows what is left.
"""
import os
import re
import subprocess
import sys


def renames(base: str, head: str) -> dict:
    out = subprocess.run(
        ["git", "diff", "-M", "--name-status", base, head], capture_output=True, text=True, check=True
    ).stdout
    moved = {}
    for line in out.splitlines():
        parts = line.split("\t")
        if parts[0].startswith("R") and len(parts) == 3:
            moved[os.path.normpath(parts[1])] = os.path.normpath(parts[2])
    return moved


SPEC = re.compile(r"""((?:\bfrom|\bimport)\s*\(?\s*|new URL\(\s*)(["'])(\.{1,2}/[^"']+)\2""")


def main() -> None:
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    moved = renames(sys.argv[1], sys.argv[2])
    for pair in sys.argv[3:]:
        old, new = pair.split("=", 1)
        moved[os.path.normpath(old)] = os.path.normpath(new)
    back = {new: old for old, new in moved.items()}
    files = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "*.ts"],
        capture_output=True, text=True, check=True,
    ).stdout.split()
    for f in files:
        if not os.path.exists(f):
            continue
        home = os.path.dirname(back.get(f, f))  # where the file's specifiers were written from
        here = os.path.dirname(f)
        src = open(f, encoding="utf-8").read()

        def fix(m: re.Match) -> str:
            spec = m.group(3)
            if home != here and os.path.exists(os.path.normpath(os.path.join(here, spec))):
                return m.group(0)  # already right from where the moved file now is
            old = os.path.normpath(os.path.join(home, spec))
            new = moved.get(old)
            if new is None:
                if home == here or not os.path.exists(old):
                    return m.group(0)
                new = old
            rel = os.path.relpath(new, here or ".")
            rel = rel if rel.startswith(".") else "./" + rel
            if spec.endswith("/") and not rel.endswith("/"):
                rel += "/"
            return m.group(1) + m.group(2) + rel + m.group(2)

        out = SPEC.sub(fix, src)
        if out != src:
            open(f, "w", encoding="utf-8").write(out)
            print(f)


if __name__ == "__main__":
    main()
