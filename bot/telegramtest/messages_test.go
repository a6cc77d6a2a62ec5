package telegramtest_test

import (
	"bytes"
	"context"
	"errors"
	"html"
	"image"
	"image/png"
	"strings"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/loaphuong/loaphuong/bot/telegramtest"
)

func TestSendMessageAndPressButton(t *testing.T) {
	srv, bot := start(t)
	chat := telegramtest.PrivateChat(lan)
	startID := srv.SendDeepLink(lan, "")
	msg := tgbotapi.NewMessage(lan.ID, "Nhận tin <b>cúp nước</b>?")
	msg.ParseMode = "HTML"
	msg.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(
		tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("Có ✅", "sub:water"), tgbotapi.NewInlineKeyboardButtonData("Không", "unsub:water")),
		tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonURL("Chi tiết", "https://loaphuong.example/nuoc")),
	)
	sent, err := bot.Send(msg)
	if err != nil {
		t.Fatal(err)
	}
	if sent.Text != "Nhận tin cúp nước?" || sent.From.ID != bot.Self.ID || sent.Chat.ID != lan.ID || sent.Chat.FirstName != "Lan" {
		t.Fatalf("sent %+v from %+v chat %+v", sent, sent.From, sent.Chat)
	}
	if len(sent.Entities) != 1 || sent.Entities[0].Type != "bold" || sent.Entities[0].Offset != 9 || sent.Entities[0].Length != 8 {
		t.Fatalf("entities %+v", sent.Entities)
	}
	if sent.ReplyMarkup == nil || *sent.ReplyMarkup.InlineKeyboard[0][0].CallbackData != "sub:water" || *sent.ReplyMarkup.InlineKeyboard[1][0].URL != "https://loaphuong.example/nuoc" {
		t.Fatalf("reply markup %+v", sent.ReplyMarkup)
	}
	got, ok := srv.LastMessage(lan.ID)
	if !ok || got.MessageID != sent.MessageID || got.Text != "Nhận tin cúp nước?" || got.HTML != "Nhận tin <b>cúp nước</b>?" || got.ParseMode != "HTML" {
		t.Fatalf("LastMessage = %+v", got)
	}
	if got.Buttons[0][1] != (telegramtest.Button{Text: "Không", Data: "unsub:water"}) || got.Buttons[1][0].URL != "https://loaphuong.example/nuoc" {
		t.Fatalf("buttons %+v", got.Buttons)
	}

	_, err = srv.PressButton(chat, lan, "Chi tiết") // a URL button has no callback
	if err == nil || !strings.Contains(err.Error(), `"Có ✅"`) || !strings.Contains(err.Error(), `"Không"`) {
		t.Fatalf("pressing a missing label: %v", err)
	}
	id, err := srv.PressButton(chat, lan, "Có ✅")
	if err != nil {
		t.Fatal(err)
	}
	ups, err := bot.GetUpdates(tgbotapi.UpdateConfig{Offset: startID + 1})
	if err != nil || len(ups) != 1 || ups[0].UpdateID != id {
		t.Fatalf("%+v, %v", ups, err)
	}
	q := ups[0].CallbackQuery
	if q == nil || q.Data != "sub:water" || q.From.ID != lan.ID || q.Message.MessageID != sent.MessageID || q.Message.Text != sent.Text || q.ChatInstance == "" || q.ID == "" {
		t.Fatalf("callback query %+v", q)
	}
	if q.Message.From.ID != bot.Self.ID || len(q.Message.ReplyMarkup.InlineKeyboard) != 2 {
		t.Fatalf("callback query's message %+v", q.Message)
	}

	if _, err := bot.Request(tgbotapi.NewCallback(q.ID, "Đã đăng ký")); err != nil {
		t.Fatal(err)
	}
	if ans := srv.CallbackAnswers(); len(ans) != 1 || ans[0] != (telegramtest.CallbackAnswer{QueryID: q.ID, Text: "Đã đăng ký"}) {
		t.Fatalf("answers %+v", ans)
	}
	_, err = bot.Request(tgbotapi.NewCallbackWithAlert(q.ID, "again"))
	wantAPIError(t, err, 400, "Bad Request: query is too old and response timeout expired or query ID is invalid")

	// A forged press: the data is whatever the test says.
	srv.PressButtonData(chat, lan, sent.MessageID, "sub:../../etc")
	srv.PressButtonData(chat, lan, 999, "x")
	ups, err = bot.GetUpdates(tgbotapi.UpdateConfig{Offset: id + 1})
	if err != nil || len(ups) != 2 || ups[0].CallbackData() != "sub:../../etc" || ups[1].CallbackQuery.Message.MessageID != 999 {
		t.Fatalf("forged presses %+v, %v", ups, err)
	}
	if _, err := bot.Request(tgbotapi.NewCallbackWithAlert(ups[0].CallbackQuery.ID, "Không hợp lệ")); err != nil {
		t.Fatal(err)
	}
	if ans := srv.CallbackAnswers(); len(ans) != 2 || !ans[1].ShowAlert {
		t.Fatalf("answers %+v", ans)
	}
}

