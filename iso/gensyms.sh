#!/bin/sh
# gensyms.sh ELF OUT.S - write the backtrace symbol table for hv.elf as
# assembly (see hv/lib/symbols.c).  With ELF "-", write an empty table: the
# first link needs the section to exist before there are symbols to list.
set -eu
elf=$1 out=$2
{
	printf '\t.section .hvsyms, "a"\n\t.align 4\n'
	printf '\t.globl hv_symtab, hv_symtab_count, hv_symstr\n'
	if [ "$elf" = "-" ]; then
		printf 'hv_symtab_count:\n\t.long 0\nhv_symtab:\nhv_symstr:\n\t.byte 0\n'
	else
		# Code symbols only (t/T/W), sorted by address, without the
		# assembler's local labels.
		nm -n "$elf" | awk '
			$2 ~ /^[tTwW]$/ && $3 !~ /^\.L/ { addr[n] = $1; name[n] = $3; n++ }
			END {
				printf "hv_symtab_count:\n\t.long %d\nhv_symtab:\n", n
				off = 0
				for (i = 0; i < n; i++) {
					printf "\t.long 0x%s, %d\n", addr[i], off
					off += length(name[i]) + 1
				}
				printf "hv_symstr:\n"
				for (i = 0; i < n; i++)
					printf "\t.asciz \"%s\"\n", name[i]
			}'
	fi
} > "$out"
