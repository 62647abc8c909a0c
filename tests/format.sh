#!/bin/sh
# format.sh - every C source and header of phieu is formatted as .clang-format
# says: clang-format --dry-run --Werror over daemon/ parsers/ rules/ config/
# lib/ tests/ bench/; the files it would change are listed.  Run
# `clang-format -i FILE` to fix one.
set -eu
cd "${1:-$(dirname "$0")/..}"
files=$(find daemon parsers rules config lib tests bench -name '*.[ch]' -not -path '*/build*' | sort)
out=$(clang-format --dry-run --Werror $files 2>&1) && exit 0
echo "$out" | grep -o '^[^:]*\.[ch]' | sort -u | sed 's/^/not formatted: /'
exit 1
