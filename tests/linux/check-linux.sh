#!/bin/bash
# check-linux.sh - boot the user's own Linux 4.9 lguest guest on the
# hypervisor and prove it works: user space on hvc0, typed input, /dev/vda
# written, synced, read back, read back again after the guest reboots
# (its RAM wiped, the disk kept), the entropy device on its virtio bus
# (and, if the kernel has CONFIG_HW_RANDOM_VIRTIO, /dev/hwrng giving
# bytes that are not constant), clocks it trusts (its TSC, the CMOS
# clock), and a clean power-off; then an ext2
# file system on a real disk (AHCI, then NVMe), written in one boot and
# read back in the next.
#
#   make check-linux LINUX_BZIMAGE=path LINUX_INITRD=path [LINUX_MEM=128M]
#                    [LINUX_EXITS=auto|resident|switch] [LINUX_SMP=N]
#
# LINUX_EXITS is the hypervisor's exits= option (docs/isolation.md): run
# the check once with each design.  LINUX_SMP=N boots every machine with
# N processors (docs/smp.md): the checks with two guests (the panic, the
# network) then run them on two processors at once.
# The initrd must start a shell on the console (busybox is fine).  Without
# the two variables the check says it is skipped, and why, and passes.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
out="$top/build/linux"
. "$top/tests/linux/expect.sh"

if [ -z "${LINUX_BZIMAGE:-}" ] || [ -z "${LINUX_INITRD:-}" ]; then
	echo "check-linux: SKIPPED: no kernel given.  Build a Linux 4.9 i386"
	echo "  kernel with CONFIG_LGUEST_GUEST=y and a shell initramfs (see"
	echo "  docs/linux-guest.md), then run:"
	echo "  make check-linux LINUX_BZIMAGE=.../bzImage LINUX_INITRD=.../initrd.gz"
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
fi
for f in "$LINUX_BZIMAGE" "$LINUX_INITRD"; do
	[ -r "$f" ] || { echo "check-linux: cannot read $f"; exit 1; }
done
mem=${LINUX_MEM:-128M}
smp=${LINUX_SMP:-1}
case "$mem" in
*M) mib=${mem%M} ;;
*G) mib=$((${mem%G} * 1024)) ;;
*) echo "check-linux: LINUX_MEM must end in M or G (got '$mem')"; exit 1 ;;
esac
# Room for two such guests (the panic check runs two) and the hypervisor.
machine_mem="$((2 * mib + 128))M"
mkdir -p "$out"
make -s -C "$top" build/hv.elf || exit 1
disk="$out/check-disk.img"
rm -f "$disk" && truncate -s 16M "$disk"
iso="$out/check-linux.iso"
"$top/iso/mkiso.sh" "$iso" "$top/build/hv.elf" "loglevel=info exit=qemu exits=${LINUX_EXITS:-auto}" \
	"$LINUX_BZIMAGE" "kernel name=linux mem=$mem -- console=hvc0" \
	"$LINUX_INITRD" "initrd" "$disk" "disk" || exit 1

pass=0 fail=0 skip=0
step() { # step NAME REGEX SECONDS
	if expect_text "$2" "$3"; then
		echo "PASS linux/$1"
		pass=$((pass + 1))
		return 0
	fi
	echo "FAIL linux/$1: no '$2' within $3 s (log: $out/check-linux.log)"
	fail=$((fail + 1))
	return 1
}

# The entropy device (ABI 11.12).  Linux's virtio bus lists it whatever
# the kernel's configuration; /dev/hwrng needs CONFIG_HW_RANDOM_VIRTIO,
# and without that driver the rest is reported skipped, not failed.  (The
# commands print a word made at run time, so that their own echo cannot
# answer for them.)
hwrng_steps() {
	send 'echo VIRTIO-IDS $(cat /sys/bus/virtio/devices/*/device) END'
	step rng-on-virtio-bus 'VIRTIO-IDS .*0x0004.* END' 30
	send 'echo RNG-DRIVER-$([ -d /sys/bus/virtio/drivers/virtio_rng ] && echo YES || echo NO)'
	if ! expect_text 'RNG-DRIVER-(YES|NO)' 30; then
		echo "FAIL linux/hwrng-driver: no answer (log: $out/check-linux.log)"
		fail=$((fail + 1))
		return
	fi
	if ! tail -c +$((QMARK + 1)) "$QLOG" | grep -q 'RNG-DRIVER-YES'; then
		echo "SKIP linux/hwrng: this kernel has no virtio-rng driver (CONFIG_HW_RANDOM_VIRTIO is not set)"
		skip=$((skip + 1))
		return
	fi
	send 'ls /dev/hwrng && echo CURRENT-$(cat /sys/class/misc/hw_random/rng_current)'
	step hwrng-is-virtio 'CURRENT-virtio_rng' 30
	# 64 bytes: how many distinct values, and the bytes themselves for
	# the log; random bytes have about 56, a constant one.
	send 'b=$(head -c 64 /dev/hwrng | od -An -tx1); echo "$b"; echo DISTINCT-$(echo $b | tr " " "\n" | sort -u | wc -l)'
	step hwrng-bytes-vary 'DISTINCT-([2-9][0-9]|1[6-9])' 30
}

