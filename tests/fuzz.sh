#!/bin/bash
# fuzz.sh [NAME...] - build and run the libFuzzer targets, each for a
# bounded time.  Ends with "N passed, N failed" and a non-zero exit status
# if any target crashed, hung or did not build.
#
# Targets are tests/fuzz/fuzz_*.c.  Each names the project sources it needs
# in a comment line "FUZZ_SOURCES: hv/a.c ...", and may give seed inputs
# as hex strings in a line "FUZZ_SEEDS: 8b00 668902 ..." and its longest
# input in a line "FUZZ_MAX_LEN: N" (default 32).  NAME is a
# target's file name without "fuzz_" and ".c".
#
# FUZZ_SECONDS (default 60) is the run time of each target.  The targets
# run one after the other, one fuzzer process at a time.
#
# The corpus: tests/fuzz/corpus/NAME/ is the one kept in git, where every
# run starts; it is only read.  New inputs found go to build/fuzz/NAME.corpus
# (with the FUZZ_SEEDS), so later runs also start where earlier ones
# stopped, and the git tree stays clean.  FUZZ_MERGE=1 (make fuzz-merge)
# afterwards minimizes both into a fresh directory with libFuzzer's
# -merge=1 and makes that the new tests/fuzz/corpus/NAME/, ready to
# commit.  A crashing input is saved as build/fuzz/NAME.crash-* (or
# timeout-*, leak-*, oom-*).  tests/fuzz/README.md says more.
set -u
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}
case "$seconds" in
'' | *[!0-9]*) echo "fuzz: FUZZ_SECONDS must be a number" >&2; exit 2 ;;
esac
merge=${FUZZ_MERGE:-0}
mkdir -p build/fuzz

# clang's libFuzzer runtime is a separate Debian package named after the
# clang version (libclang-rt-14-dev for clang 14).  Install it, or say how.
need_libfuzzer() {
	local ver pkg line
	ver=$(clang -dumpversion 2>/dev/null | cut -d. -f1)
	pkg="libclang-rt-${ver:-14}-dev"
	command -v clang >/dev/null 2>&1 || pkg="clang $pkg"
	line="apt-get install -y --no-install-recommends $pkg"
	if [ "$(id -u)" -ne 0 ]; then
		echo "fuzz: libFuzzer is missing; run as root:" \
			"apt-get update && $line" >&2
		return 1
	fi
	echo "fuzz: installing $pkg for libFuzzer"
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null &&
		DEBIAN_FRONTEND=noninteractive $line -q >/dev/null
}

# Can clang link a fuzzer at all?  Tried on an empty target, so a failure
# here is the toolchain's and not a target's.
probe=build/fuzz/probe
echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n)
{ return 0; }' >"$probe.c"
if ! clang -fsanitize=fuzzer "$probe.c" -o "$probe" 2>/dev/null; then
	need_libfuzzer || exit 1
	if ! clang -fsanitize=fuzzer "$probe.c" -o "$probe"; then
		echo "fuzz: clang still cannot link -fsanitize=fuzzer" >&2
		exit 1
	fi
fi

# UBSan findings abort, so they count as crashes like ASan's.
CFLAGS_FUZZ="-g -O1 -fsanitize=fuzzer,address,undefined \
 -fno-sanitize-recover=undefined -DHV_HOST_TEST -I. -Wall -Wextra -Werror \
 -Wno-unused-parameter"

pass=0 fail=0 ran=0
for src in tests/fuzz/fuzz_*.c; do
	[ -e "$src" ] || continue
	name=$(basename "$src" .c)
	name=${name#fuzz_}
	if [ $# -gt 0 ] && ! printf '%s\n' "$@" | grep -qx "$name"; then
		continue
	fi
	ran=$((ran + 1))
	srcs=$(sed -n 's/.*FUZZ_SOURCES:\(.*\)/\1/p' "$src" | head -1)
	bin=build/fuzz/fuzz_$name
	corpus=build/fuzz/$name.corpus
	# shellcheck disable=SC2086
	if ! clang $CFLAGS_FUZZ -o "$bin" "$src" $srcs >"$bin.build" 2>&1; then
		echo "FAIL fuzz/$name: does not compile (see $bin.build)"
		sed 's/^/     /' "$bin.build" | head -20
		fail=$((fail + 1))
		continue
	fi

	mkdir -p "$corpus"
	for hex in $(sed -n 's/.*FUZZ_SEEDS:\(.*\)/\1/p' "$src"); do
		# shellcheck disable=SC2059
		printf "$(echo "$hex" | sed 's/../\\x&/g')" >"$corpus/seed-$hex"
	done
	kept=tests/fuzz/corpus/$name
	[ -d "$kept" ] || kept=

	# The build directory's corpus comes first: libFuzzer writes new
	# inputs to the first directory only, so the kept one is just read.
	# A target may say how long its inputs get in a line
	# "FUZZ_MAX_LEN: N"; 32 covers the decoder's 15-byte limit with room.
	# An input that runs for 10 s counts as a hang.
	maxlen=$(sed -n 's/.*FUZZ_MAX_LEN: *\([0-9]*\).*/\1/p' "$src" | head -1)
	# shellcheck disable=SC2086
	"$bin" -max_total_time="$seconds" -max_len="${maxlen:-32}" \
		-timeout=10 -print_final_stats=1 \
		-artifact_prefix="build/fuzz/$name." "$corpus" $kept \
		>"$bin.log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$bin.log")
	secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$bin.log")
	cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$bin.log" | tail -1)
	corp=$(find "$corpus" ${kept:+"$kept"} -type f | wc -l)
	if [ $rc -ne 0 ]; then
		echo "FAIL fuzz/$name: exit status $rc (see $bin.log)"
		grep -E 'ERROR:|runtime error|SUMMARY|Test unit written' \
			"$bin.log" | head -10 | sed 's/^/     /'
		fail=$((fail + 1))
		continue
	fi
	echo "PASS fuzz/$name (${runs:-?} runs in ${secs:-$seconds} s," \
		"${cov:-cov: ?}, corpus $corp)"
	pass=$((pass + 1))

	# Only on request, and only after a clean run: the union of both
	# corpora, minimized into a fresh directory, replaces the kept one.
	if [ "$merge" = 1 ]; then
		fresh=build/fuzz/$name.merged
		rm -rf "$fresh" && mkdir -p "$fresh"
		# shellcheck disable=SC2086
		if "$bin" -merge=1 -max_len="${maxlen:-32}" -timeout=10 \
			"$fresh" $kept "$corpus" >"$bin.merge.log" 2>&1; then
			rm -rf "tests/fuzz/corpus/$name"
			mkdir -p tests/fuzz/corpus
			mv "$fresh" "tests/fuzz/corpus/$name"
			echo "     merged: tests/fuzz/corpus/$name holds" \
				"$(find "tests/fuzz/corpus/$name" -type f | wc -l)" \
				"inputs, $(cat "tests/fuzz/corpus/$name"/* | wc -c) bytes"
		else
			echo "     merge failed (see $bin.merge.log)"
			fail=$((fail + 1))
			pass=$((pass - 1))
		fi
	fi
done

if [ $# -gt 0 ] && [ $ran -eq 0 ]; then
	echo "no fuzz target named '$*'"
	fail=$((fail + 1))
fi
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
