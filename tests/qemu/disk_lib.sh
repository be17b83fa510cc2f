# disk_lib.sh - disk images for the storage tests (tests/qemu/disk-*.test),
# made with the tools a user would use: truncate, sgdisk, mkfs.
#
#   raw_image FILE MiB          a zeroed disk without a table
#   gpt_image FILE              64 MiB with a GPT: partition 1 "linux"
#                               (8 MiB at 1 MiB), 2 "data" (16 MiB at 9 MiB),
#                               3 "spare" (8 MiB at 25 MiB)
#   gpt_start FILE N            partition N's first 512-byte sector
#   mbr_image FILE              32 MiB with an MBR (sfdisk): 1 primary (4 MiB
#                               at 1 MiB), 2 extended, holding logical 5
#                               (8 MiB at 6 MiB) and 6 (8 MiB at 15 MiB)
#   pattern_check FILE SECTOR GEN   the regions disktest wrote with GEN,
#                               at SECTOR of FILE (disk_pattern.py)
#   ahci_disk FILE [OPTS]       QEMU arguments: FILE on port 0 of an AHCI
#   nvme_disk FILE [OPTS]       ... as namespace 1 of an NVMe controller
# Each sets or prints what it makes; QEMU arguments go into QEMU_EXTRA.

raw_image() {
	rm -f "$1" && truncate -s "$2M" "$1"
}

gpt_image() {
	raw_image "$1" 64
	sgdisk -n 1:1M:+8M -c 1:linux -t 1:8300 \
		-n 2:9M:+16M -c 2:data -t 2:8300 \
		-n 3:25M:+8M -c 3:spare -t 3:8300 \
		-u 2:6f1b4c3a-95e2-4d7c-8a51-0b9e2d7c4f10 "$1" >/dev/null
}

gpt_start() {
	sgdisk -i "$2" "$1" | sed -n 's/^First sector: \([0-9]*\).*/\1/p'
}

mbr_image() {
	raw_image "$1" 32
	printf 'label: dos\nstart=2048, size=8192, type=83\nstart=10240, size=51200, type=5\nstart=12288, size=16384, type=83\nstart=30720, size=16384, type=83\n' |
		sfdisk -q "$1"
}

pattern_check() {
	python3 "$top/tests/qemu/disk_pattern.py" "$1" "$2" "$3"
}

ahci_disk() {
	QEMU_EXTRA+=(-drive "file=$1,if=none,id=d0,format=raw${2:+,$2}"
		-device ahci,id=ahci -device ide-hd,drive=d0,bus=ahci.0)
}

nvme_disk() {
	QEMU_EXTRA+=(-drive "file=$1,if=none,id=d0,format=raw${2:+,$2}"
		-device "nvme,drive=d0,serial=hvtest0001${3:+,$3}")
}
