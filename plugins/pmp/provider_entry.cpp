// The plugin's entry point; everything else lives in ref_pmp_core.
#include "ref/pmp/pmp.hpp"

REF_DEFINE_PROVIDER(ref::pmp::PmpProvider)
