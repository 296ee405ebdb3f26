/* The demo workspace `chorus console` starts with on a fresh database, so
 * a newcomer has a campaign to look at.  It is made by running ordinary
 * commands, so it can never drift from what commands do. */
#ifndef CHORUS_SEED_H
#define CHORUS_SEED_H

extern const char *const demo_workspace_lines[];
extern const char demo_workspace_intro[];

#endif
