#include "ref/esmvaltool/provider.hpp"

REF_DEFINE_PROVIDER(ref::esmvaltool::EsmvaltoolProvider)
