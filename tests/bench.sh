#!/bin/bash
# bench.sh - the hypervisor's basic costs, as our guest measures them.
#
# Boots the hypervisor with the test guest in "bench" mode
# (tests/guest/bench.c) under plain QEMU (TCG), collects the guest's lines
#
#   guest: bench: NAME CYCLES cycles per op (N ops)
#
# and prints them as a table, one column per exit design (exits=switch and
# exits=resident, one boot each): the kernel's own measurements (bench.c)
# and then those of its user program (tests/guest/user/ubench.c: system call,
# user page fault, process switch).  Then the devices (bench_dev.c), from
# lines
#
#   guest: bench: NAME SIZE MiB|KiB in CYCLES cycles
#
# as a second table of throughput: cycles per 4 KiB always, and MB/s
# when the guest knows its TSC rate (tsc_khz, the hypervisor's own rate,
# hv/dev/guest_tsc.c).  Cycles are the guest's own rdtsc; under TCG
# they follow the host's clock, so compare numbers from one run with each
# other rather than across machines.  Last, guests in parallel: N compute
# guests (tests/guest/compute.c) on -smp 1 and on -smp N, N = 2 and 4,
# printed as "bench: smp: N guests on N cpus: X.XXx of 1 cpu" with the
# host's core count (it bounds what TCG can give).  BENCH_QEMU_ARGS adds
# QEMU options (e.g. "-icount shift=0" for instruction counts instead of
# time).
set -u
cd "$(dirname "$0")/.."
out=build/bench
mkdir -p "$out"

if ! make -s build/hv.elf guest-images test-guest-images \
	>"$out/build.log" 2>&1; then
	echo "bench: build failed (see $out/build.log)" >&2
	exit 1
fi
# One boot of the bench guest per exit design (hv/include/layout.h):
# exits=switch (a CR3 load each way, lguest's design) and exits=resident
# (the hypervisor in every address space).  The guest registers its
# system-call gate as a trap gate (sysgate=trap), so its ring-3 getpid
# goes straight to ring 1 (ABI 8.2): the yardstick of the targets.
micro_boot() { # micro_boot DESIGN: one run, its log in $out/bench-DESIGN.log
	local l=$out/bench-$1.log
	iso/mkiso.sh "$out/bench-$1.iso" build/hv.elf "loglevel=info exit=qemu exits=$1" \
		build/tests/guest/testguest.elf "kernel name=pv0 mem=32M -- bench sysgate=trap" \
		build/guest/disk.img "disk" >>"$out/build.log" 2>&1 || {
		echo "bench: ISO build failed (see $out/build.log)" >&2
		return 1
	}
	# shellcheck disable=SC2086
	timeout 300 qemu-system-i386 -boot d -m 256M -display none -monitor none -nic none \
		-no-reboot -cdrom "$out/bench-$1.iso" \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 -serial stdio \
		${BENCH_QEMU_ARGS:-} </dev/null >"$l" 2>&1
	local rc=$?
	[ $rc -eq 124 ] && echo "bench: timed out after 300 s (see $l)" >&2
	if ! grep -q 'guest: bench: done' "$l"; then
		echo "bench: the guest did not finish with exits=$1 (QEMU status $rc); log tail:" >&2
		tail -20 "$l" | sed 's/^/    /' >&2
		return 1
	fi
}
micro_boot switch && micro_boot resident || exit 1
log=$out/bench-resident.log # the default design: the device lines below

khz=$(sed -n 's/.*guest: bench: tsc_khz \([0-9]*\).*/\1/p' "$log" | head -1)
src="the guest's tsc_khz"
if [ "${khz:-0}" -eq 0 ]; then
	# A hypervisor with no believable rate gives the guest none, but its
	# banner still says what it measured against the PIT at boot ("hv:
	# tsc: 2100.068 MHz"): good enough to turn this run's cycles into
	# time.
	khz=$(sed -n 's/^hv: tsc: \([0-9]*\)\.\([0-9]*\) MHz.*/\1\2/p' "$log" | head -1)
	src="the hypervisor's PIT-measured TSC rate"
