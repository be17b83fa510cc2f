/*
 * format.c - vsnprintf for a freestanding hypervisor.
 *
 * One pass over the format; output goes through put(), which counts every
 * character but stores only those that fit, so the return value is the
 * length the whole string would have had (C99 semantics) and truncation
 * is always safe.  64-bit values are printed with libgcc's division.
 */
#include "hv/lib/lib.h"

struct outbuf {
	char *buf;
	size_t size, len;
};

static void put(struct outbuf *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_repeat(struct outbuf *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

enum {
	F_LEFT = 1,  /* '-' */
	F_ZERO = 2,  /* '0' */
	F_SPACE = 4, /* ' ' */
	F_PLUS = 8,  /* '+' */
	F_ALT = 16,  /* '#' */
};

struct spec {
	int flags, width, prec; /* prec < 0: none given */
};

/* Emit digits (already reversed in tmp) with sign/prefix and padding. */
static void put_number(struct outbuf *o, const struct spec *sp, uint64_t v,
		       unsigned base, bool upper, bool negative)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, zeros, pad;
	const char *prefix = "";
	bool v_nonzero = v != 0;

	if (v == 0 && sp->prec == 0) {
		/* "%.0d" of zero prints no digits at all. */
	} else {
		do {
			tmp[n++] = digits[v % base];
			v /= base;
		} while (v);
	}
	if (negative)
		prefix = "-";
	else if (sp->flags & F_PLUS)
		prefix = "+";
	else if (sp->flags & F_SPACE)
		prefix = " ";
	if ((sp->flags & F_ALT) && base == 16 && v_nonzero)
		prefix = upper ? "0X" : "0x";
	zeros = sp->prec > n ? sp->prec - n : 0;
	/* '#' with octal asks for a leading 0 digit, not a prefix: none is
	 * added when the precision already supplies one (C99 7.19.6.1). */
	if ((sp->flags & F_ALT) && base == 8 && zeros == 0 &&
	    (n == 0 || tmp[n - 1] != '0'))
		zeros = 1;
	pad = sp->width - n - zeros - (int)hv_strlen(prefix);
	if ((sp->flags & F_ZERO) && !(sp->flags & F_LEFT) && sp->prec < 0) {
		zeros += pad > 0 ? pad : 0;
		pad = 0;
	}
	if (!(sp->flags & F_LEFT))
		put_repeat(o, ' ', pad);
	while (*prefix)
		put(o, *prefix++);
	put_repeat(o, '0', zeros);
	while (n)
		put(o, tmp[--n]);
	if (sp->flags & F_LEFT)
		put_repeat(o, ' ', pad);
}

static void put_string(struct outbuf *o, const struct spec *sp, const char *s)
{
	int len;

	if (!s)
		s = "(null)";
	len = (int)hv_strnlen(s, sp->prec >= 0 ? (size_t)sp->prec : (size_t)-1);
	if (!(sp->flags & F_LEFT))
		put_repeat(o, ' ', sp->width - len);
	for (int i = 0; i < len; i++)
		put(o, s[i]);
	if (sp->flags & F_LEFT)
		put_repeat(o, ' ', sp->width - len);
}

int hv_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct outbuf o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		struct spec sp = { 0, 0, -1 };
		int lng = 0; /* -2 hh, -1 h, 0 int, 1 long, 2 long long */
		uint64_t u;
		int64_t s;

		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		fmt++;
		for (;; fmt++) { /* flags */
			if (*fmt == '-')
				sp.flags |= F_LEFT;
			else if (*fmt == '0')
				sp.flags |= F_ZERO;
			else if (*fmt == ' ')
				sp.flags |= F_SPACE;
			else if (*fmt == '+')
				sp.flags |= F_PLUS;
			else if (*fmt == '#')
				sp.flags |= F_ALT;
			else
				break;
		}
		if (*fmt == '*') {
			sp.width = va_arg(ap, int);
			if (sp.width < 0) {
				sp.flags |= F_LEFT;
				sp.width = -sp.width;
			}
			fmt++;
		} else {
			while (*fmt >= '0' && *fmt <= '9')
				sp.width = sp.width * 10 + (*fmt++ - '0');
		}
		if (*fmt == '.') {
			fmt++;
			sp.prec = 0;
			if (*fmt == '*') {
				sp.prec = va_arg(ap, int);
				fmt++;
			} else {
				while (*fmt >= '0' && *fmt <= '9')
					sp.prec = sp.prec * 10 + (*fmt++ - '0');
			}
		}
		for (;; fmt++) { /* length modifiers */
			if (*fmt == 'h')
				lng--;
			else if (*fmt == 'l')
				lng++;
			else if (*fmt == 'z')
				lng = sizeof(size_t) == 8 ? 2 : 1;
			else
				break;
		}
		switch (*fmt) {
		case 'd':
		case 'i':
			if (lng >= 2)
				s = va_arg(ap, long long);
			else if (lng == 1)
				s = va_arg(ap, long);
			else
				s = va_arg(ap, int);
			if (lng == -1)
				s = (short)s;
			else if (lng <= -2)
				s = (signed char)s;
			put_number(&o, &sp, s < 0 ? -(uint64_t)s : (uint64_t)s,
				   10, false, s < 0);
			break;
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			if (lng >= 2)
				u = va_arg(ap, unsigned long long);
			else if (lng == 1)
				u = va_arg(ap, unsigned long);
			else
				u = va_arg(ap, unsigned int);
			if (lng == -1)
				u = (unsigned short)u;
			else if (lng <= -2)
				u = (unsigned char)u;
			/* '+' and ' ' are about signs; unsigned has none. */
			sp.flags &= ~(F_PLUS | F_SPACE);
			put_number(&o, &sp, u,
				   *fmt == 'u'	 ? 10
				   : *fmt == 'o' ? 8
						 : 16,
				   *fmt == 'X', false);
			break;
		case 'p':
			sp.flags |= F_ZERO;
			sp.width = 2 * (int)sizeof(void *);
			put(&o, '0');
			put(&o, 'x');
			put_number(&o, &sp, (uintptr_t)va_arg(ap, void *), 16,
				   false, false);
			break;
		case 'c':
			if (!(sp.flags & F_LEFT))
				put_repeat(&o, ' ', sp.width - 1);
			put(&o, (char)va_arg(ap, int));
			if (sp.flags & F_LEFT)
				put_repeat(&o, ' ', sp.width - 1);
			break;
		case 's':
			put_string(&o, &sp, va_arg(ap, const char *));
			break;
		case '%':
			put(&o, '%');
			break;
		case 0: /* a lone '%' at the end */
			fmt--;
			break;
		default: /* unknown conversion: show it rather than guess */
			put(&o, '%');
			put(&o, *fmt);
			break;
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = 0;
	return (int)o.len;
}

int hv_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = hv_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
