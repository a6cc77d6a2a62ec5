package telegramtest_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/loaphuong/loaphuong/bot/telegramtest"
)

const testToken = "7000000001:AAH-loaphuong-test-token"

var (
	lan  = telegramtest.User{ID: 356781234, FirstName: "Lan", LastName: "Nguyễn Thị", Username: "lan_nguyen", LanguageCode: "vi"}
	minh = telegramtest.User{ID: 498765432, FirstName: "Minh", LastName: "Trần", LanguageCode: "vi"}
	// A supergroup of neighbours, with a Vietnamese title.
	toDanPho = telegramtest.Chat{ID: -1001987654321, Type: "supergroup", Title: "Tổ dân phố 7"}
)

// start runs a server and a real go-telegram-bot-api client against it.
func start(t testing.TB) (*telegramtest.Server, *tgbotapi.BotAPI) {
	t.Helper()
	srv := telegramtest.NewServer(telegramtest.Options{Token: testToken})
	t.Cleanup(srv.Close)
	return srv, client(t, srv, http.DefaultClient)
}

func client(t testing.TB, srv *telegramtest.Server, hc tgbotapi.HTTPClient) *tgbotapi.BotAPI {
	t.Helper()
	bot, err := tgbotapi.NewBotAPIWithClient(testToken, srv.URL+"/bot%s/%s", hc)
	if err != nil {
		t.Fatalf("NewBotAPIWithClient: %v", err)
	}
	return bot
}

// deadline bounds a test's waiting, so that a missed wake-up fails instead of hanging.
func deadline(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// apiError asserts that the library decoded err into a *tgbotapi.Error.
func apiError(t testing.TB, err error) *tgbotapi.Error {
	t.Helper()
	var e *tgbotapi.Error
	if !errors.As(err, &e) {
		t.Fatalf("got error %v (%T), want a *tgbotapi.Error", err, err)
	}
	return e
}

// wantAPIError asserts an error's code and description.
func wantAPIError(t testing.TB, err error, code int, desc string) *tgbotapi.Error {
	t.Helper()
	e := apiError(t, err)
	if e.Code != code || e.Message != desc {
		t.Fatalf("got error %d %q, want %d %q", e.Code, e.Message, code, desc)
	}
	return e
}

// rawAnswer is an answer read without the library, to check the wire itself.
type rawAnswer struct {
	status int
	header http.Header
	body   []byte
	env    struct {
		Ok          bool            `json:"ok"`
		ErrorCode   int             `json:"error_code"`
		Description string          `json:"description"`
		Parameters  map[string]any  `json:"parameters"`
		Result      json.RawMessage `json:"result"`
	}
}

// post sends a form-encoded POST to /bot<token>/<method>.
func post(t testing.TB, srv *telegramtest.Server, token, method string, v url.Values) rawAnswer {
	t.Helper()
	resp, err := http.Post(srv.URL+"/bot"+token+"/"+method, "application/x-www-form-urlencoded", strings.NewReader(v.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	return readAnswer(t, resp)
}

func readAnswer(t testing.TB, resp *http.Response) rawAnswer {
	t.Helper()
	defer resp.Body.Close()
	var a rawAnswer
	a.status, a.header = resp.StatusCode, resp.Header
	var err error
	if a.body, err = io.ReadAll(resp.Body); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(a.body, &a.env); err != nil {
		t.Fatalf("answer %q is not JSON: %v", a.body, err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q, want application/json", ct)
	}
	if !a.env.Ok && a.env.ErrorCode != a.status {
		t.Errorf("HTTP status %d but error_code %d", a.status, a.env.ErrorCode)
	}
	return a
}

// assertASCII fails if the answer holds a raw non-ASCII byte: the real server escapes them.
func assertASCII(t testing.TB, body []byte) {
	t.Helper()
	for i, c := range body {
		if c >= 0x80 {
			t.Fatalf("non-ASCII byte at %d in %q", i, body)
		}
	}
}

// inFlight tells whether a request of that method has arrived and is not yet answered.
func inFlight(srv *telegramtest.Server, method string) bool {
	for _, r := range srv.Requests() {
		if r.Method == method && r.Status == 0 {
			return true
		}
	}
	return false
}

func inlineKeyboard(labelsAndData ...string) tgbotapi.InlineKeyboardMarkup {
	var row []tgbotapi.InlineKeyboardButton
	for i := 0; i+1 < len(labelsAndData); i += 2 {
		row = append(row, tgbotapi.NewInlineKeyboardButtonData(labelsAndData[i], labelsAndData[i+1]))
	}
	return tgbotapi.NewInlineKeyboardMarkup(row)
}
