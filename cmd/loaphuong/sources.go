package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/loaphuong/loaphuong/scheduler/feed"
	"github.com/loaphuong/loaphuong/store"
)

// sources runs "sources add|list|remove|pause|resume|poll".
func (m *Main) sources(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usagef("sources: want add, list, remove, pause, resume or poll")
	}
	switch args[0] {
	case "add":
		return m.sourcesAdd(ctx, args[1:])
	case "list":
		return m.sourcesList(ctx, args[1:])
	case "remove", "pause", "resume":
		return m.sourcesChange(ctx, args[0], args[1:])
	case "poll":
		return m.sourcesPoll(ctx, args[1:])
	default:
		return usagef("sources: unknown command %q (want add, list, remove, pause, resume or poll)", args[0])
	}
}

// sourcesAdd runs "sources add": it reads the source once, marks what it
// shows as seen, and stores it.
func (m *Main) sourcesAdd(ctx context.Context, args []string) error {
	fs := m.flagSet("sources add --url URL --area CODE [--topic news|announcements] [--interval 10m] [--selector CSS] [--keywords \"a,b\"]",
		"Watches a news source: an RSS or Atom feed, or an HTML list page (with --selector, the CSS\n"+
			"selector of its article links; without, the links in its headings, or the feed the page\n"+
			"announces). It is read once now: what it shows is marked seen, so only what appears after\n"+
			"is relayed. A running \"loaphuong serve\" on the same database polls it.")
	dbPath := m.dbFlag(fs)
	rawURL := fs.String("url", "", "address of the feed or page (http or https)")
	areaCodes := fs.String("area", "", "code of the area to feed; several separated by commas (see \"loaphuong areas list\")")
	topicName := fs.String("topic", "news", "news (held in quiet hours) or announcements (sent at once)")
	interval := fs.Duration("interval", store.DefaultSourceInterval, "time between two polls, at least 1m")
	selector := fs.String("selector", "", "HTML pages: CSS selector of the article links, such as \".news-item h3 a\"")
	keywords := fs.String("keywords", "", "relay only items whose title or summary has one of these words, comma-separated, accents optional")
	name := fs.String("name", "", "the name residents see (default: the feed's or page's title)")
	private := m.privateSourcesFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("sources add: unexpected argument %q", fs.Arg(0))
	}
	if err := m.fromEnv("sources add", fs, privateSourcesEnv); err != nil {
		return err
	}
	u, err := store.CheckSourceURL(*rawURL)
	if err != nil {
		return usagef("sources add: --url: %s", store.ErrorMessage(err))
	}
	topic, ok := parseTopic(*topicName)
	if !ok || (topic != store.TopicNews && topic != store.TopicAnnouncements) {
		return usagef("sources add: --topic %q: want news or announcements", *topicName)
	}
	if *interval < store.MinSourceInterval || *interval > store.MaxSourceInterval {
		return usagef("sources add: --interval %v: want between %v and %v", *interval, store.MinSourceInterval, store.MaxSourceInterval)
	}
	if *selector != "" {
		if err := feed.CheckSelector(*selector); err != nil {
			return usagef("sources add: --selector %q: %v", *selector, err)
		}
	}
	var codes []string
	for _, c := range strings.Split(*areaCodes, ",") {
		if c = strings.TrimSpace(c); c != "" {
			codes = append(codes, c)
		}
	}
	if len(codes) == 0 {
		return usagef("sources add: --area CODE is required (see \"loaphuong areas list\")")
	}

	db, err := store.Open(*dbPath)
	if err != nil {
		return fmt.Errorf("open database %s: %w", *dbPath, err)
	}
	defer db.Close()
	var areas []store.Area
	var labels []string
	for _, c := range codes {
		a, err := db.AreaByCode(ctx, c)
		if store.ErrorCode(err) == store.ENOTFOUND {
			return usagef("sources add: no area with code %q; see \"loaphuong areas list\"", c)
		}
		if err != nil {
			return err
		}
		if a.Code != c {
			fmt.Fprintf(m.Stdout, "area %s was merged into %s: feeding that\n", c, a.Code)
		}
		areas = append(areas, *a)
		labels = append(labels, a.Name)
	}

	res, err := feed.NewFetcher(feed.Options{AllowPrivate: *private}).Probe(ctx, u, *selector)
	if err != nil {
		return fmt.Errorf("sources add: cannot read %s: %w; nothing was stored", u, err)
	}
	s := &store.Source{
		URL: res.URL, Kind: res.Kind, Selector: res.Selector, Name: res.Name, Areas: areas, Topic: topic,
		Interval: *interval, Keywords: store.ParseKeywords(*keywords), ETag: res.ETag, LastModified: res.LastModified,
	}
	if *name != "" {
		s.Name = *name
	}
	if err := db.CreateSource(ctx, s, res.Items); err != nil {
		if c := store.ErrorCode(err); c == store.EINVALID || c == store.ENOTFOUND {
			return usagef("sources add: %s; nothing was stored", store.ErrorMessage(err))
		}
		return err
	}
	kind := "RSS/Atom feed"
	if s.Kind == store.SourceHTML {
		kind = fmt.Sprintf("HTML page, links %q", s.Selector)
	}
	fmt.Fprintf(m.Stdout, "source #%d: %s (%s)\n  %s\n", s.ID, s.Name, kind, s.URL)
	if res.URL != u {
		fmt.Fprintf(m.Stdout, "  (the feed announced by %s)\n", u)
	}
	fmt.Fprintf(m.Stdout, "  %s to %s, every %v", topicEnglish(topic), strings.Join(labels, ", "), s.Interval)
	if len(s.Keywords) > 0 {
		fmt.Fprintf(m.Stdout, ", only items with: %s", strings.Join(s.Keywords, ", "))
	}
	fmt.Fprintf(m.Stdout, "\n  %d items there now are marked seen; only new ones will be relayed. The latest:\n", len(res.Items))
	for _, it := range feed.Latest(res.Items, 3) {
		fmt.Fprintf(m.Stdout, "    - %s\n", it.Title)
	}
	return nil
}

