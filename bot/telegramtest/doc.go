// Package telegramtest is a fake Telegram Bot API server for tests, benchmarks and the
// offline sandbox.
//
// It answers the way the real server does — form-encoded, multipart or JSON requests to
// /bot<token>/<method>, {"ok":...} envelopes whose HTTP status equals error_code, the real
// error descriptions, non-ASCII written as \u escapes, long-polled getUpdates with
// offsets — so that a bot driven against it through an ordinary client library exercises
// the same code paths as in production. Tests act as users (SendText, PressButton,
// InjectUpdate), inspect what the bot did (Requests, Messages, CallbackAnswers), and
// switch on the failures a real deployment meets (faults, blocked and migrated chats,
// flood limits, a slow network).
//
// Waiting is never done by sleeping: Wait re-evaluates a condition after every request
// the server answers and every update it queues.
//
// The package does not import "testing", so the sandbox can run it outside tests.
package telegramtest
