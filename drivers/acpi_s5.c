/*
 * acpi_s5.c - find the S5 sleep type in the DSDT's AML, apart from acpi.c
 * so that the host unit tests can feed it hand-made byte sequences.
 *
 * Interpreting AML properly is a large job; instead we look for the
 * well-known byte pattern of the \_S5 package, as small kernels commonly do:
 *
 *   NameOp ['\'] '_S5_' PackageOp PkgLength NumElements SLP_TYPa ...
 *
 * where SLP_TYPa is BytePrefix and a byte, ZeroOp or OneOp.
 */
#include "drivers/acpi.h"
#include "hv/lib/lib.h"

/* Say why, in err, and "not found". */
static bool refuse(char *err, size_t errlen, const char *why)
{
	hv_strlcpy(err, why, errlen);
	return false;
}

bool acpi_find_s5(const uint8_t *aml, size_t len, uint8_t *slp_typ, char *err,
		  size_t errlen)
{
	static const char cut[] = "the \\_S5 package is cut short";

	/* Every read below is bounds-checked on its own: the package may be
	 * the last thing in the table, so no fixed look-ahead is safe. */
	for (size_t i = 0; i + 4 <= len; i++) {
		size_t p;

		if (hv_memcmp(aml + i, "_S5_", 4) != 0)
			continue;
		/* NameOp (0x08), optionally followed by a root prefix '\'. */
		if (!(i >= 1 && aml[i - 1] == 0x08) &&
		    !(i >= 2 && aml[i - 1] == '\\' && aml[i - 2] == 0x08))
			continue;
		p = i + 4;
		if (p >= len || aml[p] != 0x12) /* PackageOp */
			continue;
		p++;
		if (p >= len)
			return refuse(err, errlen, cut);
		p += ((aml[p] >> 6) & 3) + 1; /* PkgLength: 1-4 bytes */
		p++;			      /* NumElements */
		if (p >= len)
			return refuse(err, errlen, cut);
		if (aml[p] == 0x0A) { /* BytePrefix */
			if (p + 1 >= len)
				return refuse(err, errlen, cut);
			*slp_typ = aml[p + 1];
			return true;
		}
		if (aml[p] == 0x00 || aml[p] == 0x01) { /* ZeroOp / OneOp */
			*slp_typ = aml[p];
			return true;
		}
		return refuse(err, errlen,
			      "the \\_S5 package's SLP_TYPa is not a byte, "
			      "Zero or One");
	}
	return refuse(err, errlen, "no \\_S5 package");
}
