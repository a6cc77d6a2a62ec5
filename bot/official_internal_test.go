package bot

import (
	"math"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/loaphuong/loaphuong/store"
)

func TestOfficialCallbackDataFits(t *testing.T) {
	// Telegram refuses callback data over 64 bytes: try the largest ids.
	for action, n := range officialActions {
		args := make([]int64, n)
		for i := range args {
			args[i] = math.MaxInt64
		}
		d := data(action, args...)
		if len(d) > 64 {
			t.Errorf("%s: %d bytes", d, len(d))
		}
		if !isOfficialAction(d) {
			t.Errorf("%s is not routed to the officials' handlers", d)
		}
		if _, got, ok := parseData(d, n); !ok || len(got) != n {
			t.Errorf("%s does not parse back", d)
		}
	}
	for _, resident := range []string{cbNav, cbSub, cbUndo, cbMore, cbMine, cbRemove, cbTopics, cbToggle} {
		if _, clash := officialActions[resident]; clash {
			t.Errorf("action %q is both a resident's and an official's", resident)
		}
	}
}

func TestLargestPhoto(t *testing.T) {
	sizes := []tgbotapi.PhotoSize{
		{FileID: "big", Width: 1280, Height: 960},
		{FileID: "thumb", Width: 90, Height: 67},
		{FileID: "mid", Width: 320, Height: 240},
	}
	if got := largestPhoto(sizes); got != "big" {
		t.Fatalf("largestPhoto = %q, want big", got)
	}
	if got := largestPhoto(nil); got != "" {
		t.Fatalf("largestPhoto(nil) = %q", got)
	}
}

func TestExcerpt(t *testing.T) {
	text := Announcement("Khu phố 3", store.TopicAnnouncements, false, "Họp <b>tổ</b> &   dân\nphố")
	if got := excerpt(text, 80); got != "Họp <b>tổ</b> & dân phố" {
		t.Fatalf("excerpt = %q", got)
	}
	if got := excerpt("<b>Không</b> tiêu đề &amp; dài quá", 10); got != "Không tiêu…" {
		t.Fatalf("excerpt = %q", got)
	}
}
