#ifndef CHORUS_VERSION_H
#define CHORUS_VERSION_H
extern const char chorus_version[];
#endif
