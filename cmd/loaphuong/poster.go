package main

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/loaphuong/loaphuong/bot"
	"github.com/loaphuong/loaphuong/poster"
	"github.com/loaphuong/loaphuong/store"
)

// validUsername is the shape of a Telegram bot's username.
var validUsername = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{3,31}$`)

// poster runs "poster": the printable QR poster of an area.
func (m *Main) poster(ctx context.Context, args []string) error {
	fs := m.flagSet("poster --area CODE --out FILE.png [--bot USERNAME] [--size a5|a4] [--force]",
		"Draws the printable poster of an area (PNG, 300 dpi): its name, a call to subscribe and a\n"+
			"QR code of https://t.me/<bot>?start=<code>, which subscribes whoever scans it at once.")
	dbPath := m.dbFlag(fs)
	code := fs.String("area", "", "code of the area (see \"loaphuong areas list\")")
	out := fs.String("out", "", "the PNG file to write")
	username := fs.String("bot", "", "the bot's @username (default: the one serve last saw on this database)")
	sizeName := fs.String("size", "a5", "paper size: a5 (1748x2480 px) or a4 (2480x3508 px)")
	force := fs.Bool("force", false, "replace --out if it exists")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("poster: unexpected argument %q", fs.Arg(0))
	}
	c := strings.TrimSpace(*code)
	if c == "" || *out == "" {
		return usagef("poster: --area CODE and --out FILE.png are required")
	}
	size, ok := poster.SizeByName(*sizeName)
	if !ok {
		return usagef("poster: --size %q: want a5 or a4", *sizeName)
	}
	if exists(*out) && !*force {
		return usagef("poster: %s exists; choose another name, or pass --force to replace it", *out)
	}
	db, err := store.Open(*dbPath)
	if err != nil {
		return fmt.Errorf("open database %s: %w", *dbPath, err)
	}
	defer db.Close()
	name := strings.TrimPrefix(strings.TrimSpace(*username), "@")
	if name == "" {
		last, ok, err := bot.LastUsername(ctx, db)
		if err != nil {
			return err
		}
		if !ok {
			return usagef("poster: the bot's username is not known yet: run serve once on %s, or pass --bot USERNAME", *dbPath)
		}
		name = last
	}
	if !validUsername.MatchString(name) {
		return usagef("poster: --bot %q is not a Telegram username", name)
	}
	area, err := db.AreaByCode(ctx, c)
	if store.ErrorCode(err) == store.ENOTFOUND {
		return usagef("poster: no area with code %q; see \"loaphuong areas list\"", c)
	}
	if err != nil {
		return err
	}
	path, err := db.AreaPath(ctx, area.ID)
	if err != nil {
		return err
	}
	p := bot.NewPoster(path, name, size)
	png, err := p.PNG()
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out, png, 0o644); err != nil {
		return err
	}
	if area.Code != c {
		fmt.Fprintf(m.Stdout, "area %s was merged into %s: the poster is for %s\n", c, area.Code, area.Code)
	}
	fmt.Fprintf(m.Stdout, "poster of %s written to %s (%s, %dx%d px, 300 dpi, %s)\nits QR code opens %s\n",
		store.AreaLabel(path), *out, size.Name, size.Width, size.Height, sizeOf(len(png)), p.Link)
	return nil
}

func sizeOf(n int) string { return size(int64(n)) }
