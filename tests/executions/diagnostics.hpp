// Diagnostics the solve tests plan with, declared as their providers would.
#pragma once

#include "executions/solve.hpp"

namespace ref::test {

// The example provider's global-mean-timeseries (docs/plugin-abi.md §2.1).
inline executions::DiagnosticToSolve example_timeseries(int version = 1) {
    namespace rc = solver;
    rc::DataRequirement r;
    r.source_type = rc::SourceType::Cmip6;
    r.filters = {{{"variable_id", {"tas", "rsut"}}}};
    r.group_by = rc::Names{"source_id", "variable_id", "experiment_id", "variant_label"};
    r.constraints = {rc::RequireContiguousTimerange{{"instance_id"}},
                     rc::AddSupplementaryDataset{{{"variable_id", {"areacella"}}},
                                                 {"source_id", "grid_label"},
                                                 {"table_id", "experiment_id", "member_id", "version"}}};
    return {"example", "Example", "1.0", "global-mean-timeseries", "Global Mean Timeseries", version, {{r}}};
}

}  // namespace ref::test
