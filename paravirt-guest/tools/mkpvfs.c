/*
 * mkpvfs.c - make a pvfs disk image from files (runs on the build host).
 *
 *   mkpvfs [-s SIZE] [-l LABEL] IMAGE [NAME=]FILE...
 *
 * SIZE is in bytes, or with a K or M suffix (default 4M); each FILE goes
 * in as NAME, or under its own base name.  The image is made sparse: we
 * set its size with ftruncate and write only the superblock, the
 * directory and the files, so a 96 MiB image of a few programs takes a
 * few KiB of real disk.  The layout is in ../pvfs_format.h; files are
 * placed one after another, each rounded up to 4 KiB, in the order given.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../pvfs_format.h"

#define DEFAULT_SIZE (4u << 20)
#define RUN_BYTES (PVFS_ALIGN * PVFS_SECTOR)

static const char *image_path;

static __attribute__((noreturn, format(printf, 1, 2))) void die(const char *fmt,
								...)
{
	va_list ap;

	fprintf(stderr, "mkpvfs: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	if (image_path)
		unlink(image_path);
	exit(1);
}

static unsigned long long parse_size(const char *s)
{
	char *end;
	unsigned long long n = strtoull(s, &end, 0);

	if (*end == 'K' || *end == 'k') {
		n <<= 10;
		end++;
	} else if (*end == 'M' || *end == 'm') {
		n <<= 20;
		end++;
	}
	if (*end || n == 0 || n % PVFS_SECTOR)
		die("bad size '%s' (a multiple of 512 bytes)", s);
	if (n / PVFS_SECTOR > 0xffffffffull)
		die("size '%s' is too big for pvfs", s);
	return n;
}

static void write_at(int fd, const void *buf, size_t len, off_t off)
{
	const char *p = buf;

	while (len) {
		ssize_t n = pwrite(fd, p, len, off);

		if (n < 0)
			die("write failed: %s", strerror(errno));
		p += n;
		len -= (size_t)n;
		off += n;
	}
}

/* Read the whole of a file; its length in *len. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL;
	size_t cap = 0, n;

	if (!f)
		die("cannot open '%s'", path);
	*len = 0;
	do {
		if (*len == cap) {
			cap = cap ? 2 * cap : 65536;
			data = realloc(data, cap);
			if (!data)
				die("out of memory reading '%s'", path);
		}
		n = fread(data + *len, 1, cap - *len, f);
		*len += n;
	} while (n);
	if (ferror(f))
		die("cannot read '%s'", path);
	fclose(f);
	return data;
}

int main(int argc, char **argv)
{
	static struct pvfs_dirent dir[PVFS_DIR_ENTRIES];
	struct pvfs_super super;
	unsigned long long size = DEFAULT_SIZE;
	const char *label = "pvguest";
	uint32_t next = PVFS_DATA_START;
	int opt, fd, nfiles = 0;

	while ((opt = getopt(argc, argv, "s:l:")) != -1) {
		if (opt == 's')
			size = parse_size(optarg);
		else if (opt == 'l')
			label = optarg;
		else
			die("usage: mkpvfs [-s SIZE] [-l LABEL] IMAGE "
			    "[NAME=]FILE...");
	}
	if (optind >= argc)
		die("usage: mkpvfs [-s SIZE] [-l LABEL] IMAGE [NAME=]FILE...");
	image_path = argv[optind++];
	fd = open(image_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		image_path = NULL;
		die("cannot create '%s'", argv[optind - 1]);
	}
	if (ftruncate(fd, (off_t)size) < 0)
		die("cannot size the image: %s", strerror(errno));

	for (; optind < argc; optind++) {
		const char *arg = argv[optind], *eq = strchr(arg, '='), *path;
		struct pvfs_dirent *e = &dir[nfiles];
		size_t len, name_len;
		uint32_t sectors;
		char *data;

		if (nfiles == PVFS_DIR_ENTRIES)
			die("more than %d files", PVFS_DIR_ENTRIES);
		path = eq ? eq + 1 : arg;
		if (eq) {
			name_len = (size_t)(eq - arg);
		} else {
			const char *slash = strrchr(arg, '/');

			arg = slash ? slash + 1 : arg;
			name_len = strlen(arg);
		}
		if (name_len == 0 || name_len > PVFS_NAME_MAX)
			die("bad file name in '%s'", argv[optind]);
		memcpy(e->name, arg, name_len);
		for (int i = 0; i < nfiles; i++)
			if (!strcmp(dir[i].name, e->name))
				die("'%s' given twice", e->name);
		data = slurp(path, &len);
		sectors = (uint32_t)((len + RUN_BYTES - 1) / RUN_BYTES *
				     PVFS_ALIGN);
		if (!sectors)
			sectors = PVFS_ALIGN;
		if ((unsigned long long)next + sectors > size / PVFS_SECTOR)
			die("'%s' does not fit on the disk", path);
		e->start = next;
		e->length = (uint32_t)len;
		e->capacity = sectors;
		e->flags = PVFS_USED;
		write_at(fd, data, len, (off_t)next * PVFS_SECTOR);
		free(data);
		next += sectors;
		nfiles++;
	}

	memset(&super, 0, sizeof(super));
	super.magic = PVFS_MAGIC;
	super.version = PVFS_VERSION;
	super.sectors = (uint32_t)(size / PVFS_SECTOR);
	super.dir_start = PVFS_DIR_START;
	super.dir_entries = PVFS_DIR_ENTRIES;
	super.data_start = PVFS_DATA_START;
	strncpy(super.label, label, sizeof(super.label) - 1);
	write_at(fd, &super, sizeof(super), 0);
	write_at(fd, dir, sizeof(dir), (off_t)PVFS_DIR_START * PVFS_SECTOR);
	if (close(fd) < 0)
		die("cannot finish the image: %s", strerror(errno));
	return 0;
}
