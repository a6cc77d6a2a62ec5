package bot_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/loaphuong/loaphuong/bot"
	"github.com/loaphuong/loaphuong/store"
)

// TestCorpusUpdates feeds every real update payload to the bot, as it is,
// and checks it answers exactly where an answer is due.
func TestCorpusUpdates(t *testing.T) {
	cases := map[string]struct {
		replyTo int64            // chat expected to get one message; 0: none
		status  store.ChatStatus // expected status of the chat afterwards, if set
		chat    int64
	}{
		"callback_query_private_emoji_message.json":                        {}, // a stale button: answered as a callback, no message
		"callback_query_private_simple.json":                               {},
		"channel_post_author_signature_cjk_url_entity.json":                {},
		"channel_post_text_sender_chat.json":                               {},
		"command_at_botname_supergroup_start.json":                         {}, // /start@rgen_bot: another bot
		"command_at_botname_supergroup_with_args.json":                     {},
		"command_group_with_mention_arg_vi_user.json":                      {}, // /my_id: not ours
		"command_supergroup_reply_to_story.json":                           {},
		"edited_message_private_premium_user.json":                         {}, // edits are not new requests
		"message_dice_emoji_surrogate.message-object.json":                 {replyTo: 879343317},
		"message_migrate_from_chat_id.message-object.json":                 {},
		"message_migrate_to_chat_id.message-object.json":                   {},
		"message_start_private_premium_user.json":                          {replyTo: 714862471},
		"message_text_emoji_keyboard_button_private.json":                  {replyTo: -1},
		"message_text_private_link_preview_disabled.json":                  {replyTo: -1},
		"message_text_private_plain.json":                                  {replyTo: 408258968},
		"message_text_private_tgbotapi_debuglog.json":                      {replyTo: -1},
		"message_text_supergroup.json":                                     {},
		"my_chat_member_group_bot_added.no-update_id.json":                 {replyTo: -4726613835, status: store.ChatActive, chat: -4726613835},
		"my_chat_member_private_blocked_kicked.json":                       {}, // ids anonymised to 0 by its source: no such chat
		"my_chat_member_private_blocked_kicked_real_ids.no-update_id.json": {status: store.ChatBlocked, chat: 5342492667},
		"my_chat_member_private_unblocked_member.no-update_id.json":        {status: store.ChatActive, chat: 5342492667},
		"service_group_chat_created_vi_user.json":                          {},
		"service_new_chat_members_bot_added_supergroup_2017.json":          {},
		"start_deeplink_payload_private.json":                              {replyTo: 996202131},
		"getUpdates_raw_channel_posts_cjk_url_entity_2018.wire.json":       {},
	}
	files, err := filepath.Glob(filepath.Join("testdata", "updates", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus: %v", err)
	}
	e := startBot(t, bot.Config{})
	// The group that migrates in the corpus was subscribed before.
	kp3, err := e.db.AreaByCode(context.Background(), "kp3-phu-tho-hoa")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.Subscribe(context.Background(), -599075523, kp3.ID, store.AllTopics); err != nil {
		t.Fatal(err)
	}
	// Files are fed in name order, so the unblock follows the block.
	for _, file := range files {
		name := filepath.Base(file)
		want, ok := cases[name]
		if !ok {
			t.Errorf("%s: no expectation for this corpus file; add one", name)
			continue
		}
		before := e.srv.Count("sendMessage")
		var last int
		for _, raw := range updatesIn(t, file) {
			id, err := e.srv.InjectUpdate(raw)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			last = id
		}
		e.handled(t, last)
		sent := e.srv.Count("sendMessage") - before
		switch {
		case want.replyTo == 0 && sent != 0:
			t.Errorf("%s: bot sent %d messages, want none", name, sent)
		case want.replyTo != 0 && sent != 1:
			t.Errorf("%s: bot sent %d messages, want one", name, sent)
		case want.replyTo > 0 || want.replyTo < -1:
			if _, ok := e.srv.LastMessage(want.replyTo); !ok {
				t.Errorf("%s: no message to chat %d", name, want.replyTo)
			}
		}
		if want.status != "" {
			c, err := e.db.ChatByID(context.Background(), want.chat)
			if err != nil {
				t.Errorf("%s: chat %d: %v", name, want.chat, err)
			} else if c.Status != want.status {
				t.Errorf("%s: chat %d status %q, want %q", name, want.chat, c.Status, want.status)
			}
		}
	}
	if strings.Contains(e.logs.String(), "panic") {
		t.Errorf("a handler panicked:\n%s", e.logs.String())
	}
	// The group that became a supergroup is known under its new id.
	old, err := e.db.ChatByID(context.Background(), -599075523)
	if err != nil || old.Status != store.ChatMigrated || old.MigratedTo != -1001555296434 {
		t.Errorf("migrated group = %+v, %v", old, err)
	}
	if got := e.subs(t, -1001555296434); !slices.Equal(got, []string{"kp3-phu-tho-hoa"}) {
		t.Errorf("the supergroup's subscriptions = %v", got)
	}
	if strings.Contains(e.logs.String(), "level=ERROR") {
		t.Errorf("errors logged:\n%s", e.logs.String())
	}
}

// updatesIn reads a corpus file as update objects: a Message object is
// wrapped in an update, and a whole getUpdates body gives its results.
func updatesIn(t *testing.T, file string) []json.RawMessage {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	name := filepath.Base(file)
	switch {
	case strings.HasSuffix(name, ".message-object.json"):
		return []json.RawMessage{json.RawMessage(`{"update_id":0,"message":` + string(raw) + `}`)}
	case strings.HasSuffix(name, ".wire.json"):
		var body struct {
			Result []json.RawMessage `json:"result"`
		}
		if err := json.Unmarshal(raw, &body); err != nil {
			t.Fatal(err)
		}
		return body.Result
	default:
		return []json.RawMessage{raw}
	}
}
