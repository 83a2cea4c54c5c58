/*
 * dump's query(): a yes-or-no question to the operator on /dev/tty.
 */
#ifndef ASK_H
#define ASK_H

#include "xio.h"

int	ask_open(void);
int	ask(int tty, const char *question);
int	askwait(int tty, const char *question, readwait_fn wait, void *arg);
int	ask_onint(void);

#endif
