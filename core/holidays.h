/*
 * holidays: public-holiday calendars from iCalendar (.ics) files, the kind
 * every calendar app exports, parsed with libical.
 *
 * The configuration names calendars per region or per person
 * (`holidays <who> <file.ics>`, `region <person> <region>`; who "*" is
 * everyone).  An all-day event is a day off in the reader's own zone; a
 * timed event is off between its two instants.  Yearly and other
 * recurring events (RRULE) are expanded up to HOLIDAYS_HORIZON_YEAR.
 *
 * Ownership: holidays_load() returns a set the caller frees with
 * holidays_free(); it copies what it needs from the settings.
 */
#ifndef CHORUS_HOLIDAYS_H
#define CHORUS_HOLIDAYS_H

#include <stdbool.h>
#include <stdint.h>

#include "status.h"

struct holidays;
struct core_settings;

#define HOLIDAYS_HORIZON_YEAR 2060

/* Parse one file: CH_OK, or CH_INVALID / CH_IO with the reason (for
 * check-config).  *events, when not NULL, gets the number of events. */
enum ch_status holidays_check_file(const char *path, int *events,
                                   struct ch_error *err);

/* Load every calendar the settings name.  A file that cannot be read or
 * parsed is logged and skipped (check-config reports it up front). */
struct holidays *holidays_load(const struct core_settings *s);
void             holidays_free(struct holidays *h);

/*
 * Is instant t a holiday for the person called `person` (reading in
 * zone)?  When it is, *until (if not NULL) is the first instant after it
 * that is not part of the same holiday, and *name its summary.
 */
bool holidays_off(const struct holidays *h, const char *person,
                  const char *zone, int64_t t, int64_t *until,
                  const char **name);

#endif