# The clocks (ABI 8.10, 10): the boot must not have given up on the TSC
# nor read all ones from the CMOS clock, and the clock reads sane through
# /dev/port (any kernel has it), within two minutes of the host's own
# clock (QEMU's RTC starts from it); "RTC time:" (PM_TRACE_RTC kernels)
# must be sane too.  The boot log is the serial log up to the prompt.
log_lacks() { # log_lacks NAME REGEX
	local hit
	hit=$(grep -aE -- "$2" "$QLOG" | head -1)
	if [ -n "$hit" ]; then
		echo "FAIL linux/$1: '$hit' (log: $QLOG)"
		fail=$((fail + 1))
	else
		echo "PASS linux/$1"
		pass=$((pass + 1))
	fi
}
clock_steps() {
	local cmos host
	log_lacks tsc-not-unstable 'Marking TSC unstable'
	log_lacks rtc-not-all-ones '165:165:165'
	# Given a rate, the kernel registers the TSC a second after its
	# initcall and switches to it: wait for that (in the whole log).
	if grep -qaE 'hv: tsc: guests get tsc_khz [1-9]' "$QLOG"; then
		local m=$QMARK
		QMARK=0
		step tsc-clocksource 'clocksource: Switched to clocksource tsc' 30
		QMARK=$m
	fi
	if grep -qa 'RTC time:' "$QLOG"; then
		if grep -qaE 'RTC time: +([01]?[0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9], date: (0[1-9]|1[0-2])/(0[1-9]|[12][0-9]|3[01])/(2[4-9]|[3-9][0-9])' "$QLOG"; then
			echo "PASS linux/rtc-time-line"
			pass=$((pass + 1))
		else
			echo "FAIL linux/rtc-time-line: '$(grep -a 'RTC time:' "$QLOG" | head -1)' (log: $QLOG)"
			fail=$((fail + 1))
		fi
	else
		echo "SKIP linux/rtc-time-line: the kernel prints no 'RTC time:' (CONFIG_PM_TRACE_RTC is not set)"
		skip=$((skip + 1))
	fi
	# r REG: a CMOS register through /dev/port (0x70 = 112, 0x71 = 113),
	# in hex, which for the BCD time registers is the decimal value.
	send 'r() { printf "\\$(printf %o $1)" | dd of=/dev/port bs=1 seek=112 count=1 2>/dev/null; dd if=/dev/port bs=1 skip=113 count=1 2>/dev/null | od -An -tx1 | tr -d " "; }; echo CMOS-$(r 50)$(r 9)-$(r 8)-$(r 7)T$(r 4):$(r 2):$(r 0)-D$(r 13)-END'
	if step cmos-via-dev-port 'CMOS-20(2[4-9]|[3-9][0-9])-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]-D80-END' 30; then
		cmos=$(tail -c +$((QMARK + 1)) "$QLOG" | grep -aoE 'CMOS-[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}' | head -1)
		cmos=$(date -u -d "${cmos#CMOS-}" +%s 2>/dev/null || echo 0)
		host=$(date -u +%s)
		if [ $((host - cmos)) -le 120 ] && [ $((cmos - host)) -le 120 ]; then
			echo "PASS linux/cmos-time-right"
			pass=$((pass + 1))
		else
			echo "FAIL linux/cmos-time-right: the CMOS clock says $cmos, the host $host (log: $QLOG)"
			fail=$((fail + 1))
		fi
	fi
}

qemu_start "$out/check-linux.log" qemu-system-i386 -boot d -m "$machine_mem" \
	-display none -monitor none -nic none -no-reboot -cdrom "$iso" \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 -smp "$smp"
