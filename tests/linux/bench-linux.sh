#!/bin/bash
# bench-linux.sh - the same Linux kernel, booted natively in QEMU and on
# the hypervisor in the same QEMU, in the same run: boot to user space, a
# shell compute loop, 300 fork+exec of /bin/true, and reading 16 MiB from
# /dev/vda.  Times come from the guest's own /proc/uptime, so firmware and
# GRUB are not counted on either side.  The guest's clock starts at
# different points natively and under lguest, so the last line measures
# boot on the wall clock instead: from the kernel's start (QEMU's start
# natively, where QEMU loads the kernel itself; the hypervisor's "starting
# the guest" line on the other side) to the shell prompt.  Medians of RUNS
# runs, and ratios.  The hypervisor runs twice, once per exit design
# (exits=switch, lguest's CR3 load each way; exits=resident, the
# hypervisor in every guest address space): two columns.
#
#   make bench-linux LINUX_BZIMAGE=path LINUX_INITRD=path [RUNS=3]
#
# The kernel needs CONFIG_LGUEST_GUEST=y (for the hypervisor) and the 8250
# serial console (for the native boot, console=ttyS0); docs/linux-guest.md.
#
# Then a real disk: 64 MiB read with dd from an NVMe namespace, natively
# (/dev/nvme0n1: the kernel needs CONFIG_BLK_DEV_NVME=y, or that line is
# skipped) and on the hypervisor (disk=nvme0n1,ro: /dev/vda), the same
# image in the same QEMU.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
out="$top/build/linux"
. "$top/tests/linux/expect.sh"

if [ -z "${LINUX_BZIMAGE:-}" ] || [ -z "${LINUX_INITRD:-}" ]; then
	echo "bench-linux: SKIPPED: give LINUX_BZIMAGE= and LINUX_INITRD= (see docs/linux-guest.md)"
	exit 0
fi
runs=${RUNS:-3}
mkdir -p "$out"
make -s -C "$top" build/hv.elf || exit 1
disk="$out/bench-disk.img"
[ -f "$disk" ] || head -c 16777216 /dev/urandom >"$disk"
DESIGNS="switch resident"
for d in $DESIGNS; do
	"$top/iso/mkiso.sh" "$out/bench-linux-$d.iso" "$top/build/hv.elf" \
		"loglevel=info exit=qemu exits=$d" \
		"$LINUX_BZIMAGE" "kernel name=linux mem=128M -- console=hvc0 quiet" \
		"$LINUX_INITRD" "initrd" "$disk" "disk" || exit 1
done

PROMPT='[#$] '
# The workload, typed at the shell.  Each prints NAME start end, both
# read from /proc/uptime (centiseconds of guest time).
WORK='u() { cut -d" " -f1 /proc/uptime; }
echo BOOT 0 $(u)
a=$(u); i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; echo COMPUTE $a $(u)
a=$(u); i=0; while [ $i -lt 300 ]; do /bin/true; i=$((i+1)); done; echo FORKEXEC $a $(u)
a=$(u); dd if=/dev/vda of=/dev/null bs=65536 2>/dev/null; echo DD $a $(u)
echo BENCH-DONE'

one_run() { # one_run native|switch|resident LOG -> "boot compute forkexec dd wall"
	local how=$1 log=$2
	if [ "$how" = native ]; then
		qemu_start "$log" qemu-system-i386 -m 256M -display none \
			-monitor none -nic none -no-reboot -kernel "$LINUX_BZIMAGE" \
			-initrd "$LINUX_INITRD" -append "console=ttyS0 quiet" \
			-drive "file=$disk,if=virtio,format=raw,readonly=on"
	else
		qemu_start "$log" qemu-system-i386 -m 512M -boot d -display none \
			-monitor none -nic none -no-reboot -cdrom "$out/bench-linux-$how.iso" \
			-device isa-debug-exit,iobase=0xf4,iosize=0x04
	fi
	# Where the kernel starts: at once natively (QEMU loads it itself);
	# on the hypervisor, when it starts the guest, after firmware and GRUB.
	local t0=0 wall
	if [ "$how" != native ]; then
		expect_text 'hv: guest linux: bzImage kernel' 120 && t0=$(elapsed)
	fi
	if ! expect_text "$PROMPT" 300; then
		echo "bench-linux: $how: no shell prompt (see $log)" >&2
		qemu_wait 1
		return 1
	fi
	wall=$(echo "$(elapsed) $t0" | awk '{ printf "%.2f", $1 - $2 }')
	while IFS= read -r line; do
		send "$line"
		sleep 0.2
	done <<<"$WORK"
	expect_text 'BENCH-DONE' 600 || { echo "bench-linux: $how: workload did not finish (see $log)" >&2; }
	send 'poweroff -f'
	qemu_wait 60
	tr -d '\r' <"$log" | awk -v wall="$wall" '
		$1 == "BOOT" && NF == 3 { boot = $3 }
		$1 == "COMPUTE" && NF == 3 { c = $3 - $2 }
		$1 == "FORKEXEC" && NF == 3 { f = $3 - $2 }
		$1 == "DD" && NF == 3 { d = $3 - $2 }
		END { printf "%s %s %s %s %s\n", boot, c, f, d, wall }'
}

