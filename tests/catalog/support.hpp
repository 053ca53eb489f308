// Small netCDF files written for the catalog tests, and checks shared by them.
#pragma once

#include "catalog/adapter.hpp"

#include "ref/datagen/default_tree.hpp"
#include "ref/datagen/nc_writer.hpp"
#include "ref/datagen/temp_dir.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ref::catalog::test {

namespace fs = std::filesystem;

// One data variable on (time[, vertical], lat) with optional time metadata.
struct FileSpec {
    datagen::Attributes globals;
    std::string variable = "tas";
    datagen::Attributes variable_attributes = {{"standard_name", std::string("air_temperature")},
                                               {"long_name", std::string("Near-Surface Air Temperature")},
                                               {"units", std::string("K")}};
    bool with_time = true;
    std::vector<double> times = {15.5, 45.0};
    std::optional<std::string> time_units = std::string("days since 2000-01-01");
    std::optional<std::string> calendar = std::string("standard");
    std::optional<std::pair<std::string, std::size_t>> vertical;  // e.g. {"plev", 19}
};

// Writes the file (creating its folders) and returns its path.
fs::path write_file(const fs::path& path, const FileSpec& spec);
// An empty file (for the path-only parsers), creating its folders.
fs::path touch(const fs::path& path);
// A text file that is not netCDF.
fs::path write_text(const fs::path& path, const std::string& text);

// Global attributes of well-formed files; tests remove or change single entries.
datagen::Attributes cmip6_globals();
datagen::Attributes cmip7_globals();
datagen::Attributes obs_globals(const std::string& activity_id);
void set_attribute(datagen::Attributes& attributes, const std::string& name, const datagen::AttributeValue& value);
void remove_attribute(datagen::Attributes& attributes, const std::string& name);

// The default synthetic tree, written once per test process.
const datagen::GeneratedTree& generated_tree();

bool is_null(const store::Value& value);
std::string text(const FileMetadata& record, const std::string& column);  // fails the test unless TEXT
int64_t integer(const FileMetadata& record, const std::string& column);
double real(const FileMetadata& record, const std::string& column);

// Every column of the adapter's table is in the facets, nothing else, with the table's value type.
void check_facets_match_table(const FileMetadata& record, const Adapter& adapter);

// The message of the InvalidFile that parse throws (fails the test when it does not throw one).
std::string invalid_reason(const Adapter& adapter, const fs::path& file, Parser parser = Parser::Complete);

}  // namespace ref::catalog::test
