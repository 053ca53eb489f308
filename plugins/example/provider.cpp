// The example provider: a small, self-contained reference implementation of a
// provider (docs/providers/example.md). Both diagnostics run natively in C++.
#include "diagnostics.hpp"

#include "ref/plugin.hpp"

namespace ref::example {

class ExampleProvider : public plugin::Provider {
public:
    ExampleProvider() : Provider("example", "Example", "0.1.0") {
        add<GlobalMeanTimeseries>();
        add<GlobalSstBias>();
    }
};

}  // namespace ref::example

REF_DEFINE_PROVIDER(ref::example::ExampleProvider)
