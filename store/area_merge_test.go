package store_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/loaphuong/loaphuong/store"
)

func TestMergeArea(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	byCode := mustImportTanPhu(t, db)
	kp1, kp3, cc := byCode["pth-kp1"], byCode["pth-kp3"], byCode["pth-kp3-cc-ht"]

	// Chat 1 is subscribed to both ends, chat 2 to the old one only.
	for _, s := range []struct {
		chat   int64
		area   int64
		topics store.Topic
	}{
		{1, kp3.ID, store.TopicAnnouncements},
		{1, kp1.ID, store.TopicNews},
		{2, kp3.ID, store.TopicReminders},
	} {
		if _, err := db.Subscribe(ctx, s.chat, s.area, s.topics); err != nil {
			t.Fatal(err)
		}
	}

	if err := db.MergeArea(ctx, "pth-kp3", "pth-kp1"); err != nil {
		t.Fatal(err)
	}

	for _, tt := range []struct {
		chat   int64
		topics store.Topic
	}{
		{1, store.TopicAnnouncements | store.TopicNews},
		{2, store.TopicReminders},
	} {
		subs, err := db.Subscriptions(ctx, tt.chat)
		if err != nil {
			t.Fatal(err)
		}
		if len(subs) != 1 || subs[0].Area.Code != "pth-kp1" || subs[0].Topics != tt.topics {
			t.Errorf("chat %d subscriptions after merge: %+v, want one to pth-kp1 with topics %b", tt.chat, subs, tt.topics)
		}
	}

	// The deep link of the old code leads to the new area.
	a, err := db.AreaByCode(ctx, "pth-kp3")
	if err != nil {
		t.Fatal(err)
	}
	if a.ID != kp1.ID {
		t.Errorf("AreaByCode(pth-kp3) = %s, want pth-kp1", a.Code)
	}
	if !reflect.DeepEqual(a.Aliases, []string{"KP1", "Tổ dân phố 1", "Khu phố 3"}) {
		t.Errorf("pth-kp1 aliases %q, want the old name added", a.Aliases)
	}
	if a.Children != 1 {
		t.Errorf("pth-kp1 has %d children, want the building moved under it", a.Children)
	}
	old, err := db.AreaByID(ctx, kp3.ID)
	if err != nil {
		t.Fatal(err)
	}
	if old.MergedInto != kp1.ID || old.Code != "pth-kp3" {
		t.Errorf("AreaByID(old) = %+v, want the old row with MergedInto = %d", old, kp1.ID)
	}

	path, err := db.AreaPath(ctx, cc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := codes(path), []string{"hcm", "phu-tho-hoa", "pth-kp1", "pth-kp3-cc-ht"}; !reflect.DeepEqual(got, want) {
		t.Errorf("path of the building %v, want %v", got, want)
	}

	kids, err := db.ChildAreas(ctx, byCode["phu-tho-hoa"].ID)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := codes(kids), []string{"pth-kp1", "pth-kp2", "pth-kp10", "pth-dong-hung"}; !reflect.DeepEqual(got, want) {
		t.Errorf("children of the ward %v, want %v", got, want)
	}
	// A button made before the merge still shows children.
	kids, err = db.ChildAreas(ctx, kp3.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := codes(kids); !reflect.DeepEqual(got, []string{"pth-kp3-cc-ht"}) {
		t.Errorf("ChildAreas(old id) = %v, want those of pth-kp1", got)
	}

	// The old name finds the new area, and only it.
	found, err := db.SearchAreas(ctx, "Khu phố 3", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(found) == 0 || found[0].Code != "pth-kp1" {
		t.Errorf("SearchAreas(Khu phố 3) = %v, want pth-kp1 first", codes(found))
	}
	for _, f := range found {
		if f.Code == "pth-kp3" {
			t.Error("the merged area is still found")
		}
	}

	if n, err := db.CountSubscribers(ctx, kp1.ID); err != nil || n != 2 {
		t.Errorf("CountSubscribers(pth-kp1) = %d, %v; want 2", n, err)
	}
	if n, err := db.CountSubscribers(ctx, kp3.ID); err != nil || n != 2 {
		t.Errorf("CountSubscribers(old id) = %d, %v; want those of pth-kp1, 2", n, err)
	}

	// Subscribing to the merged area by its old id is refused.
	if _, err := db.Subscribe(ctx, 3, kp3.ID, store.AllTopics); store.ErrorCode(err) != store.EINVALID {
		t.Errorf("Subscribe to a merged area: %v, want %s", err, store.EINVALID)
	}

	// A second merge: codes merged before follow along.
	if err := db.MergeArea(ctx, "pth-kp1", "pth-kp2"); err != nil {
		t.Fatal(err)
	}
	for _, code := range []string{"pth-kp3", "pth-kp1", "pth-kp2"} {
		a, err := db.AreaByCode(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		if a.Code != "pth-kp2" {
			t.Errorf("AreaByCode(%s) = %s, want pth-kp2", code, a.Code)
		}
	}
}

func TestMergeArea_Errors(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		name     string
		old, new string
		want     string
	}{
		{"same", "pth-kp1", "pth-kp1", store.EINVALID},
		{"old missing", "nope", "pth-kp1", store.ENOTFOUND},
		{"new missing", "pth-kp1", "nope", store.ENOTFOUND},
		{"old merged", "pth-kp2", "pth-kp1", store.EINVALID},
		{"new merged", "pth-kp1", "pth-kp2", store.EINVALID},
		{"new inside old", "pth-kp3", "pth-kp3-to1", store.EINVALID},
		{"new two levels inside old", "phu-tho-hoa", "pth-kp3-to1", store.EINVALID},
		{"ward into quarter", "tan-phu", "pth-kp1", store.EINVALID},
		{"case matters", "PTH-KP1", "pth-kp10", store.ENOTFOUND},
	} {
		t.Run(tt.name, func(t *testing.T) {
			db := MustOpenDB(t)
			byCode := mustImportTanPhu(t, db)
			if _, err := db.ImportAreas(ctx, []store.Area{
				{Code: "pth-kp3-to1", ParentCode: "pth-kp3", Kind: store.KindQuarter, Name: "Tổ 1"},
			}); err != nil {
				t.Fatal(err)
			}
			if err := db.MergeArea(ctx, "pth-kp2", "pth-kp10"); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Subscribe(ctx, 1, byCode["pth-kp3"].ID, store.AllTopics); err != nil {
				t.Fatal(err)
			}
			before, err := db.ListAreas(ctx)
			if err != nil {
				t.Fatal(err)
			}

			err = db.MergeArea(ctx, tt.old, tt.new)
			if got := store.ErrorCode(err); got != tt.want {
				t.Fatalf("MergeArea(%s, %s): %v (code %q), want %s", tt.old, tt.new, err, got, tt.want)
			}
			after, err := db.ListAreas(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(after, before) {
				t.Error("a failed merge changed the areas")
			}
			subs, err := db.Subscriptions(ctx, 1)
			if err != nil {
				t.Fatal(err)
			}
			if len(subs) != 1 || subs[0].Area.Code != "pth-kp3" {
				t.Errorf("a failed merge moved subscriptions: %+v", subs)
			}
		})
	}
}
