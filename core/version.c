#include "version.h"
const char version_string[] = "0.1.0";
