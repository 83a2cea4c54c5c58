.POSIX:
# dump for UFS1/UFS2 as a pipeline of filters.  Works with GNU and BSD make.

PREFIX = /usr/local
BINDIR = $(PREFIX)/sbin
MANDIR = $(PREFIX)/share/man
DESTDIR =

CC = cc
CFLAGS = -O2 -g -std=c99 -Wall -Wextra -Werror
CPPFLAGS = -D_POSIX_C_SOURCE=200809L -Ilib
LDFLAGS =
LDLIBS =
AR = ar

LIBHDR = lib/bitmap.h lib/bmap.h lib/bytes.h lib/dir.h lib/dumpdates.h lib/esc.h \
	lib/msg.h lib/num.h lib/rec.h lib/spcl.h lib/str.h lib/ufs.h lib/xio.h
LIBOBJ = lib/bmap.o lib/dir.o lib/dumpdates.o lib/esc.o lib/msg.o lib/num.o lib/rec.o \
	lib/spcl.o lib/ufs.o lib/xio.o
SCANOBJ = scan/dscan.o scan/mapdirs.o scan/pass.o
BLKOBJ = blkread/dblkread.o
TAPEOBJ = tapewr/dtapewr.o tapewr/input.o tapewr/ring.o tapewr/volume.o
DDATEOBJ = ddate/ddate.o
PROGS = bin/dscan bin/dblkread bin/dtapewr bin/ddate
MAN1 = scan/dscan.1 blkread/dblkread.1 tapewr/dtapewr.1
MAN5 = scan/dscan.5
MAN8 = ddate/ddate.8 bin/dump.8

all: $(PROGS)

.SUFFIXES: .c .o
.c.o:
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(LIBOBJ) $(SCANOBJ) $(BLKOBJ) $(TAPEOBJ) $(DDATEOBJ): $(LIBHDR)
$(SCANOBJ): scan/dscan.h
$(TAPEOBJ): tapewr/dtapewr.h

lib/libdump.a: $(LIBOBJ)
	rm -f $@
	$(AR) -rc $@ $(LIBOBJ)

bin/dscan: $(SCANOBJ) lib/libdump.a
	$(CC) $(LDFLAGS) -o $@ $(SCANOBJ) lib/libdump.a $(LDLIBS)

bin/dblkread: $(BLKOBJ) lib/libdump.a
	$(CC) $(LDFLAGS) -o $@ $(BLKOBJ) lib/libdump.a $(LDLIBS)

bin/dtapewr: $(TAPEOBJ) lib/libdump.a
	$(CC) $(LDFLAGS) -o $@ $(TAPEOBJ) lib/libdump.a $(LDLIBS)

bin/ddate: $(DDATEOBJ) lib/libdump.a
	$(CC) $(LDFLAGS) -o $@ $(DDATEOBJ) lib/libdump.a $(LDLIBS)

# Test tools: built by "make check", never installed.
TOOLS = t/tools/bin/fsdesc t/tools/bin/dumpinfo t/tools/bin/ufsedit \
	t/tools/bin/eomshim.so
UEDIT = t/tools/ufsedit/alloc.c t/tools/ufsedit/check.c \
	t/tools/ufsedit/cmd.c t/tools/ufsedit/dev.c t/tools/ufsedit/dir.c \
	t/tools/ufsedit/inode.c t/tools/ufsedit/main.c
tools: $(TOOLS)

t/tools/bin/ufsedit: $(UEDIT) t/tools/ufsedit/ufsedit.h lib/libdump.a
	mkdir -p t/tools/bin
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $(UEDIT) lib/libdump.a

t/tools/bin/fsdesc: t/tools/fsdesc.c lib/libdump.a
	mkdir -p t/tools/bin
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ t/tools/fsdesc.c lib/libdump.a

# No sanitizer in the preloaded library: it goes into any program.
t/tools/bin/eomshim.so: t/tools/eomshim.c
	mkdir -p t/tools/bin
	$(CC) -O2 -g -std=c99 -Wall -Wextra -Werror -shared -fPIC -o $@ \
	    t/tools/eomshim.c -ldl

t/tools/bin/dumpinfo: t/tools/dumpinfo.c lib/libdump.a
	mkdir -p t/tools/bin
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ t/tools/dumpinfo.c lib/libdump.a

# The test suite: bats files under t/, run by t/check (installs what it
# can with apt-get and says what is missing otherwise).
check: all tools
	sh t/check

# Build a small image from a built-in tree, dump it, list it back.
demo: all
	sh t/demo

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8
	cp $(PROGS) bin/dump $(DESTDIR)$(BINDIR)/
	cp $(MAN1) $(DESTDIR)$(MANDIR)/man1/
	cp $(MAN5) $(DESTDIR)$(MANDIR)/man5/
	cp $(MAN8) $(DESTDIR)$(MANDIR)/man8/

clean:
	rm -f $(PROGS) lib/libdump.a $(LIBOBJ) $(SCANOBJ) $(BLKOBJ) \
	    $(TAPEOBJ) $(DDATEOBJ)
	rm -rf t/tools/bin

.PHONY: all check demo install clean tools
