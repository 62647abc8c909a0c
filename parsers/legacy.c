/* legacy.c - TCVN3 and VNI to Unicode; see legacy.h.  (Tables to come.) */
#include "legacy.h"

#include <string.h>

/* Which legacy encoding the text is in. */
enum legacy_enc
legacy_detect(const char *utf8)
{
	(void)utf8;
	return LEGACY_NONE;
}

/* The text converted to Unicode. */
char *
legacy_convert(const char *utf8, enum legacy_enc enc)
{
	(void)enc;
	return g_strdup(utf8);
}

/* The encoding a font name implies. */
enum legacy_enc
legacy_font(const char *font_name)
{
	if (font_name == NULL)
		return LEGACY_NONE;
	if (g_str_has_prefix(font_name, ".Vn") || g_str_has_prefix(font_name, ".vn"))
		return LEGACY_TCVN3;
	if (g_ascii_strncasecmp(font_name, "VNI-", 4) == 0 || g_ascii_strncasecmp(font_name, "VNI ", 4) == 0)
		return LEGACY_VNI;
	return LEGACY_NONE;
}

/* The name of an encoding. */
const char *
legacy_name(enum legacy_enc enc)
{
	return enc == LEGACY_TCVN3 ? "TCVN3" : enc == LEGACY_VNI ? "VNI" : NULL;
}
