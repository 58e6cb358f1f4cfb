// Known-answer tests for the crypto primitives (TESTPLAN A1..A6). Every expected value comes from
// a published source named beside it; none was produced by this code.
#include "core/crypto.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <sodium.h>

#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace wgnet::crypto {
namespace {

std::vector<uint8_t> from_hex(std::string_view hex) {
  auto nibble = [](char c) -> uint8_t {
    if (c >= '0' && c <= '9') return uint8_t(c - '0');
    if (c >= 'a' && c <= 'f') return uint8_t(c - 'a' + 10);
    ADD_FAILURE() << "bad hex digit " << c;
    return 0;
  };
  EXPECT_EQ(hex.size() % 2, 0u);
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(uint8_t(nibble(hex[i]) << 4 | nibble(hex[i + 1])));
  return out;
}

std::string to_hex(Bytes b) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (uint8_t v : b) {
    s += digits[v >> 4];
    s += digits[v & 15];
  }
  return s;
}

Key key_hex(std::string_view hex) {
  auto v = from_hex(hex);
  Key k{};
  EXPECT_EQ(v.size(), k.size());
  std::memcpy(k.data(), v.data(), std::min(v.size(), k.size()));
  return k;
}

Bytes text(std::string_view s) { return {reinterpret_cast<const uint8_t*>(s.data()), s.size()}; }

std::vector<uint8_t> seq(size_t n, uint8_t start = 0) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = uint8_t(start + i);
  return v;
}

// ---- A1: BLAKE2s ----------------------------------------------------------------------------

TEST(CryptoBlake2s, KatUnkeyed) {
  // RFC 7693 appendix B (BLAKE2s-256 of "abc") and the BLAKE2 reference KAT for "".
  Hash h;
  blake2s(h, text("abc"));
  EXPECT_EQ(to_hex(h), "508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982");
  blake2s(h, {});
  EXPECT_EQ(to_hex(h), "69217a3079908094e11121d042354a7c1f55b6482ca1a51e1b250dfd1ed0eef9");
  // hash2 is the same function over a concatenation, however it is split.
  EXPECT_EQ(to_hex(hash2(text("a"), text("bc"))),
            "508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982");
  EXPECT_EQ(to_hex(hash2({}, {})),
            "69217a3079908094e11121d042354a7c1f55b6482ca1a51e1b250dfd1ed0eef9");
}

TEST(CryptoBlake2s, KatKeyed) {
  // BLAKE2 reference blake2s-kat.txt: key = 00..1f, inputs "" and 00.
  const auto key = seq(32);
  Hash h;
  blake2s(h, {}, key);
  EXPECT_EQ(to_hex(h), "48a8997da407876b3d79c0d92325ad3b89cbb754d86ab71aee047ad345fd2c49");
  const uint8_t zero = 0;
  blake2s(h, Bytes(&zero, 1), key);
  EXPECT_EQ(to_hex(h), "40d15fee7c328830166ac3f918650f807e7e01e177258cdc0a39b11f598066f1");
}

TEST(CryptoBlake2s, MacIsKeyedBlake2s128) {
  // Keyed BLAKE2s with 16-byte output, key 00..1f; reference values from Python's hashlib
  // (blake2s(data, key=..., digest_size=16)), an independent implementation.
  const auto key = seq(32);
  EXPECT_EQ(to_hex(mac(key, {})), "9536f9b267655743dee97b8a670f9f53");
  EXPECT_EQ(to_hex(mac(key, text("abc"))), "61ba5f165c194692e09d12520cc4c74a");
}

TEST(CryptoBlake2s, HmacMatchesRfc2104Reference) {
  // Python: hmac.new(key, msg, hashlib.blake2s) (block size 64), for a key longer than a block
  // (hashed first) and one exactly a block long (used as is).
  EXPECT_EQ(to_hex(hmac(seq(100), text("wgnet hmac long key"))),
            "da5e78d9a5001fb5436802e411485f6095e3dd67f06181798b2ca36d92cba920");
  EXPECT_EQ(to_hex(hmac(seq(64), text("wgnet hmac block key"))),
            "d09290d14759e60a60bc692c1f2b3b2a1630b3573e681a8c25f98b52469d33a1");
}

