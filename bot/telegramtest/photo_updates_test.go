package telegramtest_test

import (
	"strings"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/loaphuong/loaphuong/bot/telegramtest"
)

func TestSendPhotoFromUser(t *testing.T) {
	srv, bot := start(t)
	id, fileID, err := srv.SendPhoto(telegramtest.PrivateChat(lan), lan, "Lịch tiêm <ngừa> & khám")
	if err != nil {
		t.Fatal(err)
	}
	updates, err := bot.GetUpdates(tgbotapi.UpdateConfig{Offset: id})
	if err != nil || len(updates) != 1 {
		t.Fatalf("getUpdates = %v, %v", updates, err)
	}
	m := updates[0].Message
	if m == nil || m.From == nil || m.From.ID != lan.ID || m.Caption != "Lịch tiêm <ngừa> & khám" || m.Text != "" {
		t.Fatalf("message = %+v", m)
	}
	if len(m.Photo) < 2 || m.Photo[len(m.Photo)-1].FileID != fileID || m.Photo[0].Width >= m.Photo[len(m.Photo)-1].Width {
		t.Fatalf("photo sizes = %+v, want a thumbnail then %s", m.Photo, fileID)
	}
	// The bot can send the user's photo on by its file_id, as on Telegram.
	p := tgbotapi.NewPhoto(lan.ID, tgbotapi.FileID(fileID))
	p.Caption = "<b>Đã nhận</b>"
	p.ParseMode = tgbotapi.ModeHTML
	if _, err := bot.Send(p); err != nil {
		t.Fatalf("resend by file_id: %v", err)
	}
	if last, ok := srv.LastMessage(lan.ID); !ok || !last.Photo || last.Text != "Đã nhận" {
		t.Fatalf("last message = %+v", last)
	}
	// No caption: the message has none.
	id, _, err = srv.SendPhoto(telegramtest.PrivateChat(minh), minh, "")
	if err != nil {
		t.Fatal(err)
	}
	updates, err = bot.GetUpdates(tgbotapi.UpdateConfig{Offset: id})
	if err != nil || len(updates) != 1 || updates[0].Message.Caption != "" || len(updates[0].Message.Photo) == 0 {
		t.Fatalf("uncaptioned photo = %+v, %v", updates, err)
	}
	if _, _, err := srv.SendPhoto(telegramtest.PrivateChat(minh), minh, strings.Repeat("a", 4097)); err == nil {
		t.Fatal("a caption longer than Telegram allows was sent")
	}
}
