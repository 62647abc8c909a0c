/* commands.c - staff commands and units' confirmations; see commands.h.
   (Placeholder: finds nothing yet.) */
#include "commands.h"

/* The commands in the new text of a message. */
GPtrArray *
commands_parse(const char *text, int ref_year, int ref_month, GPtrArray *unknown)
{
	return g_ptr_array_new_with_free_func(command_free);
}

/* Whether a unit's reply confirms completion. */
gboolean
commands_is_confirmation(const char *text)
{
	return FALSE;
}

/* Release one command. */
void
command_free(gpointer p)
{
	struct command *c = p;

	if (c == NULL)
		return;
	g_free(c->text);
	g_free(c->date);
	g_free(c->time);
	g_free(c->until);
	g_free(c->line);
	g_free(c);
}
