/*
 * libctest.c - newlib, the user programs' C library, on our guest: what
 * the programs use of it, each checked against the value it must give.
 *
 * Formatted output, every conversion the programs use, compared with the
 * text C says it makes; the console through stdio; malloc and free under
 * fragmentation; a pvfs file written with fprintf and read back with
 * fscanf; errno from calls that must fail; <string.h>; the clock;
 * floating point: printf's %f %e %g, sscanf of doubles, and libm.  Each
 * part prints "guest: libc: PART: ok", or FAIL and what was wrong, and
 * the exit status is the number of failures.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "paravirt-guest/user/ulib.h"

#define TEST_FILE "libctest.txt"
#define LINES 40
#define BLOCKS 120
#define SPIN_TICKS 20

static int failures;

/* One part's result: ok if it found nothing wrong. */
static void part(const char *name, int wrong)
{
	printf("guest: libc: %s: %s\n", name, wrong ? "FAIL" : "ok");
	failures += wrong != 0;
}

static int fmt_case(const char *expect, const char *got, int len)
{
	if (!strcmp(got, expect) && len == (int)strlen(expect))
		return 0;
	printf("guest: libc: printf FAIL: '%s' (%d), expected '%s'\n", got, len,
	       expect);
	return 1;
}

/* snprintf into buf, then compare with what it must be. */
#define FMT(expect, ...)                                                       \
	(wrong +=                                                              \
	 fmt_case(expect, buf, snprintf(buf, sizeof(buf), __VA_ARGS__)))

static void test_printf(void)
{
	char buf[80];
	int wrong = 0;

	FMT("42 -42 -7", "%d %d %i", 42, -42, -7);
	FMT("4294967295 0", "%u %u", 4294967295u, 0u);
	FMT("deadbeef DEADBEEF 0xff", "%x %X %#x", 0xdeadbeefu, 0xdeadbeefu,
	    255u);
	FMT("17 010", "%o %#o", 15u, 8u);
	FMT("00001234 05 c0000201", "%08x %02x %08x", 0x1234u, 5u, 0xc0000201u);
	FMT("[   42][42   ][-0042][+42][ 42]", "[%5d][%-5d][%05d][%+d][% d]",
	    42, 42, -42, 42, 42);
	FMT("[007][     007][  42]", "[%.3d][%8.3d][%*d]", 7, 7, 4, 42);
	FMT("[pvfs][    pvfs][pvfs    ][abc]", "[%s][%8s][%-8s][%.3s]", "pvfs",
	    "pvfs", "pvfs", "abcdef");
	FMT("[shell           ]", "[%-16s]", "shell");
	FMT("Z[  y]", "%c[%3c]", 'Z', 'y');
	FMT("0x8048000 0x0", "%p %p", (void *)0x8048000, (void *)0);
	FMT("100% done", "%d%% done", 100);
	FMT("-9000000000 18446744073709551615", "%lld %llu", -9000000000ll,
	    18446744073709551615ull);
	FMT("123456789abcdef 0000000000000001", "%llx %016llx",
	    0x123456789abcdefull, 1ull);
	FMT("-100000 3000000000", "%ld %lu", -100000l, 3000000000ul);
	FMT("192.0.2.1:7", "%u.%u.%u.%u:%u", 192u, 0u, 2u, 1u, 7u);
	part("printf conversions", wrong);

	/* The same line straight to the console, for the test to read. */
	printf("guest: libc: console: %d %i %u %x %X %o %s %c %p %% [%5d] "
	       "[%-5d] [%05d] %lld %llx\n",
	       -1, 2, 3u, 0xabu, 0xabu, 8u, "str", 'c', (void *)0x1000, 42, 42,
	       42, -5000000000ll, 0xfedcba9876ull);
}

static void test_console(void)
{
	int wrong = 0;

	wrong += isatty(0) != 1 || isatty(1) != 1 || isatty(2) != 1;
	wrong += fputs("guest: libc: fputs to stdout\n", stdout) < 0;
	wrong += puts("guest: libc: puts") < 0;
	wrong += fprintf(stderr, "guest: libc: fprintf to stderr %d\n", 2) < 0;
	wrong += write(1, "guest: libc: write(1)\n", 22) != 22;
	wrong += fflush(stdout) != 0;
	part("console stdio", wrong);
}

