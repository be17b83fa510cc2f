#!/bin/bash
# mkappliance.sh OUT.img - an appliance's disk: one GPT disk that two
# guests boot from (docs/appliance.md).
#
#   partition 1 "linux"  48 MiB ext4: a root file system for a Linux guest
#                        (Debian's busybox-static:i386, as for the
#                        initramfs: tests/linux/mkinitrd.sh --tree)
#   partition 2 "pvfs"    8 MiB: our guest's pvfs, with its programs
#                        (build/guest/disk.img, made by mkpvfs)
#
#   iso/mkappliance.sh [--no-linux] OUT.img     (make appliance-image)
#
# The guests name their partitions by label on their module lines
# (disk=label:linux, disk=label:pvfs), so the disk can sit on any
# controller, at any port.  Everything is made as an ordinary user with
# truncate, sgdisk, mkfs.ext4 -d and debugfs; no loop devices, no mounts.
set -eu
with_linux=1
if [ "${1:-}" = --no-linux ]; then
	with_linux=0 # partition 1 left empty (make check: no download)
	shift
fi
out=${1:?usage: mkappliance.sh [--no-linux] OUT.img}
top=$(cd "$(dirname "$0")/.." && pwd)
pvfs="$top/build/guest/disk.img"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hv-appliance.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
[ -r "$pvfs" ] || { echo "mkappliance: $pvfs missing (make guest-images)" >&2; exit 1; }

# The root file system: busybox, /init as /sbin/init, a console node
# (made inside the image by debugfs, so no root privilege is needed).
if [ $with_linux = 1 ]; then
	"$top/tests/linux/mkinitrd.sh" --tree "$tmp/root"
	mkfs.ext4 -q -F -L linuxroot -d "$tmp/root" "$tmp/root.img" 48M >/dev/null
	debugfs -w -R "mknod /dev/console c 5 1" "$tmp/root.img" >/dev/null 2>&1
fi

rm -f "$out.tmp" && truncate -s 64M "$out.tmp"
sgdisk -n 1:1M:+48M -c 1:linux -t 1:8300 \
	-n 2:49M:+8M -c 2:pvfs -t 2:8300 "$out.tmp" >/dev/null
put() { # put PARTITION FILE
	local first
	first=$(sgdisk -i "$1" "$out.tmp" | sed -n 's/^First sector: \([0-9]*\).*/\1/p')
	dd if="$2" of="$out.tmp" bs=512 seek="$first" conv=notrunc status=none
}
[ $with_linux = 1 ] && put 1 "$tmp/root.img"
put 2 "$pvfs"
mv "$out.tmp" "$out"
echo "mkappliance: $out: GPT, 1 linux ($([ $with_linux = 1 ] && echo "ext4, busybox" || echo empty)), 2 pvfs (our guest)"
