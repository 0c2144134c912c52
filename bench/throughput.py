#!/usr/bin/env python3
"""Whole-process throughput of `bounceback decode`, beside Sisimai in the same run.

Prints, for 1 thread and for all threads: messages/s, MB/s and peak RSS, on
  (a) ../shared/corpus/maildir (skipped with a message when ../shared is absent),
  (b) the project's own fixtures (tests/fixtures and examples),
  (c) a synthetic mbox of --mbox-mb megabytes (default 1024) assembled on the fly from (a) or (b)
      in a temporary folder and deleted afterwards,
  (d) a synthetic MTA log of --log-mb megabytes (default 256) repeated from tests/fixtures/logs,
      read by `bounceback logs`,
  (e) single bounces of 5, 15 and 45 MB (a DSN with the original and a base64 attachment attached),
  and the start-up time: one small message decoded,
and Sisimai (libsisimai-perl, `Sisimai->make`) on (a) and (b) with the ratio bounceback/Sisimai.
Each figure is the median of --runs runs (default 3). Output goes to /dev/null in jsonl.

--peer BIN runs a second bounceback binary (an earlier build) on (a), (b) and (c) too, its runs
alternating with those of --bin so that both see the same machine, and prints the ratio.
--callgrind adds instruction counts per message on (a) from valgrind (stable on a busy machine).

Usage: bench/throughput.py [--bin build/release/bounceback] [--peer OLD_BIN] [--runs 3]
                           [--mbox-mb 1024] [--no-sisimai] [--callgrind]
"""
import argparse
import hashlib
import os
import resource
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
    """Runs cmd with stdout to /dev/null; returns (wall seconds, CPU seconds, peak RSS in MiB) of
    that one process (and the /usr/bin/time around it): CPU time (user + system) from getrusage, peak
    RSS as GNU time reports it."""
    with tempfile.NamedTemporaryFile("r") as time_file, open(os.devnull, "wb") as devnull:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", time_file.name] + cmd,
                              stdout=devnull, stderr=subprocess.PIPE)
        seconds = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if proc.returncode not in (0, 1):
            sys.exit(f"{cmd[0]} failed ({proc.returncode}): {proc.stderr.decode(errors='replace')[-500:]}")
        kib = time_file.read().strip().splitlines()[-1]
    # getrusage counts in microseconds where GNU time prints hundredths.
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, cpu, int(kib) / 1024.0


def summarise(results):
    """Median wall and CPU seconds, largest peak RSS."""
    return (statistics.median(r[0] for r in results), statistics.median(r[1] for r in results),
            max(r[2] for r in results))


def median_run(cmd, runs):
    return summarise([run_measured(cmd) for _ in range(runs)])


def median_runs_alternating(cmds, runs):
    """Like median_run for each command, their runs interleaved: a neighbour's burst of work
    slows all of them alike."""
    results = [[] for _ in cmds]
    for _ in range(runs):
        for i, cmd in enumerate(cmds):
            results[i].append(run_measured(cmd))
    return [summarise(r) for r in results]


def decode_cmd(binary, threads, paths):
    return [binary, "decode", "--format", "jsonl", "--threads", str(threads)] + paths


def measure_decoders(label_prefix, paths, messages, size, threads, runs, args):
    """Times --bin (and --peer beside it) on paths; prints a line each and the ratio. Returns the
    messages/s of --bin and its CPU seconds."""
    binaries = [args.bin] + ([args.peer] if args.peer else [])
    figures = median_runs_alternating([decode_cmd(b, threads, paths) for b in binaries], runs)
    rates = []
    for name, (seconds, cpu, rss) in zip(["bounceback", "peer"], figures):
        rates.append(report(f"{name}, {threads} thread(s){label_prefix}", messages, size, seconds, cpu, rss))
    if args.peer:
        print(f"  bounceback/peer, {threads} thread(s): {rates[0] / rates[1]:.2f}x wall, "
              f"{figures[1][1] / max(figures[0][1], 1e-9):.2f}x cpu")
    return rates[0], figures[0][1]