// sourcesList runs "sources list".
func (m *Main) sourcesList(ctx context.Context, args []string) error {
	fs := m.flagSet("sources list", "Lists the news sources with their state.")
	dbPath := m.dbFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("sources list: unexpected argument %q", fs.Arg(0))
	}
	db, err := store.Open(*dbPath)
	if err != nil {
		return fmt.Errorf("open database %s: %w", *dbPath, err)
	}
	defer db.Close()
	ss, err := db.Sources(ctx)
	if err != nil {
		return err
	}
	if len(ss) == 0 {
		fmt.Fprintln(m.Stdout, `no sources yet: add one with "loaphuong sources add --url URL --area CODE"`)
		return nil
	}
	w := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tSTATE\tKIND\tTOPIC\tEVERY\tAREAS\tNAME\tURL\tLAST POLL")
	for _, s := range ss {
		var codes []string
		for _, a := range s.Areas {
			codes = append(codes, a.Code)
		}
		last := "never"
		if !s.LastPolledAt.IsZero() {
			last = s.LastPolledAt.In(vietnam).Format("2006-01-02 15:04")
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%v\t%s\t%s\t%s\t%s\n", s.ID, sourceState(s), s.Kind, topicEnglish(s.Topic), s.Interval,
			strings.Join(codes, ","), s.Name, s.URL, last)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	for _, s := range ss {
		if s.Failures > 0 {
			fmt.Fprintf(m.Stdout, "#%d failed %d times in a row: %s; next try %s\n", s.ID, s.Failures, s.LastError, formatWhen(s.NextPollAt))
		}
	}
	return nil
}

// sourceState is a source's state in one word or two.
func sourceState(s store.Source) string {
	switch {
	case s.Paused:
		return "paused"
	case s.Failures > 0:
		return fmt.Sprintf("failing(%d)", s.Failures)
	case s.LastPolledAt.IsZero():
		return "new"
	}
	return "ok"
}

// sourcesChange runs "sources remove|pause|resume ID".
func (m *Main) sourcesChange(ctx context.Context, cmd string, args []string) error {
	summary := map[string]string{
		"remove": "Stops watching a source and forgets the items it has seen. What it relayed stays delivered.",
		"pause":  "Stops polling a source until it is resumed.",
		"resume": "Polls a paused source again, at once.",
	}[cmd]
	fs := m.flagSet("sources "+cmd+" ID", summary)
	dbPath := m.dbFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("sources %s: want exactly one source id (see \"loaphuong sources list\")", cmd)
	}
	id, err := strconv.ParseInt(fs.Arg(0), 10, 64)
	if err != nil || id <= 0 {
		return usagef("sources %s: %q is not a source id", cmd, fs.Arg(0))
	}
	db, err := store.Open(*dbPath)
	if err != nil {
		return fmt.Errorf("open database %s: %w", *dbPath, err)
	}
	defer db.Close()
	switch cmd {
	case "remove":
		err = db.DeleteSource(ctx, id, 0)
	default:
		err = db.SetSourcePaused(ctx, id, cmd == "pause", 0)
	}
	if store.ErrorCode(err) == store.ENOTFOUND {
		return usagef("sources %s: no source #%d (see \"loaphuong sources list\")", cmd, id)
	}
	if err != nil {
		return err
	}
	done := map[string]string{"remove": "removed", "pause": "paused", "resume": "resumed: it is polled at once"}[cmd]
	fmt.Fprintf(m.Stdout, "source #%d %s\n", id, done)
	return nil
}

