#!/usr/bin/env python3
"""Whole-process throughput of `bounceback decode`, beside Sisimai in the same run.

Prints, for 1 thread and for all threads: messages/s, MB/s and peak RSS, on
  (a) ../shared/corpus/maildir (skipped with a message when ../shared is absent),
  (b) the project's own fixtures (tests/fixtures and examples),
  (c) a synthetic mbox of --mbox-mb megabytes (default 1024) assembled on the fly from (a) or (b)
      in a temporary folder and deleted afterwards,
  (d) a synthetic MTA log of --log-mb megabytes (default 256) repeated from tests/fixtures/logs,
      read by `bounceback logs`,
and Sisimai (libsisimai-perl, `Sisimai->make`) on (a) and (b) with the ratio bounceback/Sisimai.
Each figure is the median of --runs runs (default 3). Output goes to /dev/null in jsonl.

Usage: bench/throughput.py [--bin build/release/bounceback] [--runs 3] [--mbox-mb 1024] [--no-sisimai]
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared", "corpus", "maildir")


def message_files(folder):
    files = []
    for base, _, names in os.walk(folder):
        files.extend(os.path.join(base, n) for n in sorted(names) if n.endswith(".eml"))
    return sorted(files)


def run_measured(cmd):
    """Runs cmd with stdout to /dev/null; returns (seconds, peak RSS in MiB) of that one process,
    the RSS as GNU time reports it."""
    with tempfile.NamedTemporaryFile("r") as rss_file, open(os.devnull, "wb") as devnull:
        start = time.perf_counter()
        proc = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", rss_file.name] + cmd,
                              stdout=devnull, stderr=subprocess.PIPE)
        seconds = time.perf_counter() - start
        if proc.returncode not in (0, 1):
            sys.exit(f"{cmd[0]} failed ({proc.returncode}): {proc.stderr.decode(errors='replace')[-500:]}")
        kib = rss_file.read().strip().splitlines()[-1]
    return seconds, int(kib) / 1024.0


def median_run(cmd, runs):
    results = [run_measured(cmd) for _ in range(runs)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def report(label, messages, size, seconds, rss):
    mps = messages / seconds if seconds > 0 else float("inf")
    mbs = size / seconds / 1e6 if seconds > 0 else float("inf")
    rss_text = f"{rss:8.1f} MiB" if rss is not None else "        -"
    print(f"  {label:<28} {messages:>8} msgs {seconds:9.3f} s {mps:11.0f} msg/s {mbs:9.1f} MB/s  peak RSS {rss_text}")
    return mps


def bench_set(name, paths, files, args):
    size = sum(os.path.getsize(f) for f in files)
    print(f"\n{name}: {len(files)} messages, {size / 1e6:.1f} MB")
    cores = os.cpu_count() or 1
    results = {}
    for threads in sorted({1, cores}):
        seconds, rss = median_run([args.bin, "decode", "--format", "jsonl", "--threads", str(threads)] + paths, args.runs)
        results[threads] = report(f"bounceback, {threads} thread(s)", len(files), size, seconds, rss)
    if cores > 1:
        print(f"  speed-up 1 -> {cores} threads: {results[cores] / results[1]:.2f}x")
    if not args.no_sisimai and sisimai_available():
        # Sisimai takes one path: a folder of its own or an mbox.
        seconds, rss = median_run(["perl", "-MSisimai", "-e", "Sisimai->make($_) for @ARGV"] + paths, args.runs)
        sisimai = report("Sisimai (Perl), 1 thread", len(files), size, seconds, rss)
        print(f"  bounceback/Sisimai, 1 thread: {results[1] / sisimai:.1f}x")
    return results


def sisimai_available():
    return subprocess.run(["perl", "-MSisimai", "-e", "1"], capture_output=True).returncode == 0


def build_mbox(path, files, megabytes):
    blobs = []
    for f in files:
        with open(f, "rb") as fh:
            data = fh.read().replace(b"\r\n", b"\n")
        data = data.replace(b"\nFrom ", b"\n>From ")
        if data.startswith(b"From "):
            data = b">" + data
        blobs.append(b"From MAILER-DAEMON Thu Jan  1 00:00:00 2026\n" + data.rstrip(b"\n") + b"\n\n")
    target = megabytes * 1024 * 1024
    written = count = 0
    with open(path, "wb") as out:
        while written < target:
            for blob in blobs:
                out.write(blob)
                written += len(blob)
                count += 1
                if written >= target:
                    break
    return count, written


def build_log(path, folder, megabytes):
    sample = b"".join(open(os.path.join(folder, n), "rb").read() for n in sorted(os.listdir(folder)))
    if not sample.endswith(b"\n"):
        sample += b"\n"
    copies = max(1, megabytes * 1024 * 1024 // len(sample))
    with open(path, "wb") as out:
        for _ in range(copies):
            out.write(sample)
    return sample.count(b"\n") * copies, len(sample) * copies


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", default=os.path.join(ROOT, "build", "release", "bounceback"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--mbox-mb", type=int, default=1024)
    parser.add_argument("--log-mb", type=int, default=256)
    parser.add_argument("--no-sisimai", action="store_true")
    args = parser.parse_args()
    if not os.access(args.bin, os.X_OK):
        sys.exit(f"{args.bin} is not built: run scripts/build release")

    print(f"machine: {os.cpu_count()} cores, {os.uname().machine}, {os.uname().release}; binary {args.bin}")
    if not args.no_sisimai and not sisimai_available():
        print("Sisimai not installed (apt-get install libsisimai-perl): no side-by-side figures")

    corpus_files = message_files(SHARED) if os.path.isdir(SHARED) else []
    if corpus_files:
        bench_set("(a) shared corpus", [SHARED], corpus_files, args)
    else:
        print(f"\n(a) shared corpus: {SHARED} not found, skipped")

    fixture_dirs = [os.path.join(ROOT, "tests", "fixtures"), os.path.join(ROOT, "examples")]
    fixture_files = [f for d in fixture_dirs for f in message_files(d)]
    tmp = tempfile.mkdtemp(prefix="bounceback-bench-")
    try:
        # Sisimai reads one folder per call, so the fixtures are gathered into one.
        fixtures = os.path.join(tmp, "fixtures")
        os.mkdir(fixtures)
        for i, f in enumerate(fixture_files):
            shutil.copy(f, os.path.join(fixtures, f"{i:05d}.eml"))
        bench_set("(b) project fixtures", [fixtures], fixture_files, args)

        mbox = os.path.join(tmp, "synthetic.mbox")
        count, size = build_mbox(mbox, corpus_files or fixture_files, args.mbox_mb)
        print(f"\n(c) synthetic mbox: {count} messages, {size / 1e6:.0f} MB (Sisimai not timed on it)")
        cores = os.cpu_count() or 1
        for threads in sorted({1, cores}):
            seconds, rss = median_run([args.bin, "decode", "--format", "jsonl", "--threads", str(threads), mbox], 1)
            report(f"bounceback, {threads} thread(s)", count, size, seconds, rss)
        log = os.path.join(tmp, "synthetic.log")
        lines, size = build_log(log, os.path.join(ROOT, "tests", "fixtures", "logs"), args.log_mb)
        print(f"\n(d) synthetic MTA log: {lines} lines, {size / 1e6:.0f} MB (Postfix, Exim, Sendmail, OpenSMTPD)")
        seconds, rss = median_run([args.bin, "logs", "--format", "jsonl", log], 1)
        print(f"  bounceback logs, 1 thread    {lines:>9} lines {seconds:8.3f} s {lines / seconds:11.0f} lines/s "
              f"{size / seconds / 1e6:9.1f} MB/s  peak RSS {rss:8.1f} MiB")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
