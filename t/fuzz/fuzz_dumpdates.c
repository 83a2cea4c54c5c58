/*
 * Fuzz the dumpdates reader: dd_read on the input as a file, then
 * dd_lookup and dd_set on every line it read, and dd_parsedate on the
 * input as one string.  Every date read must lie between the epoch and
 * DD_TMAX, and survive dd_fmtdate and dd_parsedate unchanged.
 *
 * Local time is a fixed zone with summer time, set here, so that runs
 * are reproducible and the gaps and repeated hours of the changes are
 * part of what is tested.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dumpdates.h"
#include "fuzz.h"

/*
 * Lines are read one at a time and hold at most DD_LINEMAX bytes; a few
 * of them cover what many do, and each costs an mktime(3).  Longer
 * inputs only make runs slower.
 */
#define MAXFILE		(64 * 1024)
#define ZONE		"CET-1CEST,M3.5.0,M10.5.0/3"

/* A date read back: in range, and stable through format and parse. */
static void
checkdate(time_t t, const char *where)
{
	char s[DD_DATELEN], again[DD_DATELEN];
	time_t u;

	if (t < 0 || (long long)t > DD_TMAX)
		BUG("%s: date %lld out of range", where, (long long)t);
	if (dd_fmtdate(s, sizeof(s), t) != 0)
		BUG("%s: date %lld cannot be written", where, (long long)t);
	if (dd_parsedate(s, &u) != 0)
		BUG("%s: \"%s\" (%lld) cannot be read back", where, s,
		    (long long)t);
	if (dd_fmtdate(again, sizeof(again), u) != 0 ||
	    strcmp(s, again) != 0)
		BUG("%s: \"%s\" (%lld) reads back as %lld", where, s,
		    (long long)t, (long long)u);
}

static void
checkfile(struct dumpdates *dd)
{
	const struct ddent *e, *best;
	size_t i, j, n = dd->n;

	for (i = 0; i < n; i++) {
		e = &dd->ent[i];
		if (e->name[0] == '\0' || strpbrk(e->name, " \t\n") != NULL ||
		    e->level < 0 || e->level > 9)
			BUG("line %zu: name \"%s\", level %d", i + 1, e->name,
			    e->level);
		checkdate(e->date, "file");
		best = dd_lookup(dd, e->name, e->level + 1);
		if (best == NULL || best->level > e->level ||
		    strcmp(best->name, e->name) != 0 || best->date < e->date)
			BUG("line %zu: the lookup at level %d misses it", i + 1,
			    e->level + 1);
		for (j = 0; j < n; j++)
			if (dd->ent[j].level <= e->level &&
			    strcmp(dd->ent[j].name, e->name) == 0 &&
			    dd->ent[j].date > best->date)
				BUG("line %zu: the lookup misses line %zu",
				    i + 1, j + 1);
		if (dd_set(dd, e->name, e->level, e->date) != 0 || dd->n != n)
			BUG("line %zu: setting it again adds a line", i + 1);
	}
	if (dd_lookup(dd, "fuzz", 9) != NULL && n == 0)
		BUG("a lookup in an empty file finds something");
	if (dd_set(dd, "/dev/fuzz", 5, 0) != 0)
		FATAL("dd_set");
	e = dd_lookup(dd, "/dev/fuzz", 6);
	if (e == NULL || e->level > 5)
		BUG("a line just set is not found");
}

/*
 * The streaming dd_readname() must agree with dd_read() (full, read
 * with status rfull) on its status and on every lookup of name.
 */
static void
checkname(const char *path, const struct dumpdates *full, int rfull,
    const char *name)
{
	struct dumpdates dd;
	const struct ddent *a, *b;
	int r, l;

	r = dd_readname(&dd, path, name);
	if (r != rfull)
		BUG("dd_readname(\"%s\") returned %d, dd_read %d", name, r,
		    rfull);
	if (r != DD_OK)
		return;
	if (dd.n > 10)
		BUG("dd_readname(\"%s\") kept %zu lines", name, dd.n);
	for (l = 0; l <= 10; l++) {
		a = dd_lookup(full, name, l);
		b = dd_lookup(&dd, name, l);
		if ((a == NULL) != (b == NULL) || (a != NULL &&
		    (a->date != b->date || a->level != b->level)))
			BUG("lookup of \"%s\" below level %d: dd_readname "
			    "and dd_read disagree", name, l);
	}
	dd_free(&dd);
}

/*
 * dd_readlast() must agree with dd_read() (full, status rfull): one
 * entry a name, the first line of its newest date.
 */
static void
checklast(const char *path, const struct dumpdates *full, int rfull)
{
	struct dumpdates dd;
	const struct ddent *e, *want;
	size_t i, j;
	int r;

	r = dd_readlast(&dd, path);
	if (r != rfull)
		BUG("dd_readlast returned %d, dd_read %d", r, rfull);
	if (r != DD_OK)
		return;
	for (i = 0; i < dd.n; i++) {
		e = &dd.ent[i];
		want = NULL;
		for (j = 0; j < full->n; j++)
			if (strcmp(full->ent[j].name, e->name) == 0 &&
			    (want == NULL || full->ent[j].date > want->date))
				want = &full->ent[j];
		if (want == NULL || want->date != e->date ||
		    want->level != e->level)
			BUG("dd_readlast: \"%s\" is not its newest line",
			    e->name);
		for (j = 0; j < i; j++)
			if (strcmp(dd.ent[j].name, e->name) == 0)
				BUG("dd_readlast: \"%s\" twice", e->name);
	}
	for (j = 0; j < full->n; j++) {
		for (i = 0; i < dd.n; i++)
			if (strcmp(dd.ent[i].name, full->ent[j].name) == 0)
				break;
		if (i == dd.n)
			BUG("dd_readlast: \"%s\" missing", full->ent[j].name);
	}
	dd_free(&dd);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int once;
	struct dumpdates dd;
	const char *path;
	char *s;
	time_t t;
	size_t i;
	int r;

	if (size > MAXFILE)
		return 0;
	if (!once) {
		if (setenv("TZ", ZONE, 1) != 0)
			FATAL("setenv");
		tzset();
		once = 1;
	}
	fuzz_file(data, size, 1, &path);
	r = dd_read(&dd, path);
	checkname(path, &dd, r, "/dev/fuzz");
	checklast(path, &dd, r);
	for (i = 0; r == DD_OK && i < dd.n && i < 8; i++)
		checkname(path, &dd, r, dd.ent[i].name);
	if (r == DD_OK) {
		checkfile(&dd);
		dd_free(&dd);
	} else if (r == DD_NOFILE)
		BUG("dd_read finds no file at %s", path);
	else if (r != DD_BADFMT && r != DD_IOERR)
		BUG("dd_read returned %d", r);
	else if (dd.ent != NULL || dd.n != 0)
		BUG("dd_read failed but left %zu lines", dd.n);

	if ((s = malloc(size + 1)) == NULL)
		FATAL("malloc");
	memcpy(s, data, size);
	s[size] = '\0';
	if (dd_parsedate(s, &t) == 0)
		checkdate(t, "string");
	free(s);
	return 0;
}
