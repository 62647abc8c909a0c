#!/usr/bin/env python3
"""search_smoke.py - the search benchmark's store still fills (a meson test).

    bench/search_smoke.py SEARCH_FILL

Writes 300 requests with bench/search_gen.py, stores them with SEARCH_FILL
(the store API) into a new database, and checks what search.sh relies on:
300 requests of all five types, numbered, with their times of receipt as
created dates (several years, not the time of the run).
"""
import os
import sqlite3
import subprocess
import sys
import tempfile


def main():
    fill = sys.argv[1]
    gen = os.path.join(os.path.dirname(os.path.abspath(__file__)), "search_gen.py")
    with tempfile.TemporaryDirectory(prefix="phieu-search-smoke.") as work:
        db = os.path.join(work, "phieu.db")
        lines = subprocess.run([sys.executable, gen, "300"], check=True,
                               capture_output=True).stdout
        subprocess.run([fill, db], input=lines, check=True, capture_output=True)
        c = sqlite3.connect(db)
        n, types, years = c.execute(
            "SELECT count(*), count(DISTINCT type), count(DISTINCT substr(created, 1, 4)) "
            "FROM requests").fetchone()
        events = c.execute("SELECT count(*) FROM events WHERE kind = 'received'").fetchone()[0]
        c.close()
    print(f"{n} requests, {types} types, {years} years of receipt, {events} events")
    ok = n == 300 and types == 5 and years >= 5 and events == 300
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
