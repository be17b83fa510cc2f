#!/bin/sh
# mkefiimg.sh OUT.img HV.efi HV.elf "HV_CMDLINE" [FILE "MODULE STRING"]...
#
# A disk image that UEFI firmware boots straight into the hypervisor,
# with no GRUB: a GPT disk with one FAT32 EFI system partition holding,
# in \EFI\BOOT\, hv.efi as BOOTX64.EFI (the path firmware tries on any
# disk it has no boot entry for), hv.cfg, hv.elf and each module under
# its own file name.  The same image works written to a USB stick
# (README: "On a USB stick").
#
# hv.cfg is written from the arguments (docs/boot-config.md, "Booting
# without GRUB"), unless HV_CFG names a file to use instead: the tests
# boot deliberately broken ones that way.
set -eu
if [ $# -lt 4 ] || [ $(( ($# - 4) % 2 )) -ne 0 ]; then
	echo "usage: $0 OUT.img HV.efi HV.elf 'HV_CMDLINE' [FILE 'MODULE STRING']..." >&2
	exit 2
fi
out=$1 efi=$2 hv=$3 cmdline=$4
shift 4
for f in "$efi" "$hv"; do
	[ -f "$f" ] || { echo "mkefiimg: '$f' does not exist" >&2; exit 1; }
done
stage=$(mktemp -d "${TMPDIR:-/tmp}/hv-efi.XXXXXX")
trap 'rm -rf "$stage"' EXIT

# hv.cfg has no quoting (the loader refuses quotes and backslashes), so
# refuse them here too, at build time rather than at boot.
plain() {
	case "$1" in *[\"\'\\]*)
		echo "mkefiimg: hv.cfg has no quoting: $2 '$1'" >&2; exit 1 ;;
	esac
}
plain "$cmdline" "hypervisor options"
{
	echo "# hv.cfg - written by iso/mkefiimg.sh; read by hv.efi"
	echo "multiboot2 hv.elf $cmdline"
} >"$stage/hv.cfg"
files=""
while [ $# -gt 0 ]; do
	file=$1 string=$2
	shift 2
	[ -f "$file" ] || { echo "mkefiimg: module file '$file' does not exist" >&2; exit 1; }
	base=$(basename "$file")
	case " $files " in *" $base "*)
		echo "mkefiimg: two modules are named '$base'" >&2; exit 1 ;;
	esac
	plain "$string" "module string"
	files="$files $base"
	cp "$file" "$stage/$base"
	echo "module2 $base $string" >>"$stage/hv.cfg"
done
[ -n "${HV_CFG:-}" ] && cp "$HV_CFG" "$stage/hv.cfg"

# 1 MiB of GPT before the partition and 1 MiB after it (the backup
# table lives in the last sectors); the partition is big enough for
# FAT32 with one 512-byte sector per cluster (FAT32 needs at least 65525
# clusters, and firmware decides the FAT type by counting them).
payload=$(du -sk "$stage" | cut -f1)
mib=$(( payload / 1024 + 8 ))
[ $mib -lt 40 ] && mib=40
sectors=$(( mib * 2048 ))
part=$(( sectors - 4096 ))
rm -f "$out"
truncate -s "${mib}M" "$out"
# (sgdisk's -q would be quieter, but with it no table is written.)
if ! sgdisk -n "1:2048:$(( 2048 + part - 1 ))" -t 1:ef00 \
	-c 1:"hv EFI system" "$out" >"$stage.log" 2>&1; then
	cat "$stage.log" >&2
	rm -f "$stage.log"
	exit 1
fi
rm -f "$stage.log"
img="$out@@1M"
mformat -i "$img" -F -c 1 -T "$part" -h 64 -s 32 -v HVBOOT ::
mmd -i "$img" ::/EFI ::/EFI/BOOT
mcopy -i "$img" "$efi" ::/EFI/BOOT/BOOTX64.EFI
mcopy -i "$img" "$hv" ::/EFI/BOOT/hv.elf
mcopy -i "$img" "$stage/hv.cfg" ::/EFI/BOOT/hv.cfg
for base in $files; do
	mcopy -i "$img" "$stage/$base" "::/EFI/BOOT/$base"
done