# The real disk: NAME start end from /proc/uptime, or "DDN none" when the
# native kernel has no NVMe driver.
NVME_WORK='u() { cut -d" " -f1 /proc/uptime; }
d=/dev/vda; [ -b /dev/nvme0n1 ] && d=/dev/nvme0n1; [ -b $d ] || d=none
a=$(u); [ $d = none ] || dd if=$d of=/dev/null bs=65536 2>/dev/null; echo DDN $a $(u) $d
echo BENCH-DONE'
nvme="$out/bench-nvme.img"
[ -f "$nvme" ] || head -c 67108864 /dev/urandom >"$nvme"
for d in $DESIGNS; do
	"$top/iso/mkiso.sh" "$out/bench-linux-nvme-$d.iso" "$top/build/hv.elf" \
		"loglevel=info exit=qemu exits=$d" \
		"$LINUX_BZIMAGE" "kernel name=linux mem=128M disk=nvme0n1,ro -- console=hvc0 quiet" \
		"$LINUX_INITRD" "initrd" || exit 1
done

nvme_run() { # nvme_run native|switch|resident LOG -> the dd's seconds, or "none"
	local how=$1 log=$2 drive=(-drive "file=$nvme,if=none,id=n0,format=raw,readonly=on"
		-device nvme,drive=n0,serial=bench0)
	if [ "$how" = native ]; then
		qemu_start "$log" qemu-system-i386 -m 256M -display none \
			-monitor none -nic none -no-reboot -kernel "$LINUX_BZIMAGE" \
			-initrd "$LINUX_INITRD" -append "console=ttyS0 quiet" "${drive[@]}"
	else
		qemu_start "$log" qemu-system-i386 -m 512M -boot d -display none \
			-monitor none -nic none -no-reboot -cdrom "$out/bench-linux-nvme-$how.iso" \
			-device isa-debug-exit,iobase=0xf4,iosize=0x04 "${drive[@]}"
	fi
	if ! expect_text "$PROMPT" 300; then
		echo "bench-linux: nvme $how: no shell prompt (see $log)" >&2
		qemu_wait 1
		return 1
	fi
	while IFS= read -r line; do
		send "$line"
		sleep 0.2
	done <<<"$NVME_WORK"
	expect_text 'BENCH-DONE' 600 || echo "bench-linux: nvme $how: dd did not finish (see $log)" >&2
	send 'poweroff -f'
	qemu_wait 60
	tr -d '\r' <"$log" | awk '$1 == "DDN" && NF == 4 {
		print ($4 == "none" ? "none" : $3 - $2) }'
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

for how in native $DESIGNS; do
	: >"$out/bench-$how.txt"
	: >"$out/bench-nvme-$how.txt"
done
for ((r = 1; r <= runs; r++)); do
	for how in native $DESIGNS; do
		echo "run $r of $runs: $how"
		one_run $how "$out/bench-$how-$r.log" >>"$out/bench-$how.txt" || exit 1
	done
done

echo
echo "Linux guest, native QEMU vs on the hypervisor (seconds of guest time, median of $runs)"
printf '%-28s %8s %8s %7s %9s %7s\n' workload native switch ratio resident ratio
col=1
for name in "boot to user space" "compute loop (20000)" "300 fork+exec" "dd 16 MiB from vda" \
	"kernel start to shell (wall)"; do
	n=$(awk -v c=$col '{ print $c }' "$out/bench-native.txt" | median)
	s=$(awk -v c=$col '{ print $c }' "$out/bench-switch.txt" | median)
	h=$(awk -v c=$col '{ print $c }' "$out/bench-resident.txt" | median)
	awk -v name="$name" -v n="$n" -v s="$s" -v h="$h" 'BEGIN {
		printf "%-28s %8.2f %8.2f %6.2fx %9.2f %6.2fx\n", name, n, s,
			(n > 0 ? s / n : 0), h, (n > 0 ? h / n : 0) }'
	col=$((col + 1))
done

for ((r = 1; r <= runs; r++)); do
	echo "run $r of $runs: NVMe, native and on the hypervisor"
	for how in native $DESIGNS; do
		nvme_run $how "$out/bench-nvme-$how-$r.log" >>"$out/bench-nvme-$how.txt" || exit 1
	done
done
if grep -q none "$out/bench-nvme-native.txt"; then
	echo "dd 64 MiB from NVMe: skipped natively (the kernel has no CONFIG_BLK_DEV_NVME)"
else
	n=$(median <"$out/bench-nvme-native.txt")
	s=$(median <"$out/bench-nvme-switch.txt")
	h=$(median <"$out/bench-nvme-resident.txt")
	awk -v n="$n" -v s="$s" -v h="$h" 'BEGIN {
		printf "%-28s %8.2f %8.2f %6.2fx %9.2f %6.2fx   (%.0f, %.0f, %.0f MB/s)\n",
			"dd 64 MiB from NVMe", n, s, (n > 0 ? s / n : 0), h,
			(n > 0 ? h / n : 0), (n > 0 ? 67.1 / n : 0),
			(s > 0 ? 67.1 / s : 0), (h > 0 ? 67.1 / h : 0) }'
fi
