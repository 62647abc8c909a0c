/* workload.c - owners and due dates; see workload.h. */
#include "workload.h"

#include <string.h>

#include "calendar.h"
#include "text.h"

/* The address inside what people write, lower case: "Tên <a@b>" -> "a@b";
   otherwise the first word ("thang.ltv nhé" -> "thang.ltv"). */
static char *
bare_address(const char *name)
{
	const char *lt = strrchr(name, '<');
	char *s = g_strdup(lt != NULL ? lt + 1 : name);
	char *gt = strchr(s, '>');

	if (gt != NULL)
		*gt = '\0';
	g_strstrip(s);
	s[strcspn(s, " \t,;")] = '\0';
	char *low = g_ascii_strdown(s, -1);
	g_free(s);
	return low;
}

/* The staff address that name means. */
enum owner_match
workload_owner(char *const *staff, const char *name, const char **address)
{
	char *want = name != NULL ? bare_address(name) : g_strdup("");
	const char *exact = NULL, *prefix = NULL;
	int n_exact = 0, n_prefix = 0;
	gsize wlen = strlen(want);

	*address = NULL;
	for (int i = 0; wlen > 0 && staff != NULL && staff[i] != NULL; i++) {
		const char *at = strchr(staff[i], '@');
		gsize local = at != NULL ? (gsize)(at - staff[i]) : strlen(staff[i]);
		if (g_ascii_strcasecmp(staff[i], want) == 0) {
			*address = staff[i];
			g_free(want);
			return OWNER_FOUND;
		}
		if (strchr(want, '@') != NULL || wlen > local ||
		    g_ascii_strncasecmp(staff[i], want, wlen) != 0)
			continue;
		if (wlen == local)
			exact = staff[i], n_exact++;
		else
			prefix = staff[i], n_prefix++;
	}
	g_free(want);
	/* a whole local part wins over longer ones it begins ("linh" and "linh.ntc") */
	if (n_exact == 1 || (n_exact == 0 && n_prefix == 1)) {
		*address = n_exact == 1 ? exact : prefix;
		return OWNER_FOUND;
	}
	return n_exact + n_prefix > 1 ? OWNER_AMBIGUOUS : OWNER_UNKNOWN;
}

/* The day a request received at `received` is due. */
char *
workload_due_date(char *const *holidays, gint64 received, int days)
{
	char buf[16];

	if (days <= 0)
		return NULL;
	GDate d = calendar_add(holidays, received, days);
	return g_strdup(calendar_iso(&d, buf));
}

/* Whether a state waits for work. */
gboolean
workload_open(const char *state)
{
	return state != NULL &&
	       text_list_has("received|acknowledged|needs_info|scheduled|in_progress", state);
}

/* Whether an open request is due on or before today. */
gboolean
workload_due_by(const char *state, const char *due_date, const char *today)
{
	return workload_open(state) && due_date != NULL && *due_date != '\0' &&
	       strcmp(due_date, today) <= 0;
}
