# smp_lib.sh - for the NAME-smp2.test files: an existing test run again
# on a machine with two CPUs, its first guest pinned to the second one.
#
#   smp2_variant   after the base test is sourced: -smp 2, cpu=1 on the
#                  first kernel module, twice the time, and the
#                  hypervisor must say both CPUs are online and that it
#                  put the guest there
#   smp_wake_ok CPU MAX_MS
#                  in "$LOG": processor CPU's guests were woken at least
#                  once, and no wake-up took MAX_MS or more from the
#                  interrupt that made the guest ready to its entry
#
# The guest that attacks then runs on an application processor, on its
# Switcher pages, GDT, IDT and TSS, while the bootstrap processor serves
# the machine's interrupts and any other guest: what the base test
# proves must hold there too.
smp2_variant() {
	local i guest
	QEMU_EXTRA+=(-smp 2)
	TIMEOUT=$((TIMEOUT * 2))
	DESC="-smp 2, on CPU 1: $DESC"
	for ((i = 1; i < ${#MODULES[@]}; i += 2)); do
		case "${MODULES[i]}" in
		kernel*)
			MODULES[i]="kernel cpu=1${MODULES[i]#kernel}"
			guest=$(sed -n 's/.*name=\([A-Za-z0-9_-]*\).*/\1/p' <<<"${MODULES[i]}")
			break
			;;
		esac
	done
	EXPECT+=('hv: cpus: 2 online')
	[ -n "${guest:-}" ] && EXPECT+=("hv: guest $guest: on cpu 1 \\(pinned\\)")
}

smp_wake_ok() {
	local line n us
	line=$(grep -a "hv: cpu $1: exits" "$LOG" | tail -1)
	read -r n us < <(sed -n 's/.*wake-ups \([0-9]*\) (the longest \([0-9]*\) us).*/\1 \2/p' <<<"$line")
	[ -n "$n" ] && [ -n "$us" ] || { echo "no wake-up figures for cpu $1"; return 1; }
	echo "cpu $1: $n wake-ups, the longest $us us"
	[ "$n" -ge 1 ] || { echo "FAIL: cpu $1's guests were never woken"; return 1; }
	[ "$us" -lt $(($2 * 1000)) ] || { echo "FAIL: a wake-up on cpu $1 took $us us (the bound is $2 ms)"; return 1; }
}
