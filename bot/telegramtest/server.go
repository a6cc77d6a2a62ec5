package telegramtest

import (
	"context"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Options configures a Server; zero fields take the defaults documented on each.
type Options struct {
	Token       string // the only accepted token; default "<BotID>:AAFakeLoaPhuongTestToken"
	BotID       int64  // default 7000000001
	BotUsername string // default "loaphuong_test_bot"
	BotName     string // default "Loa Phường"
	// MaxRequests caps the requests Requests keeps, dropping the oldest
	// (0: keep all). Counts and Stats count every request regardless.
	MaxRequests int
	// WebhookClient posts updates to the webhook the bot sets (default: a
	// client with a 10s timeout). A test points the webhook's public HTTPS
	// URL at the bot's local listener with its Transport.
	WebhookClient *http.Client
}

// Server is a running fake Bot API. The bot calls URL+"/bot"+Token+"/"+method.
type Server struct {
	URL   string // base URL, e.g. http://127.0.0.1:34567
	Token string // the accepted token: Options.Token or its default

	opts      Options
	ts        *httptest.Server
	closed    chan struct{} // closed by Close: releases long polls and delays at once
	closeOnce sync.Once
	botShort  []byte // the bot as the sender of its messages
	botFull   []byte // the bot as getMe answers

	// Requests and statistics (requests.go).
	reqMu   sync.Mutex
	reqs    []Request
	reqBase int // requests dropped from the front of reqs (Options.MaxRequests)
	okCount map[string]int
	stats   Stats

	// Waiting (wait.go).
	waiters atomic.Int32
	waitMu  sync.Mutex
	changed chan struct{}

	// The update queue and webhook (updates.go).
	upMu         sync.Mutex
	queue        []queuedUpdate
	nextUpdateID int
	confirmed    int
	poll         *longPoll
	lastPollSeq  int             // arrival index of the newest getUpdates served
	allowed      map[string]bool // nil: Telegram's default set
	webhookURL   string
	hook         webhookState // delivery to the webhook (webhook.go)

	// Chats, their messages and the users seen (chats.go, user.go).
	chatsMu       sync.RWMutex
	chats         map[int64]*chatState
	usernames     map[string]int64 // lower-cased @username -> chat id
	nextChannelID int64
	usersMu       sync.RWMutex
	users         map[int64]User

	// Callback queries (callbacks.go).
	cbMu        sync.Mutex
	openQueries map[string]struct{}
	cbAnswers   []CallbackAnswer
	querySeq    uint64

	// Faults, blocked and migrated chats, latency (faults.go).
	faultMu  sync.Mutex
	faults   []*activeFault
	nFaults  atomic.Int32
	rulesMu  sync.RWMutex
	blocked  map[int64]bool
	migrated map[int64]int64
	nRules   atomic.Int32
	latency  atomic.Int64

	// Flood limits (limits.go).
	limitsOn    atomic.Bool
	limMu       sync.Mutex
	limits      Limits
	limGen      int
	overall     []time.Time // ring of the last Overall sends
	overallNext int
	paid        []time.Time // the same for sends marked allow_paid_broadcast, under Limits.Paid
	paidNext    int

	// Commands, chat members, files (commands.go, members.go, photos.go).
	cmdMu    sync.Mutex
	commands map[string][]BotCommand
	memberMu sync.RWMutex
	members  map[[2]int64]string
	fileMu   sync.Mutex
	files    map[string]*photoInfo
	fileSeq  int64
}

// NewServer starts a fake Bot API on 127.0.0.1 at a free port, ready to serve.
func NewServer(opts Options) *Server {
	if opts.BotID == 0 {
		opts.BotID = 7000000001
	}
	if opts.BotUsername == "" {
		opts.BotUsername = "loaphuong_test_bot"
	}
	if opts.BotName == "" {
		opts.BotName = "Loa Phường"
	}
	if opts.Token == "" {
		opts.Token = strconv.FormatInt(opts.BotID, 10) + ":AAFakeLoaPhuongTestToken"
	}
	s := &Server{
		Token:         opts.Token,
		opts:          opts,
		closed:        make(chan struct{}),
		okCount:       make(map[string]int),
		changed:       make(chan struct{}),
		chats:         make(map[int64]*chatState),
		usernames:     make(map[string]int64),
		nextChannelID: -1009000000000,
		lastPollSeq:   -1,
		users:         make(map[int64]User),
		openQueries:   make(map[string]struct{}),
		blocked:       make(map[int64]bool),
		migrated:      make(map[int64]int64),
		commands:      make(map[string][]BotCommand),
		members:       make(map[[2]int64]string),
		files:         make(map[string]*photoInfo),
		// A random start, as in production: a bot must not assume update ids start at 1.
		nextUpdateID: 100000000 + rand.IntN(800000000),
		querySeq:     1<<62 + rand.Uint64()>>3,
	}
	s.renderBot()
	s.hook.wake = make(chan struct{}, 1)
	if s.opts.WebhookClient == nil {
		s.opts.WebhookClient = &http.Client{Timeout: 10 * time.Second}
	}
	s.ts = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	s.URL = s.ts.URL
	return s
}

// Close stops the server; pending long polls and delayed answers are released at once.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.closed)
		s.ts.Close()
	})
}