def report(label, messages, size, seconds, cpu, rss):
    """One line of figures. The CPU seconds are printed beside the wall time: on a machine shared
    with other work the wall time says more about the neighbours than about the decoder."""
    mps = messages / seconds if seconds > 0 else float("inf")
    mbs = size / seconds / 1e6 if seconds > 0 else float("inf")
    rss_text = f"{rss:8.1f} MiB" if rss is not None else "        -"
    print(f"  {label:<28} {messages:>8} msgs {seconds:9.3f} s {mps:11.0f} msg/s {mbs:9.1f} MB/s "
          f" cpu {cpu:8.3f} s  peak RSS {rss_text}")
    return mps


def bench_set(name, paths, files, args):
    size = sum(os.path.getsize(f) for f in files)
    print(f"\n{name}: {len(files)} messages, {size / 1e6:.1f} MB")
    cores = os.cpu_count() or 1
    results = {}
    one_thread_cpu = None
    for threads in sorted({1, cores}):
        results[threads], cpu = measure_decoders("", paths, len(files), size, threads, args.runs, args)
        if threads == 1:
            one_thread_cpu = cpu
    if cores > 1:
        print(f"  speed-up 1 -> {cores} threads: {results[cores] / results[1]:.2f}x")
    check_same_output(paths, args)
    if not args.no_sisimai and sisimai_available():
        # Sisimai takes one path: a folder of its own or an mbox.
        seconds, cpu, rss = median_run(["perl", "-MSisimai", "-e", "Sisimai->make($_) for @ARGV"] + paths, args.runs)
        sisimai = report("Sisimai (Perl), 1 thread", len(files), size, seconds, cpu, rss)
        print(f"  bounceback/Sisimai, 1 thread: {results[1] / sisimai:.1f}x wall, "
              f"{cpu / max(one_thread_cpu, 1e-6):.1f}x cpu")
    return results


