#!/bin/bash
# mkinitrd.sh - the busybox initramfs for a Linux guest: Debian's 32-bit
# static busybox (the busybox-static:i386 package), an /init that makes
# the applet links, mounts proc, sysfs and devtmpfs and starts a shell on
# the console, and a /dev/console node.  A gzipped cpio "newc" archive.
#
#   make linux-initrd                  writes build/linux/initrd.gz
#   tests/linux/mkinitrd.sh OUT [BUSYBOX_DEB=path]
#   tests/linux/mkinitrd.sh --tree DIR   the same files as a directory, for
#                                      a root file system on a disk
#                                      (iso/mkappliance.sh; /sbin/init is
#                                      /init there, /dev/console is made by
#                                      the caller)
#
# The package is downloaded (apt-get download) and unpacked here with
# dpkg-deb -x, never installed, so the host's own busybox stays as it is.
# An amd64 host needs i386 as a dpkg architecture for that; as root this
# script adds it, otherwise it prints the command to run.  Or give the
# .deb yourself: BUSYBOX_DEB=path/to/busybox-static_..._i386.deb.
#
# The archive is written here, not by cpio(1): cpio can only copy a
# device node that exists, and making one needs root.  The format is the
# kernel's (Documentation/early-userspace/buffer-format.txt).  Every
# entry is owned by root, and the times are the package's, so the same
# package gives the same archive.
set -eu
tree=
if [ "${1:-}" = --tree ]; then
	tree=${2:?usage: mkinitrd.sh --tree DIR}
	set -- "$tree/.unused"
fi
out=${1:?usage: mkinitrd.sh OUT.gz | --tree DIR}
top=$(cd "$(dirname "$0")/../.." && pwd)
cache="$top/build/linux"
mkdir -p "$cache" "$(dirname "$out")"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hv-initrd.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# ---- The package: given, downloaded before, or downloaded now.
download() {
	(cd "$tmp" && apt-get download busybox-static:i386) \
		>"$tmp/apt.log" 2>&1 || return 1
	mv "$tmp"/busybox-static_*_i386.deb "$cache/"
}
cached() { # the newest .deb downloaded before, if any
	local d
	for d in "$cache"/busybox-static_*_i386.deb; do
		[ -e "$d" ] && echo "$d"
	done | tail -1
}
deb=${BUSYBOX_DEB:-$(cached)}
if [ -z "$deb" ]; then
	echo "mkinitrd: downloading Debian's busybox-static:i386"
	if ! download; then
		root_cmd="dpkg --add-architecture i386 && apt-get update"
		if [ "$(id -u)" -ne 0 ]; then
			cat "$tmp/apt.log" >&2
			echo "mkinitrd: run as root:  $root_cmd" >&2
			echo "  then run this again, or give it the package yourself:" >&2
			echo "  BUSYBOX_DEB=path/to/busybox-static_..._i386.deb" >&2
			exit 1
		fi
		echo "mkinitrd: $root_cmd"
		dpkg --add-architecture i386
		# A mirror caught mid-sync fails an index or two; the
		# download below says whether what we need came through.
		apt-get update -q >"$tmp/apt-update.log" 2>&1 ||
			grep -E '^(E|W):' "$tmp/apt-update.log" | head -5 >&2
		download || {
			cat "$tmp/apt.log" >&2
			echo "mkinitrd: apt-get download busybox-static:i386 failed" >&2
			exit 1
		}
	fi
	deb=$(cached)
fi
dpkg-deb -x "$deb" "$tmp/pkg"
bb="$tmp/pkg/bin/busybox"
# ELF, 32-bit (class 1), i386 (machine 3): the guest runs nothing else.
if [ "$(od -An -tx1 -N5 "$bb" | tr -d ' ')" != 7f454c4601 ] ||
	[ "$(od -An -tu2 -j18 -N2 "$bb" | tr -d ' ')" != 3 ]; then
	echo "mkinitrd: $deb has no 32-bit x86 bin/busybox" >&2
	exit 1
fi

# ---- /init.  The console is hvc0 on the hypervisor (console=hvc0) and
# ttyS0 when bench-linux boots the same kernel natively; cttyhack opens
# whichever it is as the shell's controlling terminal, so Ctrl-C works.
cat >"$tmp/init" <<'EOF'
#!/bin/busybox sh
# /init (from hv's tests/linux/mkinitrd.sh)
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
echo "INIT: user space up"
# hv_ip=ADDR/PREFIX on the kernel command line configures eth0, for a
# guest that gets no typed input (the console's input goes to the first
# guest only): tests/linux/check-linux.sh's second guest on a switch.
for w in $(cat /proc/cmdline); do
	case "$w" in
	hv_ip=*)
		ip addr add "${w#hv_ip=}" dev eth0 && ip link set eth0 up &&
			echo "INIT: eth0 is ${w#hv_ip=}"
		;;
	esac
done
# init must never exit (the kernel would panic): a shell that exits is
# started again.
while :; do
	setsid cttyhack sh
done
EOF

if [ -n "$tree" ]; then
	rm -rf "$tree"
	mkdir -p "$tree"
	for d in bin dev proc sbin sys usr/bin usr/sbin mnt; do
		mkdir -p "$tree/$d"
	done
	install -m 755 "$bb" "$tree/bin/busybox"
	install -m 755 "$tmp/init" "$tree/init"
	ln -s /init "$tree/sbin/init"
	echo "mkinitrd: $tree: $(basename "$deb")"
	exit 0
fi

# ---- The archive.  An entry is a 110-byte header of hex fields, the
# name and its NUL padded to 4 bytes, then the data padded to 4 bytes.
mtime=$(stat -c %Y "$bb")
ino=0
pad() { # pad LENGTH: zeros up to the next multiple of 4
	head -c $(((4 - $1 % 4) % 4)) /dev/zero
}
entry() { # entry NAME MODE [FILE | RDEV-MAJOR RDEV-MINOR]
	local name=$1 mode=$2 file='' size=0 major=0 minor=0
	case $# in
	3) file=$3 size=$(stat -c %s "$file") ;;
	4) major=$3 minor=$4 ;;
	esac
	ino=$((ino + 1))
	printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X' \
		$ino $((8#$mode)) 0 0 1 "$mtime" "$size" 0 0 "$major" "$minor" \
		$((${#name} + 1)) 0
	printf '%s\0' "$name"
	pad $((110 + ${#name} + 1))
	if [ -n "$file" ]; then
		cat "$file"
		pad "$size"
	fi
}
{
	for d in . bin dev proc sbin sys usr usr/bin usr/sbin; do
		entry "$d" 040755
	done
	entry dev/console 020600 5 1
	entry bin/busybox 0100755 "$bb"
	entry init 0100755 "$tmp/init"
	ino=-1 mtime=0 # the trailer: inode 0, time 0
	entry 'TRAILER!!!' 0
} | gzip -9 -n >"$out.tmp"
mv "$out.tmp" "$out"
echo "mkinitrd: $out: $(basename "$deb"), $(stat -c %s "$out") bytes"