func TestPressButtonFindsNewestCurrentMessage(t *testing.T) {
	srv, bot := start(t)
	chat := telegramtest.PrivateChat(lan)
	for _, data := range []string{"old", "new"} {
		m := tgbotapi.NewMessage(lan.ID, data)
		m.ReplyMarkup = inlineKeyboard("OK", data)
		if _, err := bot.Send(m); err != nil {
			t.Fatal(err)
		}
	}
	// The newest loses its keyboard by an edit: the press goes to the older one.
	if _, err := bot.Send(tgbotapi.NewEditMessageText(lan.ID, 2, "done")); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.PressButton(chat, lan, "OK"); err != nil {
		t.Fatal(err)
	}
	ups, _ := bot.GetUpdates(tgbotapi.UpdateConfig{})
	if len(ups) != 1 || ups[0].CallbackData() != "old" {
		t.Fatalf("%+v", ups)
	}
	if _, err := srv.PressButton(toDanPho, lan, "OK"); err == nil {
		t.Fatal("pressed a button in a chat without messages")
	}
}

func TestEditMessageText(t *testing.T) {
	srv, bot := start(t)
	m := tgbotapi.NewMessage(lan.ID, "Đang tải…")
	m.ReplyMarkup = inlineKeyboard("Huỷ", "cancel")
	sent, err := bot.Send(m)
	if err != nil {
		t.Fatal(err)
	}
	edit := tgbotapi.NewEditMessageText(lan.ID, sent.MessageID, "<i>Xong</i>")
	edit.ParseMode = "HTML"
	edited, err := bot.Send(edit)
	if err != nil {
		t.Fatal(err)
	}
	if edited.Text != "Xong" || edited.EditDate == 0 || edited.ReplyMarkup != nil {
		t.Fatalf("edited %+v", edited)
	}
	msgs := srv.Messages(lan.ID)
	if len(msgs) != 1 || msgs[0].Text != "Xong" || msgs[0].HTML != "<i>Xong</i>" || msgs[0].Edits != 1 || msgs[0].Buttons != nil {
		t.Fatalf("messages %+v", msgs)
	}

	// The same content, however it is written, is not a modification.
	same := tgbotapi.NewEditMessageText(lan.ID, sent.MessageID, "<em>Xong</em>")
	same.ParseMode = "HTML"
	_, err = bot.Send(same)
	wantAPIError(t, err, 400, "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")

	_, err = bot.Send(tgbotapi.NewEditMessageText(lan.ID, 77, "x"))
	wantAPIError(t, err, 400, "Bad Request: message to edit not found")

	kb := inlineKeyboard("Lại", "again")
	if _, err := bot.Send(tgbotapi.NewEditMessageReplyMarkup(lan.ID, sent.MessageID, kb)); err != nil {
		t.Fatal(err)
	}
	_, err = bot.Send(tgbotapi.NewEditMessageReplyMarkup(lan.ID, sent.MessageID, kb))
	wantAPIError(t, err, 400, "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")
	if got, _ := srv.LastMessage(lan.ID); got.Edits != 2 || got.Buttons[0][0].Data != "again" {
		t.Fatalf("after markup edit %+v", got)
	}

	// A user's message is not the bot's to edit.
	srv.SendText(telegramtest.PrivateChat(lan), lan, "của tôi")
	_, err = bot.Send(tgbotapi.NewEditMessageText(lan.ID, 2, "x"))
	wantAPIError(t, err, 400, "Bad Request: message can't be edited")
}

