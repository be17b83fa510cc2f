#!/bin/bash
# run-test.sh FILE.test - boot one QEMU integration test and judge it.
#
# A test file is a bash fragment that sets:
#   DESC           one line: what the test proves
#   FIRMWARE       bios (qemu-system-i386, SeaBIOS) or uefi (x86_64 + OVMF)
#                  boot the ISO; uefi-disk boots OVMF from a disk image
#                  with hv.efi instead of GRUB (iso/mkefiimg.sh: the same
#                  HV_CMDLINE and MODULES, written as its hv.cfg)
#   EFI_CFG        uefi-disk only: the text of hv.cfg, instead of the one
#                  written from HV_CMDLINE and MODULES (a broken one, say)
#   MEM            guest-machine memory for QEMU, e.g. 256M
#   HV_CMDLINE     hypervisor options (exit=qemu is added if missing)
#   SELFTEST       1 to use the self-test build (build/selftest/hv.elf)
#   MODULES        array of pairs: file, module string; the kernel is
#                  build/guest/pvguest.elf (the teaching kernel, which
#                  boots into its shell) or build/tests/guest/testguest.elf
#                  (the same kernel with the tests' modes: tests/guest/)
#   TIMEOUT        seconds before the run is declared hung
#   EXPECT_STATUS  the hypervisor's exit status (QEMU exits 2*status+1)
#   EXPECT_RC      instead, QEMU's own exit status: 0 when the machine
#                  powered itself off, or reset under -no-reboot (exit=acpi,
#                  exit=reboot)
#   EXPECT         array of extended regexps that must appear in the log
#   REJECT         array of extended regexps that must not appear
#   QEMU_EXTRA     array of extra QEMU arguments.  The machine has no
#                  network card unless these add one (-nic none: QEMU's
#                  default is an e1000 on user-mode networking, which
#                  tests must not use); a test's network is a hubport,
#                  or a socket, stream or dgram netdev on 127.0.0.1
#   INPUT          text typed on the serial port once BOOTED_RE appears
#   SERIAL_TYPING  1: during() may type on the serial port, step by step,
#                  with send_serial TEXT (QEMU's serial input is a fifo)
#   KILL_RE        kill QEMU with SIGKILL the moment this appears in the
#                  log (a power cut; EXPECT_STATUS is then not checked)
# and may define check() for extra assertions on "$LOG" (return non-zero
# and print why to fail), during() to act on the machine while it runs
# (look at its screen, type on its keyboard: the screen helpers below,
# tests/qemu/screen.py; return non-zero and print why to fail), and again() for a second boot of the same
# machine: it changes what it needs (MODULES, EXPECT, ...) and calls
# boot_and_judge, whose log is "$LOG" again (the first is kept as
# NAME.1.log).  A test file runs at the top level of this script, so it
# may use $out and $name (a disk image at "$out/$name.img", say).
# Prints one PASS/FAIL line; exit 0 on pass.
set -u
file=$1
name=$(basename "$file" .test)
top=$(cd "$(dirname "$0")/../.." && pwd)
out="$top/build/tests"
mkdir -p "$out"
LOG="$out/$name.log"

DESC="" FIRMWARE=bios MEM=256M HV_CMDLINE="" SELFTEST=0 TIMEOUT=60
EXPECT_STATUS=0 INPUT="" BOOTED_RE="" KILL_RE="" SERIAL_TYPING=0
MODULES=() EXPECT=() REJECT=() QEMU_EXTRA=() SCREEN_FONT="" EFI_CFG=""
EXPECT_RC=""
unset -f check again during
# shellcheck disable=SC1090
source "$file"

fail() {
	echo "FAIL $name: $*"
	echo "     log: $LOG"
	exit 1
}

case " $HV_CMDLINE " in *" exit="*) ;; *) HV_CMDLINE="$HV_CMDLINE exit=qemu" ;; esac
if [ "$SELFTEST" = 1 ]; then build="$top/build/selftest"; else build="$top/build"; fi
# Run on its own, a test builds what it needs; under run-all.sh everything
# is built before the tests start (HV_PREBUILT), since tests run in parallel.
if [ -z "${HV_PREBUILT:-}" ]; then
	if [ "$SELFTEST" = 1 ]; then targets=(build/selftest/hv.elf)
	else targets=(build/hv.elf guest-images test-guest-images); fi
	[ "$FIRMWARE" = uefi-disk ] && targets+=(efi-app)
	make -s -C "$top" SELFTEST="$SELFTEST" "${targets[@]}" >"$out/$name.build" 2>&1 ||
		fail "build failed (see $out/$name.build)"
else
	: >"$out/$name.build"
fi

