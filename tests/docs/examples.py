#!/usr/bin/env python3
"""Docs examples are golden cases: every fenced block in README.md and docs/*.md whose first
line is "$ gomedic ARGS" is run (from the repository root, no shell, colour off) and its
stdout and stderr (merged) compared with the rest of the block, where a line "..." stands for
any number of lines. --update rewrites the blocks from the current binary; review the git diff.
Prints "docs: N passed, N failed"."""
import glob, os, re, shlex, subprocess, sys

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
gomedic = os.environ.get("GOMEDIC", os.path.join(root, "build", "gomedic"))
if not os.path.isabs(gomedic):
    gomedic = os.path.join(root, gomedic)
update = "--update" in sys.argv
env = dict(os.environ, NO_COLOR="1", TERM="dumb")
block_re = re.compile(r"```[a-z]*\n(\$ gomedic [^\n]*)\n(.*?)```", re.S)
passed = failed = 0
for path in [os.path.join(root, "README.md")] + sorted(glob.glob(os.path.join(root, "docs", "*.md"))):
    text = open(path, encoding="utf-8").read()
    out_parts, pos = [], 0
    for m in block_re.finditer(text):
        cmdline, body = m.group(1), m.group(2)
        args = []
        for a in shlex.split(cmdline[len("$ gomedic "):]):
            # file globs are expanded as a shell would (sorted, relative to the root)
            hits = sorted(glob.glob(a, root_dir=root)) if "*" in a else []
            args.extend(hits or [a])
        if any(a in ("|", ">", "<", ";", "&&") for a in args):
            continue  # a shell pipeline: documentation only
        r = subprocess.run([gomedic] + args, cwd=root, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
        got = r.stdout
        lines = body.split("\n")[:-1]
        for i, l in enumerate(lines):
            if l.startswith("$ "):  # a later command in the same block (e.g. "$ echo $?")
                lines = lines[:i] + ["..."]
                break
        elided = any(l.strip() == "..." for l in lines)
        pattern = "".join(r"(?:.*\n)*?" if l.strip() == "..." else re.escape(l) + r"\n"
                          for l in lines)
        ok = re.fullmatch(pattern, got) is not None
        want = body
        if ok:
            passed += 1
        elif update and not elided:
            out_parts.append(text[pos:m.start(2)] + got)
            pos = m.end(2)
            passed += 1
        else:
            failed += 1
            print(f"FAIL {os.path.relpath(path, root)}: {cmdline}")
            for a, b in zip(want.split("\n"), got.split("\n")):
                if a != b:
                    print(f"  want: {a}\n  got:  {b}")
                    break
    if update and out_parts:
        open(path, "w", encoding="utf-8").write("".join(out_parts) + text[pos:])
print(f"docs: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
