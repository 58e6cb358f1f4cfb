#include "core/peer.hpp"

namespace wgnet::core {

void Peer::stage(std::span<const uint8_t> packet) {
  if (staged.size() >= MAX_STAGED_PACKETS) {
    crypto::secure_zero(staged.front().data(), staged.front().size());
    staged.pop_front();
  }
  staged.emplace_back(packet.begin(), packet.end());
}

void Peer::purge_staged() {
  for (auto& p : staged) crypto::secure_zero(p.data(), p.size());
  staged.clear();
}

bool Peer::next_candidate() {
  if (endpoint_candidates.size() < 2) return false;
  candidate = (candidate + 1) % endpoint_candidates.size();
  endpoint = endpoint_candidates[candidate];
  return true;
}

void Peer::set_candidates(std::vector<Endpoint> endpoints) {
  endpoint_candidates = std::move(endpoints);
  candidate = 0;
  // An empty list keeps whatever endpoint we have (e.g. one learned from the peer roaming).
  if (!endpoint_candidates.empty()) endpoint = endpoint_candidates.front();
}

}  // namespace wgnet::core
