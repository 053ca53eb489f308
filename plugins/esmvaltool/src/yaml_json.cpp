#include "ref/esmvaltool/yaml_json.hpp"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <iomanip>
#include <limits>
#include <regex>
#include <sstream>
#include <stdexcept>

namespace ref::esmvaltool {

namespace {

ordered_json plain_scalar(const std::string& text) {
    static const std::regex integer(R"([-+]?[0-9]+)");
    static const std::regex floating(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
    if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") return nullptr;
    if (text == "true" || text == "True" || text == "TRUE") return true;
    if (text == "false" || text == "False" || text == "FALSE") return false;
    if (std::regex_match(text, integer)) {
        try {
            return std::stoll(text);
        } catch (const std::out_of_range&) {
            return text;
        }
    }
    if (std::regex_match(text, floating)) return std::stod(text);
    return text;
}

ordered_json to_json(const YAML::Node& node) {
    switch (node.Type()) {
        case YAML::NodeType::Null:
        case YAML::NodeType::Undefined:
            return nullptr;
        case YAML::NodeType::Scalar:
            // "!" marks a quoted scalar: always a string.
            return node.Tag() == "!" ? ordered_json(node.Scalar()) : plain_scalar(node.Scalar());
        case YAML::NodeType::Sequence: {
            ordered_json out = ordered_json::array();
            for (const auto& item : node) out.push_back(to_json(item));
            return out;
        }
        case YAML::NodeType::Map: {
            ordered_json out = ordered_json::object();
            for (const auto& item : node) out[item.first.as<std::string>()] = to_json(item.second);
            return out;
        }
    }
    return nullptr;
}

void emit(YAML::Emitter& out, const ordered_json& value) {
    switch (value.type()) {
        case ordered_json::value_t::object:
            out << YAML::BeginMap;
            for (const auto& [key, item] : value.items()) {
                out << YAML::Key << YAML::DoubleQuoted << key << YAML::Value;
                emit(out, item);
            }
            out << YAML::EndMap;
            break;
        case ordered_json::value_t::array:
            out << YAML::BeginSeq;
            for (const auto& item : value) emit(out, item);
            out << YAML::EndSeq;
            break;
        case ordered_json::value_t::string:
            out << YAML::DoubleQuoted << value.get<std::string>();
            break;
        case ordered_json::value_t::boolean:
            out << (value.get<bool>() ? "true" : "false");
            break;
        case ordered_json::value_t::number_integer:
            out << value.get<std::int64_t>();
            break;
        case ordered_json::value_t::number_unsigned:
            out << value.get<std::uint64_t>();
            break;
        case ordered_json::value_t::number_float: {
            const double number = value.get<double>();
            std::ostringstream text;
            if (std::isnan(number)) {
                text << ".nan";
            } else if (std::isinf(number)) {
                text << (number > 0 ? ".inf" : "-.inf");
            } else {
                // The shortest form that reads back as the same double.
                text << std::setprecision(15) << number;
                if (std::stod(text.str()) != number) {
                    text.str({});
                    text << std::setprecision(std::numeric_limits<double>::max_digits10) << number;
                }
                // Keep floats floats when read back (2.0 must not become the integer 2).
                if (text.str().find_first_of(".eE") == std::string::npos) text << ".0";
            }
            out << text.str();
            break;
        }
        default:
            out << YAML::Null;
    }
}

}  // namespace

ordered_json yaml_to_json(const std::string& text) {
    try {
        return to_json(YAML::Load(text));
    } catch (const YAML::Exception& e) {
        throw std::runtime_error(std::string("malformed YAML: ") + e.what());
    }
}

std::string json_to_yaml(const ordered_json& value) {
    YAML::Emitter out;
    out.SetIndent(2);
    emit(out, value);
    if (!out.good()) throw std::runtime_error("cannot write YAML: " + out.GetLastError());
    return std::string(out.c_str()) + "\n";
}

}  // namespace ref::esmvaltool
