# smp_lib.sh - for the NAME-smp2.test files: an existing test run again
# on a machine with two CPUs, its first guest pinned to the second one.
#
#   smp2_variant   after the base test is sourced: -smp 2, cpu=1 on the
#                  first kernel module, twice the time, and the
#                  hypervisor must say both CPUs are online and that it
#                  put the guest there
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
