// TESTPLAN I8 dig_id_port_random (ID half): query IDs on the wire come from a CSPRNG and are
// uniformly distributed. Pearson's chi-square over 16 buckets (both the high and the low
// nibble, so neither a counter nor a generator with weak high bits passes) at p > 0.001.
// Robust against chance: a sample failing at p < 0.001 gets one independent second sample,
// and only both failing fails the test (odds ~1e-6 per run for a good generator).
#include "dns/query_id.hpp"

#include <gtest/gtest.h>

#include <array>
#include <set>

#include "dns/dns_lab.hpp"
#include "dns/message.hpp"

namespace wgnet::dns::test {
namespace {

constexpr int SAMPLE = 2000;
constexpr double CHI2_15DF_P001 = 37.697;  // chi-square quantile, 15 degrees of freedom

double chi_square_nibble(const std::vector<uint16_t>& ids, int shift) {
  std::array<int, 16> counts{};
  for (uint16_t id : ids) ++counts[(id >> shift) & 0xf];
  double expected = static_cast<double>(ids.size()) / 16.0;
  double chi2 = 0;
  for (int c : counts) chi2 += (c - expected) * (c - expected) / expected;
  return chi2;
}

bool looks_uniform(const std::vector<uint16_t>& ids) {
  return chi_square_nibble(ids, 12) < CHI2_15DF_P001 && chi_square_nibble(ids, 0) < CHI2_15DF_P001;
}

TEST(QueryIdStatistic, RejectsCountersAndConstants) {
  std::vector<uint16_t> counter, constant, low_bits_only;
  for (int i = 0; i < SAMPLE; ++i) {
    counter.push_back(static_cast<uint16_t>(31337 + i));
    constant.push_back(4242);
    low_bits_only.push_back(static_cast<uint16_t>(random_query_id(test_random) & 0x0fff));
  }
  EXPECT_FALSE(looks_uniform(counter));
  EXPECT_FALSE(looks_uniform(constant));
  EXPECT_FALSE(looks_uniform(low_bits_only));
}

class QueryIdTest : public DnsLab {
 protected:
  // IDs of `n` queries as the server saw them.
  std::vector<uint16_t> wire_ids(LoopbackResolver& r, int n) {
    size_t before = dns1_.seen().size();
    LoopbackResolver::QueryOptions opt;
    opt.qtype = TYPE_A;
    opt.tries = 1;
    for (int i = 0; i < n; ++i) {
      auto got = r.query(server1_, "id.example", opt);
      EXPECT_TRUE(got) << got.error().message;
      if (!got) break;  // bounded either way
    }
    std::vector<uint16_t> ids;
    auto seen = dns1_.seen();
    for (size_t i = before; i < seen.size(); ++i) ids.push_back(seen[i].id);
    return ids;
  }
};

TEST_F(QueryIdTest, IdsOnTheWireAreUniform) {
  dns1_.add("id.example. 60 IN A 192.0.2.80");
  LoopbackResolver r(config(), transport_);
  std::vector<uint16_t> ids = wire_ids(r, SAMPLE);
  ASSERT_EQ(ids.size(), static_cast<size_t>(SAMPLE));
  if (!looks_uniform(ids)) {
    ids = wire_ids(r, SAMPLE);
    ASSERT_EQ(ids.size(), static_cast<size_t>(SAMPLE));
    EXPECT_TRUE(looks_uniform(ids)) << "chi2 high nibble " << chi_square_nibble(ids, 12)
                                    << ", low nibble " << chi_square_nibble(ids, 0);
  }
  // 2000 draws from 65536 collide about 30 times; a generator cycling through a small set
  // would collide far more. 100 is more than 12 standard deviations out.
  std::set<uint16_t> distinct(ids.begin(), ids.end());
  EXPECT_GT(distinct.size(), static_cast<size_t>(SAMPLE - 100));
}

TEST_F(QueryIdTest, EveryUdpTryUsesItsOwnSocket) {
  dns1_.add("id.example. 60 IN A 192.0.2.80");
  LoopbackResolver r(config(), transport_);
  wire_ids(r, 20);
  EXPECT_EQ(transport_.udp_opened(), 20);
  auto ports = transport_.udp_local_ports();
  std::set<uint16_t> distinct(ports.begin(), ports.end());
  EXPECT_GT(distinct.size(), 1u);  // the source port comes from the transport, fresh each time
}

}  // namespace
}  // namespace wgnet::dns::test
