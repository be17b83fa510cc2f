#!/bin/bash
# soak.sh - several busy guests at once for a while, then all off (make soak).
#
#   SOAK_MINUTES=10 [EXITS=resident|switch] [SMP=N] tests/soak.sh
#
# Four guests of the test guest in "soak" mode (tests/guest/soak.c) under
# QEMU (TCG, headless, exit=qemu): "forker" runs fork loops, "disk" disk
# round trips and fork loops on a blank disk of its own, "flood" console
# bursts, and "crash" fork loops, breaking a rule every CRASH_SECS of its
# life so that restart=on-crash starts it again (at most 16 times).  Every
# guest stops at the same wall-clock second, SOAK_MINUTES after boot, by
# its own reading of lguest_data.time (the RTC, kept by the hypervisor),
# and powers off.  Then the checks: each guest completed, the hypervisor
# printed its "all guests stopped; N pages free (M before ...)" with N = M,
# no PANIC, exit status 0.  Prints the numbers.
#
# SMP=N (default 1) gives the machine N CPUs (QEMU's -smp N); with more
# than one the four guests are pinned over them in turn (cpu=0, 1, ...,
# N-1, 0, ...) so every CPU works, and each CPU's line of the
# hypervisor's summary ("hv: cpu K: exits ...") must be there too.
set -u
cd "$(dirname "$0")/.." || exit 1
minutes=${SOAK_MINUTES:-10}
secs=${SOAK_SECS:-$((minutes * 60))} # SOAK_SECS: a shorter smoke run
crash=${CRASH_SECS:-$(((secs / 12) > 10 ? secs / 12 : 10))}
smp=${SMP:-1}
case "$smp" in '' | *[!0-9]* | 0) echo "soak: SMP=$smp: expected a number of CPUs" >&2; exit 1 ;; esac
out=build/soak
mkdir -p "$out"
log=$out/soak.log
disk=$out/scratch.img

if ! make -s build/hv.elf guest-images test-guest-images \
	>"$out/build.log" 2>&1; then
	echo "soak: build failed (see $out/build.log)" >&2
	exit 1
fi
rm -f "$disk" && truncate -s 8M "$disk"
# The deadline, in seconds since 1970: allow ~20 s for GRUB and the boot.
until=$(($(date +%s) + 20 + secs))
common="secs=$((secs + 120)) until=$until"
# pin I: the cpu= of the Ith guest (from 0), none on one CPU.
pin() { [ "$smp" -gt 1 ] && echo "cpu=$(($1 % smp)) "; }
if ! iso/mkiso.sh "$out/soak.iso" build/hv.elf "loglevel=info exit=qemu exits=${EXITS:-auto}" \
	build/tests/guest/testguest.elf "kernel name=forker mem=32M $(pin 0)-- soak $common work=fork" \
	build/tests/guest/testguest.elf "kernel name=disk mem=32M $(pin 1)-- soak $common work=blk,fork" \
	"$disk" "disk" \
	build/tests/guest/testguest.elf "kernel name=flood mem=16M $(pin 2)-- soak $common work=flood" \
	build/tests/guest/testguest.elf "kernel name=crash mem=32M restart=on-crash $(pin 3)-- soak $common work=fork crash=$crash" \
	>>"$out/build.log" 2>&1; then
	echo "soak: ISO build failed (see $out/build.log)" >&2
	exit 1
fi

echo "soak: ${secs}s, 4 guests, crash every ${crash}s, SMP $smp; log $log"
start=$(date +%s)
timeout $((secs + 600)) qemu-system-i386 -boot d -m 512M -display none \
	-monitor none -nic none -no-reboot -cdrom "$out/soak.iso" \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 -serial stdio -smp "$smp" \
	</dev/null >"$log" 2>&1
rc=$?
wall=$(($(date +%s) - start))

bad=0
problem() {
	echo "soak: FAIL: $*"
	bad=1
}
[ $rc -eq 124 ] && problem "timed out"
[ $rc -eq 1 ] || problem "QEMU exit status $rc, expected 1 (hypervisor status 0)"
if grep -q 'PANIC' "$log"; then problem "the hypervisor panicked"; fi
if grep -q 'guest: soak: FAIL' "$log"; then problem "$(grep -m1 'guest: soak: FAIL' "$log")"; fi
for g in forker disk flood crash; do
	grep -q "hv: guest $g: power off: soak complete" "$log" ||
		problem "guest $g did not complete"
done
for g in forker disk flood; do
	if grep -q "hv: guest $g: killed" "$log"; then problem "guest $g was killed"; fi
done
read -r free before <<<"$(sed -n 's/.*all guests stopped; \([0-9]*\) pages free (\([0-9]*\) before.*/\1 \2/p' "$log")"
[ -n "${free:-}" ] || problem "no 'all guests stopped' summary"
[ "${free:-x}" = "${before:-y}" ] || problem "free pages $free, $before before the guests started"
for ((c = 0; c < smp; c++)); do
	grep -qE "hv: cpu $c: exits [0-9]+, guest [0-9]+ ms, idle [0-9]+ ms" "$log" ||
		problem "no statistics line for cpu $c"
done
restarts=$(grep -c 'hv: guest crash: restarting' "$log")
kills=$(grep -c 'hv: guest crash: killed' "$log")
grep 'guest: soak: done:' "$log" | sed 's/^/soak:   /'
grep -E 'hv: (cpu [0-9]+: exits|run: )' "$log" | sed 's/^/soak:   /'
echo "soak: pages free ${free:-?} after, ${before:-?} before; crash guest killed $kills times, restarted $restarts times; ${wall}s wall; QEMU status $rc"
[ $bad -eq 0 ] && echo "soak: PASS" || exit 1
