package main_test

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/loaphuong/loaphuong/bot/telegramtest"
)

// TestPoster draws the poster of a khu phố with the username serve last
// saw, decodes the PNG and reads its QR code back.
func TestPoster(t *testing.T) {
	db, env := broadcastWorld(t)
	out := filepath.Join(t.TempDir(), "kp1.png")
	if _, _, err := run(t, env, "poster", "--area", "kp1-pth", "--out", out); err == nil || !strings.Contains(err.Error(), "--bot") {
		t.Fatalf("before serve ever ran: %v", err)
	}
	srv := telegramtest.NewServer(telegramtest.Options{Token: token, BotUsername: "loaphuong_tanphu_bot"})
	defer srv.Close()
	startServe(t, srv, db).stop(t)

	stdout, _, err := run(t, env, "poster", "--area", "kp1-pth", "--out", out)
	if err != nil {
		t.Fatal(err)
	}
	const link = "https://t.me/loaphuong_tanphu_bot?start=kp1-pth"
	if !strings.Contains(stdout, "Khu phố 1 · Phường Phú Thọ Hòa") || !strings.Contains(stdout, link) {
		t.Errorf("poster said %q", stdout)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 1748 || b.Dy() != 2480 {
		t.Errorf("size %v, want A5 at 300 dpi", b)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("no QR code read: %v", err)
	}
	if res.GetText() != link {
		t.Errorf("the QR code says %q, want %q", res.GetText(), link)
	}

	if _, _, err := run(t, env, "poster", "--area", "kp1-pth", "--out", out); err == nil {
		t.Error("overwrote the poster without --force")
	}
	a4 := filepath.Join(t.TempDir(), "a4.png")
	if stdout, _, err := run(t, env, "poster", "--area", "phu-tho-hoa", "--out", a4, "--bot", "@other_bot", "--size", "A4"); err != nil ||
		!strings.Contains(stdout, "https://t.me/other_bot?start=phu-tho-hoa") || !strings.Contains(stdout, "2480x3508") {
		t.Errorf("--bot --size A4: %q %v", stdout, err)
	}
	for _, args := range [][]string{
		{"--area", "nowhere", "--out", filepath.Join(t.TempDir(), "x.png")},
		{"--area", "kp1-pth"},
		{"--area", "kp1-pth", "--out", filepath.Join(t.TempDir(), "x.png"), "--size", "letter"},
		{"--area", "kp1-pth", "--out", filepath.Join(t.TempDir(), "x.png"), "--bot", "no such bot"},
	} {
		if _, _, err := run(t, env, append([]string{"poster"}, args...)...); err == nil {
			t.Errorf("poster %v: no error", args)
		}
	}
}
