/*
 * learn_render.c: the proposal of `wardenctl learn` (learn_render.h).
 */
#include <stdlib.h>
#include <string.h>

#include "learn_render_internal.h"

/* ---- function codes ---- */

static int
fc_standard(unsigned fc)
{
	return (fc >= 1 && fc <= 6) || fc == 15 || fc == 16 || fc == 22 ||
	    fc == 23;
}

static void
functions_block(struct render *r)
{
	const struct learn_totals *tot = learn_table_totals(r->t);
	unsigned fc, n = 0;

	learn_text_say(r, "# Function codes the AI used while learning "
	    "(requests):");
	for (fc = 0; fc < 256; fc++)
		if (tot->functions[fc] > 0)
			learn_text_say(r, " %u (%llu)", fc,
			    (unsigned long long)tot->functions[fc]);
	learn_text_say(r, "\n");
	for (fc = 0; fc < 256; fc++)
		if (r->cfg->allow_functions[fc] && tot->functions[fc] == 0)
			learn_text_say(r, "# left out, never used: %u\n", fc);
	learn_text_say(r, "allow_functions: [");
	for (fc = 0; fc < 256; fc++)
		if (!fc_standard(fc) && tot->functions[fc] > 0)
			learn_text_say(r, "%s%u", n++ ? ", " : "", fc);
	learn_text_say(r, "]\n");
}

/* ---- the file ---- */

/* The top-level key a line starts, into key; 0 when it starts none. */
static int
top_key(const char *line, size_t len, char *key, size_t cap)
{
	size_t n = 0, i;

	if (len == 0 || !((line[0] >= 'a' && line[0] <= 'z') ||
	    (line[0] >= 'A' && line[0] <= 'Z') || line[0] == '_'))
		return 0;
	while (n < len && (line[n] == '_' || (line[n] >= 'a' &&
	    line[n] <= 'z') || (line[n] >= 'A' && line[n] <= 'Z') ||
	    (line[n] >= '0' && line[n] <= '9')))
		n++;
	for (i = n; i < len && line[i] == ' '; i++)
		;
	if (i >= len || line[i] != ':' || n >= cap)
		return 0;
	memcpy(key, line, n);
	key[n] = '\0';
	return 1;
}

static int
document_marker(const char *line, size_t len)
{
	return len >= 3 && (strncmp(line, "---", 3) == 0 || strncmp(line, "...",
	    3) == 0);
}

enum block { BLOCK_OTHER, BLOCK_MODE, BLOCK_FUNCTIONS, BLOCK_POINTS };

static enum block
block_of(const char *key)
{
	if (strcmp(key, "mode") == 0)
		return BLOCK_MODE;
	if (strcmp(key, "allow_functions") == 0)
		return BLOCK_FUNCTIONS;
	if (strcmp(key, "points") == 0)
		return BLOCK_POINTS;
	return BLOCK_OTHER;
}

static void
block_write(struct render *r, enum block b, const struct learn_entry **sorted,
    size_t n)
{
	switch (b) {
	case BLOCK_MODE:
		learn_text_say(r, "mode: enforce    # learned in mode: "
		    "monitor; review the points first\n");
		break;
	case BLOCK_FUNCTIONS:
		functions_block(r);
		break;
	case BLOCK_POINTS:
		learn_points_write(r, sorted, n);
		break;
	case BLOCK_OTHER:
		break;
	}
}

static void
header(struct render *r, double now)
{
	const struct learn_totals *tot = learn_table_totals(r->t);

	learn_text_say(r, "# Proposed by wardenctl learn at %s (margin %s %%) "
	    "from %s,\n# what the AI did through wardend in mode: monitor "
	    "since %s:\n# %llu requests, %zu addresses kept of %zu", STAMP(now),
	    NUM(r->margin * 100), r->cfg->path ? r->cfg->path : "the config",
	    STAMP(tot->since), (unsigned long long)tot->requests, tot->entries,
	    tot->capacity);
	if (tot->dropped_reads + tot->dropped_writes > 0)
		learn_text_say(r, "; the table was full: %llu reads and %llu "
		    "writes of other addresses were not kept (they are not "
		    "below)", (unsigned long long)tot->dropped_reads,
		    (unsigned long long)tot->dropped_writes);
	if (tot->partial > 0)
		learn_text_say(r, "; %llu write%s of part of a 32-bit point",
		    (unsigned long long)tot->partial,
		    learn_text_plural(tot->partial));
	learn_text_say(r, ".\n# The limits below are what the AI did, widened "
	    "by the margin, not what the\n# plant can take: review every one "
	    "before this file is put in force.\n");
}

/*
 * Comments and blank lines at the end of a block written anew belong to
 * what follows (a comment at column 0 before the next key): kept, from
 * *pending up to end. NONE: there are none.
 */
#define NONE ((size_t)-1)
static void
put_pending(struct render *r, const char *src, size_t *pending, size_t end)
{
	if (*pending != NONE) {
		learn_text_put(r, src + *pending, end - *pending);
		if (src[end - 1] != '\n')
			learn_text_put(r, "\n", 1);
	}
	*pending = NONE;
}

int
learn_render(const struct config *cfg, const struct learn_table *t,
    double margin, double now, struct buf *out)
{
	struct render r = { cfg, t, margin, out, 0, 0 };
	const struct learn_totals *tot = learn_table_totals(t);
	const struct learn_entry **sorted;
	const char *src = cfg->source ? cfg->source : "", *line, *nl;
	size_t len = cfg->source ? cfg->source_len : 0, n, at, ll;
	enum block current = BLOCK_OTHER;
	int done[BLOCK_POINTS + 1] = { 0 };
	size_t pending = NONE;
	char key[64];

	if ((sorted = calloc(tot->entries + 1, sizeof *sorted)) == NULL)
		return -1;
	n = learn_table_sorted(t, sorted);
	header(&r, now);
	for (at = 0; at < len; at += ll) {
		line = src + at;
		nl = memchr(line, '\n', len - at);
		ll = nl ? (size_t)(nl - line) + 1 : len - at;
		if (top_key(line, ll, key, sizeof key) || document_marker(line,
		    ll)) {
			current = document_marker(line,
			    ll) ? BLOCK_OTHER : block_of(key);
			put_pending(&r, src, &pending, at);
		}
		if (current == BLOCK_OTHER) {
			learn_text_put(&r, line, ll);
			if (nl == NULL)
				learn_text_put(&r, "\n", 1);
		} else if (!done[current]++)
			block_write(&r, current, sorted, n);
		else if (line[0] == '#' || line[strspn(line, " \t\r"
		    )] == '\n' || line[strspn(line, " \t\r")] == '\0') {
			if (pending == NONE)
				pending = at;
		} else
			pending = NONE;
	}
	put_pending(&r, src, &pending, len);
	if (!done[BLOCK_MODE])
		block_write(&r, BLOCK_MODE, sorted, n);
	if (!done[BLOCK_FUNCTIONS])
		block_write(&r, BLOCK_FUNCTIONS, sorted, n);
	if (!done[BLOCK_POINTS])
		block_write(&r, BLOCK_POINTS, sorted, n);
	free(sorted);
	return r.failed ? -1 : 0;
}