fi
echo "pvguest microbenchmarks, both exit designs (guest rdtsc; times from ${src}: ${khz:-unknown} kHz)"
printf '%-18s %12s %12s %10s %10s\n' operation switch resident ratio "us/op res"
pattern='.*guest: bench: \([a-z0-9-]*\) \([0-9]*\) cycles per op (\([0-9]*\) ops).*'
{
	sed -n "s/$pattern/switch \1 \2/p" "$out/bench-switch.log"
	sed -n "s/$pattern/resident \1 \2/p" "$out/bench-resident.log"
} | awk -v khz="${khz:-0}" '
	$1 == "switch" { sw[$2] = $3; if (!($2 in seen)) { seen[$2] = 1; order[++n] = $2 } }
	$1 == "resident" { res[$2] = $3; if (!($2 in seen)) { seen[$2] = 1; order[++n] = $2 } }
	END {
		for (i = 1; i <= n; i++) {
			k = order[i]
			us = khz > 0 && (k in res) ? sprintf("%.3f", res[k] / khz * 1000) : "-"
			r = (k in sw) && (k in res) && sw[k] > 0 ? sprintf("%.2f", res[k] / sw[k]) : "-"
			printf "%-18s %12s %12s %10s %10s\n", k, (k in sw) ? sw[k] : "-", (k in res) ? res[k] : "-", r, us
		}
		# The targets (issue 11), against the direct-gate system call
		# of the same run.
		print ""
		print "against a direct-gate system call (syscall-getpid), same run:"
		split("hypercall port-out shadow-fault", t, " ")
		for (j = 1; j <= 3; j++) {
			k = t[j]
			printf "  %-14s switch %6.2fx   resident %6.2fx\n", k,
				sw["syscall-getpid"] ? sw[k] / sw["syscall-getpid"] : 0,
				res["syscall-getpid"] ? res[k] / res["syscall-getpid"] : 0
		}
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

# ---- Disks (tests/guest/diskbench.c): the same guest on a RAM disk
# module, on AHCI and on NVMe (64 MiB raw images in build/bench), one
# boot each, and each real disk's time against the RAM disk's.
disk_boot() { # disk_boot TAG DISKSPEC [QEMU ARGS...]: one run, its log
	local tag=$1 spec=$2
	shift 2
	local mods=(build/tests/guest/testguest.elf "kernel name=pv0 mem=32M $spec -- diskbench=$tag")
	[ "$tag" = ram ] && mods=(build/tests/guest/testguest.elf "kernel name=pv0 mem=32M -- diskbench=ram" "$out/ram.img" disk)
	iso/mkiso.sh "$out/disk-$tag.iso" build/hv.elf "loglevel=info exit=qemu exits=resident" \
		"${mods[@]}" >>"$out/build.log" 2>&1 || return 1
	# shellcheck disable=SC2086
	timeout 600 qemu-system-i386 -boot d -m 256M -display none -monitor none -nic none \
		-no-reboot -cdrom "$out/disk-$tag.iso" \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 -serial stdio \
		"$@" ${BENCH_QEMU_ARGS:-} </dev/null >"$out/disk-$tag.log" 2>&1
	grep -q "guest: diskbench: $tag done" "$out/disk-$tag.log"
}
for t in ram ahci nvme; do
	rm -f "$out/$t.img" && truncate -s 64M "$out/$t.img"
done
disk_boot ram "" &&
	disk_boot ahci disk=sata0 -drive file="$out/ahci.img",if=none,id=d0,format=raw \
		-device ahci,id=ahci -device ide-hd,drive=d0,bus=ahci.0 &&
	disk_boot nvme disk=nvme0n1 -drive file="$out/nvme.img",if=none,id=d0,format=raw \
		-device nvme,drive=d0,serial=bench0 ||
	{ echo "bench: a disk run failed (see $out/disk-*.log)" >&2; exit 1; }
echo
echo "disks (exits=resident): our guest, 64 KiB sequential and 4 KiB random, writes flushed"
echo "(ratio: the RAM disk's cycles / this disk's: 1.00 is RAM speed)"
printf '%-6s %-11s %10s %14s %10s %7s\n' disk transfer KiB cycles MB/s ratio
cat "$out"/disk-ram.log "$out"/disk-ahci.log "$out"/disk-nvme.log |
	sed -n 's/.*guest: diskbench: \([a-z]*\) \([a-z-]*\) \([0-9]*\) KiB in \([0-9]*\) cycles.*/\1 \2 \3 \4/p' |
	awk -v khz="${khz:-0}" '{
		if ($1 == "ram") ram[$2] = $4
		mbs = khz > 0 ? sprintf("%.1f", $3 * 1024 / ($4 / (khz * 1000)) / 1e6) : "-"
		printf "%-6s %-11s %10d %14.0f %10s %7.2f\n", $1, $2, $3, $4, mbs,
			ram[$2] / $4
	}'
