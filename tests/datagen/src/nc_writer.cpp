#include "ref/datagen/nc_writer.hpp"

#include <stdexcept>
#include <utility>

#include <netcdf.h>

namespace ref::datagen {

NcWriter::NcWriter(std::string path) : path_(std::move(path)) {
    check(nc_create(path_.c_str(), NC_NETCDF4 | NC_CLOBBER, &ncid_), "cannot create file");
}

NcWriter::~NcWriter() {
    if (ncid_ >= 0) nc_close(ncid_);
}

void NcWriter::check(int status, const std::string& what) const {
    if (status != NC_NOERR) throw std::runtime_error(path_ + ": " + what + ": " + nc_strerror(status));
}

int NcWriter::dimension(const std::string& name, std::size_t length, bool unlimited) {
    int dimid = -1;
    check(nc_def_dim(ncid_, name.c_str(), unlimited ? NC_UNLIMITED : length, &dimid), "dimension '" + name + "'");
    if (lengths_.size() <= static_cast<std::size_t>(dimid)) lengths_.resize(static_cast<std::size_t>(dimid) + 1);
    lengths_[static_cast<std::size_t>(dimid)] = length;
    return dimid;
}

int NcWriter::variable(const std::string& name, int type, const std::vector<int>& dims, const Attributes& attributes) {
    int varid = -1;
    check(nc_def_var(ncid_, name.c_str(), static_cast<nc_type>(type), static_cast<int>(dims.size()), dims.data(), &varid),
          "variable '" + name + "'");
    this->attributes(varid, attributes);
    return varid;
}

int NcWriter::float_variable(const std::string& name, const std::vector<int>& dims, const Attributes& attributes) {
    const int varid = variable(name, NC_FLOAT, dims);
    check(nc_def_var_deflate(ncid_, varid, 1, 1, 1), "variable '" + name + "': compression");
    check(nc_def_var_fill(ncid_, varid, 0, &fill_value), "variable '" + name + "': _FillValue");
    check(nc_put_att_float(ncid_, varid, "missing_value", NC_FLOAT, 1, &fill_value), "variable '" + name + "': missing_value");
    this->attributes(varid, attributes);
    return varid;
}

void NcWriter::attributes(int varid, const Attributes& attributes) {
    for (const auto& [name, value] : attributes) {
        const std::string what = "attribute '" + name + "'";
        if (const auto* text = std::get_if<std::string>(&value)) {
            check(nc_put_att_text(ncid_, varid, name.c_str(), text->size(), text->c_str()), what);
        } else if (const auto* number = std::get_if<double>(&value)) {
            check(nc_put_att_double(ncid_, varid, name.c_str(), NC_DOUBLE, 1, number), what);
        } else {
            check(nc_put_att_int(ncid_, varid, name.c_str(), NC_INT, 1, &std::get<int>(value)), what);
        }
    }
}

void NcWriter::fill(int varid, double value) {
    nc_type type = NC_NAT;
    check(nc_inq_vartype(ncid_, varid, &type), "inquiring variable");
    const std::string what = "_FillValue";
    switch (type) {
        case NC_DOUBLE: check(nc_def_var_fill(ncid_, varid, 0, &value), what); break;
        case NC_FLOAT: {
            const auto v = static_cast<float>(value);
            check(nc_def_var_fill(ncid_, varid, 0, &v), what);
            break;
        }
        case NC_SHORT: {
            const auto v = static_cast<short>(value);
            check(nc_def_var_fill(ncid_, varid, 0, &v), what);
            break;
        }
        case NC_INT: {
            const auto v = static_cast<int>(value);
            check(nc_def_var_fill(ncid_, varid, 0, &v), what);
            break;
        }
        default: throw std::invalid_argument(path_ + ": fill values of this variable type are not supported");
    }
}

void NcWriter::end_definitions() { check(nc_enddef(ncid_), "leaving define mode"); }

// Unlimited dimensions have length 0 until written, so always write with explicit counts.
std::vector<std::size_t> NcWriter::counts(int varid, std::size_t size) const {
    int ndims = 0;
    check(nc_inq_varndims(ncid_, varid, &ndims), "inquiring variable");
    std::vector<int> dims(static_cast<std::size_t>(ndims));
    if (ndims > 0) check(nc_inq_vardimid(ncid_, varid, dims.data()), "inquiring variable");
    std::vector<std::size_t> count;
    std::size_t total = 1;
    for (const int d : dims) {
        count.push_back(lengths_.at(static_cast<std::size_t>(d)));
        total *= count.back();
    }
    if (total != size) throw std::logic_error(path_ + ": " + std::to_string(size) + " values for " + std::to_string(total) + " cells");
    return count;
}

void NcWriter::put(int varid, const std::vector<double>& values) {
    const auto count = counts(varid, values.size());
    const std::vector<std::size_t> start(count.size(), 0);
    check(nc_put_vara_double(ncid_, varid, start.data(), count.data(), values.data()), "writing data");
}

void NcWriter::put(int varid, const std::vector<float>& values) {
    const auto count = counts(varid, values.size());
    const std::vector<std::size_t> start(count.size(), 0);
    check(nc_put_vara_float(ncid_, varid, start.data(), count.data(), values.data()), "writing data");
}

void NcWriter::put(int varid, const std::vector<int>& values) {
    const auto count = counts(varid, values.size());
    const std::vector<std::size_t> start(count.size(), 0);
    check(nc_put_vara_int(ncid_, varid, start.data(), count.data(), values.data()), "writing data");
}

void NcWriter::close() {
    const int id = ncid_;
    ncid_ = -1;
    check(nc_close(id), "closing file");
}

}  // namespace ref::datagen
