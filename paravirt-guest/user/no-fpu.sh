#!/bin/sh
# no-fpu.sh ELF - fail if a user program has an FPU, MMX or SSE instruction.
#
# The kernel does not save a process's FPU registers when it switches to
# another (paravirt-guest/README.md), so no user program may use them: we
# compile ours with -mgeneral-regs-only and newlib without floating point
# in printf and scanf.  But newlib's libc.a is compiled without that flag
# (much of it is about floating point), and a call to, say, strtod would
# bring x87 code in unseen.  So guest.mk runs this on every program it
# links.  x87 instructions are the ones whose names begin with "f"; MMX
# and SSE ones name %mm, %xmm or %ymm registers, or the MXCSR.
set -eu
elf=$1
code=$(objdump -d --no-show-raw-insn "$elf")
found=$(printf '%s\n' "$code" | awk -F'\t' '
	NF >= 2 {
		split($2, w, " ")
		if (w[1] ~ /^f/ || $2 ~ /%[xy]?mm[0-9]/ || w[1] ~ /mxcsr|^emms/)
			print
	}' | head -5)
if [ -n "$found" ]; then
	echo "$elf: FPU or SSE instructions in a user program:" >&2
	echo "$found" >&2
	exit 1
fi
