/*
 * /etc/dumpdates: which level of dump was last done of which device and
 * when.  The reader takes the layout of every BSD dump and of Linux dump
 * (blank-padded columns, a level written as %c or %d, a ctime(3) date
 * with or without a trailing +HHMM offset); the writer uses the classic
 * "%-16s %d %s" that all of them read.  Updates are locked and leave the
 * old entry or the new one whatever stops them: see ddupdate.c.
 */
#ifndef DUMPDATES_H
#define DUMPDATES_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

#define DD_PATH		"/etc/dumpdates"
#define DD_LINEMAX	4096	/* bytes in a line, newline included */
#define DD_NAMEMAX	1024	/* bytes in a device name that dd_update writes */
#define DD_DATELEN	25	/* a ctime(3) date without its newline, NUL */
#define DD_TMAX		253402214399LL	/* the latest date: 4-digit years */

/* What dd_read() and dd_update() return. */
#define DD_OK		0
#define DD_NOFILE	1	/* dd_read: no such file, an empty list */
#define DD_IOERR	(-1)	/* reported on stderr */
#define DD_BADFMT	(-2)	/* a malformed line, reported with its number */

struct ddent {
	char	*name;
	int	 level;
	time_t	 date;
};

/* The lines of a dumpdates file, in file order. */
struct dumpdates {
	struct ddent	*ent;
	size_t		 n, cap;
};

int	dd_parsedate(const char *s, time_t *t);
int	dd_fmtdate(char *buf, size_t size, time_t t);
int	dd_okname(const char *name);

int	dd_read(struct dumpdates *dd, const char *path);
int	dd_readfp(struct dumpdates *dd, FILE *fp, const char *path);
int	dd_readname(struct dumpdates *dd, const char *path, const char *name);
int	dd_readlast(struct dumpdates *dd, const char *path);
void	dd_free(struct dumpdates *dd);
const struct ddent *dd_lookup(const struct dumpdates *dd, const char *name,
	    int level);
int	dd_set(struct dumpdates *dd, const char *name, int level, time_t date);
int	dd_update(const char *path, const char *name, int level, time_t date);
int	dd_lockread(int fd);

#endif
