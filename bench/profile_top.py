"""The top of a py-spy profile (collapsed stacks, `--format raw`): where the samples went.

    .venv/bin/python bench/profile_top.py PROFILE.txt [--top 25] [--match bot/,db/,handlers/]

Prints, per function, the share of samples in which it is on the stack (inclusive) and on top
(self), for the frames whose file matches one of `--match` (all frames with --match '').
"""

import argparse
import re
from collections import Counter

FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>.*?)(?::\d+)?\)$")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("profile")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--match", default="bot/,db/,handlers/,sqlalchemy/,psycopg/,aiosqlite/,linebot/,aiohttp/")
    opts = parser.parse_args()
    parts = [p for p in opts.match.split(",") if p]
    inclusive, own, total, idle = Counter(), Counter(), 0, 0
    for line in open(opts.profile, encoding="utf-8", errors="replace"):
        stack, _, count = line.rstrip("\n").rpartition(" ")
        if not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = []
        for frame in stack.split(";"):
            m = FRAME.match(frame)
            if m:
                file = m["file"].split("site-packages/")[-1].split("wt-speed/")[-1]
                frames.append(f"{m['func']} ({file})")
        if frames and ("select" in frames[-1] or "_run_once" in frames[-1] and len(frames) < 4):
            idle += n
        for name in set(frames):
            if not parts or any(p in name for p in parts):
                inclusive[name] += n
        for name in reversed(frames):
            if not parts or any(p in name for p in parts):
                own[name] += n
                break
    print(f"{total} samples, {idle / max(total, 1):.0%} idle in the event loop's select")
    print(f"{'incl %':>7} {'self %':>7}  function")
    for name, n in inclusive.most_common(opts.top):
        print(f"{100 * n / total:>7.1f} {100 * own[name] / total:>7.1f}  {name}")


if __name__ == "__main__":
    main()
