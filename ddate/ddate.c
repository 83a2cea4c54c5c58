/*
 * ddate: the /etc/dumpdates part of dump(8).  It tells the date an
 * incremental dump starts from, records a finished dump, and lists the
 * last dumps and the file systems due for one, as dump -W and -w do.
 */
#include <sys/types.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dumpdates.h"
#include "msg.h"
#include "num.h"

/* Exit statuses, as in ddate(8). */
#define DT_OK		0	/* done */
#define DT_STARTUP	1	/* bad usage; a lookup or list cannot read */
#define DT_BADFILE	3	/* the dumpdates file has a malformed line */
#define DT_FAILED	4	/* the update or the standard output failed */

#define FSTAB		"/etc/fstab"
#define FS_LINEMAX	4096	/* bytes in an fstab line, newline included */
#define FREQMAX		100000	/* days between dumps */

struct opts {
	const char	*ddpath;
	const char	*fstab;
	int		 level;		/* -1 if not given */
	int		 update;
	long long	 date;		/* -1 if not given */
	int		 list;		/* 'W', 'w' or 0 */
};

/* The fstab(5) fields that -W and -w need. */
struct fsent {
	char		*spec;		/* the device */
	char		*file;		/* the mount point */
	long long	 freq;		/* days between dumps, 0 for never */
};

struct fstab {
	struct fsent	*ent;
	size_t		 n, cap;
};

static void
usage(void)
{
	fprintf(stderr,
	    "usage: ddate [-D file] -l level special\n"
	    "       ddate [-D file] -u -l level -t seconds special\n"
	    "       ddate [-D file] [-f fstab] -W | -w\n");
	exit(DT_STARTUP);
}

static int
flushout(void)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		warnmsg("standard output:");
		return DT_FAILED;
	}
	return DT_OK;
}

/*
 * The lines a lookup of name needs (dd_readname()), or without a name
 * the newest of each name (dd_readlast()), with the results turned into
 * exit statuses.
 */
static int
readdates(struct dumpdates *dd, const char *path, const char *name)
{
	switch (name != NULL ? dd_readname(dd, path, name) :
	    dd_readlast(dd, path)) {
	case DD_OK:
		return DT_OK;
	case DD_NOFILE:
		warnmsg("%s: no such file: no previous dumps", path);
		return DT_OK;
	case DD_BADFMT:
		return DT_BADFILE;
	default:
		return DT_STARTUP;
	}
}

/* Prints "seconds date", the date being "the epoch" for 0. */
static int
lookup(const struct opts *o, const char *special)
{
	struct dumpdates dd;
	char date[DD_DATELEN];
	const struct ddent *prev;
	time_t t;
	int r;

	if ((r = readdates(&dd, o->ddpath, special)) != DT_OK)
		return r;
	prev = dd_lookup(&dd, special, o->level);
	t = prev != NULL ? prev->date : 0;
	dd_free(&dd);
	if (t == 0)
		strcpy(date, "the epoch");
	else if (dd_fmtdate(date, sizeof(date), t) != 0) {
		warnmsg("%lld: the date cannot be shown", (long long)t);
		return DT_STARTUP;
	}
	printf("%lld %s\n", (long long)t, date);
	return flushout();
}

static int
update(const struct opts *o, const char *special)
{
	if (!dd_okname(special))
		die(DT_STARTUP, "%s: the name must be 1 to %d bytes without "
		    "blanks or newlines", special, DD_NAMEMAX);
	switch (dd_update(o->ddpath, special, o->level, (time_t)o->date)) {
	case DD_OK:
		return DT_OK;
	case DD_BADFMT:
		return DT_BADFILE;
	default:
		return DT_FAILED;
	}
}

static void
addfs(struct fstab *fs, const char *spec, const char *file, long long freq)
{
	struct fsent *p;
	size_t cap;

	if (fs->n == fs->cap) {
		cap = fs->cap == 0 ? 16 : fs->cap * 2;
		if ((p = realloc(fs->ent, cap * sizeof(*p))) == NULL)
			die(DT_STARTUP, "fstab:");
		fs->ent = p;
		fs->cap = cap;
	}
	p = &fs->ent[fs->n];
	if ((p->spec = strdup(spec)) == NULL ||
	    (p->file = strdup(file)) == NULL)
		die(DT_STARTUP, "fstab:");
	p->freq = freq;
	fs->n++;
}

/*
 * "spec file type options freq passno": blank-separated, the last two
 * optional.  Lines that cannot be used are reported and skipped.
 */
static void
fsline(struct fstab *fs, char *s, const char *path, unsigned long ln)
{
	char *f[6];
	long long freq = 0;
	int n;

	for (n = 0; n < 6; n++) {
		s += strspn(s, " \t\n");
		if (*s == '\0' || *s == '#')
			break;
		f[n] = s;
		s += strcspn(s, " \t\n");
		if (*s != '\0')
			*s++ = '\0';
	}
	if (n == 0)
		return;
	if (n < 2)
		warnmsg("%s: line %lu: no mount point; skipped", path, ln);
	else if (n >= 5 && parsenum(f[4], 0, FREQMAX, &freq) != 0)
		warnmsg("%s: line %lu: dump frequency \"%s\" is not a number "
		    "from 0 to %d; skipped", path, ln, f[4], FREQMAX);
	else
		addfs(fs, f[0], f[1], freq);
}

