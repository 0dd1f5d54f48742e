// rules/embedded.h — the generated embedded pattern texts (see cmake/embed_patterns.cmake).
#pragma once
#include "rules/rules.h"