# ---- The network (tests/guest/nettest.c): two of our guests on one switch.
# A stream of 1000-byte UDP datagrams from b to a, twice (N1 and N2 of
# them), so the exits one more datagram costs are the difference of the
# two runs' exits (boot and set-up cancel out); then b pings a.
net_boot() { # net_boot NAME MODULE-A MODULE-B: one run, its log
	iso/mkiso.sh "$out/net-$1.iso" build/hv.elf "loglevel=info exit=qemu exits=resident" \
		build/tests/guest/testguest.elf "kernel name=a mem=32M net=lan0 -- ip=192.0.2.1/24 $2" \
		build/tests/guest/testguest.elf "kernel name=b mem=32M net=lan0 -- ip=192.0.2.2/24 $3" \
		>>"$out/build.log" 2>&1 || return 1
	# shellcheck disable=SC2086
	timeout 600 qemu-system-i386 -boot d -m 256M -display none -monitor none -nic none \
		-no-reboot -cdrom "$out/net-$1.iso" \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 -serial stdio \
		${BENCH_QEMU_ARGS:-} </dev/null >"$out/net-$1.log" 2>&1
	grep -q 'hv: guest a: power off' "$out/net-$1.log"
}
exits() { # the two guests' exits in a log
	sed -n 's/^hv: guest [ab]: stats: exits \([0-9]*\),.*/\1/p' "$1" | awk '{ s += $1 } END { print s + 0 }'
}
N1=500 N2=4500
net_boot stream1 "nettest=sink:9:$N1" "nettest=blast:192.0.2.1:9:$N1:1000" &&
	net_boot stream2 "nettest=sink:9:$N2" "nettest=blast:192.0.2.1:9:$N2:1000" &&
	net_boot ping "nettest=serve:60" "nettest=ping:192.0.2.1:20:stop" ||
	{ echo "bench: a network run failed (see $out/net-*.log)" >&2; exit 1; }
e1=$(exits "$out/net-stream1.log") e2=$(exits "$out/net-stream2.log")
sink=$(sed -n 's/.*guest: nettest: sink: \([0-9]*\) of [0-9]* datagrams arrived (\([0-9]*\) bytes), \([0-9]*\) cycles.*/\1 \2 \3/p' "$out/net-stream2.log")
hcall=$(sed -n 's/.*guest: bench: hypercall \([0-9]*\) cycles per op.*/\1/p' "$log" | head -1)
# "time=N us (C cycles)" when the guest knows its TSC rate, else "time=C cycles".
rtt=$(grep 'guest: nettest: reply from' "$out/net-ping.log" |
	sed -n -e 's/.*(\([0-9]*\) cycles).*/\1/p' -e 't' -e 's/.*time=\([0-9]*\) cycles.*/\1/p' |
	sort -n | awk '{ v[NR] = $1 } END { print (NR ? v[int((NR + 1) / 2)] : 0) }')