// ---- A2: KDF (wireguard-go device/kdf_test.go) -------------------------------------------------

struct KdfVector {
  const char* key;
  const char* input;
  const char* t1;
  const char* t2;
  const char* t3;
};

const KdfVector kKdfVectors[] = {
    {"746573742d6b6579", "746573742d696e707574",
     "6f0e5ad38daba1bea8a0d213688736f19763239305e0f58aba697f9ffc41c633",
     "df1194df20802a4fe594cde27e92991c8cae66c366e8106aaa937a55fa371e8a",
     "fac6e2745a325f5dc5d11a5b165aad08b0ada28e7b4e666b7c077934a4d76c24"},
    {"776972656775617264", "776972656775617264",
     "491d43bbfdaa8750aaf535e334ecbfe5129967cd64635101c566d4caefda96e8",
     "1e71a379baefd8a79aa4662212fcafe19a23e2b609a3db7d6bcba8f560e3d25f",
     "31e1ae48bddfbe5de38f295e5452b1909a1b4e38e183926af3780b0c1e1f0160"},
    {"", "", "8387b46bf43eccfcf349552a095d8315c4055beb90208fb1be23b894bc2ed5d0",
     "58a0e5f6faefccf4807bff1f05fa8a9217945762040bcec2f4b4a62bdfe0e86e",
     "0ce6ea98ec548f8e281e93e32db65621c45eb18dc6f0a7ad94178610a2f7338e"},
};

TEST(CryptoKdf, WireguardGoVectors) {
  for (const auto& v : kKdfVectors) {
    SCOPED_TRACE(v.key);
    const auto key = from_hex(v.key);
    const auto input = from_hex(v.input);
    Hash t1{}, t2{}, t3{};

    kdf(&t1, &t2, &t3, key, input);  // KDF3
    EXPECT_EQ(to_hex(t1), v.t1);
    EXPECT_EQ(to_hex(t2), v.t2);
    EXPECT_EQ(to_hex(t3), v.t3);

    t1 = t2 = t3 = Hash{};
    kdf(&t1, &t2, nullptr, key, input);  // KDF2
    EXPECT_EQ(to_hex(t1), v.t1);
    EXPECT_EQ(to_hex(t2), v.t2);

    t1 = Hash{};
    kdf(&t1, nullptr, nullptr, key, input);  // KDF1
    EXPECT_EQ(to_hex(t1), v.t1);

    t3 = Hash{};
    kdf(nullptr, nullptr, &t3, key, input);  // only the third output wanted
    EXPECT_EQ(to_hex(t3), v.t3);
  }
}

// ---- A3: X25519 -------------------------------------------------------------------------------

