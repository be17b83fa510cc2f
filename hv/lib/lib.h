/*
 * lib.h - the little C library the freestanding hypervisor carries: string
 * and memory routines, formatted printing, and the helpers every file uses.
 * The same sources compile on the host for unit tests (HV_HOST_TEST), where
 * the hv_ prefix keeps them from clashing with the C library's.
 */
#ifndef HV_LIB_H
#define HV_LIB_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define ALIGN_UP(x, a) (((x) + ((a)-1)) & ~((__typeof__(x))(a)-1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a)-1))
#define KiB(x) ((uint32_t)(x) << 10)
#define MiB(x) ((uint32_t)(x) << 20)

#define __noreturn __attribute__((noreturn))
#define __printf(a, b) __attribute__((format(printf, a, b)))
/* The result says whether the call did anything: a caller that does not
 * look at it must say why, with a (void) cast and a comment. */
#define __must_check __attribute__((warn_unused_result))
/* Deliberately not looking at a __must_check result, and why: the reason
 * is a string, so it cannot be left out.  ("(void)" alone does not quiet
 * GCC's warn_unused_result; the "!" makes the result used.) */
#define IGNORE_RESULT(call, why) ((void)sizeof(why), (void)!(call))
#define __unused __attribute__((unused))
#define __packed __attribute__((packed))

/* Little-endian fields of a byte layout that may sit at any alignment
 * (firmware tables): one byte at a time, so no unaligned load. */
static inline uint16_t le16_at(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}
static inline uint32_t le32_at(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}
static inline uint64_t le64_at(const uint8_t *p)
{
	return le32_at(p) | (uint64_t)le32_at(p + 4) << 32;
}

/*
 * (a * m) >> 32 for a 32.32 fixed-point factor m, without the 128-bit
 * product or a division: the four 32x32 partial products.  The clock's
 * cycles-to-nanoseconds (hv/machine/time.c), on every exit.  Exact (the
 * floor of the 128-bit product's upper bits) whenever the result fits 64
 * bits.
 */
static inline uint64_t mul_frac32(uint64_t a, uint64_t m)
{
	uint64_t ah = a >> 32, al = (uint32_t)a;
	uint64_t mh = m >> 32, ml = (uint32_t)m;

	return ((ah * mh) << 32) + ah * ml + al * mh + ((al * ml) >> 32);
}

/* string.c */
void *hv_memset(void *dst, int c, size_t n);
void *hv_memcpy(void *dst, const void *src, size_t n);
void *hv_memmove(void *dst, const void *src, size_t n);
int hv_memcmp(const void *a, const void *b, size_t n);
size_t hv_strlen(const char *s);
size_t hv_strnlen(const char *s, size_t max);
int hv_strcmp(const char *a, const char *b);
int hv_strncmp(const char *a, const char *b, size_t n);
char *hv_strchr(const char *s, int c);
size_t hv_strlcpy(char *dst, const char *src, size_t size);

#ifndef HV_HOST_TEST
/* In the hypervisor the plain names are ours; the compiler may also emit
 * calls to memset/memcpy/memmove/memcmp for structure copies. */
#define memset hv_memset
#define memcpy hv_memcpy
#define memmove hv_memmove
#define memcmp hv_memcmp
#define strlen hv_strlen
#define strnlen hv_strnlen
#define strcmp hv_strcmp
#define strncmp hv_strncmp
#define strchr hv_strchr
#define strlcpy hv_strlcpy
#endif

/* format.c: a small vsnprintf.  Supports %d %i %u %x %X %o %c %s %p %%, the
 * flags '-', '0', ' ', '+' and '#', a width and precision (also '*'), and
 * the length modifiers hh, h, l, ll and z.  Returns the length the full
 * output would have had, like C99 vsnprintf. */
int hv_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int hv_snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

/* parse.c: numbers and words, for the option, module and monitor parsers. */
bool parse_u32(const char *s, size_t len, uint32_t *out);
/* One hexadecimal digit's value (either case), or -1. */
int parse_hex_digit(char c);
bool parse_size(const char *s, size_t len, uint64_t *out);
/* Does s[0..len) hold only letters, digits, '-', '_' and the characters
 * of `extra` (may be "")?  The rule for the names on the command lines:
 * guests, switches, disks. */
bool parse_name_chars(const char *s, size_t len, const char *extra);
/* Is s[0..len) exactly the word lit?  (Command-line words are not
 * NUL-terminated.) */
bool parse_word_is(const char *s, size_t len, const char *lit);
/* The next word of *p (words are separated by spaces and tabs): its
 * start in *word and its length, 0 at the end of the text; *p is moved
 * past it. */
size_t parse_next_word(const char **p, const char **word);
/* "on" or "off" into *out; false, *out untouched, for anything else. */
bool parse_on_off(const char *s, size_t len, bool *out);

#endif
