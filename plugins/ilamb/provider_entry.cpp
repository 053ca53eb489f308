#include "ref/ilamb/ilamb.hpp"

REF_DEFINE_PROVIDER(ref::ilamb::IlambProvider)
