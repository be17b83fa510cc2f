/*
 * pvfs_format.h - [Pvguest 19] the layout of pvfs on disk, shared by the
 * kernel (pvfs.c) and the host tool that makes disk images
 * (tools/mkpvfs.c).  Everything is little-endian, as both sides are.
 *
 *   sector 0        the superblock
 *   sectors 1-8     the directory: 64 entries of 64 bytes
 *   sectors 16-...  file data: each file one contiguous run of sectors
 *
 * A file is {name, first sector, length in bytes, capacity in sectors}.
 * Runs start on a 4 KiB boundary and are a whole number of 4 KiB long,
 * so a program's pages come off the disk a page at a time.
 */
#ifndef PVGUEST_PVFS_FORMAT_H
#define PVGUEST_PVFS_FORMAT_H

#include <stdint.h>

#define PVFS_MAGIC 0x53465650u /* "PVFS" */
#define PVFS_VERSION 1
#define PVFS_SECTOR 512
#define PVFS_DIR_START 1
#define PVFS_DIR_ENTRIES 64
#define PVFS_DIR_SECTORS (PVFS_DIR_ENTRIES * 64 / PVFS_SECTOR)
#define PVFS_DATA_START 16
#define PVFS_ALIGN 8	 /* sectors: runs are 4 KiB-aligned */
#define PVFS_NAME_MAX 39 /* plus the NUL */
#define PVFS_USED 1	 /* dirent.flags */

struct pvfs_super {
	uint32_t magic;
	uint32_t version;
	uint32_t sectors;   /* the file system's size */
	uint32_t dir_start; /* first directory sector */
	uint32_t dir_entries;
	uint32_t data_start; /* first data sector */
	char label[16];
};

struct pvfs_dirent {
	char name[PVFS_NAME_MAX + 1]; /* NUL-terminated */
	uint32_t start;		      /* first sector of its run */
	uint32_t length;	      /* bytes */
	uint32_t capacity;	      /* sectors in its run */
	uint32_t flags;		      /* PVFS_USED, or 0 for a free slot */
	uint32_t writes; /* times written since the image was made */
	uint32_t reserved;
};

_Static_assert(sizeof(struct pvfs_super) == 40, "pvfs superblock");
_Static_assert(sizeof(struct pvfs_dirent) == 64, "pvfs directory entry");

#endif /* PVGUEST_PVFS_FORMAT_H */
