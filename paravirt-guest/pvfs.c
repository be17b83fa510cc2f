/*
 * pvfs.c - [Pvguest 19] pvfs: about the smallest file system that is
 * still one.
 *
 * The layout is in pvfs_format.h: a superblock, a fixed directory of 64
 * slots, and each file in one contiguous run of sectors.  No
 * subdirectories, no block maps, no free list: the free space is simply
 * what no directory entry covers.  We keep the whole directory in memory
 * (4 KiB) and write back the one sector of it that changed.
 *
 * Writing a file never overwrites its old contents.  We find a free run
 * big enough (first fit), write the data there, flush, and only then
 * write the directory sector that points the name at the new run, and
 * flush again.  A crash at any moment leaves either the old file or the
 * new one, never a mixture, because the switch is one sector write; the
 * old run becomes free space as the entry stops covering it.  (Real file
 * systems get the same effect with a journal or copy-on-write trees.)
 *
 * The data goes through one page of our own, the bounce buffer: the
 * caller's buffer may be a user program's, whose pages are anywhere in
 * physical memory, and the disk moves whole sectors.
 */
#include <stddef.h>

#include "blk.h"
#include "console.h"
#include "mm.h"
#include "pvfs.h"

#define RUN_BYTES (PVFS_ALIGN * PVFS_SECTOR)

static struct pvfs_super super;
static struct pvfs_dirent dir[PVFS_DIR_ENTRIES] __attribute__((aligned(4096)));
static uint8_t bounce[PAGE_SIZE] __attribute__((aligned(4096)));
static bool mounted;

_Static_assert(sizeof(dir) == PVFS_DIR_SECTORS * PVFS_SECTOR, "directory");

bool pvfs_mounted(void)
{
	return mounted;
}

static bool same_name(const char *a, const char *b)
{
	unsigned int i;

	for (i = 0; i < PVFS_NAME_MAX && a[i] && a[i] == b[i]; i++)
		;
	return i == PVFS_NAME_MAX || a[i] == b[i];
}

/* A directory entry we can trust: its run inside the data area. */
static bool entry_sane(const struct pvfs_dirent *e)
{
	return e->start >= super.data_start && e->start <= super.sectors &&
	       e->capacity <= super.sectors - e->start &&
	       e->length <= e->capacity * PVFS_SECTOR &&
	       e->name[PVFS_NAME_MAX] == '\0' && e->name[0];
}

/*
 * Read and check the superblock and the directory.  The disk is as
 * untrusted as anything else: an entry pointing outside the file system
 * is dropped, not followed.
 */
bool pvfs_mount(void)
{
	unsigned int files = 0, bad = 0;
	uint64_t disk = blk_capacity();

	mounted = false;
	if (blk_read(0, bounce, PVFS_SECTOR) != BLK_S_OK)
		return false;
	memcpy(&super, bounce, sizeof(super));
	if (super.magic != PVFS_MAGIC || super.version != PVFS_VERSION ||
	    super.dir_start != PVFS_DIR_START ||
	    super.dir_entries != PVFS_DIR_ENTRIES ||
	    super.data_start < PVFS_DIR_START + PVFS_DIR_SECTORS ||
	    super.sectors > disk) {
		printf("guest: pvfs: no pvfs file system on /dev/vda\n");
		return false;
	}
	if (blk_read(PVFS_DIR_START, dir, sizeof(dir)) != BLK_S_OK)
		return false;
	for (unsigned int i = 0; i < PVFS_DIR_ENTRIES; i++) {
		if (!(dir[i].flags & PVFS_USED))
			continue;
		if (entry_sane(&dir[i])) {
			files++;
		} else {
			dir[i].flags = 0;
			bad++;
		}
	}
	super.label[sizeof(super.label) - 1] = '\0';
	printf("guest: pvfs: '%s' on /dev/vda: %u files in %u slots, %u "
	       "MiB%s\n",
	       super.label, files, PVFS_DIR_ENTRIES, super.sectors >> 11,
	       bad ? " (bad entries dropped)" : "");
	mounted = true;
	return true;
}

const struct pvfs_dirent *pvfs_lookup(const char *name)
{
	for (unsigned int i = 0; mounted && i < PVFS_DIR_ENTRIES; i++)
		if ((dir[i].flags & PVFS_USED) && same_name(dir[i].name, name))
			return &dir[i];
	return NULL;
}

/* Slot i, used or not; NULL past the end. */
const struct pvfs_dirent *pvfs_slot(unsigned int i)
{
	return mounted && i < PVFS_DIR_ENTRIES ? &dir[i] : NULL;
}

