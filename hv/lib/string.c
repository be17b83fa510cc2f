/*
 * string.c - memory and string routines.  Plain byte loops, but for the
 * two that move pages (guest pages copied, page tables and guest RAM
 * zeroed), which "rep movsl" and "rep stosl" below make quick enough.
 */
#include "hv/lib/lib.h"

void *hv_memset(void *dst, int c, size_t n)
{
#if defined(__i386__) && !defined(HV_HOST_TEST)
	/* Like hv_memcpy(): whole dwords, then the tail.  Every page table
	 * and guest page the allocator hands out is zeroed here. */
	void *d = dst;
	uint32_t v = (uint8_t)c * 0x01010101u;
	size_t words = n / 4, tail = n % 4;

	__asm__ volatile("rep stosl"
			 : "+D"(d), "+c"(words)
			 : "a"(v)
			 : "memory");
	__asm__ volatile("rep stosb"
			 : "+D"(d), "+c"(tail)
			 : "a"(v)
			 : "memory");
#else
	unsigned char *d = dst;

	while (n--)
		*d++ = (unsigned char)c;
#endif
	return dst;
}

void *hv_memcpy(void *dst, const void *src, size_t n)
{
#if defined(__i386__) && !defined(HV_HOST_TEST)
	/* Whole dwords first, then the tail; "rep movs" is what the CPU (and
	 * QEMU's translator) does fastest. */
	void *d = dst;
	const void *s = src;
	size_t words = n / 4, tail = n % 4;

	__asm__ volatile("rep movsl"
			 : "+D"(d), "+S"(s), "+c"(words)
			 :
			 : "memory");
	__asm__ volatile("rep movsb"
			 : "+D"(d), "+S"(s), "+c"(tail)
			 :
			 : "memory");
#else
	unsigned char *d = dst;
	const unsigned char *s = src;

	while (n--)
		*d++ = *s++;
#endif
	return dst;
}

void *hv_memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d == s || n == 0)
		return dst;
	if (d < s || d >= s + n)
		return hv_memcpy(dst, src, n);
	while (n--) /* overlapping with dst above src: copy backwards */
		d[n] = s[n];
	return dst;
}

int hv_memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

size_t hv_strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

size_t hv_strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int hv_strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int hv_strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			return 0;
	}
	return 0;
}

char *hv_strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

size_t hv_strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = hv_strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;
		hv_memcpy(dst, src, n);
		dst[n] = 0;
	}
	return len;
}

#ifndef HV_HOST_TEST
/* The compiler may emit calls to these names for struct copies and
 * initialisers even with -ffreestanding; give it the real symbols. */
#undef memset
#undef memcpy
#undef memmove
#undef memcmp
void *memset(void *d, int c, size_t n) __attribute__((alias("hv_memset")));
void *memcpy(void *d, const void *s, size_t n)
	__attribute__((alias("hv_memcpy")));
void *memmove(void *d, const void *s, size_t n)
	__attribute__((alias("hv_memmove")));
int memcmp(const void *a, const void *b, size_t n)
	__attribute__((alias("hv_memcmp")));
#endif
