#!/bin/sh
# deps.sh check|install PACKAGE... - make sure the Debian packages the
# build and tests need are installed.
#
# "check" looks for the tools themselves and, if any is missing, behaves
# like "install".  "install" runs apt-get as root, or prints the exact
# command for someone who can.
set -eu
mode=$1
shift

missing() {
	for c in gcc make ld qemu-system-i386 qemu-system-x86_64 grub-mkrescue \
		xorriso mformat python3 sgdisk sfdisk mkfs.ext4 debugfs \
		tesseract; do
		command -v "$c" >/dev/null 2>&1 || { echo "$c"; return 0; }
	done
	for f in /usr/lib/grub/i386-pc/moddep.lst \
		/usr/lib/grub/x86_64-efi/moddep.lst \
		/usr/share/ovmf/OVMF.fd /usr/include/cmocka.h \
		/usr/include/linux/virtio_pci.h \
		/usr/src/newlib/newlib-3.3.0.tar.xz \
		/usr/share/consolefonts/Lat15-Terminus16.psf.gz \
		/usr/lib/elf_x86_64_efi.lds; do
		[ -e "$f" ] || { echo "$f"; return 0; }
	done
	lib=$(gcc -m32 -print-libgcc-file-name 2>/dev/null || true)
	case "$lib" in /*) [ -e "$lib" ] || { echo "32-bit libgcc"; return 0; } ;;
		*) echo "32-bit libgcc"; return 0 ;; esac
	return 0
}

if [ "$mode" = check ]; then
	what=$(missing)
	[ -z "$what" ] && exit 0
	echo "deps: '$what' is missing; installing the build and test packages"
fi

line="apt-get install -y --no-install-recommends $*"
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: run as root:  apt-get update && $line" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# A mirror caught mid-sync fails one index file or another; the install
# below still works from the rest, so that is a warning, not the end.
if ! apt-get update -q >/tmp/hv-apt-update.log 2>&1; then
	echo "deps: apt-get update reported problems (continuing):" >&2
	grep -E '^(E|W):' /tmp/hv-apt-update.log | head -5 >&2
fi
# shellcheck disable=SC2086
if ! apt-get install -y -q --no-install-recommends "$@" >/tmp/hv-apt-install.log 2>&1; then
	tail -20 /tmp/hv-apt-install.log >&2
	echo "deps: apt-get install failed" >&2
	exit 1
fi
what=$(missing)
if [ -n "$what" ]; then
	echo "deps: '$what' still missing after installing packages" >&2
	exit 1
fi
