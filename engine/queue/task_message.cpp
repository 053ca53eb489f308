#include "queue/task_message.hpp"

#include "queue/redis_connection.hpp"

#include <nlohmann/json.hpp>

#include <limits>

namespace ref::queue {

namespace {

void check_fields(const TaskMessage& m) {
    if (m.execution_id <= 0) throw QueueError("task message: execution_id must be a positive integer");
    if (!valid_provider_name(m.provider))
        throw QueueError("task message: provider must be 1-64 letters, digits, '_', '-' or '.', got '" +
                         m.provider.substr(0, 64) + "'");
    if (m.diagnostic.empty()) throw QueueError("task message: diagnostic must not be empty");
    if (m.key.empty()) throw QueueError("task message: key must not be empty");
}

std::string text_field(const nlohmann::json& j, const char* name, bool required) {
    auto it = j.find(name);
    if (it == j.end()) {
        if (required) throw QueueError(std::string("task message: missing field '") + name + "'");
        return {};
    }
    if (!it->is_string()) throw QueueError(std::string("task message: field '") + name + "' must be a string");
    return it->get<std::string>();
}

}  // namespace

bool valid_provider_name(std::string_view provider) {
    if (provider.empty() || provider.size() > 64) return false;
    for (char c : provider) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
                  c == '.';
        if (!ok) return false;
    }
    return true;
}

std::string TaskMessage::to_json() const {
    if (version != current_version)
        throw QueueError("task message: cannot write version " + std::to_string(version) + " (this engine writes " +
                         std::to_string(current_version) + ")");
    check_fields(*this);
    nlohmann::json j = {{"version", version},       {"execution_id", execution_id}, {"provider", provider},
                        {"diagnostic", diagnostic}, {"key", key},                   {"fragment", fragment},
                        {"attempt_token", attempt_token}};
    std::string text = j.dump();
    if (text.size() > max_bytes)
        throw QueueError("task message is " + std::to_string(text.size()) + " bytes, more than the " +
                         std::to_string(max_bytes) + " allowed");
    return text;
}

TaskMessage TaskMessage::from_json(std::string_view text) {
    // Size first: the limit also bounds what the parser is given.
    if (text.size() > max_bytes)
        throw QueueError("task message is " + std::to_string(text.size()) + " bytes, more than the " +
                         std::to_string(max_bytes) + " allowed");
    nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded()) throw QueueError("task message is not valid JSON");
    if (!j.is_object()) throw QueueError("task message is not a JSON object");
    auto v = j.find("version");
    if (v == j.end()) throw QueueError("task message: missing field 'version'");
    if (!v->is_number_integer()) throw QueueError("task message: field 'version' must be an integer");
    if (*v != current_version)
        throw QueueError("task message: unsupported version " + v->dump() + " (this engine reads " +
                         std::to_string(current_version) + ")");
    TaskMessage m;
    auto id = j.find("execution_id");
    if (id == j.end()) throw QueueError("task message: missing field 'execution_id'");
    if (!id->is_number_integer() ||
        (id->is_number_unsigned() && id->get<uint64_t>() > uint64_t(std::numeric_limits<int64_t>::max())))
        throw QueueError("task message: field 'execution_id' must be an integer");
    m.execution_id = id->get<int64_t>();
    m.provider = text_field(j, "provider", true);
    m.diagnostic = text_field(j, "diagnostic", true);
    m.key = text_field(j, "key", true);
    m.fragment = text_field(j, "fragment", true);
    m.attempt_token = text_field(j, "attempt_token", false);
    check_fields(m);
    return m;
}

}  // namespace ref::queue
