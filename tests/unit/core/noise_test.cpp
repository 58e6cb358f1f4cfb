// TESTPLAN A7: our IKpsk2 core against the cacophony test vector, and the WireGuard handshake
// verbs on their own.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "core/noise.hpp"
#include "core/tai64n.hpp"

namespace wgnet::core {
namespace {

std::vector<uint8_t> hex(const std::string& s) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < s.size(); i += 2) out.push_back(std::stoi(s.substr(i, 2), nullptr, 16));
  return out;
}
Key key(const std::string& s) {
  Key k{};
  auto v = hex(s);
  std::memcpy(k.data(), v.data(), k.size());
  return k;
}

// Entry "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s" of the cacophony test vectors, as checked against
// mcginty/snow tests/vectors/cacophony.txt (commit aabed315), which ships cacophony's file.
constexpr const char* kProtocol = "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s";
const char* kPrologue = "4a6f686e2047616c74";  // "John Galt"
const char* kPsk = "54686973206973206d7920417573747269616e20706572737065637469766521";
const char* kInitStatic = "e61ef9919cde45dd5f82166404bd08e38bceb5dfdfded0a34c8df7ed542214d1";
const char* kInitEphemeral = "893e28b9dc6ca8d611ab664754b8ceb7bac5117349a4439a6b0569da977c464a";
const char* kInitRemoteStatic = "31e0303fd6418d2f8c0e78b91f22e8caed0fbe48656dcf4767e4834f701b8f62";
const char* kRespStatic = "4a3acbfdb163dec651dfa3194dece676d437029c62a408b4c5ea9114246e4893";
const char* kRespEphemeral = "bbdb4cdbd309f1a1f2e1456967fe288cadd6f712d65dc7b7793d5e63da6b375b";
const char* kHandshakeHash = "f5191b875290abcd41347ac3622d9679688a7e980229cb937ef748336cfde0e5";
const char* kMessages[6][2] = {
    {"4c756477696720766f6e204d69736573",
     "ca35def5ae56cec33dc2036731ab14896bc4c75dbb07a61f879f8e3afa4c7944001e21de9f98ddd8e2ad57527207"
     "feb56253c9c94a9e496782ecfcb2a75fbcaf1b52948cc48daefe660c62119ab5000980c84831215f2441eba61654"
     "8e832985464cf17e51ee93109008399a21f7e13f"},
    {"4d757272617920526f746862617264",
     "95ebc60d2b1fa672c1f46a8aa265ef51bfe38e7ccb39ec5be34069f144808843cb765f2caef0751b8f007572dab0"
     "322217755c0632f365717edbf34d33e87a"},
    {"462e20412e20486179656b", "8153ca9833bc3c1b91a7e66e5f4d4f5b59bf9e64c2f20d15f0bba7"},
    {"4361726c204d656e676572", "07af0c9c86e1b4e80f36b04ff7688d51141af3debd0332f0a705ef"},
    {"4a65616e2d426170746973746520536179",
     "6ab1467c0448cc78394494abaaf23afce0e234315d6e2624dcbfa8a21c1c4d073d"},
    {"457567656e2042f6686d20766f6e2042617765726b",
     "dfc346c0d2296ae6cf1acf6f12b8456a1dba228cf8d8b774aacf1c47fc53aa80ebc7a4c292"},
};

