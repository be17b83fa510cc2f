# timer_lib.sh - what the interrupt-controller and timer tests share
# (tests/qemu/irq-*.test, timer-*.test).
#
#   sleepers NAME:TICKS ...   MODULES for one test guest per pair, each
#                             running sleeptest=TICKS (tests/guest/sleeptest.c)
#   check_sleeps NAME:TICKS ...  each guest's "sleeptest: N ticks of 10 ms
#                             took M ms" line (so give each guest its own
#                             N: the lines carry no name): M at least N * 10 (the
#                             hypervisor's clock says no tick came early)
#                             and below N * 10 * 20, a bound generous enough
#                             for TCG on a loaded machine, which still fails
#                             a timer programmed with a frequency off by
#                             more than twentyfold
#   SHELL_INPUT, SHELL_EXPECT  our guest's shell, typed at: a sleep, an
#                             echo after it, and a power-off

sleepers() {
	local pair
	MODULES=()
	for pair in "$@"; do
		MODULES+=("$top/build/tests/guest/testguest.elf"
			"kernel name=${pair%%:*} mem=16M -- sleeptest=${pair##*:}")
	done
}

check_sleeps() {
	local pair name ticks ms
	for pair in "$@"; do
		name=${pair%%:*} ticks=${pair##*:}
		ms=$(grep -aoE "guest: sleeptest: $ticks ticks of 10 ms took [0-9]+ ms" "$LOG" |
			head -n 1 | sed -E 's/.*took ([0-9]+) ms/\1/')
		[ -n "$ms" ] || { echo "$name: no sleeptest line for $ticks ticks"; return 1; }
		[ "$ms" -ge $((ticks * 10)) ] ||
			{ echo "$name: $ticks ticks took only $ms ms"; return 1; }
		[ "$ms" -lt $((ticks * 10 * 20)) ] ||
			{ echo "$name: $ticks ticks took $ms ms"; return 1; }
		grep -q "hv: guest $name: power off: sleeptest complete" "$LOG" ||
			{ echo "$name: did not power off"; return 1; }
	done
}

SHELL_MODULES=(
	"$top/build/guest/pvguest.elf" "kernel name=pv0 mem=32M -- shell"
	"$top/build/guest/disk.img" "disk"
)
SHELL_INPUT=$'sleep 30\necho typed-after-sleep\npoweroff\n'
SHELL_EXPECT=(
	'pvsh: type .help. for the commands'
	'pvsh\$ sleep 30'
	'(^|[$] )typed-after-sleep'
	'hv: guest pv0: power off: poweroff requested by a user program'
)
