/*
 * csv: the CSV exports' files (issue 18), RFC 4180: a header row, CRLF
 * after every row, a field quoted when it holds a comma, a quote, CR or
 * LF (its quotes doubled), UTF-8 as stored.  A text cell that starts
 * with = + - @ tab or CR gets a leading ' so that no spreadsheet runs it
 * as a formula (OWASP's "CSV injection"); numbers and dates are written
 * by chorus and never start so.  Times are ISO 8601 in UTC
 * (2026-12-08T12:00:00Z), amounts plain decimals (500.00) with their
 * currency in a column of its own, so a sheet adds them up.
 */
#ifndef CHORUS_CSV_H
#define CHORUS_CSV_H

#include <stdbool.h>
#include <stddef.h>

struct buf;
struct core_export;

enum csv_file { CSV_DELIVERABLES, CSV_REVIEWS, CSV_PAYOUTS };

/* "deliverables.csv" -> CSV_DELIVERABLES; false for another name. */
bool        csv_file_parse(const char *name, enum csv_file *out);
const char *csv_file_name(enum csv_file f);
/* One file of an export. */
void        csv_write(struct buf *out, enum csv_file f,
                      const struct core_export *e);
/* One text cell, quoted and neutralised as above, for tests. */
void        csv_text(struct buf *out, const char *s);

#endif
