package scheduler_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/loaphuong/loaphuong/scheduler"
	"github.com/loaphuong/loaphuong/store"
)

// world is a database with a ward, two khu phố and subscribers, and a clock
// the test moves.
type world struct {
	db             *store.DB
	now            time.Time
	mu             sync.Mutex
	logs           *syncBuffer
	ward, kp1, kp2 store.Area
}

// syncBuffer is a bytes.Buffer safe for the logger and the test at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newWorld(t *testing.T, now time.Time) *world {
	t.Helper()
	w := &world{db: mustOpenDB(t), now: now, logs: &syncBuffer{}}
	w.db.Now = w.clock
	ctx := context.Background()
	_, err := w.db.ImportAreas(ctx, []store.Area{
		{Code: "hcm", Kind: store.KindCity, Name: "Thành phố Hồ Chí Minh"},
		{Code: "pth", ParentCode: "hcm", Kind: store.KindWard, Name: "Phường Phú Thọ Hòa"},
		{Code: "kp1", ParentCode: "pth", Kind: store.KindQuarter, Name: "Khu phố 1"},
		{Code: "kp2", ParentCode: "pth", Kind: store.KindQuarter, Name: "Khu phố 2"},
	})
	if err != nil {
		t.Fatal(err)
	}
	for code, a := range map[string]*store.Area{"pth": &w.ward, "kp1": &w.kp1, "kp2": &w.kp2} {
		got, err := w.db.AreaByCode(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		*a = *got
	}
	for chat, a := range map[int64]store.Area{101: w.kp1, 102: w.kp1, 201: w.kp2} {
		if _, err := w.db.Subscribe(ctx, chat, a.ID, store.AllTopics); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

func (w *world) clock() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.now
}

func (w *world) set(t time.Time) {
	w.mu.Lock()
	w.now = t
	w.mu.Unlock()
}

// scheduler returns a new scheduler on the world's clock, as a restarted
// program would make.
func (w *world) scheduler(catchUp time.Duration) *scheduler.Scheduler {
	log := slog.New(slog.NewTextHandler(w.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return scheduler.New(scheduler.Config{Store: w.db, Logger: log, CatchUp: catchUp, Now: w.clock})
}

// campaign creates a campaign for areas on a schedule, at the world's time.
func (w *world) campaign(t *testing.T, spec string, areas ...store.Area) *store.Campaign {
	t.Helper()
	c := &store.Campaign{Title: "Ngày Chủ nhật xanh", Text: "Mời bà con dọn vệ sinh <kênh> & đường phố."}
	for _, a := range areas {
		c.Schedules = append(c.Schedules, store.CampaignSchedule{AreaID: a.ID, Spec: spec})
	}
	if err := w.db.CreateCampaign(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	return c
}

// check runs one pass of s at time now.
func (w *world) check(t *testing.T, s *scheduler.Scheduler, now time.Time) {
	t.Helper()
	w.set(now)
	if err := s.Check(context.Background()); err != nil {
		t.Fatalf("Check at %v: %v\nlogs:\n%s", now, err, w.logs)
	}
}

// broadcasts returns every broadcast, oldest first.
func (w *world) broadcasts(t *testing.T) []store.Broadcast {
	t.Helper()
	bs, err := w.db.Broadcasts(context.Background(), 0, 100000)
	if err != nil {
		t.Fatal(err)
	}
	for i, j := 0, len(bs)-1; i < j; i, j = i+1, j-1 {
		bs[i], bs[j] = bs[j], bs[i]
	}
	return bs
}

func TestFiresOnTime(t *testing.T) {
	w := newWorld(t, at(2026, 3, 1, 6, 0)) // a Sunday
	c := w.campaign(t, scheduler.PresetSunday, w.kp1, w.kp2)
	s := w.scheduler(0)
	w.check(t, s, at(2026, 3, 1, 6, 30))
	if len(w.broadcasts(t)) != 0 {
		t.Fatal("fired before its time")
	}
	if next, n := s.Next(); !next.Equal(at(2026, 3, 1, 7, 0)) || n != 2 {
		t.Fatalf("Next = %v, %d", next, n)
	}
	w.check(t, s, at(2026, 3, 1, 7, 0).Add(300*time.Millisecond))
	bs := w.broadcasts(t)
	if len(bs) != 2 {
		t.Fatalf("%d broadcasts, want one per area", len(bs))
	}
	for i, b := range bs {
		area := []string{"kp1", "kp2"}[i]
		if b.AreaCode != area || b.Topic != store.TopicReminders || b.Urgent || b.Author != fmt.Sprintf("campaign:%d", c.ID) ||
			!b.SendAt.Equal(at(2026, 3, 1, 7, 0)) || b.Counts.Total() != []int{2, 1}[i] {
			t.Errorf("broadcast %d = %+v", i, b)
		}
		want := scheduler.CampaignReminder(fmt.Sprintf("Khu phố %d · Phường Phú Thọ Hòa", i+1), c.Title, c.Text)
		if b.Text != want {
			t.Errorf("text = %q, want %q", b.Text, want)
		}
	}
	if st := s.Stats(); st.Fired != 2 || st.CaughtUp != 0 || st.Skipped != 0 || st.Schedules != 2 || st.MaxLate != 300*time.Millisecond {
		t.Errorf("stats = %+v", st)
	}
	// The next Sunday, once more.
	w.check(t, s, at(2026, 3, 8, 7, 0))
	if n := len(w.broadcasts(t)); n != 4 {
		t.Fatalf("%d broadcasts after two Sundays, want 4", n)
	}
}

// TestNeverTwice runs two schedulers on one database as a restart (or a
// second process) would, without the mark: the occurrences table alone
// keeps a firing from happening twice.
func TestNeverTwice(t *testing.T) {
	w := newWorld(t, at(2026, 3, 1, 6, 0))
	w.campaign(t, scheduler.PresetDaily, w.kp1)
	a, b := w.scheduler(0), w.scheduler(0)
	w.check(t, a, at(2026, 3, 1, 7, 0))
	if err := w.db.SetState(context.Background(), "scheduler.mark", "2026-02-01T00:00:00Z"); err != nil {
		t.Fatal(err)
	}
	w.check(t, b, at(2026, 3, 1, 7, 1))
	if n := len(w.broadcasts(t)); n != 1 {
		t.Fatalf("%d broadcasts, want 1", n)
	}
	if st := b.Stats(); st.Fired+st.CaughtUp != 0 {
		t.Fatalf("the second scheduler fired: %+v", st)
	}
	if !strings.Contains(w.logs.String(), "reminder already fired") {
		t.Errorf("no log of the refused second firing:\n%s", w.logs)
	}
}

// TestCatchUp: the program was down at 7:00. Started again within the
// catch-up window it fires late, once; started after the window it skips
// the occurrence, records it, and logs it.
func TestCatchUp(t *testing.T) {
	t.Run("inside the window", func(t *testing.T) {
		w := newWorld(t, at(2026, 3, 1, 6, 0))
		w.campaign(t, scheduler.PresetDaily, w.kp1)
		w.check(t, w.scheduler(2*time.Hour), at(2026, 3, 1, 6, 30)) // then the program stops
		s := w.scheduler(2 * time.Hour)                             // and starts again at 8:45
		w.check(t, s, at(2026, 3, 1, 8, 45))
		bs := w.broadcasts(t)
		if len(bs) != 1 || !bs[0].SendAt.Equal(at(2026, 3, 1, 7, 0)) {
			t.Fatalf("broadcasts = %+v", bs)
		}
		if st := s.Stats(); st.CaughtUp != 1 || st.Fired != 0 || st.Skipped != 0 {
			t.Fatalf("stats = %+v", st)
		}
		w.check(t, w.scheduler(2*time.Hour), at(2026, 3, 1, 8, 50)) // another restart: nothing more
		if n := len(w.broadcasts(t)); n != 1 {
			t.Fatalf("%d broadcasts after another restart", n)
		}
	})
	t.Run("outside the window", func(t *testing.T) {
		w := newWorld(t, at(2026, 3, 1, 6, 0))
		c := w.campaign(t, scheduler.PresetDaily, w.kp1)
		w.check(t, w.scheduler(2*time.Hour), at(2026, 3, 1, 6, 30))
		s := w.scheduler(2 * time.Hour)
		w.check(t, s, at(2026, 3, 3, 9, 1)) // 7:00 on the 1st, 2nd and 3rd were missed; the 3rd by 2h01
		if n := len(w.broadcasts(t)); n != 0 {
			t.Fatalf("%d broadcasts, want none", n)
		}
		if st := s.Stats(); st.Skipped != 3 || st.CaughtUp != 0 {
			t.Fatalf("stats = %+v", st)
		}
		occ, err := w.db.Occurrences(context.Background(), fmt.Sprintf("schedule:%d", c.Schedules[0].ID))
		if err != nil || len(occ) != 3 || occ[2].Outcome != store.OccurrenceSkipped || !strings.Contains(occ[2].Reason, "catch-up window") {
			t.Fatalf("occurrences = %+v, %v", occ, err)
		}
		if !strings.Contains(w.logs.String(), "missed reminders skipped") || !strings.Contains(w.logs.String(), "count=3") {
			t.Errorf("the skip was not logged:\n%s", w.logs)
		}
		// The next day fires as usual.
		w.check(t, s, at(2026, 3, 4, 7, 0))
		if n := len(w.broadcasts(t)); n != 1 {
			t.Fatalf("%d broadcasts the next day, want 1", n)
		}
	})
	t.Run("a shorter window", func(t *testing.T) {
		w := newWorld(t, at(2026, 3, 1, 6, 0))
		w.campaign(t, scheduler.PresetDaily, w.kp1)
		w.check(t, w.scheduler(10*time.Minute), at(2026, 3, 1, 6, 30))
		s := w.scheduler(10 * time.Minute)
		w.check(t, s, at(2026, 3, 1, 7, 11))
		if st := s.Stats(); st.Skipped != 1 || len(w.broadcasts(t)) != 0 {
			t.Fatalf("stats = %+v", st)
		}
	})
	t.Run("not before it was made", func(t *testing.T) {
		w := newWorld(t, at(2026, 3, 1, 7, 30)) // made after today's 7:00
		w.campaign(t, scheduler.PresetDaily, w.kp1)
		s := w.scheduler(2 * time.Hour)
		w.check(t, s, at(2026, 3, 1, 7, 31))
		if st := s.Stats(); st.CaughtUp+st.Skipped+st.Fired != 0 || len(w.broadcasts(t)) != 0 {
			t.Fatalf("a new campaign fired for a time before it was made: %+v", st)
		}
	})
}

// TestLunarScheduleLeapPair: a "mùng 1 và rằm" campaign through 2025's
// leap 6th month reminds four times, twice in each month of the pair.
func TestLunarScheduleLeapPair(t *testing.T) {
	w := newWorld(t, at(2025, 6, 20, 0, 0))
	w.campaign(t, scheduler.PresetLunar, w.kp1)
	s := w.scheduler(24 * time.Hour) // checked at noon: each 7:00 is caught up
	for d := at(2025, 6, 20, 12, 0); d.Before(at(2025, 8, 22, 12, 0)); d = d.AddDate(0, 0, 1) {
		w.check(t, s, d)
	}
	var days []string
	for _, b := range w.broadcasts(t) {
		days = append(days, b.SendAt.In(store.Zone).Format("2/1 15:04"))
	}
	// Mùng 1 and rằm of month 6 (25/6, 9/7), then of leap month 6 (25/7, 8/8).
	if want := "25/6 07:00, 9/7 07:00, 25/7 07:00, 8/8 07:00"; strings.Join(days, ", ") != want {
		t.Fatalf("reminders on %v, want %s", days, want)
	}
}

func TestPauseResumeEnd(t *testing.T) {
	w := newWorld(t, at(2026, 3, 1, 6, 0))
	c := w.campaign(t, scheduler.PresetDaily, w.kp1)
	s := w.scheduler(2 * time.Hour)
	w.check(t, s, at(2026, 3, 1, 6, 30))
	if err := w.db.SetCampaignStatus(context.Background(), c.ID, store.CampaignPaused, 0); err != nil {
		t.Fatal(err)
	}
	w.check(t, s, at(2026, 3, 1, 7, 0))
	w.check(t, s, at(2026, 3, 2, 7, 0))
	if n := len(w.broadcasts(t)); n != 0 {
		t.Fatalf("a paused campaign fired %d times", n)
	}
	w.set(at(2026, 3, 3, 7, 30))
	if err := w.db.SetCampaignStatus(context.Background(), c.ID, store.CampaignActive, 0); err != nil {
		t.Fatal(err)
	}
	w.check(t, s, at(2026, 3, 3, 7, 31)) // 7:00 fell in the pause: not caught up
	w.check(t, s, at(2026, 3, 4, 7, 0))
	if bs := w.broadcasts(t); len(bs) != 1 || !bs[0].SendAt.Equal(at(2026, 3, 4, 7, 0)) {
		t.Fatalf("after resume: %+v", bs)
	}
	if err := w.db.SetCampaignStatus(context.Background(), c.ID, store.CampaignEnded, 0); err != nil {
		t.Fatal(err)
	}
	w.check(t, s, at(2026, 3, 5, 7, 0))
	if n := len(w.broadcasts(t)); n != 1 {
		t.Fatalf("an ended campaign fired: %d broadcasts", n)
	}
}

// TestCampaignDays: a campaign reminds only between its first and last day.
func TestCampaignDays(t *testing.T) {
	w := newWorld(t, at(2025, 4, 1, 0, 0))
	c := &store.Campaign{Title: "Hướng đến 30/4", Text: "Treo cờ", From: at(2025, 4, 28, 0, 0), Until: at(2025, 4, 30, 0, 0),
		Schedules: []store.CampaignSchedule{{AreaID: w.kp1.ID, Spec: scheduler.PresetDaily}}}
	if err := w.db.CreateCampaign(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	s := w.scheduler(24 * time.Hour)
	for d := at(2025, 4, 25, 12, 0); d.Before(at(2025, 5, 4, 0, 0)); d = d.AddDate(0, 0, 1) {
		w.check(t, s, d)
	}
	var days []string
	for _, b := range w.broadcasts(t) {
		days = append(days, b.SendAt.In(store.Zone).Format("2/1"))
	}
	if strings.Join(days, " ") != "28/4 29/4 30/4" {
		t.Fatalf("reminded on %v, want 28/4 29/4 30/4", days)
	}
}

// TestEventCountdown: 30/4 everywhere (to the city, so every subscriber)
// and a khu phố's own lunar day.
func TestEventCountdown(t *testing.T) {
	w := newWorld(t, at(2027, 1, 1, 0, 0))
	ctx := context.Background()
	e := giaiPhong
	e.ID = 0
	if err := w.db.CreateEvent(ctx, &e); err != nil {
		t.Fatal(err)
	}
	local := store.Event{Title: "Giỗ Tổ Hùng Vương", Calendar: store.Lunar, Month: 3, Day: 10, AreaID: w.kp2.ID,
		Milestones: []int{0}, RemindAt: 8 * 60}
	if err := w.db.CreateEvent(ctx, &local); err != nil {
		t.Fatal(err)
	}
	s := w.scheduler(0)
	w.check(t, s, at(2027, 1, 20, 7, 0)) // 100 days before 30/4/2027
	bs := w.broadcasts(t)
	if len(bs) != 1 || bs[0].AreaCode != "hcm" || bs[0].Counts.Total() != 3 || bs[0].Author != fmt.Sprintf("event:%d", e.ID) ||
		!strings.Contains(bs[0].Text, "Còn <b>100 ngày</b> nữa là đến <b>Ngày Giải phóng miền Nam, thống nhất đất nước, kỷ niệm 52 năm") {
		t.Fatalf("broadcasts = %+v", bs)
	}
	// Giỗ Tổ 2027 is 16/4/2027 (10/3 Đinh Mùi), for Khu phố 2 only, at 8:00.
	for d := at(2027, 1, 21, 8, 0); d.Before(at(2027, 4, 17, 0, 0)); d = d.AddDate(0, 0, 1) {
		w.check(t, s, d) // 7:00 reminders are caught up an hour late
	}
	bs = w.broadcasts(t)
	if last := bs[len(bs)-1]; last.AreaCode != "kp2" || !strings.Contains(last.Text, "🎉 <b>Hôm nay</b>, thứ Sáu 16/4/2027 (10/3 âm lịch): <b>Giỗ Tổ Hùng Vương</b>") {
		t.Fatalf("Giỗ Tổ: %+v", last)
	}
	for d := at(2027, 4, 17, 8, 0); d.Before(at(2027, 4, 30, 0, 0)); d = d.AddDate(0, 0, 1) {
		w.check(t, s, d)
	}
	w.check(t, s, at(2027, 4, 30, 7, 0))
	bs = w.broadcasts(t)
	var days []string
	for _, b := range bs {
		days = append(days, b.SendAt.In(store.Zone).Format("2/1"))
	}
	if strings.Join(days, " ") != "20/1 31/3 16/4 23/4 29/4 30/4" {
		t.Fatalf("reminders on %v", days)
	}
	if !strings.Contains(bs[len(bs)-1].Text, "🎉 <b>Hôm nay</b>, thứ Sáu 30/4/2027") {
		t.Fatalf("on the day: %q", bs[len(bs)-1].Text)
	}
}

// TestMergedArea: a schedule of an area merged away reminds the area it
// was merged into.
func TestMergedArea(t *testing.T) {
	w := newWorld(t, at(2026, 3, 1, 6, 0))
	w.campaign(t, scheduler.PresetDaily, w.kp2)
	if err := w.db.MergeArea(context.Background(), "kp2", "kp1"); err != nil {
		t.Fatal(err)
	}
	w.check(t, w.scheduler(0), at(2026, 3, 1, 7, 0))
	bs := w.broadcasts(t)
	if len(bs) != 1 || bs[0].AreaCode != "kp1" || bs[0].Counts.Total() != 3 {
		t.Fatalf("broadcasts = %+v", bs)
	}
}

// TestRunWakesAndEnqueuesOnTime runs the scheduler on the real clock: a
// campaign made while it runs is picked up when Wake is called, and each
// reminder is enqueued within a second of its time.
func TestRunWakesAndEnqueuesOnTime(t *testing.T) {
	w := newWorld(t, time.Now())
	w.db.Now = time.Now
	enqueued := make(chan struct{}, 100)
	log := slog.New(slog.NewTextHandler(w.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s := scheduler.New(scheduler.Config{Store: w.db, Logger: log, Poll: time.Hour,
		OnEnqueue: func() { enqueued <- struct{}{} }})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()

	fire := time.Now().Add(1500 * time.Millisecond).Truncate(time.Second)
	if fire.Before(time.Now().Add(500 * time.Millisecond)) {
		fire = fire.Add(time.Second)
	}
	spec := fmt.Sprintf("%d %d %d * * *", fire.In(store.Zone).Second(), fire.In(store.Zone).Minute(), fire.In(store.Zone).Hour())
	w.campaign(t, spec, w.kp1, w.kp2)
	s.Wake()
	select {
	case <-enqueued:
	case <-time.After(10 * time.Second):
		t.Fatalf("nothing enqueued\n%s", w.logs)
	}
	bs := w.broadcasts(t)
	if len(bs) != 2 {
		t.Fatalf("%d broadcasts, want 2", len(bs))
	}
	for _, b := range bs {
		if late := b.CreatedAt.Sub(fire); late < 0 || late >= time.Second {
			t.Errorf("broadcast %d enqueued %v after its time", b.ID, late)
		}
	}
	if st := s.Stats(); st.Fired != 2 || st.MaxLate >= time.Second {
		t.Errorf("stats = %+v", st)
	}
}

// TestAreasImportedLater: an event everywhere has nowhere to go until the
// areas are imported; the hourly reload finds them without a restart.
func TestAreasImportedLater(t *testing.T) {
	db := mustOpenDB(t)
	ctx := context.Background()
	now := at(2027, 4, 29, 6, 0)
	db.Now = func() time.Time { return now }
	e := giaiPhong
	e.ID = 0
	if err := db.CreateEvent(ctx, &e); err != nil {
		t.Fatal(err)
	}
	s := scheduler.New(scheduler.Config{Store: db, Now: func() time.Time { return now }, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err := s.Check(ctx); err != nil {
		t.Fatal(err)
	}
	if _, n := s.Next(); n != 0 {
		t.Fatalf("%d schedules without areas", n)
	}
	if _, err := db.ImportAreas(ctx, []store.Area{{Code: "hcm", Kind: store.KindCity, Name: "Thành phố Hồ Chí Minh"}}); err != nil {
		t.Fatal(err)
	}
	now = at(2027, 4, 29, 7, 0)
	if err := s.Check(ctx); err != nil {
		t.Fatal(err)
	}
	bs, _ := db.Broadcasts(ctx, 0, 10)
	if len(bs) != 1 || bs[0].AreaCode != "hcm" || !strings.Contains(bs[0].Text, "Ngày mai") {
		t.Fatalf("broadcasts = %+v", bs)
	}
}