echo
echo "network (exits=resident): two of our guests on one switch (1000-byte UDP datagrams)"
echo "$sink" | awk -v khz="${khz:-0}" -v e1="$e1" -v e2="$e2" -v n1=$N1 -v n2=$N2 '{
	mbs = khz > 0 && $3 > 0 ? sprintf("%.1f MB/s", $2 / ($3 / (khz * 1000)) / 1e6) : "-"
	printf "  stream: %d of %d datagrams arrived, %d cycles from first to last: %s\n", $1, n2, $3, mbs
	printf "  exits per datagram at full load: %.2f (%d exits for %d more datagrams)\n", (e2 - e1) / (n2 - n1), e2 - e1, n2 - n1
}'
awk -v rtt="$rtt" -v h="${hcall:-0}" 'BEGIN {
	printf "  ping round trip (median of 20): %d cycles = %.1f hypercall round trips (%d cycles each, this run)\n", rtt, h ? rtt / h : 0, h }'

# ---- Guests in parallel (tests/guest/compute.c): N compute guests, the
# same work each, booted on -smp 1 and on -smp N, for N = 2 and 4.  The
# throughput of a boot is its units of work over the hypervisor's "hv:
# run:" time (the first guest's start to the last one's stop), so the
# ratio is the 1-CPU run's time over the N-CPU run's.  QEMU's TCG runs a
# thread per CPU, so the ratio is bounded by the host's cores as well
# (and by one, if BENCH_QEMU_ARGS asks for -icount: all CPUs on one thread).
SMP_WORK=400 # units of about 10 ms each, per guest
smp_boot() { # smp_boot GUESTS CPUS: one run; prints its "hv: run:" ms
	local n=$1 cpus=$2 i mods=() l=$out/smp-$1on$2.log
	for ((i = 0; i < n; i++)); do
		mods+=(build/tests/guest/testguest.elf "kernel name=c$i mem=32M -- compute work=$SMP_WORK id=$i")
	done
	iso/mkiso.sh "$out/smp-${n}on$cpus.iso" build/hv.elf "loglevel=info exit=qemu" \
		"${mods[@]}" >>"$out/build.log" 2>&1 || return 1
	# shellcheck disable=SC2086
	timeout 900 qemu-system-i386 -boot d -m 256M -display none -monitor none -nic none \
		-no-reboot -cdrom "$out/smp-${n}on$cpus.iso" -smp "$cpus" \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 -serial stdio \
		${BENCH_QEMU_ARGS:-} </dev/null >"$l" 2>&1
	[ "$(grep -c 'power off: compute done' "$l")" -eq "$n" ] || return 1
	sed -n "s/.*hv: run: \([0-9]*\) ms from the first guest's start.*/\1/p" "$l" | head -1
}
echo
echo "guests in parallel: N compute guests of $SMP_WORK units each, -smp 1 against -smp N (host: $(nproc) cores)"
for n in 2 4; do
	one=$(smp_boot "$n" 1) && many=$(smp_boot "$n" "$n") && [ -n "$one" ] && [ -n "$many" ] ||
		{ echo "bench: an smp run failed (see $out/smp-*.log)" >&2; exit 1; }
	awk -v n="$n" -v w=$SMP_WORK -v one="$one" -v many="$many" 'BEGIN {
		printf "  %d guests: %d ms on 1 cpu (%.1f units/s), %d ms on %d (%.1f units/s)\n",
			n, one, n * w * 1000 / one, many, n, n * w * 1000 / many
		printf "bench: smp: %d guests on %d cpus: %.2fx of 1 cpu\n", n, n, one / many }'
done
echo "bench: smp: host cores (nproc): $(nproc)"
exit 0
