#!/bin/bash
# fuzz-guest.sh - the hypercall fuzzer guest, one long run (make fuzz-guest).
#
#   tests/fuzz-guest.sh [SEED [CALLS [KILLS]]]   (make fuzz-guest SEED=...)
#
# EXITS=resident|switch picks the hypervisor's exit design (exits=; the
# default is auto).
# Boots the hypervisor with two guests under QEMU (TCG, headless,
# exit=qemu): "fz", the test guest in fuzz mode (tests/guest/fuzz.c) with
# restart=on-crash and a blank disk for its checkpoint, and "peer", an
# ordinary guest running fork loops, disk traffic and console output for
# PEER_SECS seconds of its own clock (tests/guest/soak.c), which must
# finish untouched.  Then it checks that the hypervisor is alive: its
# final "all guests stopped" summary, exit status 0 (every guest ended
# powered off: the fuzzer's kills were followed by restarts), no PANIC; that the peer completed; that the fuzzer finished; and that
# the kills the hypervisor printed are the ones the fuzzer counted.
# Prints "calls N, kills K, seed S" and the wall time.
set -u
cd "$(dirname "$0")/.." || exit 1
seed=${1:-${SEED:-}}
[ -n "$seed" ] || seed=$(date +%s)
calls=${2:-1000000}
kills=${3:-${KILLS:-12}}
peer_secs=${PEER_SECS:-60}
timeout=${FUZZ_TIMEOUT:-7200}
out=build/fuzz-guest
mkdir -p "$out"
log=$out/fuzz-guest-$seed.log
disk=$out/checkpoint.img

if ! make -s build/hv.elf guest-images test-guest-images \
	>"$out/build.log" 2>&1; then
	echo "fuzz-guest: build failed (see $out/build.log)" >&2
	exit 1
fi
rm -f "$disk" && truncate -s 64K "$disk"
if ! iso/mkiso.sh "$out/fuzz.iso" build/hv.elf "loglevel=info exit=qemu exits=${EXITS:-auto}" \
	build/tests/guest/testguest.elf \
	"kernel name=fz mem=32M restart=on-crash -- fuzz seed=$seed calls=$calls kills=$kills" \
	"$disk" "disk" \
	build/tests/guest/testguest.elf \
	"kernel name=peer mem=32M -- soak secs=$peer_secs work=fork,blk,flood" \
	build/guest/disk.img "disk" \
	>>"$out/build.log" 2>&1; then
	echo "fuzz-guest: ISO build failed (see $out/build.log)" >&2
	exit 1
fi

echo "fuzz-guest: seed $seed, $calls calls, kill budget $kills; log $log"
start=$(date +%s)
timeout "$timeout" qemu-system-i386 -boot d -m 256M -display none \
	-monitor none -nic none -no-reboot -cdrom "$out/fuzz.iso" \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 -serial stdio \
	</dev/null >"$log" 2>&1
rc=$?
secs=$(($(date +%s) - start))

bad=0
problem() {
	echo "fuzz-guest: FAIL: $*"
	bad=1
}
[ $rc -eq 124 ] && problem "timed out after ${timeout}s"
# Status 0 (QEMU says 2*0+1): every guest's last stop was a power-off.
[ $rc -eq 1 ] || problem "QEMU exit status $rc, expected 1 (hypervisor status 0)"
grep -q 'hv: all guests stopped; [0-9]* pages free' "$log" ||
	problem "no 'all guests stopped' summary"
if grep -q 'PANIC' "$log"; then problem "the hypervisor panicked"; fi
grep -q 'hv: guest peer: power off: soak complete' "$log" ||
	problem "the peer guest did not complete"
if grep -q 'hv: guest peer: killed' "$log"; then problem "the peer guest was killed"; fi
done_line=$(grep 'guest: fuzz: done:' "$log" | tail -1)
[ -n "$done_line" ] || problem "the fuzzer did not finish"
hv_kills=$(grep -c 'hv: guest fz: killed:' "$log")
n=$(sed -n 's/.*fuzz: done: calls \([0-9]*\), kills \([0-9]*\) (\([0-9]*\) unexpected).*/\1 \2 \3/p' <<<"$done_line")
read -r made counted unexpected <<<"${n:-0 0 0}"
[ "$counted" = "$hv_kills" ] ||
	problem "the fuzzer counted $counted kills, the hypervisor printed $hv_kills"
[ "${unexpected:-0}" -eq 0 ] ||
	echo "fuzz-guest: note: $unexpected kill(s) the fuzzer's model did not predict (see the log)"
free=$(sed -n 's/.*all guests stopped; \([0-9]*\) pages free (\([0-9]*\) before.*/\1 \2/p' "$log")
echo "fuzz-guest: ${done_line#*guest: }"
echo "fuzz-guest: hypervisor: $hv_kills kills printed; pages free/before: ${free:-?}; QEMU status $rc; ${secs}s wall"
echo "calls $made, kills $hv_kills, seed $seed"
[ $bad -eq 0 ] && echo "fuzz-guest: PASS" || exit 1