func TestHTMLParsing(t *testing.T) {
	srv, bot := start(t)
	for _, tc := range []struct {
		html, text, err string
	}{
		{html: "a < b", err: `Bad Request: can't parse entities: Unsupported start tag "" at byte offset 2`},
		{html: "a &lt; b", text: "a < b"},
		{html: "<b>x</b>", text: "x"},
		{html: "AT&T", err: "Bad Request: can't parse entities: "},
		{html: "&amp;&quot;&gt;&#39;&#x1F600;", text: `&">'😀`},
		{html: "<b>x", err: `Bad Request: can't parse entities: Can't find end tag corresponding to start tag "b"`},
		{html: "<b>x</i>", err: "Bad Request: can't parse entities: Unmatched end tag at byte offset 4"},
		{html: "<div>x</div>", err: `Bad Request: can't parse entities: Unsupported start tag "div" at byte offset 0`},
		{html: "x</b>", err: "Bad Request: can't parse entities: Unexpected end tag at byte offset 1"},
		{html: `<a href="https://x.example/?a=1&amp;b=2">link</a> <span class="tg-spoiler">s</span> <pre><code class="language-go">go</code></pre>`, text: "link s go"},
		{html: `<a href="https://x.example/?a=1&b=2">link</a>`, err: "Bad Request: can't parse entities: "},
		{html: `<span>x</span>`, err: `Bad Request: can't parse entities: Tag "span" must have class "tg-spoiler" at byte offset 0`},
		{html: "  <b> </b>  ", err: "Bad Request: message text is empty"},
		{html: "1 > 0\n", text: "1 > 0"},
	} {
		m := tgbotapi.NewMessage(lan.ID, tc.html)
		m.ParseMode = tgbotapi.ModeHTML
		got, err := bot.Send(m)
		if tc.err != "" {
			e := apiError(t, err)
			if e.Code != 400 || !strings.HasPrefix(e.Message, tc.err) {
				t.Errorf("%q: got %d %q, want 400 %q…", tc.html, e.Code, e.Message, tc.err)
			}
			continue
		}
		if err != nil || got.Text != tc.text {
			t.Errorf("%q: shown as %q (%v), want %q", tc.html, got.Text, err, tc.text)
		}
	}
	// What a bot sends after html.EscapeString of any user text always parses, and shows
	// the user's text exactly.
	for _, user := range []string{"a < b", "AT&T", `"quoted" & 'single'`, "<script>", "&lt;", "1 > 0 && 2 < 3", "😀 Tiếng Việt"} {
		m := tgbotapi.NewMessage(lan.ID, "<b>"+html.EscapeString(user)+"</b>")
		m.ParseMode = tgbotapi.ModeHTML
		got, err := bot.Send(m)
		if err != nil || got.Text != user {
			t.Errorf("escaped %q: shown as %q, %v", user, got.Text, err)
		}
	}
	// The same text without parse_mode is shown as is.
	if got, err := bot.Send(tgbotapi.NewMessage(lan.ID, "a < b & c")); err != nil || got.Text != "a < b & c" {
		t.Errorf("plain: %q %v", got.Text, err)
	}
	if srv.Stats().Errors == 0 {
		t.Error("no errors counted")
	}
}