/* The byte block i holds at offset k: different in every block. */
static unsigned char pattern(int i, size_t k)
{
	return (unsigned char)(i * 31 + k * 7 + 1);
}

static void fill(unsigned char *p, int i, size_t n)
{
	for (size_t k = 0; k < n; k++)
		p[k] = pattern(i, k);
}

static int intact(const unsigned char *p, int i, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (p[k] != pattern(i, k))
			return 0;
	return 1;
}

/*
 * Many sizes, every other block freed, the holes filled with other sizes,
 * some blocks grown with realloc: every block must keep its own bytes.
 * Then all of it freed and asked for again: the heap must not grow, so
 * what was freed is used again.
 */
static void test_malloc(void)
{
	unsigned char *block[BLOCKS];
	size_t size[BLOCKS];
	char *top_after_first = NULL, *top_after_second;
	int wrong = 0;

	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < BLOCKS; i++) {
			size[i] = (size_t)(i * 97 % 1500) + 1;
			block[i] = malloc(size[i]);
			wrong += !block[i];
			if (block[i])
				fill(block[i], i, size[i]);
		}
		for (int i = 0; i < BLOCKS; i += 2)
			free(block[i]);
		for (int i = 0; i < BLOCKS; i += 2) {
			size[i] = (size_t)(i * 53 % 700) + 1;
			block[i] = malloc(size[i]);
			wrong += !block[i];
			if (block[i])
				fill(block[i], i, size[i]);
		}
		for (int i = 1; i < BLOCKS; i += 6) {
			unsigned char *p = realloc(block[i], size[i] * 3);

			wrong += !p || !intact(p, i, size[i]);
			if (p) {
				block[i] = p;
				size[i] *= 3;
				fill(p, i, size[i]);
			}
		}
		for (int i = 0; i < BLOCKS; i++) {
			wrong += block[i] && !intact(block[i], i, size[i]);
			free(block[i]);
		}
		if (round == 0)
			top_after_first = sbrk(0);
	}
	top_after_second = sbrk(0);
	if (wrong)
		printf("guest: libc: malloc FAIL: %d blocks lost or changed\n",
		       wrong);
	if (top_after_second != top_after_first) {
		printf("guest: libc: malloc FAIL: the heap grew from %p to %p "
		       "for the same blocks again\n",
		       top_after_first, top_after_second);
		wrong++;
	}
	errno = 0;
	if (malloc(0x7ff00000) != NULL || errno != ENOMEM) {
		printf("guest: libc: malloc FAIL: 2 GiB given, or errno %d\n",
		       errno);
		wrong++;
	}
	part("malloc and free under fragmentation", wrong);
}

/* fprintf LINES lines to a pvfs file, then fscanf them back. */
static void test_file(void)
{
	char word[32], line[64];
	int n, value, lines = 0, wrong = 0;
	unsigned int hex;
	struct stat st;
	long end;
	FILE *f;

	f = fopen(TEST_FILE, "w");
	if (!f) {
		printf("guest: libc: fopen FAIL: %s: %s\n", TEST_FILE,
		       strerror(errno));
		part("file written with fprintf, read with fscanf", 1);
		return;
	}
	for (int i = 0; i < LINES; i++)
		fprintf(f, "%d word%d %x\n", i * i - 7, i, 0xc0de0000u + i);
	end = ftell(f);
	wrong += fclose(f) != 0;
	wrong += stat(TEST_FILE, &st) != 0 || st.st_size != end;

	f = fopen(TEST_FILE, "r");
	wrong += !f;
	while (f && (n = fscanf(f, "%d %31s %x", &value, word, &hex)) == 3) {
		char expect[32];

		snprintf(expect, sizeof(expect), "word%d", lines);
		wrong += value != lines * lines - 7 || strcmp(word, expect) ||
			 hex != 0xc0de0000u + lines;
		lines++;
	}
	wrong += lines != LINES || !f || !feof(f);
	if (f) {
		wrong += fseek(f, 0, SEEK_END) != 0 || ftell(f) != end;
		rewind(f);
		wrong += !fgets(line, sizeof(line), f) ||
			 strcmp(line, "-7 word0 c0de0000\n");
		fclose(f);
	}

	/* Appending keeps what is there. */
	f = fopen(TEST_FILE, "a");
	wrong += !f || fprintf(f, "appended\n") != 9 || fclose(f) != 0;
	wrong += stat(TEST_FILE, &st) != 0 || st.st_size != end + 9;

	wrong += remove(TEST_FILE) != 0;
	errno = 0;
	wrong += fopen(TEST_FILE, "r") != NULL || errno != ENOENT;
	printf("guest: libc: file: %d lines of %ld bytes written and read "
	       "back\n",
	       lines, end);
	part("file written with fprintf, read with fscanf", wrong);
}

