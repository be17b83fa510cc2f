/*
 * syscalls.c - the system calls newlib is built on, made of ours.
 *
 * newlib is a C library without an operating system: its printf ends in
 * _write, its malloc in _sbrk, its fopen in _open, and each of those is
 * left to us (paravirt-guest/user/newlib/build.sh builds it so).  Each
 * returns what POSIX says and, on failure, -1 with errno set to a reason
 * newlib and the program understand.  Our kernel answers -1 and nothing
 * more, so the reason is the one that call can fail for.  The POSIX names
 * (write, open, fork, ...) are here too, for the programs themselves.
 *
 * File descriptors.  0, 1 and 2 are the console, both ways: a read is a
 * typed line (tty.c), a write goes straight out.  The others are pvfs
 * files, and pvfs knows no open files: it reads a file from its start and
 * writes one whole, replacing the old contents in one step (pvfs.c).  So
 * open() reads the whole file into memory, read, write and lseek work on
 * that copy, and close() writes it back whole if it changed: another
 * process sees a file's new contents once it is closed, never half of
 * them, and a file that open() creates or empties (O_CREAT, O_TRUNC) is
 * made or emptied by the close, in the same one write.  _exit closes
 * every file; exec writes every changed one back first (the new program
 * keeps no descriptors), and if it fails the files are still open.  A
 * child of fork has its own copy of each open file; whoever closes last
 * decides what the file holds.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ulib.h"

#define CONSOLE_FDS 3 /* 0, 1 and 2 */
#define MAX_FILES 8
#define WRITE_CHUNK 4096 /* the most SYS_write takes (syscall.c) */
#define FILE_NAME_MAX 39 /* PVFS_NAME_MAX */

struct open_file {
	bool used, dirty;
	int flags; /* open()'s O_ACCMODE and O_APPEND */
	char name[FILE_NAME_MAX + 1];
	char *data; /* the file's bytes: size of them, room for more */
	uint32_t size, room, pos;
};

static struct open_file files[MAX_FILES];

/* Our names for what newlib calls (its reent/ wrappers, stdio, time). */
int _close(int fd);
int _execve(const char *name, char *const argv[], char *const envp[]);
void _exit(int status);
int _fork(void);
int _fstat(int fd, struct stat *st);
int _getpid(void);
int _gettimeofday(struct timeval *tv, void *tz);
int _isatty(int fd);
int _kill(int pid, int sig);
int _link(const char *old, const char *new);
off_t _lseek(int fd, off_t off, int whence);
int _open(const char *name, int flags, int mode);
int _read(int fd, void *buf, size_t len);
void *_sbrk(ptrdiff_t bytes);
int _stat(const char *name, struct stat *st);
clock_t _times(struct tms *t);
int _unlink(const char *name);
int _wait(int *status);
int _write(int fd, const void *buf, size_t len);

static int fail(int error)
{
	errno = error;
	return -1;
}

/* An open pvfs file by its descriptor, or NULL (errno EBADF). */
static struct open_file *file_of(int fd)
{
	if (fd < CONSOLE_FDS || fd >= CONSOLE_FDS + MAX_FILES ||
	    !files[fd - CONSOLE_FDS].used) {
		errno = EBADF;
		return NULL;
	}
	return &files[fd - CONSOLE_FDS];
}

static bool is_console(int fd)
{
	return fd >= 0 && fd < CONSOLE_FDS;
}

/* Write a changed file back, whole.  pvfs fails a write for want of a free
 * run or directory slot, or a disk; ENOSPC is the one a program can act on. */
static int write_back(struct open_file *f)
{
	if (f->dirty && file_write(f->name, f->data, f->size) != (int)f->size)
		return fail(ENOSPC);
	f->dirty = false;
	return 0;
}

static void close_all(void)
{
	for (int fd = CONSOLE_FDS; fd < CONSOLE_FDS + MAX_FILES; fd++)
		if (files[fd - CONSOLE_FDS].used)
			_close(fd);
}

/* Make room for at least "need" bytes; new bytes read as zeroes. */
static bool grow(struct open_file *f, uint32_t need)
{
	uint32_t room = f->room ? f->room : 256;
	char *data;

	if (need <= f->room)
		return true;
	while (room < need)
		room *= 2;
	data = realloc(f->data, room);
	if (!data)
		return false;
	memset(data + f->room, 0, room - f->room);
	f->data = data;
	f->room = room;
	return true;
}

/* Fill a new slot: the file's contents, or none if they are to go. */
static int load(struct open_file *f, const char *name, int flags,
		const struct file_info *info)
{
	memset(f, 0, sizeof(*f));
	strcpy(f->name, name);
	f->flags = flags & (O_ACCMODE | O_APPEND);
	if (!info || (flags & O_TRUNC)) {
		f->dirty = true; /* made, or emptied, by the close */
		return 0;
	}
	if (!grow(f, info->size + 1))
		return fail(ENOMEM);
	if (file_read(name, f->data, info->size) != (int)info->size) {
		free(f->data);
		return fail(EIO);
	}
	f->size = info->size;
	return 0;
}

