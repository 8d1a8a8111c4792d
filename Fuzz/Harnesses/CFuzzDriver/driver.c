// The declaration is all this module provides; libclang_rt.fuzzer defines the function.
#include "CFuzzDriver.h"
