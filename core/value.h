/*
 * value: the typed values people write both in the configuration file
 * and in chat commands — durations, lists of durations, days of the week,
 * times of day, working hours and time zones.  Each has one parser here;
 * bot/config.c and the command grammar (core/command.c) both call it, so
 * a value reads the same and is refused in the same words in both places.
 *
 * What each accepts (letters in any case):
 *   duration    units largest first, each at most once, a number before
 *               each: 90m, 24h, 2d, 1w, 45s, 1d12h, "2d 4h"; a bare
 *               number is refused (units are required)
 *   durations   duration[,duration...]; blanks around an item are
 *               ignored, an empty item is refused
 *   day         one day: mon..sun or monday..sunday
 *   days        day[-day][,...] with mon..sun or monday..sunday; a range
 *               may wrap past Sunday (sun-thu); blanks as for durations
 *   clock       H:MM or HH:MM, 24-hour (00:00 to 23:59)
 *   hours       clock-clock, ending after it starts (no span crosses
 *               midnight)
 *   zone        an IANA zone name the system's zoneinfo holds (tz_valid)
 * The file and the chat take the same forms, the union of what each
 * took before they shared this module (chat now takes monday..sunday and
 * blanks after a comma in days, the file "48h, 4h" as one quoted word).
 * Bounds are each caller's (min_ms, max), as they were: the grammar takes
 * nudge offsets from 0m and other durations from 1s, the configuration
 * from 1m (lead_time from 0m).
 *
 * Errors: CH_INVALID with a message that quotes the value as written (at
 * most VALUE_QUOTE_MAX bytes of it, cut between characters) and says what
 * was expected, with an example.  The message never says where the value
 * came from: the configuration prefixes `file:line: key "x": `, the chat
 * grammar an option's `name: `.  err may be NULL.
 */
#ifndef CHORUS_VALUE_H
#define CHORUS_VALUE_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

#define VALUE_QUOTE_MAX 60   /* bytes of a value quoted in a message */

/* A duration of at least min_ms, in *ms. */
enum ch_status value_duration(const char *text, int64_t min_ms, int64_t *ms,
                              struct ch_error *err);
/* One to max durations of at least min_ms each, in ms[0..*n).  On an
 * error *n is 0 (and ms[] may have been written). */
enum ch_status value_durations(const char *text, int64_t min_ms, size_t max,
                               int64_t *ms, size_t *n, struct ch_error *err);
/* Days of the week as a mask, bit 0 = Monday .. bit 6 = Sunday (never 0
 * on success). */
enum ch_status value_days(const char *text, unsigned *mask,
                          struct ch_error *err);
/* One day of the week, 0 = Monday .. 6 = Sunday. */
enum ch_status value_day(const char *text, int *day, struct ch_error *err);
/* A time of day, in minutes after midnight. */
enum ch_status value_clock(const char *text, int *minute,
                           struct ch_error *err);
/* Working hours, in minutes after midnight: *start < *end. */
enum ch_status value_hours(const char *text, int *start, int *end,
                           struct ch_error *err);
/* A time zone that conversions may use. */
enum ch_status value_zone(const char *text, struct ch_error *err);
/* The list rule every comma-separated value follows: no item empty (or
 * blank).  The empty text is one empty item. */
enum ch_status value_list(const char *text, struct ch_error *err);
/* Categories separated by ';' (a brand's exclusivity), blanks around
 * each dropped: "a; b;c" is written to out as "a;b;c".  An empty
 * category is refused. */
struct buf;
enum ch_status value_categories(const char *text, struct buf *out,
                                struct ch_error *err);

#endif