/* Each call that must fail, with the errno it must give. */
static void expect_errno(const char *what, int failed, int want, int *wrong)
{
	if (failed && errno == want)
		return;
	printf("guest: libc: errno FAIL: %s: errno %d (%s), expected %d\n",
	       what, errno, strerror(errno), want);
	(*wrong)++;
}

static void test_errno(void)
{
	char *const argv[] = { "no-such-program", NULL };
	char name[64];
	int wrong = 0, status, fd;

	errno = 0;
	expect_errno("fopen of a missing file", !fopen("no-such-file", "r"),
		     ENOENT, &wrong);
	printf("guest: libc: fopen(\"no-such-file\"): %s\n", strerror(errno));
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	expect_errno("open of a too long name", open(name, O_RDONLY) < 0,
		     ENAMETOOLONG, &wrong);
	expect_errno("unlink of a too long name", unlink(name) < 0,
		     ENAMETOOLONG, &wrong);
	expect_errno("open of an empty name to create",
		     open("", O_WRONLY | O_CREAT) < 0, ENOENT, &wrong);
	expect_errno("read of a closed fd", read(9, name, 1) < 0, EBADF,
		     &wrong);
	expect_errno("lseek on the console", lseek(1, 0, SEEK_SET) < 0, ESPIPE,
		     &wrong);
	expect_errno("wait without children", wait(&status) < 0, ECHILD,
		     &wrong);
	expect_errno("sbrk of 2 GiB", sbrk(0x7ff00000) == (void *)-1, ENOMEM,
		     &wrong);
	expect_errno("unlink of a missing file", unlink("no-such-file") < 0,
		     ENOENT, &wrong);
	/* A failed execve leaves the caller as it was: its files open. */
	fd = open(TEST_FILE, O_WRONLY | O_CREAT | O_TRUNC);
	expect_errno("execve of a missing program",
		     execve("no-such-program", argv, NULL) < 0, ENOENT, &wrong);
	if (fd < 0 || write(fd, "kept", 4) != 4 || close(fd) != 0) {
		printf("guest: libc: errno FAIL: a file open before a failed "
		       "execve is gone\n");
		wrong++;
	}
	unlink(TEST_FILE);
	part("errno from failed calls", wrong);
}

static void test_string(void)
{
	char buf[32] = "hello";
	int wrong = 0;

	wrong += strlen(buf) != 5 || strcmp(buf, "hello") ||
		 strcmp("a", "b") >= 0 || strncmp("abcx", "abcy", 3);
	strcat(buf, ", pvfs");
	wrong += strcmp(buf, "hello, pvfs") || strchr(buf, ',') != buf + 5 ||
		 strrchr(buf, 'l') != buf + 3 || strstr(buf, "pv") != buf + 7;
	memmove(buf + 1, buf, 5); /* overlapping */
	wrong += memcmp(buf, "hhello", 6) != 0;
	memset(buf, 'x', 3);
	wrong += strncmp(buf, "xxxllo", 6) != 0;
	wrong += strtol("-0x1f", NULL, 16) != -31 || atoi("  77") != 77 ||
		 strtoul("4000000000", NULL, 10) != 4000000000ul;
	part("string.h", wrong);
}

/*
 * Floating point, now that processes may use the FPU: printf's %f, %e
 * and %g with width, flags and precision (rounding included), sscanf of
 * doubles, and libm.  The expected texts are what C's rules make of
 * each double (a host's glibc agrees).  The libm inputs are volatile, or
 * the compiler would work the answers out itself, with its own library.
 */