int _open(const char *name, int flags, int mode)
{
	struct file_info info;
	bool exists;
	int i;

	if (strlen(name) > FILE_NAME_MAX)
		return fail(ENAMETOOLONG);
	if (!name[0])
		return fail(ENOENT); /* POSIX's word; else close() fails */
	exists = file_stat(name, &info) == 0;
	if (!exists && !(flags & O_CREAT))
		return fail(ENOENT);
	if (exists && (flags & O_CREAT) && (flags & O_EXCL))
		return fail(EEXIST);
	if ((flags & O_TRUNC) && (flags & O_ACCMODE) == O_RDONLY)
		return fail(EINVAL);
	for (i = 0; i < MAX_FILES && files[i].used; i++)
		;
	if (i == MAX_FILES)
		return fail(EMFILE);
	if (load(&files[i], name, flags, exists ? &info : NULL) < 0)
		return -1;
	files[i].used = true;
	return CONSOLE_FDS + i;
}

int _close(int fd)
{
	struct open_file *f;
	int ret;

	if (is_console(fd))
		return 0; /* the console stays: there is nothing to let go */
	f = file_of(fd);
	if (!f)
		return -1;
	ret = write_back(f);
	free(f->data);
	memset(f, 0, sizeof(*f));
	return ret;
}

int _read(int fd, void *buf, size_t len)
{
	struct open_file *f;
	uint32_t n;

	if (is_console(fd)) {
		int got = syscall3(SYS_read, 0, (uint32_t)buf, len);

		return got < 0 ? fail(EFAULT) : got; /* the kernel refused buf */
	}
	f = file_of(fd);
	if (!f)
		return -1;
	if ((f->flags & O_ACCMODE) == O_WRONLY)
		return fail(EBADF);
	n = f->pos < f->size ? f->size - f->pos : 0;
	if (n > len)
		n = len;
	memcpy(buf, f->data + f->pos, n);
	f->pos += n;
	return (int)n;
}

static int console_write(const char *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		size_t n = len - done < WRITE_CHUNK ? len - done : WRITE_CHUNK;

		if (syscall3(SYS_write, 1, (uint32_t)(buf + done), n) < 0)
			return done ? (int)done : fail(EFAULT);
		done += n;
	}
	return (int)len;
}

int _write(int fd, const void *buf, size_t len)
{
	struct open_file *f;

	if (is_console(fd))
		return console_write(buf, len);
	f = file_of(fd);
	if (!f)
		return -1;
	if ((f->flags & O_ACCMODE) == O_RDONLY)
		return fail(EBADF);
	if (f->flags & O_APPEND)
		f->pos = f->size;
	if (len > 0x7fffffffu - f->pos)
		return fail(EFBIG);
	if (!grow(f, f->pos + len))
		return fail(ENOMEM);
	memcpy(f->data + f->pos, buf, len);
	f->pos += len;
	if (f->pos > f->size)
		f->size = f->pos;
	f->dirty = true;
	return (int)len;
}

off_t _lseek(int fd, off_t off, int whence)
{
	struct open_file *f;
	off_t base;

	if (is_console(fd))
		return fail(ESPIPE);
	f = file_of(fd);
	if (!f)
		return -1;
	if (whence == SEEK_SET)
		base = 0;
	else if (whence == SEEK_CUR)
		base = (off_t)f->pos;
	else if (whence == SEEK_END)
		base = (off_t)f->size;
	else
		return fail(EINVAL);
	if (off < -base || off > 0x7fffffff - base)
		return fail(EINVAL);
	f->pos = (uint32_t)(base + off);
	return (off_t)f->pos;
}

static void fill_stat(struct stat *st, mode_t mode, uint32_t size)
{
	memset(st, 0, sizeof(*st));
	st->st_mode = mode;
	st->st_nlink = 1;
	st->st_size = (off_t)size;
	st->st_blksize = 512;
	st->st_blocks = (blkcnt_t)((size + 511) / 512);
}

int _fstat(int fd, struct stat *st)
{
	struct open_file *f;

	if (is_console(fd)) {
		fill_stat(st, S_IFCHR | 0620, 0);
		return 0;
	}
	f = file_of(fd);
	if (!f)
		return -1;
	fill_stat(st, S_IFREG | 0644, f->size);
	return 0;
}

int _stat(const char *name, struct stat *st)
{
	struct file_info info;

	if (strlen(name) > FILE_NAME_MAX)
		return fail(ENAMETOOLONG);
	if (file_stat(name, &info) < 0)
		return fail(ENOENT);
	fill_stat(st, S_IFREG | 0644, info.size);
	return 0;
}