# ---- For during(): the machine's screen and keyboard, through QMP.
# SCREEN_FONT, if set, is the PSF font the screen is drawn with (then the
# text is read exactly, cell by cell); otherwise it is read by OCR.
# (A test sets it; the default is with the others, above.)
qmp_sock() { echo "$out/$name.qmp"; }
# wait_log RE [SECS]: until RE appears in the serial log.
wait_log() {
	local i
	for i in $(seq 1 $((${2:-$TIMEOUT} * 10))); do
		grep -qE -- "$1" "$LOG" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "not in the log after ${2:-$TIMEOUT}s: $1"
	return 1
}
# wait_count RE N [SECS]: until RE has appeared N times in the log
# (counted where it is, not by lines: two guests' prompts may share one).
wait_count() {
	for _ in $(seq 1 $((${3:-$TIMEOUT} * 10))); do
		[ "$(grep -aoE -- "$1" "$LOG" 2>/dev/null | wc -l)" -ge "$2" ] && return 0
		sleep 0.1
	done
	echo "fewer than $2 in the log after ${3:-$TIMEOUT}s: $1"
	return 1
}
# screen_dump FILE: save the screen as a PPM file.
screen_dump() { python3 "$top/tests/qemu/screen.py" dump "$(qmp_sock)" "$1"; }
# screen_text FILE: the text on a saved screen.
screen_text() { python3 "$top/tests/qemu/screen.py" text "$1" ${SCREEN_FONT:+"$SCREEN_FONT"}; }
# wait_screen RE [SECS]: until RE is on the screen; the screen's text is
# kept in $out/$name.screen.txt (and the picture beside it) either way.
wait_screen() {
	local txt="$out/$name.screen.txt"
	if python3 "$top/tests/qemu/screen.py" wait "$(qmp_sock)" "$1" \
		"${2:-$TIMEOUT}" ${SCREEN_FONT:+"$SCREEN_FONT"} >"$txt"; then
		cp "$(qmp_sock).ppm" "$out/$name.screen.ppm"
		return 0
	fi
	cp "$(qmp_sock).ppm" "$out/$name.screen.ppm" 2>/dev/null
	echo "not on the screen after ${2:-$TIMEOUT}s: $1 (screen: $txt)"
	return 1
}
# send_keys TEXT: type TEXT (\n for Enter); send_key CHORD: e.g. ctrl-a.
send_keys() { python3 "$top/tests/qemu/screen.py" keys "$(qmp_sock)" "$1"; }
# inject_nmi: a non-maskable interrupt, wherever the CPU is.
inject_nmi() { python3 "$top/tests/qemu/screen.py" nmi "$(qmp_sock)"; }
send_key() { python3 "$top/tests/qemu/screen.py" key "$(qmp_sock)" "$1"; }
# send_serial TEXT: type TEXT on the serial port (SERIAL_TYPING=1 only);
# printf escapes such as \r and \001 (Ctrl-A) are understood.
send_serial() { printf %b "$1" >&3; }
# qemu_quit: end the machine from outside (QEMU then exits with 0,
# which is what is judged instead of EXPECT_STATUS).
qemu_quit() {
	: >"$out/$name.quit"
	python3 "$top/tests/qemu/screen.py" quit "$(qmp_sock)"
}

# Wait for QEMU ($1, its pid) to end, typing INPUT and cutting the power
# (KILL_RE) when their moments come.  Sets rc.
watch_qemu() {
	local qpid=$1 typed=0
	for _ in $(seq 1 $((TIMEOUT * 10))); do
		kill -0 "$qpid" 2>/dev/null || break
		if [ -n "$INPUT" ] && [ $typed = 0 ] &&
			grep -qE "$BOOTED_RE" "$LOG" 2>/dev/null; then
			printf '%s' "$INPUT" >&3
			typed=1
		fi
		if [ -n "$KILL_RE" ] && grep -qE "$KILL_RE" "$LOG" 2>/dev/null; then
			# QEMU itself, killed at once (found by its ISO, which
			# is this test's own); timeout(1) ends with it.
			pkill -KILL -f -- "$out/$name.iso" 2>/dev/null ||
				kill -KILL "$qpid" 2>/dev/null
			wait "$qpid" 2>/dev/null
			rc=killed
			return
		fi
		sleep 0.1
	done
	wait "$qpid"
	rc=$?
}

