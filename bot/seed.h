/* The demo workspace `chorus console` starts with on a fresh database, so
 * a newcomer has a campaign to look at.  It is made by running ordinary
 * commands, so it can never drift from what commands do. */
#ifndef CHORUS_SEED_H
#define CHORUS_SEED_H

extern const char *const seed_lines[];
extern const char seed_intro[];

#endif
