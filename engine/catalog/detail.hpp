// Private to engine/catalog: what the adapters share (type table, path and date rules, netCDF header access).
#pragma once

#include "catalog/adapter.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ref::catalog::detail {

struct TypeInfo;
using ParseFunction = FileMetadata (*)(const std::string& file, Parser parser, const TypeInfo& type);

// One source type: its names (datasets.md §1), table columns, identity (§2.1) and slug prefix (§2.2).
struct TypeInfo {
    solver::SourceType source_type;
    std::string dataset_type;
    std::string table;
    std::string prefix;
    std::shared_ptr<const Facets::Names> columns;  // shared by every record of the type
    std::vector<std::string> identity;
    bool supports_drs = false;
    ParseFunction parse = nullptr;
};

const TypeInfo& type_info(solver::SourceType type);

// The parsers, one per adapter family.
FileMetadata parse_cmip6(const std::string& file, Parser parser, const TypeInfo& type);
FileMetadata parse_cmip7(const std::string& file, Parser parser, const TypeInfo& type);
FileMetadata parse_obs(const std::string& file, Parser parser, const TypeInfo& type);
FileMetadata parse_esmvaltool_reference(const std::string& file, Parser parser, const TypeInfo& type);

// A record with the absolute, lexically normal path and every column of the type set to NULL.
FileMetadata empty_record(const std::string& file, const TypeInfo& type);

// §2.2: prefix, identity columns and version joined with "."; empty when one of them is NULL
// (their names are appended to `missing` when given).
std::string build_instance_id(const TypeInfo& type, const Facets& facets, std::vector<std::string>* missing = nullptr);

// Sets the version, checks the start/end texts in `calendar` (§4.3) and builds the instance id;
// throws InvalidFile naming the missing identity components.
void finish_record(FileMetadata& record, const TypeInfo& type, const std::string& calendar);

class NetcdfHeader;
// The end of a complete CMIP6/CMIP7 parse: time range, time_units and calendar, the version
// from the path, and the instance id (finish_record).
void finish_cmip_complete(FileMetadata& record, const NetcdfHeader& header, const TypeInfo& type);

std::vector<std::string> split(std::string_view text, char separator);
std::vector<std::string> components(std::string_view path);  // the non-empty parts between '/'
// Paths as text: "/a/b/c.nc" -> directory "/a/b", name "c.nc", stem "c" (without a trailing ".nc").
std::string_view directory_of(std::string_view path);
std::string_view file_name(std::string_view path);
std::string_view file_stem(std::string_view path);
// The two folders above "/<source_id>/" in a DRS directory (CMIP6 and CMIP7 drs parsers).
std::pair<std::string, std::string> activity_and_institution(std::string_view directory, std::string_view source_id,
                                                            const std::string& project);

// §2.3 for CMIP6/CMIP7: the longest directory component matching ^v\d+$, else "v0".
std::string version_from_path(std::string_view directory);

// §4.2: estimated start and end dates of a DRS time-range token (nullopt when malformed).
std::pair<std::optional<std::string>, std::optional<std::string>> drs_time_range(const std::string& token);

// §4.3: "YYYY-MM-DD[ hh:mm:ss[.f]]" -> "YYYY-MM-DD hh:mm:ss" when the date exists in the calendar, else nullopt.
std::optional<std::string> checked_date(const std::optional<std::string>& text, const std::string& calendar);

// §3.2 fix (b): the text with every 'D' removed, as a number; NULL when it does not parse.
store::Value clean_branch_time(const std::optional<std::string>& text);

inline store::Value text_value(const std::optional<std::string>& text) {
    return text ? store::Value(*text) : store::Value(std::monostate{});
}

class NetcdfReader;
class Hdf5Reader;

// Read-only view of one file's header. netCDF-4 files are read through the HDF5 C API, others
// (and whatever that reader does not handle) through netCDF-C, with the same results and the
// same errors. It touches only the variables it is asked about: netCDF-4 reads a variable's
// attributes and metadata when it is first touched. Numeric attributes read as text are
// printed like numbers. Errors throw std::runtime_error with messages starting "<file>: ".
class NetcdfHeader {
public:
    enum class Reader { fastest, netcdf };  // netcdf: netCDF-C only (to compare the two)

    explicit NetcdfHeader(const std::string& file, Reader reader = Reader::fastest);
    ~NetcdfHeader();
    NetcdfHeader(const NetcdfHeader&) = delete;
    NetcdfHeader& operator=(const NetcdfHeader&) = delete;

    std::optional<std::string> global(const std::string& name) const;
    // nullopt when the variable or the attribute is absent.
    std::optional<std::string> attribute(const std::string& variable, const std::string& name) const;
    // §3.2: size of the first of lev, plev, olevel, height, depth, level, altitude that is a
    // dimension of some variable (as xarray sees dimensions); else 1.
    int64_t vertical_levels() const;

    struct Time {
        std::optional<std::string> start, end;  // decoded first and last values
        std::optional<std::string> units, calendar;
    };
    // §4.1 from the variable named "time"; calendar is "standard" when the variable has none.
    // Reads only the first and last values.
    Time time() const;

    // Whether the reads so far went through HDF5 alone (false once netCDF-C took over).
    bool reads_through_hdf5() const;

private:
    template <typename Read>
    auto read(Read&& read_with) const;

    std::string path_;
    // Exactly one is open: the HDF5 reader until it meets something it does not handle.
    mutable std::unique_ptr<Hdf5Reader> hdf5_;
    mutable std::unique_ptr<NetcdfReader> netcdf_;
};

// The message without a leading "<file>: ", which netCDF errors carry (the caller adds the path).
std::string reason_without_path(const std::string& message, const std::string& file);

// Runs a parser body, turning any failure on a bad file (netCDF, CF time, allocation) into InvalidFile.
template <typename Body>
FileMetadata guarded(const std::string& file, Body&& body) {
    try {
        return body();
    } catch (const InvalidFile&) {
        throw;
    } catch (const std::exception& e) {
        throw InvalidFile(reason_without_path(e.what(), file));
    }
}

}  // namespace ref::catalog::detail