boot() {
	local iso="$out/$name.iso" qpid
	during_rc=""
	media=(-cdrom "$iso")
	if [ "$FIRMWARE" = uefi-disk ]; then
		# hv.efi on a disk image, with this test's hv.cfg.
		media=(-drive "file=$out/$name.img,format=raw")
		[ -n "$EFI_CFG" ] && printf '%s' "$EFI_CFG" >"$out/$name.cfg"
		HV_CFG=${EFI_CFG:+$out/$name.cfg} "$top/iso/mkefiimg.sh" \
			"$out/$name.img" "$top/build/efi/hv.efi" "$build/hv.elf" \
			"$HV_CMDLINE" "${MODULES[@]}" >>"$out/$name.build" 2>&1 ||
			fail "disk image build failed (see $out/$name.build)"
	else
		"$top/iso/mkiso.sh" "$iso" "$build/hv.elf" "$HV_CMDLINE" "${MODULES[@]}" \
			>>"$out/$name.build" 2>&1 || fail "ISO build failed (see $out/$name.build)"
	fi
	case "$FIRMWARE" in
	bios) qemu=(qemu-system-i386 -boot d) ;;
	uefi | uefi-disk) qemu=(qemu-system-x86_64 -bios /usr/share/ovmf/OVMF.fd) ;;
	*) fail "unknown FIRMWARE '$FIRMWARE'" ;;
	esac
	qemu+=(-m "$MEM" -display none -monitor none -nic none -no-reboot "${media[@]}"
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 "${QEMU_EXTRA[@]}")
	if declare -F during >/dev/null; then
		# during() runs beside the machine, talking to it over QMP;
		# its verdict is judged with the rest.
		rm -f "$(qmp_sock)" "$out/$name.quit"
		qemu+=(-qmp "unix:$(qmp_sock),server=on,wait=off")
		serial_in=/dev/null
		if [ "$SERIAL_TYPING" = 1 ]; then
			serial_in="$out/$name.in"
			rm -f "$serial_in" && mkfifo "$serial_in"
		fi
		timeout "$TIMEOUT" "${qemu[@]}" -serial stdio <"$serial_in" >"$LOG" 2>&1 &
		qpid=$!
		[ "$SERIAL_TYPING" = 1 ] && exec 3>"$serial_in"
		for _ in $(seq 1 100); do [ -S "$(qmp_sock)" ] && break; sleep 0.1; done
		during >"$out/$name.during" 2>&1
		during_rc=$?
		# A during() that gave up leaves nothing for the machine to do.
		[ "$during_rc" = 0 ] || kill "$qpid" 2>/dev/null
		wait "$qpid"
		rc=$?
		[ "$SERIAL_TYPING" = 1 ] && { exec 3>&-; rm -f "$serial_in"; }
	elif [ -n "$INPUT" ]; then
		# Type INPUT once the guest is ready: QEMU's serial port reads
		# a fifo that we write into after BOOTED_RE shows up in the log.
		fifo="$out/$name.in"
		rm -f "$fifo" && mkfifo "$fifo"
		timeout "$TIMEOUT" "${qemu[@]}" -serial stdio <"$fifo" >"$LOG" 2>&1 &
		qpid=$!
		exec 3>"$fifo"
		watch_qemu $qpid
		exec 3>&-
		rm -f "$fifo"
	elif [ -n "$KILL_RE" ]; then
		# In a subshell whose own stderr is thrown away: timeout(1)
		# dies of the same SIGKILL as QEMU, and bash says "Killed" of
		# any command a signal ends.  (The "exit" keeps bash from
		# exec'ing timeout in the subshell's place.)
		(timeout "$TIMEOUT" "${qemu[@]}" -serial stdio </dev/null >"$LOG" 2>&1; exit $?) 2>/dev/null &
		watch_qemu $!
	else
		timeout "$TIMEOUT" "${qemu[@]}" -serial stdio </dev/null >"$LOG" 2>&1
		rc=$?
	fi
}

judge() {
	if [ "${during_rc:-0}" != 0 ]; then
		fail "during(): $(tail -5 "$out/$name.during" | tr '\n' ' ')"
	fi
	[ "$rc" = 124 ] && fail "timed out after ${TIMEOUT}s"
	if [ -n "$KILL_RE" ]; then
		[ "$rc" = killed ] || fail "QEMU ended (status $rc) before the power cut: $KILL_RE"
	else
		want=${EXPECT_RC:-$((EXPECT_STATUS * 2 + 1))}
		[ -e "$out/$name.quit" ] && want=0
		[ "$rc" = "$want" ] || fail "QEMU exit status $rc, expected $want (hypervisor status $EXPECT_STATUS)"
	fi
	for re in "${EXPECT[@]}"; do
		grep -qE -- "$re" "$LOG" || fail "expected output missing: $re"
	done
	for re in "${REJECT[@]}"; do
		if grep -qE -- "$re" "$LOG"; then fail "forbidden output present: $re"; fi
	done
	if declare -F check >/dev/null; then
		why=$(check 2>&1) || fail "${why:-check() failed}"
	fi
}

boot_and_judge() {
	[ -e "$LOG" ] && mv "$LOG" "$out/$name.1.log"
	boot
	judge
}

boot
judge
if declare -F again >/dev/null; then
	again
fi
echo "PASS $name${DESC:+: $DESC}"