PROMPT='[#$] '
if step boot-to-shell "$PROMPT" 300; then
	echo "     user space after $(elapsed) s (firmware and GRUB included)"
	send 'echo HVC0-INPUT-$((6*7)); cat /proc/cmdline'
	step hvc0-input 'HVC0-INPUT-42' 30
	step cmdline-passed 'console=hvc0' 10
	send '[ -d /proc/self ] && echo PROC-OK; [ -d /sys/block ] && echo SYS-OK'
	step proc-mounted 'PROC-OK' 30
	step sys-mounted 'SYS-OK' 10
	clock_steps
	send 'ls /dev/vda && cat /sys/block/vda/size'
	step vda-present '^32768' 30
	send 'echo hv-check-pattern-7 | dd of=/dev/vda bs=512 count=1 conv=sync 2>/dev/null; sync; echo WROTE-$?'
	step vda-write-sync 'WROTE-0' 60
	send 'dd if=/dev/vda bs=512 count=1 2>/dev/null | head -c 18; echo'
	step vda-read-back '^hv-check-pattern-7' 30
	hwrng_steps
	send 'reboot -f'
	# (the guest's RAM is wiped on restart; the disk is not)
	step reboot-requested 'hv: guest linux: restart requested' 60
	step reboot-restarted 'hv: guest linux: restarting' 10
	mark
	if step second-boot-to-shell "$PROMPT" 300; then
		send 'dd if=/dev/vda bs=512 count=1 2>/dev/null | head -c 18; echo'
		step vda-kept-across-reboot '^hv-check-pattern-7' 60
	fi
	send 'poweroff -f'
	step poweroff 'hv: guest linux: power off' 60
fi
qemu_wait 60
if [ "$QRC" -eq 1 ]; then
	echo "PASS linux/qemu-exit-status"
	pass=$((pass + 1))
else
	echo "FAIL linux/qemu-exit-status: $QRC (expected 1: every guest powered off)"
	fail=$((fail + 1))
fi

# A guest that panics (here: no init to run) is reported with its own
# panic message, next to a second guest that keeps running and is shut
# down normally: the hypervisor stays up for it.
iso2="$out/check-linux-panic.iso"
"$top/iso/mkiso.sh" "$iso2" "$top/build/hv.elf" "loglevel=info exit=qemu exits=${LINUX_EXITS:-auto}" \
	"$LINUX_BZIMAGE" "kernel name=broken mem=$mem -- console=hvc0 rdinit=/no/such/init init=/no/such/init" \
	"$LINUX_INITRD" "initrd" \
	"$LINUX_BZIMAGE" "kernel name=linux mem=$mem -- console=hvc0" \
	"$LINUX_INITRD" "initrd" || exit 1
qemu_start "$out/check-linux-panic.log" qemu-system-i386 -boot d -m "$machine_mem" \
	-display none -monitor none -nic none -no-reboot -cdrom "$iso2" \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 -smp "$smp"
step panic-reported 'hv: guest broken: power off: .+' 300
if step other-guest-runs-on "$PROMPT" 300; then
	send 'echo STILL-UP-$((6*7))'
	step other-guest-answers 'STILL-UP-42' 30
	# "halt" (not "poweroff") ends in hlt with interrupts off, which the
	# hypervisor takes as the guest halting for good (ABI 12).
	send 'halt -f'
	step other-guest-halts 'hv: guest linux: power off: halted' 60
fi
qemu_wait 60

# The same ISO on a UEFI machine with a 64-bit (AMD-flavoured) CPU model:
# GRUB's EFI build, another CPUID for the guest to filter.
if [ -r /usr/share/ovmf/OVMF.fd ]; then
	qemu_start "$out/check-linux-uefi.log" qemu-system-x86_64 \
		-bios /usr/share/ovmf/OVMF.fd -m "$machine_mem" -display none \
		-monitor none -nic none -no-reboot -cdrom "$iso" \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 -smp "$smp"
	step uefi-booted 'hv: booted by .* via UEFI' 120
	if step uefi-boot-to-shell "$PROMPT" 300; then
		# (a fresh machine: the disk is the image file again, zeros)
		send 'echo uefi-pattern-42 | dd of=/dev/vda bs=512 count=1 conv=sync 2>/dev/null; sync; dd if=/dev/vda bs=512 count=1 2>/dev/null | head -c 15; echo'
		step uefi-vda '^uefi-pattern-42' 30
		send 'poweroff -f'
		step uefi-poweroff 'hv: guest linux: power off' 60
	fi
	qemu_wait 60
