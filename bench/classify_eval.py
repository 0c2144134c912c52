#!/usr/bin/env python3
"""Compare the classifier alone with the reasons in ../shared/corpus/truth.json.

Takes the Status, Diagnostic-Code and Action of each recipient from the message/delivery-status
parts of the corpus (so only standard DSNs are measured, whatever the extractors do), runs them
through the classifier via the classify_eval_test binary, and lists the disagreements with the first
expected record of each file. It finds phrase gaps; the real score is tools/score.py on decode output.

  python3 bench/classify_eval.py [--build build-dir] [--mismatches FILE]
"""
import argparse, collections, email, email.policy, json, os, re, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.normpath(os.path.join(HERE, "..", "..", "shared"))
COMMAND = re.compile(r"in reply to (RCPT TO|MAIL FROM|end of DATA|DATA|HELO|EHLO)|after (RCPT TO|MAIL FROM|end of data|initial connection)", re.I)
COMMAND_NAMES = {"rcpt to": "RCPT", "mail from": "MAIL", "end of data": "DATA", "data": "DATA",
                 "helo": "HELO", "ehlo": "EHLO", "initial connection": "CONN"}


def one_line(value):
    return re.sub(r"\s+", " ", str(value or "")).strip()


def evidence_of(path):
    """(status, reply code, command, action, diagnostic) of the first recipient of a DSN, or None."""
    with open(path, "rb") as f:
        message = email.message_from_binary_file(f, policy=email.policy.compat32)
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        blocks = part.get_payload()
        recipients = [b for b in blocks[1:] if b.get("Final-Recipient") or b.get("Original-Recipient")] if isinstance(blocks, list) else []
        if not recipients:
            return None
        r = recipients[0]
        diagnostic = one_line(r.get("Diagnostic-Code", ""))
        diagnostic = re.sub(r"^(smtp|x-[\w-]+)\s*;\s*", "", diagnostic, flags=re.I)
        reply = re.match(r"([245]\d\d)[\s-]", diagnostic)
        command = COMMAND.search(diagnostic)
        command = COMMAND_NAMES.get((command.group(1) or command.group(2)).lower(), "") if command else ""
        status = one_line(r.get("Status", "")).split(" ")[0]
        return status, reply.group(1) if reply else "", command, one_line(r.get("Action", "")).lower(), diagnostic
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(HERE, "..", "build"), help="CMake build directory")
    ap.add_argument("--mismatches", help="write every disagreement to this file")
    a = ap.parse_args()
    truth_path = os.path.join(SHARED, "corpus", "truth.json")
    if not os.path.exists(truth_path):
        print(f"classify_eval: {truth_path} not found, nothing to compare; skipping")
        return 0
    binary = os.path.join(a.build, "tests", "classify_eval_test")
    if not os.path.exists(binary):
        print(f"classify_eval: {binary} not built (cmake --build {a.build} --target classify_eval_test); skipping")
        return 0

    expected, rows = {}, []
    for entry in json.load(open(truth_path))["files"]:
        name = os.path.basename(entry["file"])
        evidence = evidence_of(os.path.join(SHARED, "corpus", entry["file"]))
        if evidence and entry["expected"]:
            expected[name] = entry["expected"][0]
            rows.append("\t".join([name, *evidence]))
    with tempfile.TemporaryDirectory() as tmp:
        evidence_path, output_path = os.path.join(tmp, "evidence.tsv"), os.path.join(tmp, "out.tsv")
        with open(evidence_path, "w") as f:
            f.write("\n".join(rows) + "\n")
        env = dict(os.environ, BOUNCEBACK_CLASSIFY_EVIDENCE=evidence_path, BOUNCEBACK_CLASSIFY_OUTPUT=output_path)
        subprocess.run([binary], env=env, check=True, stdout=subprocess.DEVNULL)
        results = [line.rstrip("\n").split("\t") for line in open(output_path)]

    by_name = {row.split("\t")[0]: row for row in rows}
    agree = hard = 0
    confusion, mismatches = collections.Counter(), []
    for name, reason, hard_bounce, status in results:
        e = expected[name]
        agree += reason == e["reason"]
        hard += (hard_bounce == "true") == e["hard_bounce"]
        if reason != e["reason"]:
            confusion[(reason, e["reason"])] += 1
            mismatches.append(f"{name}: got {reason}, expected {e['reason']} | {by_name[name].split(chr(9), 1)[1][:200]}")
    n = len(results)
    print(f"DSNs classified: {n}  reason agrees: {agree} ({100.0 * agree / max(n, 1):.1f}%)  "
          f"hard_bounce agrees: {hard} ({100.0 * hard / max(n, 1):.1f}%)")
    for (got, want), count in confusion.most_common(15):
        print(f"  {count:3}  got {got:15} expected {want}")
    if a.mismatches:
        with open(a.mismatches, "w") as f:
            f.write("\n".join(sorted(mismatches)) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