// method is one Bot API method the server serves.
type method struct {
	name  string
	fn    func(*Server, *call) answer
	chat  bool // takes chat_id: faults by chat, blocked and migrated chats apply
	sends bool // posts a message: flood limits apply and Stats.Sent counts it
}

// methods maps method names, exact and lower-cased (Telegram ignores their case).
var methods = map[string]*method{}

func init() {
	for _, m := range []*method{
		{name: "getMe", fn: (*Server).getMe},
		{name: "getUpdates", fn: (*Server).getUpdates},
		{name: "setWebhook", fn: (*Server).setWebhook},
		{name: "deleteWebhook", fn: (*Server).deleteWebhook},
		{name: "getWebhookInfo", fn: (*Server).getWebhookInfo},
		{name: "sendMessage", fn: (*Server).sendMessage, chat: true, sends: true},
		{name: "sendPhoto", fn: (*Server).sendPhoto, chat: true, sends: true},
		{name: "sendDocument", fn: (*Server).sendDocument, chat: true, sends: true},
		{name: "copyMessage", fn: (*Server).copyMessage, chat: true, sends: true},
		{name: "forwardMessage", fn: (*Server).forwardMessage, chat: true, sends: true},
		{name: "editMessageText", fn: (*Server).editMessageText, chat: true},
		{name: "editMessageCaption", fn: (*Server).editMessageCaption, chat: true},
		{name: "editMessageReplyMarkup", fn: (*Server).editMessageReplyMarkup, chat: true},
		{name: "deleteMessage", fn: (*Server).deleteMessage, chat: true},
		{name: "sendChatAction", fn: (*Server).sendChatAction, chat: true},
		{name: "getChatMember", fn: (*Server).getChatMember, chat: true},
		{name: "answerCallbackQuery", fn: (*Server).answerCallbackQuery},
		{name: "setMyCommands", fn: (*Server).setMyCommands},
		{name: "getMyCommands", fn: (*Server).getMyCommands},
		{name: "deleteMyCommands", fn: (*Server).deleteMyCommands},
	} {
		methods[m.name] = m
		methods[strings.ToLower(m.name)] = m
	}
}

func lookupMethod(name string) *method {
	if m, ok := methods[name]; ok {
		return m
	}
	return methods[strings.ToLower(name)]
}

// splitPath splits /bot<token>/<method>; ok is false for any other path.
func splitPath(path string) (token, name string, ok bool) {
	rest, found := strings.CutPrefix(path, "/bot")
	if !found {
		return "", "", false
	}
	token, name, found = strings.Cut(rest, "/")
	if !found || name == "" || strings.Contains(name, "/") {
		return "", "", false
	}
	return token, name, true
}

// serveHTTP records the request, answers it, and records the answer before writing it,
// so that a client that has its answer also sees it in Requests.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	arrived := time.Now()
	token, name, routed := splitPath(r.URL.Path)
	params, files := readParams(r)
	if r.MultipartForm != nil {
		defer func() { _ = r.MultipartForm.RemoveAll() }()
	}
	m := lookupMethod(name)
	recorded := name
	switch {
	case !routed:
		recorded = ""
	case m != nil:
		recorded = m.name
	}
	idx := s.record(recorded, params, arrived)
	a := s.serve(r.Context(), idx, routed, token, m, params, files)
	s.finish(idx, recorded, a.status, m != nil && m.sends)
	a.write(w)
}

// serve applies the precedence: token, faults, blocked and migrated chats, limits, then
// the method itself.
func (s *Server) serve(ctx context.Context, seq int, routed bool, token string, m *method, p map[string][]string, files fileParts) answer {
	if !routed {
		return failure(http.StatusNotFound, descNotFound)
	}
	if token != s.Token {
		return failure(http.StatusUnauthorized, descUnauthorized)
	}
	if m == nil {
		return failure(http.StatusNotFound, descMethodNotFound)
	}
	if d := time.Duration(s.latency.Load()); d > 0 && !s.pause(ctx, d) {
		return cancelled
	}
	c := &call{ctx: ctx, seq: seq, m: m, p: p, files: files}
	if m.chat {
		c.resolveChat(s)
	}
	if s.nFaults.Load() > 0 {
		if a, hit := s.applyFaults(c); hit {
			return a
		}
	}
	if c.hasChat && s.nRules.Load() > 0 {
		if a, hit := s.chatRules(c.chatID); hit {
			return a
		}
	}
	if c.hasChat && m.sends && s.limitsOn.Load() {
		if a, hit := s.checkLimits(c.chatID, c.p.Get("allow_paid_broadcast") == "true"); hit {
			return a
		}
	}
	if c.chatErr != "" {
		return failure(http.StatusBadRequest, c.chatErr)
	}
	return m.fn(s, c)
}

// pause waits d, or less if the server closes; false if the client went away first.
func (s *Server) pause(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-s.closed:
		return true
	case <-ctx.Done():
		return false
	}
}

func (s *Server) getMe(*call) answer { return okResult(s.botFull) }