TEST(NoiseCore, A7_kat_noise_ikpsk2_cacophony) {
  const auto prologue = hex(kPrologue);
  const Key psk = key(kPsk), si = key(kInitStatic), ei = key(kInitEphemeral);
  const Key sr = key(kRespStatic), er = key(kRespEphemeral);
  Key si_pub{}, sr_pub{};
  noise_public_key(si_pub, si);
  noise_public_key(sr_pub, sr);
  ASSERT_EQ(sr_pub, key(kInitRemoteStatic));

  noise::SymmetricState ini = noise::initialize(kProtocol, prologue);
  noise::SymmetricState res = noise::initialize(kProtocol, prologue);
  noise::mix_hash(ini, sr_pub);  // IK pre-message: <- s
  noise::mix_hash(res, sr_pub);

  // Message 1: -> e, es, s, ss
  const auto p1 = hex(kMessages[0][0]);
  std::vector<uint8_t> m1(32 + 48 + p1.size() + 16);
  Key ss{};
  ASSERT_TRUE(noise_dh(ss, si, sr_pub));
  ASSERT_TRUE(noise::write_initiation(ini, ei, si_pub, sr_pub, ss, p1, m1.data(), m1.data() + 32,
                                      {m1.data() + 80, p1.size() + 16}));
  EXPECT_EQ(m1, hex(kMessages[0][1]));

  Key re{}, rs{};
  ASSERT_TRUE(noise::read_initiation_static(res, sr, m1.data(), m1.data() + 32, re, rs));
  EXPECT_EQ(rs, si_pub);
  Key ss_r{};
  ASSERT_TRUE(noise_dh(ss_r, sr, rs));
  std::vector<uint8_t> got1(p1.size());
  ASSERT_TRUE(noise::read_initiation_payload(res, ss_r, {m1.data() + 80, p1.size() + 16}, got1));
  EXPECT_EQ(got1, p1);

  // Message 2: <- e, ee, se, psk
  const auto p2 = hex(kMessages[1][0]);
  std::vector<uint8_t> m2(32 + p2.size() + 16);
  ASSERT_TRUE(noise::write_response(res, er, re, rs, psk, p2, m2.data(), {m2.data() + 32, p2.size() + 16}));
  EXPECT_EQ(m2, hex(kMessages[1][1]));
  std::vector<uint8_t> got2(p2.size());
  ASSERT_TRUE(noise::read_response(ini, ei, si, m2.data(), psk, {m2.data() + 32, p2.size() + 16}, got2));
  EXPECT_EQ(got2, p2);

  const auto hh = hex(kHandshakeHash);
  EXPECT_TRUE(std::equal(hh.begin(), hh.end(), ini.hash.begin()));
  EXPECT_TRUE(std::equal(hh.begin(), hh.end(), res.hash.begin()));

  // Transport messages 3..6 alternate initiator / responder, nonces 0, 0, 1, 1.
  Key i2r{}, r2i{}, i2r_r{}, r2i_r{};
  noise::split(ini, i2r, r2i);
  noise::split(res, i2r_r, r2i_r);
  EXPECT_EQ(i2r, i2r_r);
  EXPECT_EQ(r2i, r2i_r);
  for (int m = 2; m < 6; ++m) {
    const auto p = hex(kMessages[m][0]);
    std::vector<uint8_t> c(p.size() + 16);
    const bool from_initiator = m % 2 == 0;
    const uint64_t nonce = (m - 2) / 2;
    crypto::aead_seal(c, from_initiator ? i2r : r2i, nonce, p, {});
    EXPECT_EQ(c, hex(kMessages[m][1])) << "message " << m + 1;
    std::vector<uint8_t> back(p.size());
    EXPECT_TRUE(crypto::aead_open(back, from_initiator ? i2r_r : r2i_r, nonce, c, {}));
    EXPECT_EQ(back, p);
  }
}

TEST(NoiseCore, A6_wireguard_initial_state) {
  // HASH(Construction) and HASH(Ci || Identifier), the whitepaper's Ci and Hi.
  const auto& st = wireguard_initial_state();
  EXPECT_EQ(st.chaining_key, crypto::Hash({96, 226, 109, 174, 243, 39, 239, 192, 46, 195, 53,
                                           226, 160, 37, 210, 208, 22, 235, 66, 6, 248, 114,
                                           119, 245, 45, 56, 209, 152, 139, 120, 205, 54}));
  EXPECT_EQ(st.hash, crypto::Hash({34, 17, 179, 97, 8, 26, 197, 102, 105, 18, 67, 219, 69, 138,
                                   213, 50, 45, 156, 108, 102, 34, 147, 232, 183, 14, 225, 156,
                                   101, 186, 7, 158, 243}));
}