fi
# Real disks: an ext2 file system in partition 2 ("data") of a GPT disk
# on AHCI, then on NVMe.  The guest mounts it from /dev/vda, writes a
# file and syncs; a second boot of the machine reads it back; and the
# image on the host holds it (debugfs, outside QEMU).
. "$top/tests/qemu/disk_lib.sh"
for ctl in ahci nvme; do
	img="$out/check-linux-$ctl.img"
	gpt_image "$img"
	start=$(gpt_start "$img" 2)
	rm -f "$out/fs.img" && mkfs.ext2 -q -F "$out/fs.img" 16M >/dev/null &&
		dd if="$out/fs.img" of="$img" bs=512 seek="$start" conv=notrunc status=none
	QEMU_EXTRA=()
	"${ctl}_disk" "$img"
	dev=$([ $ctl = ahci ] && echo sata0p2 || echo nvme0n1p2)
	iso3="$out/check-linux-$ctl.iso"
	"$top/iso/mkiso.sh" "$iso3" "$top/build/hv.elf" "loglevel=info exit=qemu exits=${LINUX_EXITS:-auto}" \
		"$LINUX_BZIMAGE" "kernel name=linux mem=$mem disk=label:data -- console=hvc0" \
		"$LINUX_INITRD" "initrd" || exit 1
	for round in write read; do
		qemu_start "$out/check-linux-$ctl-$round.log" qemu-system-i386 -boot d \
			-m "$machine_mem" -display none -monitor none -nic none -no-reboot \
			-cdrom "$iso3" -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
			-smp "$smp" "${QEMU_EXTRA[@]}"
		step "$ctl-disk-named-$round" "hv: guest linux: disk $dev, 16 MiB" 120
		if step "$ctl-$round-boot-to-shell" "$PROMPT" 300; then
			send 'mkdir -p /mnt && mount -t ext2 /dev/vda /mnt && echo MOUNTED-$?'
			step "$ctl-$round-mount" 'MOUNTED-0' 60
			if [ $round = write ]; then
				send "echo hv-$ctl-file-42 > /mnt/hello; sync; umount /mnt; echo SYNCED-\$?"
				step "$ctl-write-sync" 'SYNCED-0' 60
			else
				send 'cat /mnt/hello; umount /mnt'
				step "$ctl-read-back" "^hv-$ctl-file-42" 60
			fi
			send 'poweroff -f'
			step "$ctl-$round-poweroff" 'hv: guest linux: power off' 60
		fi
		qemu_wait 60
	done
	dd if="$img" of="$out/fs.img" bs=512 skip="$start" count=32768 status=none
	if debugfs -R 'cat /hello' "$out/fs.img" 2>/dev/null | grep -q "^hv-$ctl-file-42"; then
		echo "PASS linux/$ctl-file-in-image"
		pass=$((pass + 1))
	else
		echo "FAIL linux/$ctl-file-in-image: /hello not in partition 2 of $img"
		fail=$((fail + 1))
	fi
done

# The network: two Linux guests on one switch (net=lan0).  The second
# gets no typed input, so its initramfs configures eth0 from hv_ip=; the
# first is configured at its shell and pings the second.  A kernel
# without CONFIG_VIRTIO_NET and CONFIG_INET has no eth0: skipped.
iso4="$out/check-linux-net.iso"
"$top/iso/mkiso.sh" "$iso4" "$top/build/hv.elf" "loglevel=info exit=qemu exits=${LINUX_EXITS:-auto}" \
	"$LINUX_BZIMAGE" "kernel name=linux1 mem=$mem net=lan0 -- console=hvc0" \
	"$LINUX_INITRD" "initrd" \
	"$LINUX_BZIMAGE" "kernel name=linux2 mem=$mem net=lan0 -- console=hvc0 hv_ip=192.0.2.12/24" \
	"$LINUX_INITRD" "initrd" || exit 1
qemu_start "$out/check-linux-net.log" qemu-system-i386 -boot d -m "$machine_mem" \
	-display none -monitor none -no-reboot -cdrom "$iso4" \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 -smp "$smp"
step net-second-guest-configured 'INIT: eth0 is 192.0.2.12/24|INIT: user space up' 300
if step net-first-guest-shell "$PROMPT" 300; then
	# ($((0)) keeps the answers out of the echo of the command itself.)
	send '[ -e /sys/class/net/eth0 ] && echo HAS-ETH$((0)) || echo NO-ETH$((0))'
	if expect_text '^(HAS|NO)-ETH0' 30 && grep -q '^NO-ETH0' "$out/check-linux-net.log"; then
		echo "SKIP linux/net-ping: the kernel has no eth0 (CONFIG_VIRTIO_NET, CONFIG_INET)"
		skip=$((skip + 1))
	else
		send 'ip addr add 192.0.2.11/24 dev eth0 && ip link set eth0 up && echo ETH0-UP'
		step net-eth0-up 'ETH0-UP' 30
		send 'ping -c 3 -W 5 192.0.2.12; echo PING-DONE'
		step net-ping 'bytes from 192.0.2.12' 60
		step net-ping-done 'PING-DONE' 60
	fi
	send 'poweroff -f'
	step net-poweroff 'hv: guest linux1: power off' 60
fi
qemu_wait 30

if [ $skip -gt 0 ]; then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
[ $fail -eq 0 ]