func TestMarkdownParsing(t *testing.T) {
	_, bot := start(t)
	for _, tc := range []struct {
		mode, text, shown, err string
	}{
		{mode: "MarkdownV2", text: "Giá 10.000đ", err: `Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\'`},
		{mode: "MarkdownV2", text: `Giá 10\.000đ \- *rẻ* _thật_ [đây](https://x.example/a_b)`, shown: "Giá 10.000đ - rẻ thật đây"},
		{mode: "MarkdownV2", text: "*đậm", err: "Bad Request: can't parse entities: Can't find end of Bold entity at byte offset 0"},
		{mode: "MarkdownV2", text: "`a.b` ```go\nx := 1\n```", shown: "a.b x := 1"},
		{mode: "Markdown", text: "snake_case", err: "Bad Request: can't parse entities: Can't find end of the entity starting at byte offset 5"},
		{mode: "Markdown", text: "*đậm* và _nghiêng_ [web](https://x.example)", shown: "đậm và nghiêng web"},
		{mode: "Bogus", text: "x", err: "Bad Request: unsupported parse_mode"},
	} {
		m := tgbotapi.NewMessage(lan.ID, tc.text)
		m.ParseMode = tc.mode
		got, err := bot.Send(m)
		if tc.err != "" {
			wantAPIError(t, err, 400, tc.err)
			continue
		}
		if err != nil || got.Text != tc.shown {
			t.Errorf("%s %q: shown as %q, %v; want %q", tc.mode, tc.text, got.Text, err, tc.shown)
		}
	}
}

func TestMessageLengthInUTF16Units(t *testing.T) {
	_, bot := start(t)
	send := func(text, mode string) error {
		m := tgbotapi.NewMessage(lan.ID, text)
		m.ParseMode = mode
		_, err := bot.Send(m)
		return err
	}
	viet := strings.Repeat("ệ", 4096) // precomposed: 1 unit, 3 bytes
	if err := send(viet, ""); err != nil {
		t.Fatalf("4096 Vietnamese letters: %v", err)
	}
	wantAPIError(t, send(viet+"a", ""), 400, "Bad Request: message is too long")
	emoji := strings.Repeat("😀", 2048) // 2 units each
	if err := send(emoji, ""); err != nil {
		t.Fatalf("2048 emoji: %v", err)
	}
	wantAPIError(t, send(emoji+"a", ""), 400, "Bad Request: message is too long")
	// Markup does not count; character references count as what they show.
	if err := send("<b>"+strings.Repeat("&lt;", 4096)+"</b>", "HTML"); err != nil {
		t.Fatalf("4096 escaped characters: %v", err)
	}
	wantAPIError(t, send(strings.Repeat("&lt;", 4097), "HTML"), 400, "Bad Request: message is too long")
	wantAPIError(t, send("", ""), 400, "Bad Request: message text is empty")
	wantAPIError(t, send(" \n ", ""), 400, "Bad Request: message text is empty")
}