// sourcesPoll runs "sources poll [ID...]": it polls now, and what is new
// goes to the outbox for a running serve to deliver.
func (m *Main) sourcesPoll(ctx context.Context, args []string) error {
	fs := m.flagSet("sources poll [ID...]",
		"Polls the sources given, or every source that is not paused, now. Whatever is new is\n"+
			"enqueued; a running \"loaphuong serve\" on the same database delivers it.")
	dbPath := m.dbFlag(fs)
	private := m.privateSourcesFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := m.fromEnv("sources poll", fs, privateSourcesEnv); err != nil {
		return err
	}
	var ids []int64
	for _, a := range fs.Args() {
		id, err := strconv.ParseInt(a, 10, 64)
		if err != nil || id <= 0 {
			return usagef("sources poll: %q is not a source id", a)
		}
		ids = append(ids, id)
	}
	db, err := store.Open(*dbPath)
	if err != nil {
		return fmt.Errorf("open database %s: %w", *dbPath, err)
	}
	defer db.Close()
	for _, id := range ids {
		s, err := db.SourceByID(ctx, id)
		if store.ErrorCode(err) == store.ENOTFOUND {
			return usagef("sources poll: no source #%d (see \"loaphuong sources list\")", id)
		}
		if err != nil {
			return err
		}
		if s.Paused {
			return usagef("sources poll: source #%d is paused; resume it first (loaphuong sources resume %d)", id, id)
		}
	}
	log := slog.New(slog.NewTextHandler(m.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	p := feed.NewPoller(feed.Config{Store: db, Logger: log, Fetcher: feed.NewFetcher(feed.Options{AllowPrivate: *private})})
	out, err := p.PollNow(ctx, ids...)
	if err != nil {
		return err
	}
	if len(out) == 0 {
		fmt.Fprintln(m.Stdout, "no source to poll")
		return nil
	}
	failed := 0
	for _, o := range out {
		fmt.Fprintf(m.Stdout, "#%d %s: %s\n", o.Source.ID, o.Source.Name, pollLine(ctx, db, o))
		if o.Err != nil {
			failed++
		}
	}
	if st := p.Stats(); st.Broadcasts > 0 {
		fmt.Fprintf(m.Stdout, "%d messages enqueued; a running \"loaphuong serve\" on %s delivers them\n", st.Broadcasts, *dbPath)
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d sources failed", failed, len(out))
	}
	return nil
}

// pollLine says what polling a source did.
func pollLine(ctx context.Context, db *store.DB, o feed.Outcome) string {
	if o.Err != nil {
		if errors.Is(o.Err, context.Canceled) {
			return "stopped"
		}
		line := "failed: " + o.Err.Error()
		if s, err := db.SourceByID(ctx, o.Source.ID); err == nil && s.Failures > 0 {
			line += fmt.Sprintf(" (%d in a row; next try %s)", s.Failures, formatWhen(s.NextPollAt))
		}
		return line
	}
	if o.NotModified {
		return "not modified (304)"
	}
	r := o.Relay
	if r.New == 0 {
		return "nothing new"
	}
	line := fmt.Sprintf("%d new, %d relayed", r.New, r.Relayed)
	if r.Broadcasts > 0 {
		line += fmt.Sprintf(" in %d messages, %d deliveries", r.Broadcasts, r.Deliveries)
	}
	return line
}

// privateSourcesFlag adds --allow-private-sources: sources on loopback,
// private and link-local addresses (a ward's intranet) are refused unless
// it is set, so that a URL an official types cannot reach this machine's
// network. Its variable is read by fromEnv with privateSourcesEnv.
func (m *Main) privateSourcesFlag(fs *flag.FlagSet) *bool {
	return fs.Bool("allow-private-sources", false,
		"also read sources on loopback, private and link-local addresses, such as a ward's intranet (LOAPHUONG_ALLOW_PRIVATE_SOURCES)")
}

// privateSourcesEnv pairs --allow-private-sources with its variable, for fromEnv.
var privateSourcesEnv = [2]string{"allow-private-sources", "LOAPHUONG_ALLOW_PRIVATE_SOURCES"}
