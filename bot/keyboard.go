package bot

import (
	"fmt"
	"strconv"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// Callback data is "action:arg:arg", kept short: Telegram allows 64 bytes.
// Areas are named by id, not code, because a code alone may fill 64 bytes.
// The data comes back from the client and may be forged, so every handler
// checks what it names.
const (
	cbNav    = "nav"  // nav:AREA:PAGE  show an area's children (AREA 0: the top)
	cbSub    = "sub"  // sub:AREA       subscribe
	cbUndo   = "undo" // undo:AREA      undo a subscription just made
	cbMore   = "more" // more           choose another area
	cbMine   = "mine" // mine           the list of subscriptions
	cbRemove = "rm"   // rm:AREA        unsubscribe from the list
	cbTopics = "tp"   // tp:AREA        the topics of a subscription
	cbToggle = "tg"   // tg:AREA:BIT    switch one topic on or off
	cbForget = "fg"   // fg             delete everything kept about the chat
	cbQuiet  = "qh"   // qh:CHOICE      set the chat's quiet hours (quietChoices)
)

// Officials' buttons. Each handler checks again that the user is an
// official and that the area or broadcast named is in their scope; the
// draft buttons act only on the draft's own message (store.Draft.MessageID).
const (
	cbBcNav       = "ba" // ba:AREA:PAGE       /broadcast: show the areas inside AREA (0: the top of one's scope)
	cbBcArea      = "bs" // bs:AREA            /broadcast: send to AREA; next, the topic
	cbBcTopic     = "bt" // bt:TOPIC           /broadcast: the topic (one store.Topic bit); next, the text
	cbBcUrgent    = "bu" // bu                 /broadcast: switch urgent on or off
	cbBcNow       = "bn" // bn                 /broadcast: send as soon as confirmed
	cbBcLater     = "bl" // bl                 /broadcast: ask for a time
	cbBcBack      = "bb" // bb                 /broadcast: back from the time question to the preview
	cbBcSend      = "bk" // bk                 /broadcast: confirm
	cbBcCancel    = "bx" // bx                 /broadcast: abandon the draft
	cbInvNav      = "ia" // ia:AREA:PAGE       /invite: show the areas inside AREA (0: the top of one's scope)
	cbInvMake     = "ic" // ic:AREA            /invite: make an invite for AREA (0: an admin invite)
	cbOfficials   = "ol" // ol:PAGE            /officials: a page of the list
	cbRevoke      = "rv" // rv:USER:AREA:PAGE  /officials: revoke USER's role on AREA
	cbHistCancel  = "hc" // hc:BROADCAST       /history: cancel a pending broadcast
	cbHistRefresh = "hr" // hr                 /history: show the list again
	cbPosterNav   = "pa" // pa:AREA:PAGE       /poster: show the areas inside AREA (0: the top of one's scope)
	cbPosterMake  = "pp" // pp:AREA            /poster: make the poster of AREA
)

// The buttons of /sources. The list's buttons name a source by id and are
// checked against the presser's scope; the adding buttons act only on the
// draft's own message, like /broadcast's.
const (
	cbSrcList      = "sl" // sl:PAGE          a page of the list
	cbSrcAdd       = "sa" // sa               start adding a source: ask for its URL
	cbSrcNav       = "sn" // sn:AREA:PAGE     the areas inside AREA (0: the top of one's scope)
	cbSrcPick      = "sp" // sp:AREA          feed AREA too
	cbSrcUnpick    = "su" // su:AREA          feed AREA no more
	cbSrcMore      = "sm" // sm               choose another area
	cbSrcChosen    = "sc" // sc               back to the areas chosen
	cbSrcAreasDone = "sk" // sk               the areas are chosen; next, the topic
	cbSrcTopic     = "st" // st:TOPIC         news or announcements; next, the confirmation
	cbSrcEvery     = "si" // si               the next polling interval
	cbSrcConfirm   = "sy" // sy               add the source
	cbSrcCancel    = "sx" // sx               abandon adding it
	cbSrcPause     = "sz" // sz:SOURCE:PAGE   pause or resume
	cbSrcRemove    = "sd" // sd:SOURCE:PAGE   ask whether to remove
	cbSrcRemoveYes = "se" // se:SOURCE:PAGE   remove
)

// pageSize is how many child areas one page of buttons shows.
const pageSize = 8

// data builds callback data.
func data(action string, args ...int64) string {
	var b strings.Builder
	b.WriteString(action)
	for _, a := range args {
		b.WriteByte(':')
		b.WriteString(strconv.FormatInt(a, 10))
	}
	return b.String()
}

// parseData splits callback data into its action and numeric arguments; ok
// is false when it is not data this bot made.
func parseData(s string, want int) (action string, args []int64, ok bool) {
	parts := strings.Split(s, ":")
	if len(parts)-1 != want {
		return parts[0], nil, false
	}
	for _, p := range parts[1:] {
		n, err := strconv.ParseInt(p, 10, 64)
		if err != nil || n < 0 {
			return parts[0], nil, false
		}
		args = append(args, n)
	}
	return parts[0], args, true
}

// keyboard collects rows of inline buttons.
type keyboard struct {
	rows [][]tgbotapi.InlineKeyboardButton
}

func (k *keyboard) row(buttons ...tgbotapi.InlineKeyboardButton) {
	if len(buttons) > 0 {
		k.rows = append(k.rows, buttons)
	}
}

// markup returns the keyboard to send, or nil when it has no buttons.
func (k *keyboard) markup() *tgbotapi.InlineKeyboardMarkup {
	if len(k.rows) == 0 {
		return nil
	}
	return &tgbotapi.InlineKeyboardMarkup{InlineKeyboard: k.rows}
}

func button(text, data string) tgbotapi.InlineKeyboardButton {
	return tgbotapi.NewInlineKeyboardButtonData(text, data)
}

func buttonf(format, name, data string) tgbotapi.InlineKeyboardButton {
	return button(fmt.Sprintf(format, name), data)
}
