#!/bin/bash
# run-all.sh [--only NAME] - every test: host unit tests (cmocka), then
# QEMU integration tests, then the labs' handouts.  Ends with the line
# "N passed, N failed" and a non-zero exit status if anything failed.
#
# Tree checks are tests/checks/*.py: rules about the source tree itself
# (the include order of the rooms, docs that name only what exists); each
# prints its findings and exits non-zero on any.
#
# Unit tests are tests/unit/test_*.c.  Each names the project sources it
# tests in a comment line "UNIT_SOURCES: hv/a.c hv/b.c"; it is compiled
# for the host with -DHV_HOST_TEST and the sanitizers.  QEMU tests are
# tests/qemu/*.test (see tests/qemu/run-test.sh).  NAME is a check's file
# name without ".py", a unit test's without "test_" and ".c", a QEMU
# test's without ".test", or lab-LAB for a lab's handout.
set -u
cd "$(dirname "$0")/.."
only=""
[ "${1:-}" = "--only" ] && only=${2:-}
pass=0 fail=0 ran=0
mkdir -p build/unit build/tests

CFLAGS_UNIT="-std=gnu11 -g -O1 -DHV_HOST_TEST -I. -Wall -Wextra -Werror \
 -Wno-unused-parameter -fsanitize=address,undefined -fno-omit-frame-pointer"

for chk in tests/checks/*.py; do
	[ -e "$chk" ] || continue
	name=$(basename "$chk" .py)
	[ -n "$only" ] && [ "$only" != "$name" ] && continue
	ran=$((ran + 1))
	if out=$(python3 "$chk" 2>&1); then
		echo "PASS check/$name"
		pass=$((pass + 1))
	else
		echo "FAIL check/$name"
		sed 's/^/     /' <<<"$out" | head -30
		fail=$((fail + 1))
	fi
done

for src in tests/unit/test_*.c; do
	[ -e "$src" ] || continue
	name=$(basename "$src" .c)
	name=${name#test_}
	[ -n "$only" ] && [ "$only" != "$name" ] && continue
	ran=$((ran + 1))
	srcs=$(sed -n 's/.*UNIT_SOURCES:\(.*\)/\1/p' "$src" | head -1 | sed 's|\*/.*||')
	bin=build/unit/test_$name
	# shellcheck disable=SC2086
	if ! gcc $CFLAGS_UNIT -o "$bin" "$src" $srcs -lcmocka >"$bin.build" 2>&1; then
		echo "FAIL unit/$name: does not compile (see $bin.build)"
		sed 's/^/     /' "$bin.build" | head -20
		fail=$((fail + 1))
		continue
	fi
	"$bin" >"$bin.log" 2>&1
	rc=$?
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$bin.log" | tail -1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$bin.log" | tail -1)
	p=${p:-0} f=${f:-0}
	if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1 # crashed (a sanitizer report, say) before its summary
	fi
	pass=$((pass + p))
	fail=$((fail + f))
	if [ "$f" -eq 0 ]; then
		echo "PASS unit/$name ($p cases)"
	else
		echo "FAIL unit/$name: $f failed, $p passed (see $bin.log)"
		grep -E '^\[  (FAILED|ERROR) |ERROR:|error:|runtime error' "$bin.log" | head -10 | sed 's/^/     /'
	fi
done

tests=()
for t in tests/qemu/*.test; do
	[ -e "$t" ] || continue
	name=$(basename "$t" .test)
	[ -n "$only" ] && [ "$only" != "$name" ] && continue
	tests+=("$t")
done
if [ ${#tests[@]} -gt 0 ]; then
	ran=$((ran + ${#tests[@]}))
	# Build everything once, here, one make at a time; the tests then run
	# two at a time and must not build anything themselves (two makes in
	# one build tree would race).
	if ! { make -s build/hv.elf guest-images test-guest-images efi-app &&
		make -s SELFTEST=1 build/selftest/hv.elf; } >build/tests/build.log 2>&1; then
		cat build/tests/build.log
		echo "the build failed; no QEMU test can run"
		echo "$pass passed, $((fail + ${#tests[@]})) failed"
		exit 1
	fi
	export HV_PREBUILT=1
	# Two at a time: this machine has two cores and QEMU is single-threaded.
	# A test with the line ALONE=1 (a timing ratio: smp-compute-*) runs
	# after the others, one at a time, with the cores to itself.
	alone=$(grep -lx 'ALONE=1' "${tests[@]}")
	results=$(printf '%s\n' "${tests[@]}" | grep -vxF "$alone" |
		xargs -P 2 -I{} tests/qemu/run-test.sh {})
	for t in $alone; do
		results+=${results:+$'\n'}$(tests/qemu/run-test.sh "$t")
	done
	echo "$results"
	pass=$((pass + $(grep -c '^PASS' <<<"$results")))
	fail=$((fail + $(grep -c '^FAIL' <<<"$results")))
fi

# The labs (docs/labs/): their tests passed above, with the QEMU tests;
# here each lab's handout is made, built and booted, and must fail its
# test for the lab's reason (tests/labs/labs.py).  NAME: lab-<lab>.
# Not in a handout (tests/labs/HANDOUT): its lab is what is missing.
labs=$(python3 tests/labs/labs.py list | cut -d' ' -f1)
[ -e tests/labs/HANDOUT ] && labs=""
for lab in $labs; do
	[ -n "$only" ] && [ "$only" != "lab-$lab" ] && continue
	ran=$((ran + 1))
	if python3 tests/labs/labs.py handout-fails "$lab"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
	fi
done

if [ -n "$only" ] && [ $ran -eq 0 ]; then
	echo "no test named '$only'"
	fail=$((fail + 1))
fi
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
