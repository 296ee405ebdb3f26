#ifndef CHORUS_VERSION_H
#define CHORUS_VERSION_H
extern const char version_string[];
#endif