TEST(CryptoX25519, Rfc7748Section5_2) {
  Key out;
  ASSERT_TRUE(x25519(out, key_hex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4"),
                     key_hex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c")));
  EXPECT_EQ(to_hex(out), "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552");
  ASSERT_TRUE(x25519(out, key_hex("4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d"),
                     key_hex("e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493")));
  EXPECT_EQ(to_hex(out), "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957");
}

TEST(CryptoX25519, Rfc7748Section5_2Iterated) {
  // k = u = 9; repeat k, u = X25519(k, u), k. Values after 1 and 1000 iterations.
  Key k{}, u{};
  k[0] = u[0] = 9;
  for (int i = 1; i <= 1000; ++i) {
    Key r;
    ASSERT_TRUE(x25519(r, k, u));
    u = k;
    k = r;
    if (i == 1) {
      EXPECT_EQ(to_hex(k), "422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079");
    }
  }
  EXPECT_EQ(to_hex(k), "684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51");
}

TEST(CryptoX25519, Rfc7748Section6_1) {
  const Key alice = key_hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
  const Key bob = key_hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
  Key alice_pub, bob_pub, s1, s2;
  x25519_public(alice_pub, alice);
  x25519_public(bob_pub, bob);
  EXPECT_EQ(to_hex(alice_pub), "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
  EXPECT_EQ(to_hex(bob_pub), "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
  ASSERT_TRUE(x25519(s1, alice, bob_pub));
  ASSERT_TRUE(x25519(s2, bob, alice_pub));
  EXPECT_EQ(to_hex(s1), "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
  EXPECT_EQ(s1, s2);
}

Key key_base64(const char* b64) {
  // EVP_DecodeBlock keeps the padding byte: 44 characters give 33 bytes, the last one zero.
  uint8_t raw[33];
  EXPECT_EQ(EVP_DecodeBlock(raw, reinterpret_cast<const unsigned char*>(b64), 44), 33);
  Key k;
  std::memcpy(k.data(), raw, 32);
  return k;
}

TEST(CryptoX25519, LowOrderPointsFail) {
  // The seven low-order points of the Linux selftest tools/testing/selftests/wireguard/netns.sh.
  const char* points[] = {
      "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
      "4Ot6fDtBuK4WVuP68Z/EatoJjeucMrH9hmIFFl9JuAA=", "X5yVvKNQjCSx0LFVnIPvWwREXMRYHI6G2CJO3dCfEVc=",
      "7P///////////////////////////////////////38=", "7f///////////////////////////////////////38=",
      "7v///////////////////////////////////////38=",
  };
  Key priv;
  generate_private_key(priv);
  Key rfc_alice = key_hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
  for (const char* p : points) {
    SCOPED_TRACE(p);
    const Key point = key_base64(p);
    for (const Key* k : {&priv, &rfc_alice}) {
      Key out;
      out.fill(0xaa);
      EXPECT_FALSE(x25519(out, *k, point));
      EXPECT_EQ(out, Key{}) << "output must be zeroed on failure";
    }
  }
}

TEST(CryptoX25519, GeneratedKeysAreClampedAndAgree) {
  Key a, b, a_pub, b_pub, s1, s2;
  generate_private_key(a);
  generate_private_key(b);
  EXPECT_NE(a, b);
  EXPECT_EQ(a[0] & 7, 0);
  EXPECT_EQ(a[31] & 0xc0, 0x40);
  x25519_public(a_pub, a);
  x25519_public(b_pub, b);
  ASSERT_TRUE(x25519(s1, a, b_pub));
  ASSERT_TRUE(x25519(s2, b, a_pub));
  EXPECT_EQ(s1, s2);
}

// ---- A4: ChaCha20-Poly1305 (RFC 8439 §2.8.2) --------------------------------------------------

constexpr std::string_view kSunscreen =
    "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, "
    "sunscreen would be it.";
constexpr const char* kRfcKey = "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f";
constexpr const char* kRfcAd = "50515253c0c1c2c3c4c5c6c7";
constexpr const char* kRfcSealed =
    "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b"
    "1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
    "3ff4def08e4b7a9de576d26586cec64b6116"
    "1ae10b594f09e26a7e902ecbd0600691";

TEST(CryptoChaChaPoly, Rfc8439SealAndOpen) {
  const Key key = key_hex(kRfcKey);
  const auto nonce_v = from_hex("070000004041424344454647");
  std::span<const uint8_t, NONCE_LEN> nonce(nonce_v.data(), NONCE_LEN);
  const auto ad = from_hex(kRfcAd);

  std::vector<uint8_t> sealed(kSunscreen.size() + AEAD_TAG_LEN);
  ASSERT_EQ(aead_seal_nonce(sealed, key, nonce, text(kSunscreen), ad), sealed.size());
  EXPECT_EQ(to_hex(sealed), kRfcSealed);

  std::vector<uint8_t> plain(kSunscreen.size());
  ASSERT_TRUE(aead_open_nonce(plain, key, nonce, sealed, ad));
  EXPECT_EQ(std::string(plain.begin(), plain.end()), kSunscreen);
}

TEST(CryptoChaChaPoly, TamperingFails) {
  const Key key = key_hex(kRfcKey);
  const auto nonce_v = from_hex("070000004041424344454647");
  std::span<const uint8_t, NONCE_LEN> nonce(nonce_v.data(), NONCE_LEN);
  const auto sealed = from_hex(kRfcSealed);
  const auto ad = from_hex(kRfcAd);
  std::vector<uint8_t> plain(sealed.size() - AEAD_TAG_LEN);

  auto ct_flip = sealed;
  ct_flip[10] ^= 0x01;
  EXPECT_FALSE(aead_open_nonce(plain, key, nonce, ct_flip, ad));
  EXPECT_EQ(plain, std::vector<uint8_t>(plain.size(), 0)) << "no unauthenticated plaintext left";

  auto tag_flip = sealed;
  tag_flip[sealed.size() - 1] ^= 0x80;
  EXPECT_FALSE(aead_open_nonce(plain, key, nonce, tag_flip, ad));

  auto ad_flip = ad;
  ad_flip[0] ^= 0x01;
  EXPECT_FALSE(aead_open_nonce(plain, key, nonce, sealed, ad_flip));

  EXPECT_FALSE(aead_open_nonce(plain, key, nonce, Bytes(sealed).first(AEAD_TAG_LEN - 1), ad));
  EXPECT_TRUE(aead_open_nonce(plain, key, nonce, sealed, ad)) << "the untouched message opens";
}

// libsodium's IETF ChaCha20-Poly1305 is an independent implementation of the same function: the
// WireGuard nonce layout (4 zero bytes || little-endian counter) must give identical bytes.
std::vector<uint8_t> sodium_seal(const Key& key, uint64_t counter, Bytes in, Bytes ad) {
  uint8_t nonce[12] = {};
  for (int i = 0; i < 8; ++i) nonce[4 + i] = uint8_t(counter >> (8 * i));
  std::vector<uint8_t> out(in.size() + AEAD_TAG_LEN);
  unsigned long long len = 0;
  crypto_aead_chacha20poly1305_ietf_encrypt(out.data(), &len, in.data(), in.size(), ad.data(),
                                            ad.size(), nullptr, nonce, key.data());
  out.resize(len);
  return out;
}

TEST(CryptoChaChaPoly, WireguardNonceMatchesLibsodium) {
  const Key key = key_hex(kRfcKey);
  const auto msg = seq(1420, 7);
  const auto ad = seq(13, 100);
  for (uint64_t counter : {uint64_t{0}, uint64_t{1}, uint64_t{0x1'0000'0005},
                           uint64_t{0xfffffffffffffffe}}) {
    SCOPED_TRACE(counter);
    std::vector<uint8_t> out(msg.size() + AEAD_TAG_LEN);
    ASSERT_EQ(aead_seal(out, key, counter, msg, ad), out.size());
    EXPECT_EQ(out, sodium_seal(key, counter, msg, ad));
    std::vector<uint8_t> back(msg.size());
    ASSERT_TRUE(aead_open(back, key, counter, out, ad));
    EXPECT_EQ(back, msg);
  }
}

TEST(CryptoChaChaPoly, SealRejectsShortOutput) {
  const Key key = key_hex(kRfcKey);
  std::vector<uint8_t> out(AEAD_TAG_LEN + 3);
  EXPECT_EQ(aead_seal(out, key, 1, seq(4), {}), 0u);
}

TEST(AeadContext, InPlaceRoundTripAcrossCounters) {
  const Key key = key_hex(kRfcKey);
  AeadContext sender(key);
  AeadContext receiver(key);
  // Counters beyond 2^32 exercise the upper half of the little-endian counter in the nonce.
  const uint64_t counters[] = {0, 1, 2, 0xffffffff, 0x100000000, 0x123456789abcdef0};
  for (uint64_t counter : counters) {
    SCOPED_TRACE(counter);
    const auto msg = seq(200 + size_t(counter % 97), uint8_t(counter));
    const auto ad = seq(5, 9);
    std::vector<uint8_t> buf(msg.size() + AEAD_TAG_LEN);
    std::copy(msg.begin(), msg.end(), buf.begin());

    ASSERT_EQ(sender.seal(buf, counter, Bytes(buf).first(msg.size()), ad), buf.size());
    EXPECT_EQ(buf, sodium_seal(key, counter, msg, ad));

    // Wrong counter (including one differing only above bit 32) fails and leaves a failure.
    std::vector<uint8_t> copy = buf, scratch(msg.size());
    EXPECT_FALSE(receiver.open(scratch, counter ^ 0x100000000, copy, ad));

    ASSERT_TRUE(receiver.open(buf, counter, buf, ad));
    EXPECT_TRUE(std::equal(msg.begin(), msg.end(), buf.begin()));
  }
}

TEST(AeadContext, EmptyPlaintextIsAKeepalive) {
  const Key key = key_hex(kRfcKey);
  AeadContext ctx(key);
  std::array<uint8_t, AEAD_TAG_LEN> tag;
  ASSERT_EQ(ctx.seal(tag, 42, {}), AEAD_TAG_LEN);
  EXPECT_EQ(std::vector<uint8_t>(tag.begin(), tag.end()), sodium_seal(key, 42, {}, {}));
  std::array<uint8_t, 1> none{};
  EXPECT_TRUE(ctx.open(MutBytes(none.data(), 0), 42, tag));
  EXPECT_FALSE(ctx.open(MutBytes(none.data(), 0), 43, tag));
  tag[0] ^= 1;
  EXPECT_FALSE(ctx.open(MutBytes(none.data(), 0), 42, tag));
}

// ---- A5: HChaCha20 and XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha-03) ------------------------

TEST(CryptoXChaChaPoly, HChaCha20Section2_2_1) {
  const Key key = key_hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  const auto nonce = from_hex("000000090000004a0000000031415927");
  Key out;
  hchacha20(out, key, std::span<const uint8_t, 16>(nonce.data(), 16));
  EXPECT_EQ(to_hex(out), "82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc");
}

TEST(CryptoXChaChaPoly, DraftA3_1) {
  const Key key = key_hex(kRfcKey);
  const auto nonce_v = from_hex("404142434445464748494a4b4c4d4e4f5051525354555657");
  std::span<const uint8_t, XNONCE_LEN> nonce(nonce_v.data(), XNONCE_LEN);
  const auto ad = from_hex(kRfcAd);
  std::vector<uint8_t> sealed(kSunscreen.size() + AEAD_TAG_LEN);
  ASSERT_EQ(xaead_seal(sealed, key, nonce, text(kSunscreen), ad), sealed.size());
  EXPECT_EQ(to_hex(sealed),
            "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb"
            "731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b452"
            "2f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9"
            "21f9664c97637da9768812f615c68b13b52e"
            "c0875924c1c7987947deafd8780acf49");

  std::vector<uint8_t> plain(kSunscreen.size());
  ASSERT_TRUE(xaead_open(plain, key, nonce, sealed, ad));
  EXPECT_EQ(std::string(plain.begin(), plain.end()), kSunscreen);
  sealed[5] ^= 0x04;
  EXPECT_FALSE(xaead_open(plain, key, nonce, sealed, ad));
}

// ---- A6: protocol constants -------------------------------------------------------------------

TEST(CryptoWireguard, InitialChainingKeyAndHash) {
  const Hash ck = hash2(text("Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s"), {});
  EXPECT_EQ(to_hex(ck), "60e26daef327efc02ec335e2a025d2d016eb4206f87277f52d38d1988b78cd36");
  EXPECT_EQ(to_hex(hash2(ck, text("WireGuard v1 zx2c4 Jason@zx2c4.com"))),
            "2211b361081ac566691243db458ad5322d9c6c662293e8b70ee19c65ba079ef3");
}

// ---- helpers ----------------------------------------------------------------------------------

TEST(CryptoUtil, EqualCtAndSecureZero) {
  const auto a = seq(32), b = seq(32);
  auto c = seq(32);
  c[31] ^= 1;
  EXPECT_TRUE(equal_ct(a, b));
  EXPECT_FALSE(equal_ct(a, c));
  EXPECT_FALSE(equal_ct(a, Bytes(b).first(31)));
  EXPECT_TRUE(equal_ct({}, {}));

  Key k;
  k.fill(0x5a);
  secure_zero(k);
  EXPECT_EQ(k, Key{});

  std::array<uint8_t, 64> r1{}, r2{};
  random_bytes(r1);
  random_bytes(r2);
  EXPECT_NE(r1, r2);
}

}  // namespace
}  // namespace wgnet::crypto