func pngBytes(t *testing.T, w, h int) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestSendPhoto(t *testing.T) {
	srv, bot := start(t)
	p := tgbotapi.NewPhoto(toDanPho.ID, tgbotapi.FileBytes{Name: "lich.png", Bytes: pngBytes(t, 640, 480)})
	p.Caption = "<b>Lịch</b> cúp điện"
	p.ParseMode = "HTML"
	p.ReplyMarkup = inlineKeyboard("Nhắc tôi", "remind")
	sent, err := bot.Send(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(sent.Photo) == 0 || sent.Caption != "Lịch cúp điện" || len(sent.CaptionEntities) != 1 {
		t.Fatalf("photo message %+v", sent)
	}
	big := sent.Photo[len(sent.Photo)-1]
	if big.Width != 640 || big.Height != 480 || big.FileID == "" || big.FileUniqueID == "" || big.FileSize == 0 {
		t.Fatalf("photo sizes %+v", sent.Photo)
	}
	got, _ := srv.LastMessage(toDanPho.ID)
	if !got.Photo || got.Text != "Lịch cúp điện" || got.Buttons[0][0].Data != "remind" {
		t.Fatalf("stored %+v", got)
	}
	reqs := srv.Requests()
	if rec := reqs[len(reqs)-1].Params.Get("photo"); !strings.HasPrefix(rec, "<file:lich.png size:") {
		t.Fatalf("upload recorded as %q", rec)
	}
	// The file_id can be sent again; an unknown one cannot.
	if _, err := bot.Send(tgbotapi.NewPhoto(lan.ID, tgbotapi.FileID(big.FileID))); err != nil {
		t.Fatal(err)
	}
	_, err = bot.Send(tgbotapi.NewPhoto(lan.ID, tgbotapi.FileID("AgACnope")))
	wantAPIError(t, err, 400, "Bad Request: wrong file identifier/HTTP URL specified")
	if _, err := bot.Send(tgbotapi.NewPhoto(lan.ID, tgbotapi.FileURL("https://loaphuong.example/a.jpg"))); err != nil {
		t.Fatal(err)
	}
	long := tgbotapi.NewPhoto(lan.ID, tgbotapi.FileID(big.FileID))
	long.Caption = strings.Repeat("ư", 1025)
	_, err = bot.Send(long)
	wantAPIError(t, err, 400, "Bad Request: message caption is too long")
	// editMessageText on a photo is refused; the caption is edited instead.
	_, err = bot.Send(tgbotapi.NewEditMessageText(toDanPho.ID, sent.MessageID, "x"))
	wantAPIError(t, err, 400, "Bad Request: there is no text in the message to edit")
	if _, err := bot.Send(tgbotapi.NewEditMessageCaption(toDanPho.ID, sent.MessageID, "Lịch mới")); err != nil {
		t.Fatal(err)
	}
	if got, _ := srv.LastMessage(toDanPho.ID); got.Text != "Lịch mới" || got.Buttons != nil || got.Edits != 1 {
		t.Fatalf("after caption edit %+v", got)
	}
}

func TestCopyForwardDelete(t *testing.T) {
	srv, bot := start(t)
	srv.SendText(telegramtest.PrivateChat(lan), lan, "Mất nước ở hẻm 12")
	fwd, err := bot.Send(tgbotapi.NewForward(toDanPho.ID, lan.ID, 1))
	if err != nil {
		t.Fatal(err)
	}
	if fwd.Text != "Mất nước ở hẻm 12" || fwd.ForwardFrom == nil || fwd.ForwardFrom.ID != lan.ID || fwd.ForwardDate == 0 {
		t.Fatalf("forward %+v", fwd)
	}
	id, err := bot.CopyMessage(tgbotapi.NewCopyMessage(toDanPho.ID, lan.ID, 1))
	if err != nil || id.MessageID != 2 {
		t.Fatalf("copy %+v, %v", id, err)
	}
	_, err = bot.CopyMessage(tgbotapi.NewCopyMessage(toDanPho.ID, lan.ID, 50))
	wantAPIError(t, err, 400, "Bad Request: message to copy not found")
	if msgs := srv.Messages(toDanPho.ID); len(msgs) != 2 || msgs[1].Text != "Mất nước ở hẻm 12" {
		t.Fatalf("messages %+v", msgs)
	}
	if srv.Stats().Sent != 2 {
		t.Fatalf("Sent = %d", srv.Stats().Sent)
	}

	if _, err := bot.Request(tgbotapi.NewDeleteMessage(toDanPho.ID, 1)); err != nil {
		t.Fatal(err)
	}
	_, err = bot.Request(tgbotapi.NewDeleteMessage(toDanPho.ID, 1))
	wantAPIError(t, err, 400, "Bad Request: message to delete not found")
	if msgs := srv.Messages(toDanPho.ID); len(msgs) != 1 || msgs[0].MessageID != 2 {
		t.Fatalf("after delete %+v", msgs)
	}
}

func TestCommandsMembersActions(t *testing.T) {
	srv, bot := start(t)
	cmds := []tgbotapi.BotCommand{{Command: "start", Description: "Bắt đầu"}, {Command: "huy", Description: "Huỷ đăng ký"}}
	if _, err := bot.Request(tgbotapi.NewSetMyCommands(cmds...)); err != nil {
		t.Fatal(err)
	}
	got := srv.Commands()
	if len(got) != 2 || got[1] != (telegramtest.BotCommand{Command: "huy", Description: "Huỷ đăng ký"}) {
		t.Fatalf("Commands = %+v", got)
	}
	back, err := bot.GetMyCommands()
	if err != nil || len(back) != 2 || back[0].Description != "Bắt đầu" {
		t.Fatalf("getMyCommands %+v, %v", back, err)
	}
	_, err = bot.Request(tgbotapi.NewSetMyCommands(tgbotapi.BotCommand{Command: "Hủy", Description: "x"}))
	wantAPIError(t, err, 400, "Bad Request: BOT_COMMAND_INVALID")

	srv.SetChatMember(toDanPho.ID, lan.ID, "administrator")
	srv.SendText(toDanPho, lan, "hi") // remembers Lan's names
	member, err := bot.GetChatMember(tgbotapi.GetChatMemberConfig{ChatConfigWithUser: tgbotapi.ChatConfigWithUser{ChatID: toDanPho.ID, UserID: lan.ID}})
	if err != nil || member.Status != "administrator" || member.User.ID != lan.ID || member.User.FirstName != "Lan" || !member.IsAdministrator() {
		t.Fatalf("member %+v, %v", member, err)
	}
	member, err = bot.GetChatMember(tgbotapi.GetChatMemberConfig{ChatConfigWithUser: tgbotapi.ChatConfigWithUser{ChatID: toDanPho.ID, UserID: minh.ID}})
	if err != nil || member.Status != "member" {
		t.Fatalf("default member %+v, %v", member, err)
	}

	if _, err := bot.Request(tgbotapi.NewChatAction(lan.ID, tgbotapi.ChatTyping)); err != nil {
		t.Fatal(err)
	}
	_, err = bot.Request(tgbotapi.NewChatAction(lan.ID, "dancing"))
	wantAPIError(t, err, 400, "Bad Request: wrong parameter action in request")
	_, err = bot.Request(tgbotapi.NewChatAction(0, tgbotapi.ChatTyping))
	wantAPIError(t, err, 400, "Bad Request: chat_id is empty")
}

func TestKeyboardValidation(t *testing.T) {
	_, bot := start(t)
	m := tgbotapi.NewMessage(lan.ID, "x")
	m.ReplyMarkup = inlineKeyboard("A", strings.Repeat("d", 65))
	_, err := bot.Send(m)
	wantAPIError(t, err, 400, "Bad Request: BUTTON_DATA_INVALID")
	m.ReplyMarkup = tgbotapi.NewReplyKeyboard(tgbotapi.NewKeyboardButtonRow(tgbotapi.NewKeyboardButton("Menu")))
	if got, err := bot.Send(m); err != nil || got.ReplyMarkup != nil {
		t.Fatalf("reply keyboard: %+v, %v", got.ReplyMarkup, err)
	}
}

func TestWaitMessages(t *testing.T) {
	srv, bot := start(t)
	go func() {
		for _, text := range []string{"một", "hai", "ba"} {
			if _, err := bot.Send(tgbotapi.NewMessage(lan.ID, text)); err != nil {
				t.Error(err)
			}
		}
	}()
	msgs, err := srv.WaitMessages(deadline(t), lan.ID, 3)
	if err != nil || len(msgs) != 3 || msgs[2].Text != "ba" {
		t.Fatalf("%+v, %v", msgs, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := srv.WaitMessages(ctx, lan.ID, 4); !errors.Is(err, context.Canceled) {
		t.Fatalf("WaitMessages on a cancelled context: %v", err)
	}
	// cond runs without locks: it may call anything.
	if err := srv.Wait(deadline(t), func() bool { return len(srv.Messages(lan.ID)) == 3 && srv.Stats().Sent == 3 }); err != nil {
		t.Fatal(err)
	}
}
