// The message a task queue carries: small, versioned JSON naming an execution, never its
// data (climate-ref's 29 KB messages were the problem), validated on receipt.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ref::queue {

struct TaskMessage {
    static constexpr int current_version = 1;
    static constexpr std::size_t max_bytes = 2048;

    int version = current_version;
    int64_t execution_id = 0;
    std::string provider;    // also names the stream: letters, digits, '_', '-', '.'
    std::string diagnostic;
    std::string key;         // the execution group key
    std::string fragment;    // output fragment (may be empty)
    std::string attempt_token;  // free text for the sender (may be empty)

    // Throws QueueError when a field is invalid or the text would exceed max_bytes.
    std::string to_json() const;
    // Throws QueueError naming the bad field; rejects unknown versions, oversized text,
    // missing or wrongly typed fields. Unknown extra fields are ignored.
    static TaskMessage from_json(std::string_view text);

    bool operator==(const TaskMessage&) const = default;
};

// Whether `provider` can name a stream (no ':' or glob characters in keys).
bool valid_provider_name(std::string_view provider);

}  // namespace ref::queue
