/*
 * dscan's stream (dscan(5)), a text line per inode, run, name or map
 * range: the one writer and the one reader.  "Record" is kept for the
 * 1,024-byte tape record of the dump format (spcl.h).
 * The reader checks the grammar as well as the syntax: the header first,
 * the maps before the inodes, directories before other files, each in
 * ascending order, and every inode's runs covering exactly its size.
 */
#ifndef STREAM_H
#define STREAM_H

#include <stdint.h>
#include <stdio.h>

#include "bmap.h"

#define STREAM_VERSION	1
#define STREAM_LINEMAX	8192	/* bytes in a line, newline included */
#define STREAM_LABELMAX	15	/* c_label holds 16 bytes, NUL included */
#define STREAM_NAMEMAX	63	/* c_filesys, c_dev and c_host: 64 */
#define STREAM_PATHMAX	1024
#define STREAM_LINKMAX	120	/* the longest target kept in an inode */

enum linetype {
	LN_HEADER, LN_USED, LN_DUMPED, LN_INODE, LN_DATA, LN_EXT, LN_LINK,
	LN_NAME, LN_OMIT, LN_END
};

struct line_time {
	int64_t		sec;
	int32_t		nsec;
};

struct line_header {
	int		version;
	char		dev[STREAM_PATHMAX + 1];
	int		ufs2;
	int		be;
	int		oldinofmt;	/* 4.2BSD inodes and directories */
	int64_t		sblock;
	int32_t		bsize, fsize;
	uint32_t	ncg, ipg, maxino;
	int64_t		fssize;		/* fragments */
	uint32_t	fsid[2];
	int		level;
	int64_t		date, ddate;
	char		label[STREAM_LABELMAX + 1];
	char		fsname[STREAM_NAMEMAX + 1];
	char		host[STREAM_NAMEMAX + 1];
	uint64_t	inodes;		/* inode lines that follow */
	uint64_t	blocks;		/* estimated TP_BSIZE records */
};

struct line_inode {
	uint32_t	ino;
	char		type;		/* d f l c b p s */
	uint16_t	mode;		/* type bits and permissions */
	int32_t		nlink;
	uint32_t	uid, gid;
	uint64_t	size, blocks;
	struct line_time	atime, mtime, ctime, birthtime;
	uint32_t	flags, gen;
	uint64_t	rdev;
	uint32_t	extsize;
};

struct line {
	enum linetype	type;
	union {
		struct line_header	h;	/* LN_HEADER */
		struct {
			uint32_t first, last;
		}			range;	/* LN_USED, LN_DUMPED */
		struct line_inode	i;	/* LN_INODE */
		struct {
			uint32_t	ino;
			struct run	run;
		}			data;	/* LN_DATA, LN_EXT */
		struct {
			uint32_t	ino;
			size_t		len;
			unsigned char	bytes[STREAM_PATHMAX];
		}			str;	/* LN_LINK, LN_NAME */
		struct {
			uint32_t	ino;
			uint64_t	off;
		}			omit;	/* LN_OMIT */
		struct {
			uint64_t	inodes, errors;
		}			end;	/* LN_END */
	} u;
};

struct streamreader {
	FILE		*fp;
	const char	*name;		/* for messages */
	uint64_t	 lineno;
	char		 line[STREAM_LINEMAX + 1];
	char		 err[256];
	/* grammar state */
	int		 state;
	uint32_t	 maxino;
	uint64_t	 maxsize;	/* of a file, from bsize */
	uint32_t	 lastrange;
	uint32_t	 lastino;
	int		 lastdir;
	uint64_t	 inodes;
	struct line_inode cur;
	uint64_t	 dataoff, extoff;
	int		 havelink;
	uint64_t	 omitnext;	/* the lowest offset an 'o' may give */
};

void	stream_reader_init(struct streamreader *sr, FILE *fp, const char *name);
int	stream_read(struct streamreader *sr, struct line *ln);

void	stream_put_header(FILE *fp, const struct line_header *h);
void	stream_put_range(FILE *fp, enum linetype t, uint32_t first,
	    uint32_t last);
void	stream_put_inode(FILE *fp, const struct line_inode *ip);
void	stream_put_run(FILE *fp, enum linetype t, uint32_t ino,
	    const struct run *r);
void	stream_put_str(FILE *fp, enum linetype t, uint32_t ino,
	    const unsigned char *s, size_t n);
void	stream_put_omit(FILE *fp, uint32_t ino, uint64_t off);
void	stream_put_end(FILE *fp, uint64_t inodes, uint64_t errors);
uint16_t stream_typebits(char type);

#endif
