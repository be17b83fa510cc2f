# expect.sh - a few shell functions to drive a QEMU guest through its
# serial console, expect-style: start QEMU with its serial port on a fifo
# we hold open, wait for text in its output, type lines.  Sourced by the
# Linux check and benchmark scripts.

# qemu_start LOG QEMU-ARGS...: run QEMU in the background.
qemu_start() {
	QLOG=$1
	shift
	QFIFO=$(mktemp -u "${TMPDIR:-/tmp}/hv-serial.XXXXXX")
	mkfifo "$QFIFO"
	# Read-write open: never blocks, and keeps the fifo open for QEMU.
	exec 7<>"$QFIFO"
	: >"$QLOG"
	QMARK=0
	"$@" -serial stdio <&7 >"$QLOG" 2>&1 &
	QPID=$!
	QSTART=$(date +%s.%N)
}

# mark: from now on, expect_text looks only at output that comes after
# this point (so an old prompt cannot answer for a new one).
QMARK=0
mark() {
	QMARK=$(stat -c %s "$QLOG")
}

# expect_text REGEX SECONDS: wait until the output since the last mark
# matches; 1 on timeout or if QEMU has exited without a match.
expect_text() {
	local re=$1 secs=$2 i
	for ((i = 0; i < secs * 10; i++)); do
		if tail -c +$((QMARK + 1)) "$QLOG" | grep -qE -- "$re"; then
			return 0
		fi
		if ! kill -0 "$QPID" 2>/dev/null; then
			tail -c +$((QMARK + 1)) "$QLOG" | grep -qE -- "$re"
			return
		fi
		sleep 0.1
	done
	return 1
}

# send LINE: type a line on the serial console; what comes back is
# looked for from here on.
send() {
	mark
	printf '%s\r' "$1" >&7
}

# qemu_wait SECONDS: wait for QEMU to exit; sets QRC (124 on timeout).
qemu_wait() {
	local secs=$1 i
	for ((i = 0; i < secs * 10; i++)); do
		kill -0 "$QPID" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$QPID" 2>/dev/null; then
		kill "$QPID" 2>/dev/null
		wait "$QPID" 2>/dev/null
		QRC=124
	else
		wait "$QPID"
		QRC=$?
	fi
	exec 7>&-
	rm -f "$QFIFO"
}

# elapsed: seconds since qemu_start, with decimals.
elapsed() {
	echo "$(date +%s.%N) $QSTART" | awk '{printf "%.2f", $1 - $2}'
}