/* A missing or unreadable fstab leaves no file system due, as in dump. */
static void
readfstab(struct fstab *fs, const char *path)
{
	char buf[FS_LINEMAX];
	unsigned long ln = 0;
	FILE *fp;
	int c;

	if ((fp = fopen(path, "r")) == NULL) {
		warnmsg("%s:", path);
		return;
	}
	while (fgets(buf, sizeof(buf), fp) != NULL) {
		ln++;
		if (strchr(buf, '\n') != NULL || feof(fp)) {
			fsline(fs, buf, path, ln);
			continue;
		}
		warnmsg("%s: line %lu: longer than %d bytes; skipped", path,
		    ln, FS_LINEMAX - 1);
		while ((c = getc(fp)) != EOF && c != '\n')
			continue;
	}
	if (ferror(fp))
		warnmsg("%s:", path);
	fclose(fp);
}

static void
freefstab(struct fstab *fs)
{
	size_t i;

	for (i = 0; i < fs->n; i++) {
		free(fs->ent[i].spec);
		free(fs->ent[i].file);
	}
	free(fs->ent);
}

/* The fstab entry whose device or mount point is name. */
static const struct fsent *
fsfind(const struct fstab *fs, const char *name)
{
	size_t i;

	for (i = 0; i < fs->n; i++) {
		if (strcmp(fs->ent[i].spec, name) == 0 ||
		    strcmp(fs->ent[i].file, name) == 0)
			return &fs->ent[i];
	}
	return NULL;
}

/* By name, then newest first, then in file order (the pointers). */
static int
bynamedate(const void *a, const void *b)
{
	const struct ddent *x = *(const struct ddent *const *)a;
	const struct ddent *y = *(const struct ddent *const *)b;
	int c;

	if ((c = strcmp(x->name, y->name)) != 0)
		return c;
	if (x->date != y->date)
		return x->date > y->date ? -1 : 1;
	return x < y ? -1 : x > y;
}

/*
 * Due: once freq days have passed since the midnight (local time)
 * before the last dump, as dump counts them.
 */
static int
isdue(const struct ddent *e, const struct fsent *f, time_t now)
{
	struct tm tm;
	long long midnight;

	if (f == NULL || f->freq == 0 || localtime_r(&e->date, &tm) == NULL)
		return 0;
	midnight = (long long)e->date - tm.tm_hour * 3600LL -
	    tm.tm_min * 60LL - tm.tm_sec;
	return (long long)now > midnight + f->freq * 86400;
}

/* One line of dump -W ('W') or -w ('w') for the last dump e. */
static void
showlast(const struct ddent *e, const struct fstab *fs, time_t now,
    int mode)
{
	const struct fsent *f = fsfind(fs, e->name);
	char date[DD_DATELEN];
	int due = isdue(e, f, now);

	if (mode == 'w' && !due)
		return;
	if (dd_fmtdate(date, sizeof(date), e->date) != 0)
		strcpy(date, "?");
	printf("%c %8s\t(%6s) Last dump: Level %d, Date %.16s\n",
	    due && mode == 'W' ? '>' : ' ', e->name, f != NULL ? f->file : "",
	    e->level, date);
}

/* dump -W and -w: the newest line of each name, in name order. */
static int
list(const struct opts *o)
{
	struct dumpdates dd;
	struct fstab fs = { NULL, 0, 0 };
	const struct ddent **v;
	time_t now = time(NULL);
	size_t i;
	int r;

	if ((r = readdates(&dd, o->ddpath, NULL)) != DT_OK)
		return r;
	readfstab(&fs, o->fstab != NULL ? o->fstab : FSTAB);
	if ((v = calloc(dd.n + 1, sizeof(*v))) == NULL)
		die(DT_STARTUP, "%s:", o->ddpath);
	for (i = 0; i < dd.n; i++)
		v[i] = &dd.ent[i];
	qsort(v, dd.n, sizeof(*v), bynamedate);
	if (o->list == 'w')
		printf("Dump these file systems:\n");
	else
		printf("Last dump(s) done (Dump '>' file systems):\n");
	for (i = 0; i < dd.n; i++) {
		if (i == 0 || strcmp(v[i]->name, v[i - 1]->name) != 0)
			showlast(v[i], &fs, now, o->list);
	}
	free(v);
	freefstab(&fs);
	dd_free(&dd);
	return flushout();
}

int
main(int argc, char *argv[])
{
	struct opts o = { DD_PATH, NULL, -1, 0, -1, 0 };
	int ch;

	progname_set(argv[0]);
	tzset();
	while ((ch = getopt(argc, argv, "D:f:l:t:uWw")) != -1) {
		switch (ch) {
		case 'D':
			o.ddpath = optarg;
			break;
		case 'f':
			o.fstab = optarg;
			break;
		case 'l':
			o.level = (int)numarg(optarg, "-l", 0, 9);
			break;
		case 't':
			o.date = numarg(optarg, "-t", 0, DD_TMAX);
			if ((long long)(time_t)o.date != o.date)
				die(DT_STARTUP, "-t: %s: too late for this "
				    "system's time_t", optarg);
			break;
		case 'u':
			o.update = 1;
			break;
		case 'W':
		case 'w':
			if (o.list != 0 && o.list != ch)
				usage();
			o.list = ch;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (o.list != 0) {
		if (argc != 0 || o.level >= 0 || o.update || o.date >= 0)
			usage();
		return list(&o);
	}
	if (argc != 1 || o.level < 0 || o.fstab != NULL ||
	    o.update != (o.date >= 0))
		usage();
	return o.update ? update(&o, argv[0]) : lookup(&o, argv[0]);
}
