#!/usr/bin/env python3
"""runstat.py - run one command and print what it cost, as KEY=VALUE words.

    bench/runstat.py [--log FILE] -- COMMAND [ARG ...]

Prints one line: rc (exit status, or 128+signal), wall (seconds, monotonic
clock around the child), user and sys (CPU seconds), maxrss (KiB), and from
/proc/PID/io, read just before the child is reaped (so nothing is missed):
syscr and syscw (read and write system calls: SQLite reads and writes a page
per call, sockets count too), rchar and wchar (bytes through them), read_bytes
and write_bytes (bytes from and to the block device).  Children the command
waited for are included.  COMMAND's stdout and stderr go to FILE (appended) or
/dev/null.  Python 3 standard library only; Linux only.
"""

import os
import subprocess
import sys
import time


def main():
    argv = sys.argv[1:]
    log = os.devnull
    if argv[:1] == ["--log"]:
        log, argv = argv[1], argv[2:]
    if argv[:1] == ["--"]:
        argv = argv[1:]
    if not argv:
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    with open(log, "ab") as out:
        t0 = time.monotonic()
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=out)
        # wait without reaping: a zombie's /proc/PID/io still holds its totals
        os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOWAIT)
        t1 = time.monotonic()
        io = {}
        try:
            with open(f"/proc/{proc.pid}/io", encoding="ascii") as f:
                for line in f:
                    key, _, value = line.partition(":")
                    io[key.strip()] = int(value)
        except OSError:
            pass
        _, status, ru = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    rc = proc.returncode if proc.returncode >= 0 else 128 - proc.returncode
    words = [f"rc={rc}", f"wall={t1 - t0:.3f}", f"user={ru.ru_utime:.3f}",
             f"sys={ru.ru_stime:.3f}", f"maxrss={ru.ru_maxrss}"]
    words += [f"{k}={io.get(k, -1)}" for k in
              ("syscr", "syscw", "rchar", "wchar", "read_bytes", "write_bytes")]
    print(" ".join(words))
    return 0


if __name__ == "__main__":
    sys.exit(main())
