#include "version.h"
const char chorus_version[] = "0.1.0";
