package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/loaphuong/loaphuong/bot"
	"github.com/loaphuong/loaphuong/store"
)

// maxInputText bounds the text read from standard input: far more than a
// ward needs (Telegram takes 4096 characters a message; longer texts are
// split into several), and little enough to hold in memory.
const maxInputText = 64 << 10

// broadcast runs "broadcast": it enqueues a broadcast exactly as an
// official's "Gửi" does, for a running serve to deliver.
func (m *Main) broadcast(ctx context.Context, args []string) error {
	fs := m.flagSet("broadcast --area CODE [--topic T] [--at TIME] [--urgent] [--text TEXT]",
		"Enqueues a broadcast to the subscribers of an area and of every area below it who chose\n"+
			"the topic, exactly as an official's broadcast from Telegram. A running \"loaphuong serve\"\n"+
			"on the same database delivers it. Without --text (or with --text -) the text is read\n"+
			"from standard input. The text is plain: <, & and anything like HTML show as typed.")
	dbPath := m.dbFlag(fs)
	areaCode := fs.String("area", "", "code of the area to reach (see \"loaphuong areas list\")")
	topicName := fs.String("topic", "announcements", "announcements, reminders or news (thong-bao, nhac-lich, tin-tuc)")
	at := fs.String("at", "", "when to send: \"2006-01-02 15:04\" in Asia/Ho_Chi_Minh, or RFC 3339 (default now)")
	urgent := fs.Bool("urgent", false, "urgent: sent before everything else, even in quiet hours")
	text := fs.String("text", "", "the text (plain); without it, or with -, the text is read from standard input")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("broadcast: unexpected argument %q (give the text with --text \"...\" or on standard input)", fs.Arg(0))
	}
	code := strings.TrimSpace(*areaCode)
	if code == "" {
		return usagef("broadcast: --area CODE is required (see \"loaphuong areas list\")")
	}
	topic, ok := parseTopic(*topicName)
	if !ok {
		return usagef("broadcast: unknown topic %q: want announcements, reminders or news", *topicName)
	}
	var sendAt time.Time
	if *at != "" {
		t, err := parseWhen(*at, time.Now())
		if err != nil {
			return usagef("broadcast: --at: %v", err)
		}
		sendAt = t
	}
	if !flagGiven(fs, "text") || *text == "-" {
		t, err := m.readText()
		if err != nil {
			return err
		}
		*text = t
	}
	if strings.TrimSpace(*text) == "" {
		return usagef("broadcast: the text is empty: give it with --text \"...\" or on standard input")
	}

	db, err := store.Open(*dbPath)
	if err != nil {
		return fmt.Errorf("open database %s: %w", *dbPath, err)
	}
	defer db.Close()
	area, err := db.AreaByCode(ctx, code)
	if store.ErrorCode(err) == store.ENOTFOUND {
		return usagef("broadcast: no area with code %q; see \"loaphuong areas list\"", code)
	}
	if err != nil {
		return err
	}
	path, err := db.AreaPath(ctx, area.ID)
	if err != nil {
		return err
	}
	label := store.AreaLabel(path)
	b := &store.Broadcast{
		AreaID: area.ID,
		Topic:  topic,
		Text:   bot.Announcement(label, topic, *urgent, *text),
		Urgent: *urgent,
		Author: "cli",
		SendAt: sendAt,
	}
	n, err := db.CreateBroadcast(ctx, b)
	if err != nil {
		if c := store.ErrorCode(err); c == store.EINVALID || c == store.ENOTFOUND {
			return usagef("broadcast: %s; nothing was stored", store.ErrorMessage(err))
		}
		return err
	}

	if area.Code != code {
		fmt.Fprintf(m.Stdout, "area %s was merged into %s: broadcasting there\n", code, area.Code)
	}
	fmt.Fprintln(m.Stdout, broadcastLine(b, label, n, !sendAt.IsZero()))
	if n == 0 {
		fmt.Fprintf(m.Stdout, "no chat there has subscribed to %s yet: there is nothing to deliver\n", topicEnglish(topic))
	} else {
		fmt.Fprintf(m.Stdout, "a running \"loaphuong serve\" on %s delivers it\n", *dbPath)
	}
	return nil
}

// broadcastLine is the line that tells what was enqueued:
//
//	broadcast #12 to Khu phố 3 · Phường Phú Thọ Hòa: 1234 chats, sending now
//	urgent broadcast #13 to Phường Phú Thọ Hòa (news): 1 chat, at 2026-04-15 20:00 (Asia/Ho_Chi_Minh)
func broadcastLine(b *store.Broadcast, label string, n int, scheduled bool) string {
	var s strings.Builder
	if b.Urgent {
		s.WriteString("urgent ")
	}
	fmt.Fprintf(&s, "broadcast #%d to %s", b.ID, label)
	if b.Topic != store.TopicAnnouncements {
		fmt.Fprintf(&s, " (%s)", topicEnglish(b.Topic))
	}
	chats := "chats"
	if n == 1 {
		chats = "chat"
	}
	fmt.Fprintf(&s, ": %d %s, ", n, chats)
	if scheduled {
		s.WriteString("at " + formatWhen(b.SendAt))
	} else {
		s.WriteString("sending now")
	}
	return s.String()
}

// readText reads the broadcast's text from standard input.
func (m *Main) readText() (string, error) {
	if m.Stdin == nil {
		return "", nil
	}
	if f, ok := m.Stdin.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			fmt.Fprintln(m.Stderr, "type the text, then Ctrl-D on a line of its own:")
		}
	}
	data, err := io.ReadAll(io.LimitReader(m.Stdin, maxInputText+1))
	if err != nil {
		return "", fmt.Errorf("broadcast: read the text from standard input: %w", err)
	}
	if len(data) > maxInputText {
		return "", usagef("broadcast: the text on standard input is longer than %d bytes", maxInputText)
	}
	return string(data), nil
}

// topics names the topics on the command line: English first, then
// Vietnamese, compared after store.Fold (so "Thông báo" is "thong bao").
var topics = []struct {
	topic store.Topic
	names []string
}{
	{store.TopicAnnouncements, []string{"announcements", "announcement", "thong bao"}},
	{store.TopicReminders, []string{"reminders", "reminder", "nhac lich"}},
	{store.TopicNews, []string{"news", "tin tuc"}},
}

// parseTopic reads a topic's name.
func parseTopic(s string) (store.Topic, bool) {
	f := store.Fold(s)
	for _, t := range topics {
		for _, name := range t.names {
			if f == name || strings.ReplaceAll(f, " ", "") == strings.ReplaceAll(name, " ", "") {
				return t.topic, true
			}
		}
	}
	return 0, false
}

// topicEnglish names a topic as --topic does.
func topicEnglish(t store.Topic) string {
	for _, tt := range topics {
		if tt.topic == t {
			return tt.names[0]
		}
	}
	return fmt.Sprint(int(t))
}