def output_digest(binary, threads, paths):
    """SHA-256 of what `decode --format jsonl` writes with this many threads."""
    digest = hashlib.sha256()
    with subprocess.Popen(decode_cmd(binary, threads, paths), stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL) as proc:
        for chunk in iter(lambda: proc.stdout.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def check_same_output(paths, args):
    """The output must be byte-identical for every thread count: 1, 2, 3 and all cores."""
    counts = sorted({1, 2, 3, os.cpu_count() or 1})
    digests = {threads: output_digest(args.bin, threads, paths) for threads in counts}
    same = len(set(digests.values())) == 1
    print(f"  output byte-identical for {', '.join(map(str, counts))} threads: {'yes' if same else 'NO'}")


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


def large_bounce(megabytes):
    """A Postfix-style DSN whose attached original carries a base64 attachment of `megabytes` MB:
    what a bounce of a large mail looks like."""
    line = b"QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0NTY3\n"
    payload = line * (megabytes * 1000 * 1000 // len(line))
    return b"".join([
        b"From: MAILER-DAEMON@mx.example.net (Mail Delivery System)\n",
        b"To: sender@example.org\nSubject: Undelivered Mail Returned to Sender\n",
        b"Date: Sun, 29 Nov 2026 06:00:00 +0000\nMessage-ID: <dsn.1@mx.example.net>\nMIME-Version: 1.0\n",
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"\n\n',
        b"--b1\nContent-Type: text/plain\n\nThis is the mail system at host mx.example.net.\n\n",
        b"<jane@example.com>: host mx.example.com[192.0.2.1] said: 552 5.2.2 Mailbox full\n",
        b"    (in reply to RCPT TO command)\n\n",
        b"--b1\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.net\n\n",
        b"Final-Recipient: rfc822; jane@example.com\nAction: failed\nStatus: 5.2.2\n",
        b"Diagnostic-Code: smtp; 552 5.2.2 Mailbox full\n\n",
        b"--b1\nContent-Type: message/rfc822\n\n",
        b"From: sender@example.org\nTo: jane@example.com\nSubject: The big report\n",
        b"Message-ID: <big.1@example.org>\nMIME-Version: 1.0\n",
        b'Content-Type: multipart/mixed; boundary="b2"\n\n',
        b"--b2\nContent-Type: text/plain\n\nThe report is attached.\n\n",
        b"--b2\nContent-Type: application/pdf; name=report.pdf\nContent-Transfer-Encoding: base64\n\n",
        payload, b"\n--b2--\n\n--b1--\n"])


def bench_large_bounces(tmp, args):
    """One large bounce per size, decoded alone: the median wall time, which must grow linearly."""
    print("\n(e) one large bounce (a DSN with the original and its base64 attachment), median of "
          f"{max(args.runs, 5)} runs")
    for megabytes in (5, 15, 45):
        path = os.path.join(tmp, f"bounce-{megabytes}mb.eml")
        with open(path, "wb") as out:
            out.write(large_bounce(megabytes))
        size = os.path.getsize(path)
        seconds, cpu, rss = median_run([args.bin, "decode", "--format", "jsonl", "--threads", "1", path],
                                       max(args.runs, 5))
        print(f"  {size / 1e6:5.1f} MB bounce {seconds * 1000:9.1f} ms {size / seconds / 1e6:9.1f} MB/s"
              f"  cpu {cpu * 1000:7.1f} ms  peak RSS {rss:8.1f} MiB")


def bench_start_up(args):
    """Wall time of decoding one small message: process start-up dominates it."""
    small = os.path.join(ROOT, "tests", "fixtures", "formats", "courier-rcpt.eml")
    runs = max(args.runs, 21)
    seconds, cpu, rss = median_run([args.bin, "decode", "--format", "jsonl", "--threads", "1", small], runs)
    print(f"\nstart-up: one {os.path.getsize(small)}-byte message decoded in {seconds * 1000:.1f} ms wall, "
          f"{cpu * 1000:.0f} ms cpu (median of {runs}; includes /usr/bin/time), peak RSS {rss:.1f} MiB")


def instructions_per_message(paths, messages, args):
    """Instructions executed (valgrind --tool=callgrind), whole process, 1 thread, per message."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "callgrind.out")
        proc = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}"] +
                              decode_cmd(args.bin, 1, paths), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for line in proc.stderr.decode(errors="replace").splitlines():
            if "Collected :" in line:
                total = int(line.split(":")[-1].strip())
                return total, total / messages
    return None, None


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
    parser.add_argument("--mbox-runs", type=int, default=1, help="runs on the synthetic mbox (default 1)")
    parser.add_argument("--no-sisimai", action="store_true")
    parser.add_argument("--peer", help="another bounceback binary to time beside --bin")
    parser.add_argument("--callgrind", action="store_true", help="instruction counts on the corpus (valgrind)")
    args = parser.parse_args()
    for binary in [args.bin] + ([args.peer] if args.peer else []):
        if not os.access(binary, os.X_OK):
            sys.exit(f"{binary} is not built: run scripts/build release")

    print(f"machine: {os.cpu_count()} cores, {os.uname().machine}, {os.uname().release}; binary {args.bin}")
    if not args.no_sisimai and not sisimai_available():
        print("Sisimai not installed (apt-get install libsisimai-perl): no side-by-side figures")

    bench_start_up(args)
    corpus_files = message_files(SHARED) if os.path.isdir(SHARED) else []
    if corpus_files:
        bench_set("(a) shared corpus", [SHARED], corpus_files, args)
        if args.callgrind and shutil.which("valgrind"):
            total, per_message = instructions_per_message([SHARED], len(corpus_files), args)
            if total:
                print(f"  callgrind, 1 thread: {total / 1e6:.1f} M instructions, {per_message / 1e3:.0f} k per message")
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
        rates = {}
        for threads in sorted({1, cores}):
            rates[threads], _ = measure_decoders("", [mbox], count, size, threads, args.mbox_runs, args)
        if cores > 1:
            print(f"  speed-up 1 -> {cores} threads: {rates[cores] / rates[1]:.2f}x")
        check_same_output([mbox], args)
        bench_large_bounces(tmp, args)
        log = os.path.join(tmp, "synthetic.log")
        lines, size = build_log(log, os.path.join(ROOT, "tests", "fixtures", "logs"), args.log_mb)
        print(f"\n(d) synthetic MTA log: {lines} lines, {size / 1e6:.0f} MB (Postfix, Exim, Sendmail, OpenSMTPD)")
        seconds, _, rss = median_run([args.bin, "logs", "--format", "jsonl", log], 1)
        print(f"  bounceback logs, 1 thread    {lines:>9} lines {seconds:8.3f} s {lines / seconds:11.0f} lines/s "
              f"{size / seconds / 1e6:9.1f} MB/s  peak RSS {rss:8.1f} MiB")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
