/*
 * parse.c - number and word parsing for the hypervisor and module command
 * lines.
 * Strict: the whole text must be a number, and overflow is an error, so a
 * typo in an option is reported instead of silently becoming a value.
 */
#include "hv/lib/lib.h"

int parse_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decimal, or hexadecimal with 0x, into 64 bits; false on junk/overflow. */
static bool parse_u64(const char *s, size_t len, uint64_t *out)
{
	unsigned base = 10;
	uint64_t v = 0;
	size_t i = 0;

	if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (i == len)
		return false;
	for (; i < len; i++) {
		int d = parse_hex_digit(s[i]);

		if (d < 0 || (unsigned)d >= base)
			return false;
		if (v > (UINT64_MAX - d) / base)
			return false;
		v = v * base + d;
	}
	*out = v;
	return true;
}

bool parse_u32(const char *s, size_t len, uint32_t *out)
{
	uint64_t v;

	if (!parse_u64(s, len, &v) || v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

/* A size: a number with an optional K, M or G suffix (binary units).
 * A bare number is bytes. */
bool parse_size(const char *s, size_t len, uint64_t *out)
{
	unsigned shift = 0;
	uint64_t v;

	if (len > 0) {
		switch (s[len - 1]) {
		case 'k':
		case 'K':
			shift = 10;
			break;
		case 'm':
		case 'M':
			shift = 20;
			break;
		case 'g':
		case 'G':
			shift = 30;
			break;
		}
		/* A hex number ending in a digit like 'b' is not a suffix;
		 * only K/M/G are, and none of them is a hex digit. */
		if (shift)
			len--;
	}
	if (!parse_u64(s, len, &v))
		return false;
	if (shift && v > (UINT64_MAX >> shift))
		return false;
	*out = v << shift;
	return true;
}

bool parse_name_chars(const char *s, size_t len, const char *extra)
{
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		      (c && hv_strchr(extra, c))))
			return false;
	}
	return true;
}

bool parse_word_is(const char *s, size_t len, const char *lit)
{
	return hv_strlen(lit) == len && hv_strncmp(s, lit, len) == 0;
}

size_t parse_next_word(const char **p, const char **word)
{
	const char *s = *p;

	while (*s == ' ' || *s == '\t')
		s++;
	*word = s;
	while (*s && *s != ' ' && *s != '\t')
		s++;
	*p = s;
	return (size_t)(s - *word);
}

bool parse_on_off(const char *s, size_t len, bool *out)
{
	if (!parse_word_is(s, len, "on") && !parse_word_is(s, len, "off"))
		return false;
	*out = parse_word_is(s, len, "on");
	return true;
}