int _isatty(int fd)
{
	if (is_console(fd))
		return 1;
	if (file_of(fd))
		errno = ENOTTY;
	return 0;
}

int _unlink(const char *name)
{
	if (strlen(name) > FILE_NAME_MAX)
		return fail(ENAMETOOLONG);
	if (file_remove(name) < 0)
		return fail(ENOENT);
	return 0;
}

/* pvfs has one name per file: no second one (rename() wants this). */
int _link(const char *old, const char *new)
{
	return fail(EMLINK);
}

/* The heap: the kernel grows it (demand-zero) up to below the stack. */
void *_sbrk(ptrdiff_t bytes)
{
	int old = syscall3(SYS_sbrk, (uint32_t)bytes, 0, 0);

	if (old == -1) {
		errno = ENOMEM;
		return (void *)-1;
	}
	return (void *)old;
}

void _exit(int status)
{
	close_all();
	syscall3(SYS_exit, (uint32_t)status, 0, 0);
	for (;;)
		;
}

int _getpid(void)
{
	return syscall3(SYS_getpid, 0, 0, 0);
}

/* The kernel has no signals: a process can only end itself, with the
 * status a shell gives one killed by sig. */
int _kill(int pid, int sig)
{
	if (pid != _getpid())
		return fail(ENOSYS);
	_exit(128 + sig);
}

int _fork(void)
{
	int pid = syscall3(SYS_fork, 0, 0, 0);

	return pid < 0 ? fail(EAGAIN) : pid;
}

/*
 * Our exec takes a program's name and one number, its main()'s argument
 * (exec.c): so argv[1], if there is one, is that number, and the
 * environment goes nowhere.
 */
int _execve(const char *name, char *const argv[], char *const envp[])
{
	int arg = argv && argv[0] && argv[1] ? atoi(argv[1]) : 0;

	if (strlen(name) > FILE_NAME_MAX)
		return fail(ENAMETOOLONG);
	/* Written back, not closed: a failed exec leaves them usable. */
	for (int i = 0; i < MAX_FILES; i++)
		if (files[i].used)
			write_back(&files[i]);
	exec(name, arg);
	return fail(ENOENT);
}

int _wait(int *status)
{
	int pid = syscall3(SYS_wait, (uint32_t)status, 0, 0);

	return pid < 0 ? fail(ECHILD) : pid;
}

int _gettimeofday(struct timeval *tv, void *tz)
{
	struct wall_time t;

	if (syscall3(SYS_clock, (uint32_t)&t, 0, 0) < 0)
		return fail(EFAULT);
	if (tv) {
		tv->tv_sec = (time_t)t.sec;
		tv->tv_usec = (suseconds_t)(t.nsec / 1000);
	}
	return 0;
}

/* newlib counts times() in CLK_TCK units a second, the kernel in ticks. */
static clock_t ticks_to_clock(uint32_t ticks)
{
	return (clock_t)((uint64_t)ticks * CLK_TCK / SYS_TICK_HZ);
}

clock_t _times(struct tms *t)
{
	struct proc_times pt;
	int now = syscall3(SYS_times, (uint32_t)&pt, 0, 0);

	if (now == -1)
		return (clock_t)fail(EFAULT);
	t->tms_utime = ticks_to_clock(pt.cpu);
	t->tms_stime = 0;
	t->tms_cutime = ticks_to_clock(pt.children);
	t->tms_cstime = 0;
	return ticks_to_clock((uint32_t)now);
}

/* The same calls by their POSIX names, for the programs. */
int open(const char *name, int flags, ...)
{
	return _open(name, flags, 0);
}

int close(int fd)
{
	return _close(fd);
}

ssize_t read(int fd, void *buf, size_t len)
{
	return _read(fd, buf, len);
}

ssize_t write(int fd, const void *buf, size_t len)
{
	return _write(fd, buf, len);
}

off_t lseek(int fd, off_t off, int whence)
{
	return _lseek(fd, off, whence);
}

int fstat(int fd, struct stat *st)
{
	return _fstat(fd, st);
}

int stat(const char *name, struct stat *st)
{
	return _stat(name, st);
}

int isatty(int fd)
{
	return _isatty(fd);
}

int unlink(const char *name)
{
	return _unlink(name);
}

void *sbrk(ptrdiff_t bytes)
{
	return _sbrk(bytes);
}

pid_t getpid(void)
{
	return _getpid();
}

pid_t fork(void)
{
	return _fork();
}

int execve(const char *name, char *const argv[], char *const envp[])
{
	return _execve(name, argv, envp);
}

pid_t wait(int *status)
{
	return _wait(status);
}

int gettimeofday(struct timeval *tv, void *tz)
{
	return _gettimeofday(tv, tz);
}

clock_t times(struct tms *t)
{
	return _times(t);
}