/* Copy len bytes of the file from offset off; how many, or -1. */
int pvfs_read(const struct pvfs_dirent *e, uint32_t off, void *dst,
	      uint32_t len)
{
	uint8_t *out = dst;
	uint32_t done = 0;

	if (off >= e->length)
		return 0;
	if (len > e->length - off)
		len = e->length - off;
	while (done < len) {
		uint32_t pos = off + done;
		uint32_t first = pos / PVFS_SECTOR, skip = pos % PVFS_SECTOR;
		uint32_t n = PAGE_SIZE - skip;

		if (n > len - done)
			n = len - done;
		/* Whole sectors covering [pos, pos + n). */
		if (blk_read(e->start + first, bounce,
			     (skip + n + PVFS_SECTOR - 1) &
				     ~(PVFS_SECTOR - 1)) != BLK_S_OK)
			return -1;
		memcpy(out + done, bounce + skip, n);
		done += n;
	}
	return (int)done;
}

static bool overlaps(uint32_t start, uint32_t len)
{
	for (unsigned int i = 0; i < PVFS_DIR_ENTRIES; i++) {
		const struct pvfs_dirent *e = &dir[i];

		if ((e->flags & PVFS_USED) && start < e->start + e->capacity &&
		    e->start < start + len)
			return true;
	}
	return false;
}

/*
 * First fit: the lowest place, at the start of the data area or just
 * after some file's run, where "need" sectors touch no run.  The file
 * being replaced still owns its run at this point, so the new copy never
 * lands on the old.  0 if there is no room.
 */
static uint32_t find_room(uint32_t need)
{
	uint32_t best = 0;

	for (int i = -1; i < PVFS_DIR_ENTRIES; i++) {
		uint32_t at = super.data_start;

		if (i >= 0) {
			if (!(dir[i].flags & PVFS_USED))
				continue;
			at = dir[i].start + dir[i].capacity;
		}
		at = (at + PVFS_ALIGN - 1) & ~(PVFS_ALIGN - 1);
		if (at > super.sectors || need > super.sectors - at ||
		    overlaps(at, need))
			continue;
		if (!best || at < best)
			best = at;
	}
	return best;
}

static bool name_ok(const char *name)
{
	unsigned int i;

	for (i = 0; name[i]; i++)
		if (i == PVFS_NAME_MAX || name[i] <= ' ' || name[i] == '/' ||
		    name[i] > '~')
			return false;
	return i > 0;
}

/* Write the directory sector that holds entry e. */
static int write_entry(const struct pvfs_dirent *e)
{
	unsigned int per_sector = PVFS_SECTOR / sizeof(*e);
	unsigned int i = e - dir;

	return blk_write(PVFS_DIR_START + i / per_sector,
			 &dir[i - i % per_sector], PVFS_SECTOR);
}

/*
 * Create or replace file "name" with len bytes from src (any address we
 * can read now, a user program's included).  Returns len, or -1: no
 * disk, a bad name, no free slot or no room, or an I/O error.
 */
int pvfs_write(const char *name, const void *src, uint32_t len)
{
	struct pvfs_dirent *e = (struct pvfs_dirent *)pvfs_lookup(name);
	const uint8_t *in = src;
	uint32_t need, at;

	if (!mounted || !name_ok(name) || len > super.sectors * PVFS_SECTOR)
		return -1;
	for (unsigned int i = 0; !e && i < PVFS_DIR_ENTRIES; i++)
		if (!(dir[i].flags & PVFS_USED))
			e = &dir[i];
	if (!e)
		return -1;
	need = (len + RUN_BYTES - 1) / RUN_BYTES * PVFS_ALIGN;
	if (!need)
		need = PVFS_ALIGN;
	at = find_room(need);
	if (!at)
		return -1;
	for (uint32_t done = 0; done < len; done += PAGE_SIZE) {
		uint32_t n = len - done < PAGE_SIZE ? len - done : PAGE_SIZE;

		/* The tail of the last sector is zeroes, not old bytes. */
		memset(bounce, 0, PAGE_SIZE);
		memcpy(bounce, in + done, n);
		if (blk_write(at + done / PVFS_SECTOR, bounce,
			      (n + PVFS_SECTOR - 1) & ~(PVFS_SECTOR - 1)) !=
		    BLK_S_OK)
			return -1;
	}
	if (blk_flush() != BLK_S_OK)
		return -1;
	if (!(e->flags & PVFS_USED)) {
		memset(e, 0, sizeof(*e));
		for (unsigned int i = 0; name[i]; i++)
			e->name[i] = name[i];
	}
	e->start = at;
	e->length = len;
	e->capacity = need;
	e->flags = PVFS_USED;
	e->writes++;
	if (write_entry(e) != BLK_S_OK || blk_flush() != BLK_S_OK)
		return -1;
	return (int)len;
}

int pvfs_remove(const char *name)
{
	struct pvfs_dirent *e = (struct pvfs_dirent *)pvfs_lookup(name);

	if (!e)
		return -1;
	e->flags = 0;
	if (write_entry(e) != BLK_S_OK || blk_flush() != BLK_S_OK)
		return -1;
	return 0;
}