struct Pair {
  StaticIdentity a, b;
  Handshake a_hs, b_hs;  // a's view of b, b's view of a
  Pair(const Key& psk_a = {}, const Key& psk_b = {}) {
    a.private_key = key(kInitStatic);
    b.private_key = key(kRespStatic);
    noise_public_key(a.public_key, a.private_key);
    noise_public_key(b.public_key, b.private_key);
    EXPECT_TRUE(handshake_init(a_hs, a, b.public_key, psk_a));
    EXPECT_TRUE(handshake_init(b_hs, b, a.public_key, psk_b));
  }
};

TEST(NoiseCore, wireguard_verbs_derive_mirrored_keys) {
  Pair p(key(kPsk), key(kPsk));
  MessageHandshakeInitiation init;
  ASSERT_TRUE(create_initiation(init, p.a_hs, p.a, key(kInitEphemeral),
                                tai64n_from_wall(std::chrono::seconds(1000)), 0x11223344));
  EXPECT_EQ(init.header.type, MESSAGE_HANDSHAKE_INITIATION);
  EXPECT_EQ(get_le32(init.sender_index), 0x11223344u);
  Handshake* found = nullptr;
  ASSERT_EQ(consume_initiation(init, p.b, std::chrono::seconds(1),
                               [&](const Key& k) { return k == p.a.public_key ? &p.b_hs : nullptr; },
                               &found),
            ConsumeResult::kOk);
  ASSERT_EQ(found, &p.b_hs);
  MessageHandshakeResponse resp;
  ASSERT_TRUE(create_response(resp, p.b_hs, key(kRespEphemeral), 0x55667788));
  EXPECT_EQ(get_le32(resp.receiver_index), 0x11223344u);
  ASSERT_EQ(consume_response(resp, p.a_hs, p.a), ConsumeResult::kOk);
  SessionKeys ka, kb;
  ASSERT_TRUE(begin_session(p.a_hs, ka));
  ASSERT_TRUE(begin_session(p.b_hs, kb));
  EXPECT_TRUE(ka.i_am_initiator);
  EXPECT_FALSE(kb.i_am_initiator);
  EXPECT_EQ(ka.sending, kb.receiving);
  EXPECT_EQ(ka.receiving, kb.sending);
  EXPECT_NE(ka.sending, ka.receiving);
  EXPECT_EQ(ka.remote_index, 0x55667788u);
  EXPECT_EQ(kb.remote_index, 0x11223344u);
  // The handshakes were wiped.
  EXPECT_EQ(p.a_hs.state, HandshakeState::kZeroed);
  EXPECT_EQ(p.a_hs.ephemeral_private, Key{});
  EXPECT_EQ(p.a_hs.sym.chaining_key, crypto::Hash{});
}

TEST(NoiseCore, psk_mismatch_fails_response) {
  Key other = key(kPsk);
  other[0] ^= 1;
  Pair p(key(kPsk), other);
  MessageHandshakeInitiation init;
  ASSERT_TRUE(create_initiation(init, p.a_hs, p.a, key(kInitEphemeral),
                                tai64n_from_wall(std::chrono::seconds(1000)), 1));
  Handshake* found = nullptr;
  ASSERT_EQ(consume_initiation(init, p.b, std::chrono::seconds(1),
                               [&](const Key&) { return &p.b_hs; }, &found),
            ConsumeResult::kOk);
  MessageHandshakeResponse resp;
  ASSERT_TRUE(create_response(resp, p.b_hs, key(kRespEphemeral), 2));
  EXPECT_EQ(consume_response(resp, p.a_hs, p.a), ConsumeResult::kDecryptFailed);
  EXPECT_EQ(p.a_hs.state, HandshakeState::kCreatedInitiation);  // unchanged by the forgery
}

TEST(NoiseCore, low_order_peer_key_never_initiates) {
  StaticIdentity a;
  a.private_key = key(kInitStatic);
  noise_public_key(a.public_key, a.private_key);
  Handshake hs;
  EXPECT_FALSE(handshake_init(hs, a, Key{}, Key{}));  // the zero point is low order
  MessageHandshakeInitiation init;
  EXPECT_FALSE(create_initiation(init, hs, a, key(kInitEphemeral), Tai64n{}, 1));
}

}  // namespace
}  // namespace wgnet::core