static void test_float(void)
{
	static volatile double two = 2.0, one = 1.0, half = 0.5;
	static volatile double neg = -2.5, almost = 7.99, base = 1.5;
	char buf[80];
	double x = 0, y = 0;
	int n, wrong = 0;

	FMT("[     3.142][2.50      ][-0.1][-0003.1416]",
	    "[%10.3f][%-10.2f][%+.1f][%010.4f]", 3.14159, 2.5, -0.05, -3.14159);
	FMT("3333333333.333333 2.67 0 2", "%f %.2f %.0f %.0f", 1e10 / 3, 2.675,
	    0.5, 1.5);
	FMT("[1.234568e+04][1.234e-04][   -6.02E+23][5e-324]",
	    "[%e][%.3e][%12.2E][%.0e]", 12345.678, 0.00012345, -6.02e23,
	    5e-324);
	FMT("[100000][1e+06][0.0001][3.14][     1e-05][2.00000]",
	    "[%g][%g][%g][%.3g][%10.4g][%#g]", 100000.0, 1000000.0, 0.0001,
	    3.14159, 1e-5, 2.0);

	n = sscanf("-1.25e-3 6.02214076e23", "%lf %lf", &x, &y);
	wrong += n != 2 || x != -1.25e-3 || y != 6.02214076e23;
	FMT("-0.00125 6.0221407599999999e+23", "%.17g %.17g", x, y);

	FMT("1.4142135623730951 1.4142135623730951", "%.17g %.17g", sqrt(two),
	    pow(two, half));
	FMT("0.841470984807897 2.718281828459045", "%.15f %.15f", sin(one),
	    exp(one));
	FMT("57.6650390625 -3 7", "%.12g %g %g", pow(base, 10), floor(neg),
	    floor(almost));
	part("floating point: printf, sscanf, libm", wrong);
}

static void test_time(void)
{
	struct timeval a, b;
	struct tms t0, t1;
	clock_t e0, e1;
	char date[32];
	time_t now;
	int wrong = 0;
	uint32_t start;

	wrong += gettimeofday(&a, NULL) != 0;
	now = time(NULL);
	e0 = times(&t0);
	/* Burn some ticks of our own. */
	for (start = uptime(); uptime() - start < SPIN_TICKS;)
		;
	e1 = times(&t1);
	wrong += gettimeofday(&b, NULL) != 0;

	/* After 2020 and before 2100; microseconds below a million; not
	 * going back; time() agreeing with gettimeofday(). */
	wrong += a.tv_sec < 1577836800 || a.tv_sec > 4102444800u ||
		 a.tv_usec < 0 || a.tv_usec >= 1000000 || b.tv_usec < 0 ||
		 b.tv_usec >= 1000000;
	wrong += b.tv_sec < a.tv_sec ||
		 (b.tv_sec == a.tv_sec && b.tv_usec < a.tv_usec);
	wrong += now < a.tv_sec || now > b.tv_sec;
	/* Every tick of the spin found us running, and the elapsed count
	 * saw at least the spin (CLOCKS_PER_SEC units). */
	wrong += e1 - e0 < SPIN_TICKS * CLOCKS_PER_SEC / SYS_TICK_HZ ||
		 t1.tms_utime - t0.tms_utime <
			 SPIN_TICKS / 2 * CLOCKS_PER_SEC / SYS_TICK_HZ ||
		 clock() < t1.tms_utime;
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S", gmtime(&now));
	printf("guest: libc: time: %s UTC; %ld clock units of CPU over a "
	       "spin of %d ticks\n",
	       date, (long)(t1.tms_utime - t0.tms_utime), SPIN_TICKS);
	part("time.h and the clock", wrong);
}

int main(int arg)
{
	test_printf();
	test_console();
	test_malloc();
	test_file();
	test_errno();
	test_string();
	test_float();
	test_time();
	if (failures)
		printf("guest: libc: FAIL: %d parts failed\n", failures);
	else
		printf("guest: libc: all parts passed\n");
	return failures;
}
