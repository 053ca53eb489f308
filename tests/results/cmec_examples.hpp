// The worked examples of the CMEC results spec (metric bundle, output bundle, series file),
// shared by the results tests and the result-handling tests.
#pragma once

namespace ref::test {

inline constexpr const char* kMetricBundleExample = R"({
  "DIMENSIONS": {
    "json_structure": ["source_id", "region", "statistic"],
    "region": {"Tropics": {}, "global": {}},
    "source_id": {"MODEL-A": {}},
    "statistic": {"bias": {}, "rmse": {}}
  },
  "DISCLAIMER": null,
  "NOTES": null,
  "PROVENANCE": null,
  "RESULTS": {
    "MODEL-A": {
      "Tropics": {"bias": -0.25, "rmse": null},
      "global": {"attributes": {"units": "K"}, "bias": 0.5, "rmse": 1.25}
    }
  }
})";

inline constexpr const char* kOutputBundleExample = R"({
  "index": "map",
  "provenance": {"environment": {"TOOL_VERSION": "1.2"}, "modeldata": ["tas_Amon_MODEL-A.nc"],
                 "obsdata": {"OBS-X": "v1"}, "log": "cmec_output.log"},
  "data": null,
  "plots": {"map": {"filename": "plots/map.png", "long_name": "Bias map",
                    "description": "Annual mean bias", "dimensions": {"region": "global"}}},
  "html": null,
  "metrics": null
})";

inline constexpr const char* kSeriesExample = R"([
  {
    "attributes": null,
    "dimensions": {"reference_source_id": "OBS-X", "region": "global", "variable_id": "tas"},
    "index": [2000, 2001, 2002],
    "index_name": "year",
    "kind": "reference",
    "values": [287.0, 287.2, 287.3]
  },
  {
    "attributes": {"method": "area-weighted"},
    "dimensions": {"region": "global", "source_id": "MODEL-A", "variable_id": "tas"},
    "index": [2000, 2001, 2002],
    "index_name": "year",
    "value_units": "K",
    "values": [287.1, null, 287.4]
  }
])";

}  // namespace ref::test
