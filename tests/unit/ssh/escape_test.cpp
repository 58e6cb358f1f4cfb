// The escape filter: ~ is special only at line start; ~. ~? ~~ ~^Z ~# and friends.
#include "escape.hpp"

#include <gtest/gtest.h>

namespace wgnet::ssh {
namespace {

using K = EscapeActionKind;

// All bytes sent and the kinds of the other actions, in order, for compact assertions.
struct Fed {
  std::string sent;
  std::vector<K> kinds;
};

Fed feed(EscapeFilter& f, std::string_view input) {
  Fed out;
  for (const auto& a : f.feed(input)) {
    if (a.kind == K::kSend) {
      out.sent += a.bytes;
    } else {
      out.kinds.push_back(a.kind);
    }
  }
  return out;
}

TEST(Escape, TildeDotAtSessionStartDisconnectsAndDropsTheRest) {
  EscapeFilter f;
  auto actions = f.feed("~.ls\r");
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(actions[0].kind, K::kDisconnect);
  EXPECT_EQ(actions[0].echo, "~.\r\n");
  EXPECT_TRUE(f.disconnected());
  EXPECT_TRUE(f.feed("more").empty());
}

TEST(Escape, OnlyAfterNewline) {
  EscapeFilter f;
  auto a = feed(f, "echo ~.\r");
  EXPECT_EQ(a.sent, "echo ~.\r");
  EXPECT_TRUE(a.kinds.empty());
  auto b = feed(f, "~.");
  EXPECT_EQ(b.sent, "");
  EXPECT_EQ(b.kinds, std::vector<K>{K::kDisconnect});

  EscapeFilter lf;
  EXPECT_EQ(feed(lf, "x\n~.").kinds, std::vector<K>{K::kDisconnect});
  EscapeFilter mid;
  EXPECT_EQ(feed(mid, "a~.b").sent, "a~.b");
}

TEST(Escape, SendsBytesBeforeTheSequenceFirst) {
  EscapeFilter f;
  auto actions = f.feed("ls\r~.");
  ASSERT_EQ(actions.size(), 2u);
  EXPECT_EQ(actions[0].kind, K::kSend);
  EXPECT_EQ(actions[0].bytes, "ls\r");
  EXPECT_EQ(actions[1].kind, K::kDisconnect);
}

TEST(Escape, DoubleTildeSendsOneAndIsNoLongerAtLineStart) {
  EscapeFilter f;
  auto a = feed(f, "~~.");
  EXPECT_EQ(a.sent, "~.");  // the '.' after "~~" is ordinary: not at line start any more
  EXPECT_TRUE(a.kinds.empty());
  EXPECT_FALSE(f.disconnected());
}

TEST(Escape, UnknownCommandSendsBoth) {
  EscapeFilter f;
  EXPECT_EQ(feed(f, "~x").sent, "~x");
  EscapeFilter g;
  EXPECT_EQ(feed(g, "~C").sent, "~C");  // ~C (command line) is not implemented: passes through
  EscapeFilter h;
  // "~\r": both go out and the CR starts a new line, so the next ~. still counts.
  auto a = feed(h, "~\r~.");
  EXPECT_EQ(a.sent, "~\r");
  EXPECT_EQ(a.kinds, std::vector<K>{K::kDisconnect});
}

TEST(Escape, PendingAcrossFeeds) {
  EscapeFilter f;
  auto a = feed(f, "abc\r~");
  EXPECT_EQ(a.sent, "abc\r");
  EXPECT_TRUE(f.escape_pending());
  auto b = feed(f, ".");
  EXPECT_EQ(b.kinds, std::vector<K>{K::kDisconnect});
}

TEST(Escape, HelpSuspendStatusVerbosityKeepLineStart) {
  EscapeFilter f;
  auto actions = f.feed("~?");
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(actions[0].kind, K::kHelp);
  EXPECT_EQ(actions[0].echo.rfind("~?\r\nSupported escape sequences:\r\n", 0), 0u);
  // Still at line start after a command, as OpenSSH: "~?~." then disconnects.
  auto rest = feed(f, std::string("~\x1a~#~v~V~&~."));
  EXPECT_EQ(rest.sent, "");
  EXPECT_EQ(rest.kinds, (std::vector<K>{K::kSuspend, K::kStatus, K::kMoreVerbose, K::kLessVerbose,
                                         K::kBackground, K::kDisconnect}));
}

TEST(Escape, SuspendEchoesLikeOpenSsh) {
  EscapeFilter f;
  auto actions = f.feed("~\x1a");
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(actions[0].echo, "~^Z [suspend ssh]\r\n");
}

TEST(Escape, OtherEscapeCharacterAndNone) {
  EscapeFilter caret(static_cast<char>(']' & 31));  // -e '^]'
  auto a = feed(caret, std::string("~.\r\x1d."));
  EXPECT_EQ(a.sent, "~.\r");
  EXPECT_EQ(a.kinds, std::vector<K>{K::kDisconnect});

  EscapeFilter none(std::nullopt);
  auto b = feed(none, "~.\r~.~?");
  EXPECT_EQ(b.sent, "~.\r~.~?");
  EXPECT_TRUE(b.kinds.empty());
  EXPECT_FALSE(none.disconnected());
}

TEST(Escape, BinaryBytesPassUnchanged) {
  EscapeFilter f;
  std::string all;
  for (int i = 0; i < 256; ++i) {
    if (i != '~') all += static_cast<char>(i);
  }
  EXPECT_EQ(feed(f, all).sent, all);
}

TEST(Escape, HelpTextLikeOpenSsh) {
  EXPECT_EQ(escape_help_text('~'),
            "Supported escape sequences:\r\n"
            " ~.   - terminate connection\r\n"
            " ~^Z  - suspend ssh\r\n"
            " ~#   - list forwarded connections\r\n"
            " ~?   - this message\r\n"
            " ~~   - send the escape character by typing it twice\r\n"
            "(Note that escapes are only recognized immediately after newline.)\r\n");
  EXPECT_NE(escape_help_text('\x1d').find(" ^]. "), std::string::npos);
  EXPECT_EQ(escape_char_display('\x1d'), "^]");
  EXPECT_EQ(escape_char_display('%'), "%");
}

}  // namespace
}  // namespace wgnet::ssh
