#!/bin/bash
# bench.sh - the hypervisor's basic costs, as our guest measures them.
#
# Boots the hypervisor with the test guest in "bench" mode
# (tests/guest/bench.c) under plain QEMU (TCG), collects the guest's lines
#
#   guest: bench: NAME CYCLES cycles per op (N ops)
#
# and prints them as a table: the kernel's own measurements (bench.c) and
# then those of its user program (tests/guest/user/ubench.c: system call,
# user page fault, process switch).  Then the devices (bench_dev.c), from
# lines
#
#   guest: bench: NAME SIZE MiB|KiB in CYCLES cycles
#
# as a second table of throughput: cycles per 4 KiB always, and MB/s
# when the guest knows its TSC rate (tsc_khz is 0 under QEMU's default
# CPU, which has no invariant TSC to report).  Cycles are the guest's own rdtsc; under TCG
# they follow the host's clock, so compare numbers from one run with each
# other rather than across machines.  BENCH_QEMU_ARGS adds QEMU options
# (e.g. "-icount shift=0" for instruction counts instead of time).
set -u
cd "$(dirname "$0")/.."
out=build/bench
mkdir -p "$out"
log=$out/bench.log

if ! make -s build/hv.elf guest-images test-guest-images \
	>"$out/build.log" 2>&1; then
	echo "bench: build failed (see $out/build.log)" >&2
	exit 1
fi
if ! iso/mkiso.sh "$out/bench.iso" build/hv.elf "loglevel=info exit=qemu" \
	build/tests/guest/testguest.elf "kernel name=pv0 mem=32M -- bench" \
	build/guest/disk.img "disk" \
	>>"$out/build.log" 2>&1; then
	echo "bench: ISO build failed (see $out/build.log)" >&2
	exit 1
fi

# shellcheck disable=SC2086
timeout 300 qemu-system-i386 -boot d -m 256M -display none -monitor none \
	-no-reboot -cdrom "$out/bench.iso" \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 -serial stdio \
	${BENCH_QEMU_ARGS:-} </dev/null >"$log" 2>&1
rc=$?
[ $rc -eq 124 ] && echo "bench: timed out after 300 s (see $log)" >&2

if ! grep -q 'guest: bench: done' "$log"; then
	echo "bench: the guest did not finish (QEMU status $rc); log tail:" >&2
	tail -20 "$log" | sed 's/^/    /' >&2
	exit 1
fi

khz=$(sed -n 's/.*guest: bench: tsc_khz \([0-9]*\).*/\1/p' "$log" | head -1)
src="the guest's tsc_khz"
if [ "${khz:-0}" -eq 0 ]; then
	# The hypervisor gives the guest no TSC rate unless the TSC is
	# invariant, but it measured the rate against the PIT at boot and says
	# so in its banner ("hv: tsc: 2100.068 MHz"): good enough to turn this
	# run's cycles into time.
	khz=$(sed -n 's/^hv: tsc: \([0-9]*\)\.\([0-9]*\) MHz.*/\1\2/p' "$log" | head -1)
	src="the hypervisor's PIT-measured TSC rate"
fi
echo "pvguest microbenchmarks (guest rdtsc; times from ${src}: ${khz:-unknown} kHz)"
printf '%-18s %12s %10s %10s\n' operation cycles/op ops us/op
pattern='.*guest: bench: \([a-z0-9-]*\) \([0-9]*\) cycles per op (\([0-9]*\) ops).*'
sed -n "s/$pattern/\1 \2 \3/p" "$log" | awk -v khz="${khz:-0}" '{
		us = khz > 0 ? sprintf("%.3f", $2 / khz * 1000) : "-"
		printf "%-18s %12d %10d %10s\n", $1, $2, $3, us
	}'

echo
echo "device throughput"
printf '%-18s %10s %14s %12s %10s\n' transfer bytes cycles cycles/4KiB MB/s
pattern='.*guest: bench: \([a-z0-9-]*\) \([0-9]*\) \([KM]\)iB in \([0-9]*\) cycles.*'
sed -n "s/$pattern/\1 \2 \3 \4/p" "$log" | awk -v khz="${khz:-0}" '{
		bytes = $2 * ($3 == "M" ? 1048576 : 1024)
		mbs = khz > 0 ? sprintf("%.1f", bytes / ($4 / (khz * 1000)) / 1e6) : "-"
		printf "%-18s %10d %14d %12d %10s\n", $1, bytes, $4,
			$4 / (bytes / 4096), mbs
	}'
exit 0
