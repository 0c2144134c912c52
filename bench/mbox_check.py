#!/usr/bin/env python3
"""Checks that an mbox decodes to the same records as its messages decoded one by one.

Splits each mbox at its "From " separator lines (after a blank line, as the mbox format has it),
writes every message to its own file, decodes both with bounceback, and compares the records with
their "source" field left out. Prints one line per mbox and exits 1 on any difference.

Usage: bench/mbox_check.py BOUNCEBACK MBOX [MBOX ...]
"""
import json
import os
import subprocess
import sys
import tempfile


def split_mbox(data):
    messages, current, previous_blank = [], [], True
    for line in data.splitlines(keepends=True):
        if line.startswith(b"From ") and previous_blank:
            if current:
                messages.append(b"".join(current))
            current = []
            previous_blank = False
            continue
        if current or line.strip():
            # ">From " escapes are undone, as a mail reader would before saving the message.
            current.append(line[1:] if line.startswith(b">From ") else line)
        previous_blank = line in (b"\n", b"\r\n")
    if current:
        messages.append(b"".join(current))
    return messages


def records(binary, paths):
    out = subprocess.run([binary, "decode", "--format", "jsonl", *paths], capture_output=True, check=False)
    result = []
    for line in out.stdout.decode().splitlines():
        record = json.loads(line)
        record.pop("source", None)
        result.append(record)
    return result


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    binary, failed = sys.argv[1], False
    for mbox in sys.argv[2:]:
        with open(mbox, "rb") as f:
            messages = split_mbox(f.read())
        with tempfile.TemporaryDirectory() as tmp:
            paths = []
            for i, message in enumerate(messages):
                path = os.path.join(tmp, f"{i:05}.eml")
                with open(path, "wb") as out:
                    out.write(message)
                paths.append(path)
            one_by_one = records(binary, paths)
        whole = records(binary, [mbox])
        same = whole == one_by_one
        failed |= not same
        print(f"mbox {os.path.basename(mbox)}: {len(messages)} messages, {len(whole)} records from the mbox, "
              f"{len(one_by_one)} one by one: {'identical' if same else 'DIFFERENT'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
