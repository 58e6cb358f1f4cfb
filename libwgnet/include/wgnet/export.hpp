// Marks the public API: libwgnet.so is built with hidden visibility, so only declarations
// carrying WGNET_API (the contents of include/wgnet/) are exported; internals stay private and
// cannot be linked against by accident.
#pragma once

#define WGNET_API __attribute__((visibility("default")))
